#include "charts/LatencyThroughputChart.h"

#include <QChart>
#include <QGraphicsSimpleTextItem>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QScatterSeries>
#include <algorithm>

namespace bs {

LatencyThroughputChart::LatencyThroughputChart(QWidget* parent) : SnapshotChart(parent) {}

QPointF LatencyThroughputChart::value(const EvaluatedScenario& sc, const Totals& t) {
    return {t.throughput_per_s * sc.throughputScale * sampleUnit(sc).perSample(), t.latency_s * 1e3};
}

QPointF LatencyThroughputChart::measuredValue(const EvaluatedScenario& sc, const PointComparison& p) {
    return {p.measured.throughput_per_s() * sc.throughputScale * sampleUnit(sc).perSample(),
            p.measured.latency_s * 1e3};
}

void LatencyThroughputChart::rebuild() {
    resetChart(QStringLiteral("<b>Latency vs throughput</b> — one point per batch<br><small>★ recommended "
                              "batch &nbsp;● current batch &nbsp;– – ✕ does not fit in device memory") +
               MeasuredOverlay::legend(snapshot()) + QStringLiteral("</small>"));
    sweep_.reset();
    const UnitWords words = unitWords(snapshot());
    ax_ = makeLogAxis(10, QStringLiteral("throughput (%1)").arg(words.rate), QStringLiteral("%.0f"));
    ay_ = makeLogAxis(10, words.latency + QStringLiteral(" (ms)"), QStringLiteral("%g"));
    setAxes(ax_, ay_);
    fitRanges(true);
    const ExplorerSnapshot& s = snapshot();
    curves_.clear();
    recommended_.clear();
    recommendedLabels_.clear();
    for (std::size_t i = 0; i < s.scenarios.size(); ++i)
        if (usable(s.scenarios[i])) curves_.push_back(sweep_.add(static_cast<int>(i), value, true));
    notFit_ = sweep_.addNotFitting(value);
    measured_.add(measuredValue);

    budget_ = new QLineSeries;
    budget_->setName(QStringLiteral("latency budget"));
    attach(budget_, true);
    budget_->setPen(QPen(QColor(230, 120, 0), 1.8, Qt::DashLine));
    budgetLabel_ =
        addLabel(QString(), QPointF(1, 1), Qt::AlignLeft | Qt::AlignTop, QColor(230, 120, 0), true);
    avoidData(budgetLabel_);

    for (const SweepCurve& c : curves_) {
        const EvaluatedScenario& sc = s.scenarios[static_cast<std::size_t>(c.scenario)];
        auto* star = new QScatterSeries;
        attach(star, false);
        star->setMarkerShape(QScatterSeries::MarkerShapeStar);
        star->setMarkerSize(24);
        star->setColor(sc.color);
        star->setBorderColor(textColor());
        star->setPen(QPen(textColor(), 1.2));
        recommended_.push_back(star);
        recommendedLabels_.push_back(
            addLabel(QString(), QPointF(1, 1), Qt::AlignRight | Qt::AlignTop, sc.color.darker(110), false));
        avoidData(recommendedLabels_.back());
    }
    placeBudget();
}

void LatencyThroughputChart::fitRanges(bool refit) {
    const ExplorerSnapshot& s = snapshot();
    LogExtent e;
    const auto widen = [&](const QPointF& v) {
        if (logSafe(v)) e.widen(v); // both coordinates or neither
    };
    // Batches that do not fit stay out of the scale (they are drawn at its edge): a KV cache that
    // overflows at batch 4096 would stretch the latency axis to 10⁶ ms and squash the rest.
    bool anyFits = false;
    for (const EvaluatedScenario& sc : s.scenarios)
        if (usable(sc))
            for (const SweepPoint& p : sc.sweep)
                anyFits = anyFits || p.totals.fitsMemory;
    for (const EvaluatedScenario& sc : s.scenarios) {
        if (!usable(sc)) continue;
        for (const SweepPoint& p : sc.sweep)
            if (p.totals.fitsMemory || !anyFits) widen(value(sc, p.totals));
        if (sc.current.totals.fitsMemory || !anyFits) widen(value(sc, sc.current.totals));
        if (sc.measured.comparison)
            for (const PointComparison& p : sc.measured.comparison->points)
                widen(measuredValue(sc, p));
    }
    e.orDecade();
    if (s.latencyBudget_s && *s.latencyBudget_s > 0) e.widenY(*s.latencyBudget_s * 1e3);
    // A margin of a fifth of a decade keeps end points and the star off the plot border.
    double xlo = decadeFloor(e.xlo / 1.6), xhi = decadeCeil(e.xhi * 1.6);
    double ylo = decadeFloor(e.ylo / 1.6), yhi = decadeCeil(e.yhi * 1.6);
    if (!refit) {
        const auto [oxlo, oxhi] = axisRange(ax_);
        const auto [oylo, oyhi] = axisRange(ay_);
        xlo = std::min(xlo, oxlo), xhi = std::max(xhi, oxhi);
        ylo = std::min(ylo, oylo), yhi = std::max(yhi, oyhi);
    }
    const bool changedX = setRangeIfChanged(ax_, xlo, xhi);
    const bool changedY = setRangeIfChanged(ay_, ylo, yhi);
    if ((changedX || changedY) && !refit) {
        placeBudget();
        placeLabels();
    }
}

void LatencyThroughputChart::placeBudget() {
    const ExplorerSnapshot& s = snapshot();
    const bool on = s.latencyBudget_s && *s.latencyBudget_s > 0;
    const auto [xlo, xhi] = axisRange(ax_);
    QList<QPointF> line;
    if (on) line = {QPointF(xlo, *s.latencyBudget_s * 1e3), QPointF(xhi, *s.latencyBudget_s * 1e3)};
    replaceIfChanged(budget_, line);
    budget_->setVisible(on);
    for (QLegendMarker* m : chart()->legend()->markers(budget_))
        m->setVisible(on);
    budgetLabel_->setText(on ? QStringLiteral("latency budget ") + formatSeconds(*s.latencyBudget_s)
                             : QString());
    if (on) moveLabel(budgetLabel_, line.back());
    budgetLabel_->setVisible(on);

    for (std::size_t k = 0; k < curves_.size(); ++k) {
        const EvaluatedScenario& sc = s.scenarios[static_cast<std::size_t>(curves_[k].scenario)];
        QList<QPointF> star;
        if (sc.recommendedBatch)
            for (const SweepPoint& p : sc.sweep)
                if (p.totals.batch == *sc.recommendedBatch && logSafe(value(sc, p.totals)))
                    star = {value(sc, p.totals)};
        replaceIfChanged(recommended_[k], star);
        recommendedLabels_[k]->setText(star.isEmpty() ? QString()
                                                      : QStringLiteral("batch %1").arg(*sc.recommendedBatch));
        if (!star.isEmpty()) moveLabel(recommendedLabels_[k], star.front());
        recommendedLabels_[k]->setVisible(!star.isEmpty());
    }
}

void LatencyThroughputChart::updateBatch() {
    fitRanges(false);
    for (const SweepCurve& c : curves_)
        sweep_.moveCurrent(c, value);
}

void LatencyThroughputChart::updateBudget() {
    fitRanges(false);
    placeBudget();
    placeLabels(); // the stars moved: their labels look for free space again
}

QString LatencyThroughputChart::pointToolTip(const QPointF& chartPos) const {
    if (const auto [mi, mp] = measured_.nearest(measuredValue, chartPos); mp)
        return measured_.toolTip(mi, *mp);
    const auto [si, pi] = sweep_.nearest(curves_, value, chartPos);
    if (si < 0) return {};
    const EvaluatedScenario& sc = snapshot().scenarios[static_cast<std::size_t>(si)];
    const Totals& t = sc.sweep[static_cast<std::size_t>(pi)].totals;
    const SampleUnit u = sampleUnit(sc);
    const QString latencyIs = u.kind == SampleUnit::Kind::DecodeToken
                                  ? QStringLiteral("time per token: one decode step of the whole batch")
                              : u.kind == SampleUnit::Kind::PrefillTokens
                                  ? QStringLiteral("time to the first token: the batch's prompts in one pass")
                                  : QStringLiteral("one batch, all layers in sequence");
    QString tip =
        sweep_.pointHeader(si, t) +
        QStringLiteral("<br>latency <b>%1</b> <i>(%2)</i><br>throughput <b>%3 %4</b> <i>= %5 ÷ latency</i>")
            .arg(formatSeconds(t.latency_s), latencyIs, formatNumber(t.throughput_per_s * u.perSample()),
                 QString::fromLatin1(u.longRateName()),
                 u.kind == SampleUnit::Kind::PrefillTokens
                     ? QStringLiteral("batch × %1 prompt tokens").arg(u.tokensPerSample)
                     : QStringLiteral("batch"));
    if (sc.recommendedBatch && *sc.recommendedBatch == t.batch)
        tip += snapshot().latencyBudget_s
                   ? QStringLiteral("<br>★ recommended: highest throughput within the latency budget")
                   : QStringLiteral("<br>★ recommended: highest throughput among batches that fit");
    return tip;
}

QString LatencyThroughputChart::chartToolTip() const {
    return QStringLiteral(
        "<b>Latency vs throughput</b><br>Each point is one batch size: latency = time for one batch to "
        "pass through every layer; throughput = batch ÷ latency (inferences per second).<br>★ the "
        "recommended batch: highest throughput with latency within the budget (dashed line), or the "
        "highest throughput when no budget is set. ✕: does not fit in device memory.");
}

} // namespace bs
