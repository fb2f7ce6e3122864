#pragma once
// The batch slider (log scale 1..4096, snapping to integers: every integer to 16, then 8 steps per
// octave; arrow keys step one position, Page Up/Down one octave), an exact batch spin box, and the
// latency budget.
#include <QWidget>
#include <optional>
#include <vector>

class QSlider;
class QSpinBox;
class QDoubleSpinBox;
class QLabel;

class QCheckBox;

namespace bs {

class BatchControls : public QWidget {
    Q_OBJECT
  public:
    explicit BatchControls(QWidget* parent = nullptr);
    int batch() const { return batch_; }
    void setBatch(int batch); ///< moves slider and spin box; emits batchChanged if it changed
    std::optional<double> latencyBudget_s() const;
    void setLatencyBudget_s(std::optional<double> budget);
    QSlider* slider() const { return slider_; }
    QSpinBox* spinBox() const { return spin_; }
    QDoubleSpinBox* budgetBox() const { return budget_; }
    QCheckBox* perDeviceBox() const { return perDevice_; }
    /// The slider's stops (shared with the sweep grid).
    static const std::vector<int>& stops();
    static int nearestStop(int batch);

  signals:
    void batchChanged(int batch);
    /// A typed batch outside 1–4096 was refused (the box keeps the batch it had): the message says so.
    void inputRefused(const QString& message);
    void latencyBudgetChanged(std::optional<double> budget_s);
    void perDeviceChanged(bool perDevice);

  private:
    QSlider* slider_;
    QSpinBox* spin_;
    QDoubleSpinBox* budget_;
    QCheckBox* perDevice_;
    int batch_ = 1;
};

} // namespace bs
