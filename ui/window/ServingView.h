#pragma once
// The serving view (docs/MODEL.md §11), a tab beside the batch charts: the prompt and output
// lengths and the TTFT / TPOT targets, one line per decoder scenario with the recommendation (the
// highest output tokens/s within the targets) and its KV-cache wall, and the four serving charts
// (ServingChart). Non-decoder scenarios have no curve here; the view says so when none has one.
#include "model/ExplorerTypes.h"

#include <QWidget>
#include <array>

class QLabel;
class QSpinBox;
class QDoubleSpinBox;

namespace bs {

class ServingChart;

class ServingView : public QWidget {
    Q_OBJECT
  public:
    explicit ServingView(QWidget* parent = nullptr);

    /// Charts follow the snapshot only while the view is shown; a hidden view catches up (one
    /// full rebuild) when it is shown again, so the batch charts' slider steps do not pay for it.
    void setSnapshot(const ExplorerSnapshot& s, unsigned changes);
    void setDarkTheme(bool dark);
    const std::array<ServingChart*, 4>& charts() const { return charts_; }
    ServingSettings settings() const;
    /// Sets the boxes without emitting settingsChanged.
    void setSettings(const ServingSettings& s);
    /// The recommendation lines' text, one per decoder scenario (or the hint when there is none).
    QString recommendationText() const;
    /// "best batch 48: 2,950 output tokens/s, 61.5 per user (TTFT 412 ms, TPOT 16.3 ms); KV wall
    /// 212" — or why no batch qualifies.
    static QString recommendation(const EvaluatedScenario& sc, const ServingSettings& settings);

  signals:
    void settingsChanged(const bs::ServingSettings& settings);
    void batchClicked(int batch);

  protected:
    void showEvent(QShowEvent* event) override;

  private:
    void updateLines(const ExplorerSnapshot& s);

    QSpinBox* input_;
    QSpinBox* output_;
    QDoubleSpinBox* ttft_;
    QDoubleSpinBox* tpot_;
    QLabel* lines_;
    std::array<ServingChart*, 4> charts_;
    ExplorerSnapshot snap_;
    bool stale_ = false; ///< a snapshot arrived while hidden
};

} // namespace bs
