#include "window/ServingView.h"

#include "charts/ServingChart.h"

#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

namespace bs {

namespace {

QSpinBox* lengthBox(const QString& name, int value, const QString& tip) {
    auto* b = new QSpinBox;
    b->setObjectName(name);
    b->setRange(1, 131072);
    b->setValue(value);
    b->setSuffix(QStringLiteral(" tokens"));
    b->setKeyboardTracking(false); // typing "2048" must not compute 2, 20 and 204 first
    b->setToolTip(tip);
    return b;
}

QDoubleSpinBox* targetBox(const QString& name, const QString& tip) {
    auto* b = new QDoubleSpinBox;
    b->setObjectName(name);
    b->setRange(0, 1e6);
    b->setDecimals(1);
    b->setSuffix(QStringLiteral(" ms"));
    b->setSpecialValueText(QStringLiteral("none"));
    b->setKeyboardTracking(false);
    b->setToolTip(tip);
    return b;
}

std::optional<double> seconds(const QDoubleSpinBox* b) {
    return b->value() > 0 ? std::optional<double>(b->value() * 1e-3) : std::nullopt;
}

} // namespace

ServingView::ServingView(QWidget* parent)
    : QWidget(parent),
      input_(lengthBox(
          QStringLiteral("servingInput"), 1024,
          tr("Prompt tokens per sequence: the prefill each sequence needs before its first token."))),
      output_(lengthBox(QStringLiteral("servingOutput"), 256,
                        tr("Generated tokens per sequence (the first comes from the prefill)."))),
      ttft_(targetBox(QStringLiteral("ttftTarget"),
                      tr("Time-to-first-token target: the batch's prefill must take at most this long. "
                         "\"none\": no target."))),
      tpot_(targetBox(QStringLiteral("tpotTarget"),
                      tr("Time-per-output-token target: the mean decode step must take at most this "
                         "long (its inverse is the per-user speed). \"none\": no target."))),
      lines_(new QLabel), charts_{new ServingChart(ServingChart::Metric::Interactivity),
                                  new ServingChart(ServingChart::Metric::Ttft),
                                  new ServingChart(ServingChart::Metric::Tpot),
                                  new ServingChart(ServingChart::Metric::Memory)} {
    setObjectName(QStringLiteral("servingView"));
    auto* controls = new QHBoxLayout;
    controls->setContentsMargins(6, 2, 6, 0);
    const std::pair<QString, QWidget*> fields[] = {
        {tr("Prompt"), input_}, {tr("Output"), output_}, {tr("TTFT ≤"), ttft_}, {tr("TPOT ≤"), tpot_}};
    for (const auto& [text, box] : fields) {
        auto* label = new QLabel(text);
        label->setBuddy(box);
        controls->addWidget(label);
        controls->addWidget(box);
        controls->addSpacing(8);
    }
    controls->addStretch(1);
    lines_->setObjectName(QStringLiteral("servingLines"));
    lines_->setTextFormat(Qt::RichText);
    lines_->setWordWrap(true);
    lines_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    lines_->setContentsMargins(6, 0, 6, 2);
    auto* grid = new QGridLayout;
    grid->setSpacing(2);
    for (std::size_t i = 0; i < charts_.size(); ++i) {
        // Lower than the batch charts' minimum: the controls and the lines share the tab's height,
        // and the window must still fit a 1024×700 screen (tst_first_use).
        charts_[i]->setMinimumHeight(125);
        grid->addWidget(charts_[i], static_cast<int>(i / 2), static_cast<int>(i % 2));
        connect(charts_[i], &SnapshotChart::batchClicked, this, &ServingView::batchClicked);
    }
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(controls);
    // The lines scroll past two of them, so more decoder scenarios do not squeeze the charts.
    auto* scroll = new QScrollArea;
    scroll->setWidget(lines_);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setFixedHeight(2 * lines_->fontMetrics().lineSpacing() + 6);
    layout->addWidget(scroll);
    layout->addLayout(grid, 1);
    const auto changed = [this] { emit settingsChanged(settings()); };
    connect(input_, &QSpinBox::valueChanged, this, changed);
    connect(output_, &QSpinBox::valueChanged, this, changed);
    connect(ttft_, &QDoubleSpinBox::valueChanged, this, changed);
    connect(tpot_, &QDoubleSpinBox::valueChanged, this, changed);
}

ServingSettings ServingView::settings() const {
    ServingSettings s;
    s.lengths = {input_->value(), output_->value()};
    s.ttft_s = seconds(ttft_);
    s.tpot_s = seconds(tpot_);
    return s;
}

void ServingView::setSettings(const ServingSettings& s) {
    const QSignalBlocker b1(input_), b2(output_), b3(ttft_), b4(tpot_);
    input_->setValue(s.lengths.input);
    output_->setValue(s.lengths.output);
    ttft_->setValue(s.ttft_s ? *s.ttft_s * 1e3 : 0.0);
    tpot_->setValue(s.tpot_s ? *s.tpot_s * 1e3 : 0.0);
}

void ServingView::setSnapshot(const ExplorerSnapshot& s, unsigned changes) {
    snap_ = s;
    if (!isVisible()) {
        stale_ = true;
        return;
    }
    for (ServingChart* c : charts_)
        c->setSnapshot(s, changes);
    if (changes != ChangeBatch) updateLines(s);
}

void ServingView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (!stale_) return;
    stale_ = false;
    for (ServingChart* c : charts_)
        c->setSnapshot(snap_, ChangeAll);
    updateLines(snap_);
}

void ServingView::setDarkTheme(bool dark) {
    for (ServingChart* c : charts_)
        c->setDarkTheme(dark);
}

QString ServingView::recommendation(const EvaluatedScenario& sc, const ServingSettings& settings) {
    if (!sc.serving) return {};
    const ServingCurve& c = *sc.serving;
    if (!c.error.isEmpty()) return QStringLiteral("no generation: ") + c.error.toHtmlEscaped();
    QString wall;
    if (!c.maxBatch)
        wall = QStringLiteral("no KV-cache wall");
    else if (*c.maxBatch == 0)
        wall = QStringLiteral("<b>does not fit even at batch 1</b>");
    else
        wall = QStringLiteral("KV-cache wall at batch %1").arg(*c.maxBatch);
    const bool targets = settings.ttft_s || settings.tpot_s;
    if (!c.recommendedBatch)
        return (targets ? QStringLiteral("no batch meets the targets; ") : QString()) + wall;
    const GenerationPoint* best = nullptr;
    for (const GenerationPoint& p : c.sweep)
        if (p.batch == *c.recommendedBatch) best = &p;
    if (!best) return wall;
    return QStringLiteral("%1 batch <b>%2</b>: <b>%3</b> output tokens/s, %4 per user (TTFT %5, TPOT %6); %7")
        .arg(targets ? QStringLiteral("max throughput within the targets at")
                     : QStringLiteral("max throughput at"))
        .arg(best->batch)
        .arg(formatNumber(best->outputTokensPerS), formatNumber(best->outputTokensPerSPerUser),
             formatSeconds(best->ttft_s), formatSeconds(best->tpot_s), wall);
}

void ServingView::updateLines(const ExplorerSnapshot& s) {
    QStringList out;
    for (const EvaluatedScenario& sc : s.scenarios) {
        const QString r = recommendation(sc, s.serving);
        if (r.isEmpty()) continue;
        out << QStringLiteral("<span style=\"color:%1\">■</span> %2: %3")
                   .arg(sc.color.name(), sc.label.toHtmlEscaped(), r);
    }
    if (out.isEmpty())
        out << tr("No decoder LLM among the visible scenarios: add the <i>llm</i> model or a Hugging Face "
                  "config.json (Model → Open model…) to see its generation here.");
    lines_->setText(out.join(QStringLiteral("<br>")));
}

QString ServingView::recommendationText() const {
    return lines_->text();
}

} // namespace bs
