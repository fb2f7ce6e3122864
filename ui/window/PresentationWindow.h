#pragma once
// Presentation mode: the four charts full screen with large type, nothing else. Left/Right (or
// Up/Down) step the batch through the slider's stops, Space or the play button animates the batch
// sweep from 1 to 4096, Esc leaves. The charts here are their own instances fed by the same
// Explorer snapshots, so the main window is untouched underneath.
#include <QTimer>
#include <QWidget>

class QLabel;
class QPushButton;

namespace bs {

class MainWindow;
class SnapshotChart;
struct ExplorerSnapshot;

class PresentationWindow : public QWidget {
    Q_OBJECT
  public:
    explicit PresentationWindow(MainWindow* window, QWidget* parent = nullptr);
    /// Steps the batch `stops` slider stops (negative: down).
    void step(int stops);
    void setPlaying(bool on);
    bool isPlaying() const { return timer_.isActive(); }
    const std::vector<SnapshotChart*>& charts() const { return charts_; }
    /// Point size of the chart text (titles, axes, labels), chosen from the screen height.
    double fontPointSize() const { return fontPt_; }

  protected:
    void keyPressEvent(QKeyEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

  private:
    void onSnapshot(const ExplorerSnapshot& s, unsigned changes);
    void applyFonts(SnapshotChart* chart);

    MainWindow* window_;
    std::vector<SnapshotChart*> charts_;
    QLabel* batchLabel_;
    QLabel* legend_;
    QPushButton* play_;
    QTimer timer_;
    double fontPt_ = 16;
};

} // namespace bs
