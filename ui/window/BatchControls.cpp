#include "window/BatchControls.h"

#include "model/Explorer.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QToolTip>
#include <algorithm>
#include <cstdlib>
#include <functional>

namespace bs {

namespace {
// A QSpinBox drops a keystroke that takes the text past its maximum, so "5000" silently became
// "500". This one lets the text go out of range while typing and refuses it when the edit ends.
class BatchSpinBox : public QSpinBox {
  public:
    std::function<void(const QString&)> refused;

    QValidator::State validate(QString& input, int& pos) const override {
        bool ok = false;
        const int v = locale().toInt(input.trimmed(), &ok);
        if (ok && v > maximum()) return QValidator::Intermediate;
        return QSpinBox::validate(input, pos);
    }
    void fixup(QString& input) const override {
        bool ok = false;
        const int v = locale().toInt(input.trimmed(), &ok);
        if (ok && (v > maximum() || v < minimum()) && refused)
            refused(QObject::tr("Batch %1 is outside 1–%2: kept batch %3")
                        .arg(input.trimmed())
                        .arg(maximum())
                        .arg(value()));
        input = locale().toString(value());
    }
};
} // namespace

const std::vector<int>& BatchControls::stops() {
    return sweepGrid();
}

int BatchControls::nearestStop(int batch) {
    const auto& s = stops();
    const auto it = std::lower_bound(s.begin(), s.end(), batch);
    if (it == s.end()) return static_cast<int>(s.size()) - 1;
    if (it == s.begin()) return 0;
    // Nearest on the log scale the slider shows.
    const auto prev = std::prev(it);
    return static_cast<int>(
        (static_cast<double>(*it) / batch < static_cast<double>(batch) / *prev ? it : prev) - s.begin());
}

BatchControls::BatchControls(QWidget* parent) : QWidget(parent) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 0);
    auto* label = new QLabel(tr("&Batch"));
    slider_ = new QSlider(Qt::Horizontal);
    slider_->setObjectName(QStringLiteral("batchSlider"));
    slider_->setRange(0, static_cast<int>(stops().size()) - 1);
    slider_->setSingleStep(1);
    slider_->setPageStep(8); // one octave
    slider_->setMinimumWidth(160);
    slider_->setToolTip(tr("Batch size on a log scale, 1 to 4096. Arrow keys step to the next integer stop, "
                           "Page Up/Down one octave. Every chart and the layer table follow it."));
    label->setBuddy(slider_);
    auto* spin = new BatchSpinBox;
    spin->refused = [this](const QString& message) {
        QToolTip::showText(spin_->mapToGlobal(QPoint(0, spin_->height())), message, spin_);
        emit inputRefused(message);
    };
    spin_ = spin;
    spin_->setObjectName(QStringLiteral("batchSpin"));
    // The batch changes when the typing ends: "5000" must not pass through batches 5, 50 and 500.
    spin_->setKeyboardTracking(false);
    spin_->setRange(1, kMaxBatch);
    spin_->setToolTip(tr("Exact batch size (any integer 1–4096)."));
    auto* budgetLabel = new QLabel(tr("Latency &budget"));
    budget_ = new QDoubleSpinBox;
    budget_->setObjectName(QStringLiteral("latencyBudget"));
    budget_->setRange(0, 1e6);
    budget_->setDecimals(2);
    budget_->setSuffix(tr(" ms"));
    budget_->setSpecialValueText(tr("none"));
    budget_->setToolTip(
        tr("Largest acceptable latency per batch. The recommended batch is the highest-throughput "
           "batch within it (without a budget: the knee, the smallest batch at 95 % of the max "
           "throughput that fits memory). "
           "Drawn as a line on the latency/throughput chart."));
    budgetLabel->setBuddy(budget_);
    layout->addWidget(label);
    layout->addWidget(slider_, 1);
    layout->addWidget(spin_);
    layout->addSpacing(16);
    layout->addWidget(budgetLabel);
    layout->addWidget(budget_);
    perDevice_ = new QCheckBox(tr("Per &device"));
    perDevice_->setObjectName(QStringLiteral("perDevice"));
    perDevice_->setToolTip(
        tr("Throughput per device: each scenario's inferences (or tokens) per second ÷ its devices "
           "(tp × pp × ep × dp replicas), so a deployment on several devices compares with one device. "
           "Latency and energy per inference are unchanged."));
    layout->addSpacing(16);
    layout->addWidget(perDevice_);

    connect(slider_, &QSlider::valueChanged, this, [this](int pos) {
        setBatch(stops()[static_cast<std::size_t>(std::clamp(pos, 0, static_cast<int>(stops().size()) - 1))]);
    });
    connect(spin_, &QSpinBox::valueChanged, this, [this](int b) { setBatch(b); });
    connect(budget_, &QDoubleSpinBox::valueChanged, this,
            [this](double) { emit latencyBudgetChanged(latencyBudget_s()); });
    connect(perDevice_, &QCheckBox::toggled, this, &BatchControls::perDeviceChanged);
    setBatch(64);
}

void BatchControls::setBatch(int batch) {
    batch = std::clamp(batch, 1, kMaxBatch);
    {
        const QSignalBlocker a(slider_), b(spin_);
        slider_->setValue(nearestStop(batch));
        spin_->setValue(batch);
    }
    if (batch == batch_) return;
    batch_ = batch;
    emit batchChanged(batch);
}

std::optional<double> BatchControls::latencyBudget_s() const {
    const double ms = budget_->value();
    if (ms <= 0) return std::nullopt;
    return ms * 1e-3;
}

void BatchControls::setLatencyBudget_s(std::optional<double> budget) {
    budget_->setValue(budget ? *budget * 1e3 : 0.0);
}

} // namespace bs
