#include "charts/ServingChart.h"

#include <QAreaSeries>
#include <QChart>
#include <QGraphicsSimpleTextItem>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QScatterSeries>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <set>

namespace bs {

namespace {

const QColor kTargetColor(230, 120, 0);

CurveSource servingSource(ServingChart::Metric m) {
    CurveSource src;
    src.points = [m](const EvaluatedScenario& sc) {
        std::vector<CurvePoint> out;
        if (!sc.serving) return out;
        out.reserve(sc.serving->sweep.size());
        for (const GenerationPoint& p : sc.serving->sweep)
            out.push_back({ServingChart::value(m, sc, p), p.fitsMemory});
        return out;
    };
    src.current = [m](const EvaluatedScenario& sc) {
        return CurvePoint{ServingChart::value(m, sc, sc.serving->current), sc.serving->current.fitsMemory};
    };
    src.largestFitting = [](const EvaluatedScenario& sc) {
        return sc.serving ? sc.serving->maxBatch : std::nullopt;
    };
    // Without a batch axis, points past the wall would pile up along the edge: the curve ends at
    // the wall's square instead, as on the charts vendors publish.
    src.drawBeyond = m != ServingChart::Metric::Interactivity;
    return src;
}

const GenerationPoint* pointAt(const EvaluatedScenario& sc, int batch) {
    for (const GenerationPoint& p : sc.serving->sweep)
        if (p.batch == batch) return &p;
    return nullptr;
}

QString gb(double bytes) {
    return QString::number(bytes / 1e9, 'f', bytes < 10e9 ? 2 : 1) + QStringLiteral(" GB");
}

} // namespace

ServingChart::ServingChart(Metric metric, QWidget* parent)
    : SnapshotChart(parent), metric_(metric), source_(servingSource(metric)) {}

ChartKind ServingChart::kind() const {
    switch (metric_) {
    case Metric::Interactivity:
        return ChartKind::Interactivity;
    case Metric::Ttft:
        return ChartKind::Ttft;
    case Metric::Tpot:
        return ChartKind::Tpot;
    case Metric::Memory:
        return ChartKind::ServingMemory;
    }
    return ChartKind::Interactivity;
}

QPointF ServingChart::value(Metric metric, const EvaluatedScenario& sc, const GenerationPoint& p) {
    switch (metric) {
    case Metric::Interactivity: // a replica's tokens/s shared by its tp × pp × ep devices
        return {p.outputTokensPerSPerUser, p.outputTokensPerS / sc.parallel.devices()};
    case Metric::Ttft:
        return {static_cast<double>(p.batch), p.ttft_s * 1e3};
    case Metric::Tpot:
        return {static_cast<double>(p.batch), p.tpot_s * 1e3};
    case Metric::Memory:
        return {static_cast<double>(p.batch), p.peakMemoryBytes / 1e9};
    }
    return {};
}

QString ServingChart::title() const {
    const GenerationLengths& l = snapshot().serving.lengths;
    const QString lengths = QStringLiteral("%1 prompt → %2 output tokens").arg(l.input).arg(l.output);
    switch (metric_) {
    case Metric::Interactivity:
        return QStringLiteral("<b>Throughput vs interactivity</b> — %1<br><small>one point per batch "
                              "&nbsp;★ best within targets &nbsp;■ KV-cache wall (the curve ends there) "
                              "&nbsp;● current batch</small>")
            .arg(lengths);
    case Metric::Ttft:
        return QStringLiteral("<b>Time to first token vs batch</b> — %1<br><small>shaded: batches that "
                              "meet both targets &nbsp;★ best &nbsp;⋮ KV-cache wall</small>")
            .arg(lengths);
    case Metric::Tpot:
        return QStringLiteral("<b>Time per output token vs batch</b> — %1<br><small>shaded: batches that "
                              "meet both targets &nbsp;★ best &nbsp;⋮ KV-cache wall</small>")
            .arg(lengths);
    case Metric::Memory:
        return QStringLiteral("<b>Memory vs batch</b> — weights + KV cache + activations<br><small>"
                              "dashed: each chip's memory &nbsp;⋮ KV-cache wall</small>");
    }
    return {};
}

void ServingChart::rebuild() {
    resetChart(title());
    sweep_.reset();
    curves_.clear();
    recommended_.clear();
    shading_.clear();
    target_ = nullptr;
    QAbstractAxis* x = batchAxis()
                           ? static_cast<QAbstractAxis*>(makeLogAxis(
                                 2, QStringLiteral("batch (concurrent sequences)"), QStringLiteral("%d")))
                           : makeLogAxis(10, QStringLiteral("tokens/s per user"), QStringLiteral("%g"));
    QAbstractAxis* y = nullptr;
    switch (metric_) {
    case Metric::Interactivity:
        y = makeLogAxis(10, QStringLiteral("tokens/s per device"), QStringLiteral("%g"));
        break;
    case Metric::Ttft:
        y = makeLogAxis(10, QStringLiteral("TTFT (ms)"), QStringLiteral("%g"));
        break;
    case Metric::Tpot:
        y = makeLogAxis(10, QStringLiteral("TPOT (ms)"), QStringLiteral("%g"));
        break;
    case Metric::Memory: {
        auto* v = new QValueAxis;
        v->setTitleText(QStringLiteral("memory (GB)"));
        v->setLabelFormat(QStringLiteral("%g"));
        y = v;
        break;
    }
    }
    setAxes(x, y);
    fitRanges(x, y);
    const ExplorerSnapshot& s = snapshot();
    // Shading first: it lies under the curves.
    if (batchAxis() && metric_ != Metric::Memory) addShading();
    for (std::size_t i = 0; i < s.scenarios.size(); ++i)
        if (servingUsable(s.scenarios[i]))
            curves_.push_back(sweep_.add(static_cast<int>(i), source_, s.sweepBatches.size() <= 24));
    notFit_ = source_.drawBeyond ? sweep_.addNotFitting(source_, servingUsable) : nullptr;
    if (metric_ == Metric::Memory) addCapacities();
    addTarget();
    addRecommended();
    if (batchAxis()) {
        sweep_.addMemoryWalls(curves_, source_, QStringLiteral("KV wall %1"));
        sweep_.addBatchLine();
    } else {
        addKvWallMarks();
    }
}

void ServingChart::fitRanges(QAbstractAxis* x, QAbstractAxis* y) {
    const ExplorerSnapshot& s = snapshot();
    LogExtent e;
    // As on the latency chart, batches beyond the KV wall stay out of the scale (they are drawn
    // at its edge), unless nothing fits at all.
    bool anyFits = false;
    for (const EvaluatedScenario& sc : s.scenarios)
        if (servingUsable(sc))
            for (const GenerationPoint& p : sc.serving->sweep)
                anyFits = anyFits || p.fitsMemory;
    for (const EvaluatedScenario& sc : s.scenarios) {
        if (!servingUsable(sc)) continue;
        for (const GenerationPoint& p : sc.serving->sweep)
            if (p.fitsMemory || !anyFits) e.widen(value(metric_, sc, p));
        if (metric_ == Metric::Memory) e.widenY(sc.hardware->dramCapacityBytes() / 1e9);
    }
    e.orDecade();
    const std::optional<double> ttft = s.serving.ttft_s, tpot = s.serving.tpot_s;
    if (metric_ == Metric::Ttft && ttft) e.widenY(*ttft * 1e3);
    if (metric_ == Metric::Tpot && tpot) e.widenY(*tpot * 1e3);
    if (metric_ == Metric::Interactivity && tpot) e.widenX(1 / *tpot);
    if (batchAxis()) {
        const auto [blo, bhi] = batchAxisRange(s);
        setRangeIfChanged(x, blo, bhi);
    } else {
        setRangeIfChanged(x, decadeFloor(e.xlo / 1.6), decadeCeil(e.xhi * 1.6));
    }
    if (metric_ == Metric::Memory) {
        auto* v = static_cast<QValueAxis*>(y);
        const double step = niceStep(e.yhi * 1.15 / 5);
        v->setTickType(QValueAxis::TicksDynamic);
        v->setTickAnchor(0);
        v->setTickInterval(step);
        setRangeIfChanged(y, 0, std::ceil(e.yhi * 1.15 / step) * step);
    } else {
        setRangeIfChanged(y, decadeFloor(e.ylo / 1.6), decadeCeil(e.yhi * 1.6));
    }
}

void ServingChart::addShading() {
    const ExplorerSnapshot& s = snapshot();
    if (!s.serving.ttft_s && !s.serving.tpot_s) return; // without targets every batch would qualify
    const auto [ylo, yhi] = axisRange(axisY());
    for (const EvaluatedScenario& sc : s.scenarios) {
        if (!servingUsable(sc)) continue;
        const std::vector<GenerationPoint>& pts = sc.serving->sweep;
        // One area per run of consecutive grid batches that fit and meet both targets.
        for (std::size_t i = 0; i < pts.size();) {
            if (!pts[i].fitsMemory || !meetsTargets(pts[i], s.serving.ttft_s, s.serving.tpot_s)) {
                ++i;
                continue;
            }
            std::size_t j = i;
            while (j + 1 < pts.size() && pts[j + 1].fitsMemory &&
                   meetsTargets(pts[j + 1], s.serving.ttft_s, s.serving.tpot_s))
                ++j;
            // A run of one batch still gets a visible band: half a grid step either side.
            const double x0 = pts[i].batch / (i == j ? 1.04 : 1.0), x1 = pts[j].batch * (i == j ? 1.04 : 1.0);
            auto* upper = new QLineSeries(this);
            auto* lower = new QLineSeries(this);
            upper->append({QPointF(x0, yhi), QPointF(x1, yhi)});
            lower->append({QPointF(x0, ylo), QPointF(x1, ylo)});
            auto* area = new QAreaSeries(upper, lower);
            QColor fill = sc.color;
            fill.setAlpha(38);
            area->setBrush(fill);
            area->setPen(Qt::NoPen);
            attach(area, false);
            shading_.push_back(area);
            i = j + 1;
        }
    }
}

void ServingChart::addTarget() {
    const ServingSettings& t = snapshot().serving;
    std::optional<double> ms;
    QString text;
    if (metric_ == Metric::Ttft && t.ttft_s) ms = *t.ttft_s * 1e3, text = QStringLiteral("TTFT ≤ %1 ms");
    if ((metric_ == Metric::Tpot || metric_ == Metric::Interactivity) && t.tpot_s)
        ms = *t.tpot_s * 1e3, text = QStringLiteral("TPOT ≤ %1 ms");
    if (!ms) return;
    target_ = new QLineSeries;
    target_->setName(text.arg(*ms, 0, 'g', 4));
    const auto [xlo, xhi] = axisRange(axisX());
    const auto [ylo, yhi] = axisRange(axisY());
    QPointF labelAt;
    if (metric_ == Metric::Interactivity) { // per-user speed ≥ 1 ÷ TPOT: the region to the right
        const double x = 1e3 / *ms;
        target_->append({QPointF(x, ylo), QPointF(x, yhi)});
        labelAt = QPointF(x, yhi);
    } else {
        target_->append({QPointF(xlo, *ms), QPointF(xhi, *ms)});
        labelAt = QPointF(xhi, *ms);
    }
    attach(target_, true);
    target_->setPen(QPen(kTargetColor, 1.8, Qt::DashLine));
    avoidData(addLabel(target_->name(), labelAt,
                       metric_ == Metric::Interactivity ? Qt::AlignRight | Qt::AlignBottom
                                                        : Qt::AlignLeft | Qt::AlignTop,
                       kTargetColor, true));
}

void ServingChart::addCapacities() {
    const auto [xlo, xhi] = axisRange(axisX());
    std::set<std::string> drawn;
    for (const SweepCurve& c : curves_) {
        const EvaluatedScenario& sc = snapshot().scenarios[static_cast<std::size_t>(c.scenario)];
        if (!drawn.insert(sc.hardware->id).second) continue;
        const double cap = sc.hardware->dramCapacityBytes() / 1e9;
        auto* line = new QLineSeries;
        line->append({QPointF(xlo, cap), QPointF(xhi, cap)});
        attach(line, false);
        line->setPen(QPen(mutedColor(), 1.4, Qt::DashLine));
        avoidData(addLabel(
            // Presets give capacity in GiB; the axis is in GB like generate's columns: say both.
            QStringLiteral("%1: %2 GiB = %3 GB")
                .arg(QString::fromStdString(sc.hardware->name))
                .arg(sc.hardware->dram.capacity.value, 0, 'g', 4)
                .arg(cap, 0, 'f', 1),
            QPointF(xlo, cap), Qt::AlignRight | Qt::AlignTop, mutedColor(), true));
    }
}

void ServingChart::addRecommended() {
    for (const SweepCurve& c : curves_) {
        const EvaluatedScenario& sc = snapshot().scenarios[static_cast<std::size_t>(c.scenario)];
        auto* star = new QScatterSeries;
        attach(star, false);
        star->setMarkerShape(QScatterSeries::MarkerShapeStar);
        star->setMarkerSize(22);
        star->setColor(sc.color);
        star->setBorderColor(textColor());
        star->setPen(QPen(textColor(), 1.2));
        recommended_.push_back(star);
        const std::optional<int> best = sc.serving->recommendedBatch;
        const GenerationPoint* p = best ? pointAt(sc, *best) : nullptr;
        if (!p || !drawable(value(metric_, sc, *p))) continue;
        star->append(value(metric_, sc, *p));
        avoidData(addLabel(QStringLiteral("best %1").arg(*best), value(metric_, sc, *p),
                           Qt::AlignRight | Qt::AlignTop, sc.color.darker(110), true));
    }
}

void ServingChart::addKvWallMarks() {
    // On the interactivity chart the batch is not an axis: the wall is the last point that fits.
    for (const SweepCurve& c : curves_) {
        const EvaluatedScenario& sc = snapshot().scenarios[static_cast<std::size_t>(c.scenario)];
        const GenerationPoint* last = nullptr;
        bool beyond = false;
        for (const GenerationPoint& p : sc.serving->sweep) {
            if (p.fitsMemory)
                last = &p;
            else
                beyond = true;
        }
        if (!last || !beyond || !sc.serving->maxBatch) continue;
        auto* mark = makeGlyphSeries(MarkerGlyph::Square, 11, sc.color, textColor());
        mark->append(value(metric_, sc, *last));
        attach(mark, false);
        avoidData(addLabel(QStringLiteral("KV wall %1").arg(*sc.serving->maxBatch), value(metric_, sc, *last),
                           Qt::AlignLeft | Qt::AlignBottom, sc.color.darker(115), true));
    }
}

void ServingChart::updateBatch() {
    if (batchAxis()) {
        sweep_.followBatch(curves_, source_);
        return;
    }
    for (const SweepCurve& c : curves_)
        sweep_.moveCurrent(c, source_);
}

QString ServingChart::pointToolTip(const QPointF& chartPos) const {
    const auto [si, pi] = sweep_.nearest(curves_, source_, chartPos);
    if (si < 0) return {};
    const ExplorerSnapshot& s = snapshot();
    const EvaluatedScenario& sc = s.scenarios[static_cast<std::size_t>(si)];
    const GenerationPoint& p = sc.serving->sweep[static_cast<std::size_t>(pi)];
    QString tip =
        QStringLiteral("<b>%1</b><br>batch %2 · %3 prompt → %4 output tokens<br>TTFT <b>%5</b> <i>(the "
                       "batch's prefill)</i> · TPOT <b>%6</b> <i>(the mean decode step)</i> · end to end %7"
                       "<br><b>%8 output tokens/s</b> per device <i>= batch × output ÷ end to end</i> · "
                       "<b>%9</b> per user <i>= 1 ÷ TPOT</i><br>energy %10 per output token, %11 W")
            .arg(sc.label.toHtmlEscaped())
            .arg(p.batch)
            .arg(s.serving.lengths.input)
            .arg(s.serving.lengths.output)
            .arg(formatSeconds(p.ttft_s), formatSeconds(p.tpot_s), formatSeconds(p.e2e_s),
                 formatNumber(p.outputTokensPerS), formatNumber(p.outputTokensPerSPerUser),
                 formatSi(p.energyPerToken_j, QStringLiteral("J")), formatNumber(p.power_w));
    tip += QStringLiteral("<br>memory %1 of %2: weights %3, KV cache %4, activations %5")
               .arg(gb(p.peakMemoryBytes), gb(sc.hardware->dramCapacityBytes()), gb(p.weightBytes),
                    gb(p.kvCacheBytes), gb(p.activationBytes));
    if (!p.fitsMemory)
        tip += QStringLiteral("<br><b>%1</b>")
                   .arg(QString::fromStdString(memoryVerdict(p, sc.hardware->dramCapacityBytes()))
                            .toHtmlEscaped());
    if (s.serving.ttft_s || s.serving.tpot_s)
        tip += meetsTargets(p, s.serving.ttft_s, s.serving.tpot_s) ? QStringLiteral("<br>meets the targets")
                                                                   : QStringLiteral("<br>misses a target");
    if (sc.serving->recommendedBatch == p.batch)
        tip += QStringLiteral("<br>★ the highest output tokens/s among batches that fit%1")
                   .arg(s.serving.ttft_s || s.serving.tpot_s ? QStringLiteral(" and meet the targets")
                                                             : QString());
    return tip;
}

QString ServingChart::chartToolTip() const {
    const QString common = QStringLiteral(
        "<br>Static batching (docs/MODEL.md §11): each of `batch` sequences has the same prompt, prefilled "
        "in one pass (TTFT), then one token per sequence per decode step while the KV cache grows (TPOT "
        "is the mean step). The prompt and output lengths and the targets are set above the charts; "
        "knobs phase, seq and context of a scenario do not apply here.");
    switch (metric_) {
    case Metric::Interactivity:
        return QStringLiteral("<b>Throughput vs interactivity</b><br>x: output tokens/s per user (1 ÷ TPOT); "
                              "y: output tokens/s of the device (batch × output ÷ end-to-end time). A "
                              "bigger batch moves a point up and to the left. The dashed line is the TPOT "
                              "target; ■ the KV-cache wall (the largest batch whose memory fits).") +
               common;
    case Metric::Ttft:
        return QStringLiteral(
                   "<b>Time to first token vs batch</b>: the prefill of the whole batch's prompts. "
                   "Shaded: batches that fit and meet both targets.") +
               common;
    case Metric::Tpot:
        return QStringLiteral("<b>Time per output token vs batch</b>: the mean decode step over the KV "
                              "lengths from prompt to prompt + output. Shaded: batches that fit and meet "
                              "both targets.") +
               common;
    case Metric::Memory:
        return QStringLiteral("<b>Memory vs batch</b>: weights + KV cache (batch × KV per sequence at "
                              "prompt + output tokens) + peak activations. Where a curve crosses its chip's "
                              "line is the KV-cache wall.") +
               common;
    }
    return common;
}

} // namespace bs
