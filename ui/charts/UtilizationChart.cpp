#include "charts/UtilizationChart.h"

#include <QChart>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QScatterSeries>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

namespace bs {

UtilizationChart::UtilizationChart(QWidget* parent) : SnapshotChart(parent) {}

QPointF UtilizationChart::value(const EvaluatedScenario&, const Totals& t) {
    return {static_cast<double>(t.batch), t.utilization * 100};
}

QPointF UtilizationChart::measuredValue(const EvaluatedScenario&, const PointComparison& p) {
    // The model's FLOPs in the measured time.
    return {static_cast<double>(p.measured.batch), p.measuredUtilization() * 100};
}

void UtilizationChart::rebuild() {
    resetChart(QStringLiteral("<b>Utilization vs batch</b> (FLOP-weighted)<br><small>● current batch "
                              "&nbsp;· – – ✕ batches that do not fit in device memory") +
               MeasuredOverlay::legend(snapshot()) + QStringLiteral("</small>"));
    sweep_.reset();
    auto* ax = makeLogAxis(2, QStringLiteral("batch size"), QStringLiteral("%d"));
    ay_ = new QValueAxis;
    ay_->setTitleText(QStringLiteral("utilization %"));
    ay_->setLabelFormat(QStringLiteral("%g"));
    setAxes(ax, ay_);
    const ExplorerSnapshot& s = snapshot();
    double top = 0, measuredTop = 0;
    for (const EvaluatedScenario& sc : s.scenarios) {
        if (!usable(sc)) continue;
        for (const SweepPoint& p : sc.sweep)
            top = std::max(top, p.totals.utilization * 100);
        top = std::max(top, sc.current.totals.utilization * 100);
        if (sc.measured.comparison)
            for (const PointComparison& p : sc.measured.comparison->points)
                measuredTop = std::max(measuredTop, measuredValue(sc, p).y());
    }
    // Headroom above the highest curve, never past 100 % unless the curve is (a model of Winograd
    // convolutions is credited with their direct FLOPs): the plateau must be readable.
    const double step = niceStep(std::max(top * 1.1, 1.0) / 5);
    top = std::min(std::max(100.0, std::ceil(top / step) * step),
                   std::ceil(std::max(top * 1.1, 1.0) / step) * step);
    // A measured point above the model's plateau (or above 100 %: the model counts FLOPs the
    // measured kernels skipped) stays in view.
    if (measuredTop > top) top = std::ceil(measuredTop * 1.05 / step) * step;
    ay_->setTickType(QValueAxis::TicksDynamic);
    ay_->setTickAnchor(0);
    ay_->setTickInterval(step);
    const auto [lo, hi] = batchAxisRange(s);
    setRangeIfChanged(ax, lo, hi);
    setRangeIfChanged(ay_, 0, top);

    curves_.clear();
    // Dots on a dense grid (1..4096 step 1) would merge into a thick line.
    const bool dots = s.sweepBatches.size() <= 24;
    for (std::size_t i = 0; i < s.scenarios.size(); ++i)
        if (usable(s.scenarios[i])) curves_.push_back(sweep_.add(static_cast<int>(i), value, dots));
    notFit_ = sweep_.addNotFitting(value);
    measured_.add(measuredValue);
    sweep_.addMemoryWalls(curves_);
    sweep_.addBatchLine();
}

void UtilizationChart::updateBatch() {
    sweep_.followBatch(curves_, value);
}

QString UtilizationChart::pointToolTip(const QPointF& chartPos) const {
    if (const auto [mi, mp] = measured_.nearest(measuredValue, chartPos); mp)
        return measured_.toolTip(mi, *mp) +
               QStringLiteral(
                   "<br>measured utilization <b>%1 %</b> <i>= the model's FLOPs ÷ (measured latency × "
                   "dense peak)</i>")
                   .arg(QString::number(mp->measuredUtilization() * 100, 'f', 1));
    const auto [si, pi] = sweep_.nearest(curves_, value, chartPos);
    if (si < 0) return {};
    const EvaluatedScenario& sc = snapshot().scenarios[static_cast<std::size_t>(si)];
    const Totals& t = sc.sweep[static_cast<std::size_t>(pi)].totals;
    return sweep_.pointHeader(si, t) +
           QStringLiteral("<br>utilization <b>%1 %</b> <i>= total FLOPs ÷ (latency × dense peak %2)</i>"
                          "<br>latency %3, throughput %4 %5")
               .arg(QString::number(t.utilization * 100, 'f', 1),
                    formatSi(t.peakFlops, QStringLiteral("FLOP/s")), formatSeconds(t.latency_s),
                    formatNumber(t.throughput_per_s * sampleUnit(sc).perSample()),
                    QString::fromLatin1(sampleUnit(sc).longRateName()));
}

QString UtilizationChart::chartToolTip() const {
    return QStringLiteral(
        "<b>Utilization vs batch</b><br>FLOP-weighted utilization = the model's FLOPs ÷ (latency × the "
        "chip's dense peak at the scenario's precision). It climbs while bigger batches fill the chip "
        "and flattens (the plateau) once layers are compute-bound.<br>Dashed with ✕: the batch needs more "
        "device memory than the chip has.");
}

} // namespace bs
