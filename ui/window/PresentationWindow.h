#pragma once
// Presentation mode: the four charts full screen with large type, nothing else. Left/Right (or
// Up/Down) step the batch through the slider's stops, Space or the play button animates the batch
// sweep from 1 to 4096, Esc leaves. The charts here are their own instances fed by the same
// Explorer snapshots, so the main window is untouched underneath.
#include <QTimer>
#include <QWidget>
#include <array>

class QLabel;
class QPushButton;
class QScreen;

namespace bs {

class BatchControls;
class ChartGrid;
class Explorer;
class SnapshotChart;
struct ExplorerSnapshot;

class PresentationWindow : public QWidget {
    Q_OBJECT
  public:
    /// Shows `explorer`'s snapshots and steps the batch through `batch` (the window's controls, so
    /// the window follows); sized for `screen`.
    PresentationWindow(Explorer* explorer, BatchControls* batch, const QScreen* screen,
                       QWidget* parent = nullptr);
    /// Steps the batch `stops` slider stops (negative: down).
    void step(int stops);
    void setPlaying(bool on);
    bool isPlaying() const { return timer_.isActive(); }
    const std::array<SnapshotChart*, 4>& charts() const;
    /// Point size of the chart text (titles, axes, labels), chosen from the screen height.
    double fontPointSize() const { return fontPt_; }
    /// The one legend line naming every scenario in its colour.
    QLabel* legendLabel() const { return legend_; }

  protected:
    void keyPressEvent(QKeyEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

  private:
    void onSnapshot(const ExplorerSnapshot& s, unsigned changes);
    void applyFonts(SnapshotChart* chart);
    void fitLegend();

    Explorer* explorer_;
    BatchControls* batch_;
    ChartGrid* grid_;
    QLabel* batchLabel_;
    QLabel* legend_;
    QPushButton* play_;
    QTimer timer_;
    double fontPt_ = 16;
};

} // namespace bs
