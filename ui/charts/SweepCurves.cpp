#include "charts/SweepCurves.h"

#include <QGraphicsSimpleTextItem>
#include <QLineSeries>
#include <QPen>
#include <cmath>

namespace bs {

SweepCurves::SweepCurves(SnapshotChart& chart) : chart_(chart) {}

void SweepCurves::reset() {
    batchLine_ = nullptr; // the chart's reset deleted its series and labels
    batchLabel_ = nullptr;
}

CurveSource SweepCurves::sweepSource(const TotalsToValue& xy) {
    CurveSource src;
    if (xy) {
        src.points = [xy](const EvaluatedScenario& sc) {
            std::vector<CurvePoint> out;
            out.reserve(sc.sweep.size());
            for (const SweepPoint& p : sc.sweep)
                out.push_back({xy(sc, p.totals), p.totals.fitsMemory});
            return out;
        };
        src.current = [xy](const EvaluatedScenario& sc) {
            return CurvePoint{xy(sc, sc.current.totals), sc.current.totals.fitsMemory};
        };
    }
    src.largestFitting = [](const EvaluatedScenario& sc) { return largestFittingBatch(sc); };
    return src;
}

SweepCurve SweepCurves::add(int index, const CurveSource& source, bool pointsVisible) {
    const EvaluatedScenario& sc = chart_.snapshot().scenarios[static_cast<std::size_t>(index)];
    SweepCurve c;
    c.scenario = index;
    c.fits = new QLineSeries;
    c.beyond = new QLineSeries;
    // A marker image, not a QScatterSeries: its ellipse is stroked with antialiasing on every
    // repaint, a measurable share of a slider step across three charts × four scenarios.
    c.current = makeGlyphSeries(MarkerGlyph::Circle, 13, sc.color, chart_.textColor());
    c.fits->setName(sc.label);
    // Memory use grows with batch, so the batches that do not fit form the tail of the sweep; the
    // dashed part starts at the last batch that fits so the curve stays connected.
    QList<QPointF> fits, beyond;
    QPointF lastFit(qQNaN(), qQNaN());
    for (const CurvePoint& p : source.points(sc)) {
        if (!p.fits && !source.drawBeyond) break;
        const QPointF v = p.fits ? p.value : chart_.clampToAxes(p.value);
        if (!chart_.drawable(v)) continue;
        if (p.fits && beyond.isEmpty()) {
            fits << v;
            lastFit = v;
        } else {
            if (beyond.isEmpty() && !std::isnan(lastFit.x())) beyond << lastFit;
            beyond << v;
        }
    }
    c.fits->append(fits);
    c.beyond->append(beyond);
    chart_.attachScenarioKey(c.fits);
    chart_.attach(c.beyond, false);
    chart_.attach(c.current, false);
    c.fits->setPen(QPen(sc.color, 2.2));
    c.beyond->setPen(QPen(sc.color, 1.6, Qt::DashLine));
    c.fits->setPointsVisible(pointsVisible);
    c.beyond->setPointsVisible(pointsVisible);
    moveCurrent(c, source);
    return c;
}

void SweepCurves::moveCurrent(const SweepCurve& curve, const CurveSource& source) {
    const EvaluatedScenario& sc = chart_.snapshot().scenarios[static_cast<std::size_t>(curve.scenario)];
    const CurvePoint p = source.current(sc);
    const QPointF v = p.fits ? p.value : chart_.clampToAxes(p.value);
    QList<QPointF> pts;
    if (chart_.drawable(v) && (p.fits || source.drawBeyond)) pts << v;
    replaceIfChanged(curve.current, pts);
}

QLineSeries* SweepCurves::addNotFitting(const CurveSource& source, bool (*drawn)(const EvaluatedScenario&)) {
    QList<QPointF> pts;
    for (const EvaluatedScenario& sc : chart_.snapshot().scenarios) {
        if (!drawn(sc)) continue;
        for (const CurvePoint& p : source.points(sc)) {
            if (p.fits) continue;
            const QPointF v = chart_.clampToAxes(p.value);
            if (chart_.drawable(v)) pts << v;
        }
    }
    auto* s = makeGlyphSeries(MarkerGlyph::Cross, 13, QColor(214, 39, 40), chart_.markerBorder());
    s->setName(QStringLiteral("does not fit in device memory"));
    s->append(pts);
    chart_.attach(s, !pts.isEmpty());
    return s;
}

void SweepCurves::addMemoryWalls(const std::vector<SweepCurve>& curves, const CurveSource& source,
                                 const QString& format) {
    const auto [xlo, xhi] = axisRange(chart_.axisX());
    const auto [ylo, yhi] = axisRange(chart_.axisY());
    for (const SweepCurve& c : curves) {
        const EvaluatedScenario& sc = chart_.snapshot().scenarios[static_cast<std::size_t>(c.scenario)];
        const auto largest = source.largestFitting(sc);
        if (!largest || *largest < 1 || static_cast<double>(*largest) >= xhi ||
            static_cast<double>(*largest) < xlo)
            continue;
        const double x = static_cast<double>(*largest);
        auto* wall = new QLineSeries;
        wall->append({QPointF(x, ylo), QPointF(x, yhi)});
        chart_.attach(wall, false);
        wall->setPen(QPen(sc.color, 1.4, Qt::DotLine));
        chart_.avoidData(chart_.addLabel(format.arg(*largest), QPointF(x, yhi),
                                         Qt::AlignLeft | Qt::AlignBottom, sc.color.darker(115), true));
    }
}

void SweepCurves::addBatchLine() {
    batchLine_ = new QLineSeries;
    chart_.attach(batchLine_, false);
    batchLine_->setPen(QPen(chart_.mutedColor(), 1.2, Qt::DashLine));
    batchLabel_ =
        chart_.addLabel(QString(), QPointF(1, 1), Qt::AlignRight | Qt::AlignBottom, chart_.textColor(), true);
    moveBatchLine();
}

void SweepCurves::followBatch(const std::vector<SweepCurve>& curves, const CurveSource& source) {
    const auto [lo, hi] = axisRange(chart_.axisX());
    const double b = chart_.snapshot().batch;
    if (b < lo || b > hi) {
        const auto [nlo, nhi] = batchAxisRange(chart_.snapshot());
        setRangeIfChanged(chart_.axisX(), nlo, nhi);
        chart_.placeLabels();
    }
    for (const SweepCurve& c : curves)
        moveCurrent(c, source);
    moveBatchLine();
}

void SweepCurves::moveBatchLine() {
    if (!batchLine_) return;
    const auto [lo, hi] = axisRange(chart_.axisY());
    const double b = chart_.snapshot().batch;
    replaceIfChanged(batchLine_, {QPointF(b, lo), QPointF(b, hi)});
    batchLabel_->setText(QStringLiteral("batch %1").arg(chart_.snapshot().batch));
    chart_.moveLabel(batchLabel_, QPointF(b, hi));
}

std::pair<int, int> SweepCurves::nearest(const std::vector<SweepCurve>& curves, const CurveSource& source,
                                         const QPointF& chartPos) const {
    std::vector<QPointF> px;
    std::vector<std::pair<int, int>> ids;
    for (const SweepCurve& c : curves) {
        const EvaluatedScenario& sc = chart_.snapshot().scenarios[static_cast<std::size_t>(c.scenario)];
        const std::vector<CurvePoint> points = source.points(sc);
        for (std::size_t i = 0; i < points.size(); ++i) {
            if (!points[i].fits && !source.drawBeyond) continue;
            const QPointF v = points[i].fits ? points[i].value : chart_.clampToAxes(points[i].value);
            if (!chart_.drawable(v)) continue;
            px.push_back(chart_.toChart(v));
            ids.emplace_back(c.scenario, static_cast<int>(i));
        }
    }
    const int k = nearestIndex(px, chartPos, 8);
    return k < 0 ? std::pair<int, int>{-1, -1} : ids[static_cast<std::size_t>(k)];
}

int SweepCurves::batchAt(const std::vector<SweepCurve>& curves, const CurveSource& source,
                         const QPointF& chartPos) const {
    const auto [si, pi] = nearest(curves, source, chartPos);
    const std::vector<int>& grid = chart_.snapshot().sweepBatches;
    if (si < 0 || pi >= static_cast<int>(grid.size())) return -1;
    return grid[static_cast<std::size_t>(pi)];
}

QString SweepCurves::pointHeader(int scenario, const Totals& t) const {
    const EvaluatedScenario& sc = chart_.snapshot().scenarios[static_cast<std::size_t>(scenario)];
    QString s = QStringLiteral("<b>%1</b><br>batch %2").arg(sc.label.toHtmlEscaped()).arg(t.batch);
    s += t.fitsMemory ? QStringLiteral(" — fits: ") : QStringLiteral(" — <b>does not fit</b>: ");
    const double gib = 1024.0 * 1024.0 * 1024.0;
    s += QStringLiteral("%1 GiB of %2 GiB")
             .arg(t.peakMemoryBytes / gib, 0, 'g', 3)
             .arg(sc.hardware->dram.capacity.value, 0, 'g', 4) +
         QStringLiteral(" device memory (parameters + peak live activations + state)");
    return s;
}

} // namespace bs
