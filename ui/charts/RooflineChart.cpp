#include "charts/RooflineChart.h"

#include <QChart>
#include <QGraphicsSimpleTextItem>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QMouseEvent>
#include <QScatterSeries>
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace bs {

namespace {

constexpr double kTera = 1e12;
constexpr double kSizePx[] = {8, 12, 17}; // by share of model time: < 1 %, < 5 %, ≥ 5 %
constexpr double kBigShare = 0.05, kMidShare = 0.01;
constexpr MarkerGlyph kGlyph[] = {MarkerGlyph::Circle, MarkerGlyph::Square, MarkerGlyph::Diamond,
                                  MarkerGlyph::Triangle};

QString precisionText(Precision p) {
    return QString::fromLatin1(precisionName(p).data(), static_cast<qsizetype>(precisionName(p).size()));
}

} // namespace

RooflineChart::RooflineChart(QWidget* parent) : SnapshotChart(parent) {}

void RooflineChart::rebuild() {
    // The marker key is on the first line: compact views keep only that one.
    resetChart(QStringLiteral("<b>Roofline</b> <small>● compute (or power-limited) &nbsp;■ DRAM &nbsp;◆ "
                              "on-chip &nbsp;▲ overhead-bound &nbsp;✕ communication</small><br>"
                              "<small>every layer at the current batch &nbsp;· size ∝ share of time &nbsp;· "
                              "roofs: DRAM solid, on-chip dashed</small>"));
    ax_ = makeLogAxis(10, QStringLiteral("arithmetic intensity (FLOP per byte)"), QStringLiteral("%g"));
    ay_ = makeLogAxis(10, QStringLiteral("attained TFLOP/s"), QStringLiteral("%g"));
    setAxes(ax_, ay_);
    const ExplorerSnapshot& s = snapshot();
    layerSeries_.assign(s.scenarios.size(), LayerSeries{});
    roofs_.clear();

    collectPoints();
    addRoofs();
    addLinkRoofs();
    fitRanges(true);

    for (std::size_t si = 0; si < s.scenarios.size(); ++si) {
        const EvaluatedScenario& sc = s.scenarios[si];
        if (!usable(sc)) continue;
        QColor fill = sc.color;
        fill.setAlpha(205);
        // Big markers first so the small ones stay visible on top of them.
        for (int size = kSizes - 1; size >= 0; --size)
            for (int cat = 0; cat < kCategories; ++cat) {
                QLineSeries* ser = makeGlyphSeries(kGlyph[cat], kSizePx[size], fill, markerBorder());
                attach(ser, false);
                layerSeries_[si][static_cast<std::size_t>(cat * kSizes + size)] = ser;
            }
    }
    // The legend names the scenarios once each; shapes are explained in the title.
    for (const EvaluatedScenario& sc : s.scenarios) {
        if (!usable(sc)) continue;
        auto* key = new QScatterSeries;
        key->setName(sc.label);
        attachScenarioKey(key);
        key->setMarkerShape(QScatterSeries::MarkerShapeCircle);
        key->setMarkerSize(11);
        key->setColor(sc.color);
        key->setBorderColor(markerBorder());
    }
    ring_ = new QScatterSeries;
    attach(ring_, false);
    ring_->setMarkerShape(QScatterSeries::MarkerShapeCircle);
    ring_->setMarkerSize(26);
    ring_->setBrush(Qt::NoBrush);
    ring_->setPen(QPen(textColor(), 2.5));

    commSeries_.assign(s.scenarios.size(), nullptr);
    for (std::size_t si = 0; si < s.scenarios.size(); ++si) {
        if (!logSafe(comm_[si])) continue;
        commSeries_[si] =
            makeGlyphSeries(MarkerGlyph::Cross, kSizePx[2], s.scenarios[si].color, markerBorder());
        attach(commSeries_[si], false);
    }
    fitWarning_ = addLabel(QString(), QPointF(1, 1), Qt::AlignBottom, QColor(214, 39, 40), true);
    avoidData(fitWarning_);
    updateRoofs();
    updateCommunication();
    updateLayerSeries();
    updateRing();
    updateFitWarning();
}

void RooflineChart::updateFitWarning() {
    const ExplorerSnapshot& s = snapshot();
    QStringList out;
    for (const EvaluatedScenario& sc : s.scenarios)
        if (usable(sc) && !sc.current.totals.fitsMemory) out << sc.label;
    const QString text = out.isEmpty()
                             ? QString()
                             : QStringLiteral("✕ batch %1 does not fit in device memory: ").arg(s.batch) +
                                   out.join(QStringLiteral("; "));
    if (text != fitWarning_->text()) fitWarning_->setText(text);
    // Centred in the top decade, above every roof.
    const auto [xlo, xhi] = axisRange(ax_);
    moveLabel(fitWarning_, QPointF(std::sqrt(xlo * xhi), axisRange(ay_).second));
    fitWarning_->setVisible(!text.isEmpty());
}

void RooflineChart::addRoofs() {
    const ExplorerSnapshot& s = snapshot();
    roofTop_tflops = 0;
    ridgeMin_ = ridgeMax_ = 0;
    roofTexts_.clear();
    // One roof per chip and precision in use; the first scenario on it lends its colour.
    std::set<std::pair<std::string, Precision>> roofKeys, seen;
    std::map<std::string, std::vector<Precision>> chipPrecisions;
    std::vector<const EvaluatedScenario*> firstOnChip;
    for (const EvaluatedScenario& sc : s.scenarios) {
        if (!usable(sc)) continue;
        const std::string chip = sc.hardware->variantId(); // a power mode has its own roof
        if (chipPrecisions.count(chip) == 0) firstOnChip.push_back(&sc);
        chipPrecisions[chip].push_back(sc.precision);
        roofKeys.insert({chip, sc.precision});
    }
    auto widenRidges = [this](double r) {
        ridgeMin_ = ridgeMin_ > 0 ? std::min(ridgeMin_, r) : r;
        ridgeMax_ = std::max(ridgeMax_, r);
    };
    const int roofCount = static_cast<int>(roofKeys.size());
    // Roof names stack in the bottom-right corner, which a roofline always leaves empty (points
    // there would be far below a compute roof at high intensity).
    const double lineHeight = smallLineHeight();
    int roofIndex = 0;
    for (const EvaluatedScenario& sc : s.scenarios) {
        if (!usable(sc) || !seen.insert({sc.hardware->variantId(), sc.precision}).second) continue;
        const QPointF stack(0, -lineHeight * (roofCount - 1 - roofIndex++));
        const HardwarePreset& hw = *sc.hardware;
        const Totals& t = sc.current.totals;
        const double peak = t.peakFlops > 0 ? t.peakFlops : hw.peakFlops(sc.precision);
        const double ridge = t.ridge > 0 ? t.ridge : peak / hw.dramBytesPerS();
        const double dram = peak / ridge;
        const QColor roofColor = darkTheme() ? sc.color.lighter(115) : sc.color.darker(125);
        auto* roof = new QLineSeries;
        roof->setName(QString::fromStdString(hw.name) + QStringLiteral(" roof"));
        attach(roof, false);
        roof->setPen(QPen(roofColor, 2.2));
        // The preset id keeps the label short; the full name is in the legend's scenario labels.
        QString text = QString::fromStdString(hw.variantId()) + QStringLiteral(" ") +
                       precisionText(sc.precision) + QStringLiteral(": ") +
                       formatSi(peak, QStringLiteral("FLOP/s")) + QStringLiteral(", DRAM ") +
                       formatSi(dram, QStringLiteral("B/s"));
        const double onchip = hw.onchipBytesPerS();
        if (onchip > dram) text += QStringLiteral(", on-chip ") + formatSi(onchip, QStringLiteral("B/s"));
        roofTexts_ << text;
        if (compact()) text = text.section(QStringLiteral(", "), 0, 0);
        roofs_.push_back({roof, peak, dram,
                          addLabel(text, QPointF(1, 1), Qt::AlignLeft | Qt::AlignTop, roofColor, true, stack),
                          false});
        auto* corner = new QScatterSeries;
        attach(corner, false);
        corner->setMarkerShape(QScatterSeries::MarkerShapeCircle);
        corner->setMarkerSize(8);
        corner->setColor(roofColor);
        corner->setBorderColor(markerBorder());
        corner->append(ridge, peak / kTera);
        // Up and to the left of the knee: above the DRAM roof, where few layers sit (right of the
        // knee is where the compute-bound layers cluster).
        avoidData(addLabel(QStringLiteral("ridge ") + formatNumber(ridge) + QStringLiteral(" FLOP/B"),
                           QPointF(ridge, peak / kTera), Qt::AlignLeft | Qt::AlignTop, roofColor, true));
        widenRidges(ridge);
        roofTop_tflops = std::max(roofTop_tflops, peak / kTera);
        if (onchip > dram) {
            auto* level = new QLineSeries;
            attach(level, false);
            QPen dashed(roofColor, 1.3);
            dashed.setDashPattern({8, 5}); // long dashes: fewer segments to stroke per repaint
            level->setPen(dashed);
            roofs_.push_back({level, peak, onchip, nullptr, false});
            widenRidges(peak / onchip);
        }
    }
    // Faint roofs for the precisions the chips have but no scenario uses, and the vector rate
    // (non-matrix layers cannot beat it), in the chip's roof colour. Only for one or two chips:
    // more would bury the points.
    if (firstOnChip.size() > 2 || compact()) return;
    for (const EvaluatedScenario* sc : firstOnChip) {
        const HardwarePreset& hw = *sc->hardware;
        const auto& used = chipPrecisions[hw.variantId()];
        std::vector<double> drawn;
        for (Precision p : used)
            drawn.push_back(hw.peakFlops(p));
        auto coincides = [&drawn](double peak) {
            return std::any_of(drawn.begin(), drawn.end(),
                               [peak](double d) { return std::abs(d - peak) < 0.02 * d; });
        };
        std::map<double, QStringList> byPeak;
        for (const auto& [p, tf] : hw.peakTflops)
            if (std::find(used.begin(), used.end(), p) == used.end() && !coincides(hw.peakFlops(p)))
                byPeak[hw.peakFlops(p)] << precisionText(p);
        const double vec = hw.vectorFlops(sc->precision);
        if (vec > 0 && !coincides(vec)) byPeak[vec] << QStringLiteral("vector (non-matrix ops)");
        QColor c = darkTheme() ? sc->color.lighter(115) : sc->color.darker(125);
        c.setAlpha(150);
        for (const auto& [peak, names] : byPeak) {
            auto* faint = new QLineSeries;
            attach(faint, false);
            // Thin solid, not dotted: a dotted line costs hundreds of tiny strokes per repaint.
            faint->setPen(QPen(c, 0.8));
            const QString text = names.join(QStringLiteral("/")) + QStringLiteral(" ") +
                                 formatSi(peak, QStringLiteral("FLOP/s"));
            roofs_.push_back(
                {faint, peak, 0,
                 addLabel(text, QPointF(1, peak / kTera), Qt::AlignRight | Qt::AlignTop, c, true), true});
            roofTop_tflops = std::max(roofTop_tflops, peak / kTera);
        }
    }
}

// A scenario on several devices: each link roof (bus bandwidth of its group × intensity, capped by
// the precision's peak) once per link and group, dotted in the scenario's colour.
void RooflineChart::addLinkRoofs() {
    const ExplorerSnapshot& s = snapshot();
    std::set<std::pair<const Interconnect*, double>> seen; // a switch gives every group one bus
    for (std::size_t si = 0; si < s.scenarios.size(); ++si) {
        const EvaluatedScenario& sc = s.scenarios[si];
        if (!usable(sc) || !sc.link || !logSafe(comm_[si])) continue;
        const double bus = sc.link->busBytesPerS(std::max({sc.parallel.tp, sc.parallel.ep, 2}));
        if (!seen.insert({sc.link, bus}).second) continue;
        const double peak = sc.current.totals.peakFlops;
        QColor c = darkTheme() ? sc.color.lighter(115) : sc.color.darker(125);
        auto* roof = new QLineSeries;
        attach(roof, false);
        QPen dotted(c, 1.6);
        dotted.setDashPattern({2, 3});
        roof->setPen(dotted);
        const QString text = QString::fromStdString(sc.link->name) + QStringLiteral(": ") +
                             formatSi(bus, QStringLiteral("B/s")) + QStringLiteral(" bus");
        roofTexts_ << text;
        roofs_.push_back({roof, peak, bus, nullptr, false});
        avoidData(addLabel(text, QPointF(peak / bus, peak / kTera), Qt::AlignRight | Qt::AlignTop, c, true));
    }
}

void RooflineChart::collectPoints() {
    const ExplorerSnapshot& s = snapshot();
    comm_.assign(s.scenarios.size(), QPointF(qQNaN(), qQNaN()));
    for (std::size_t si = 0; si < s.scenarios.size(); ++si) {
        const EvaluatedScenario& sc = s.scenarios[si];
        if (!usable(sc)) continue;
        // One device's link bytes for the batch: its collectives and its stage's send per
        // micro-batch (on average over the stages), for every micro-batch (docs/MODEL.md §19).
        const Totals& t = sc.current.totals;
        double linkBytes = 0;
        for (const LayerPlacement& l : sc.current.layers)
            linkBytes += l.interconnectBytes;
        linkBytes = (linkBytes + t.sendBytes) * t.microBatches / sc.parallel.pp;
        if (linkBytes > 0 && t.latency_s > 0)
            comm_[si] = QPointF(t.flops / linkBytes, t.flops / t.latency_s / kTera);
    }
    points_.clear();
    index_.clear();
    offsets_.assign(s.scenarios.size() + 1, 0);
    for (std::size_t si = 0; si < s.scenarios.size(); ++si) {
        const EvaluatedScenario& sc = s.scenarios[si];
        offsets_[si] = static_cast<int>(index_.size());
        if (!usable(sc)) continue;
        for (std::size_t li = 0; li < sc.current.layers.size(); ++li) {
            const LayerPlacement& l = sc.current.layers[li];
            const QPointF v(l.arithmeticIntensity, l.latency_s > 0 ? l.flops / l.latency_s / kTera : 0);
            // Views and pure data movement have no FLOPs: they have no place on a roofline.
            if (l.bound == Bound::None || !logSafe(v)) {
                index_.push_back(-1);
                continue;
            }
            index_.push_back(static_cast<int>(points_.size()));
            points_.push_back({static_cast<int>(si), static_cast<int>(li), v});
        }
    }
    offsets_[s.scenarios.size()] = static_cast<int>(index_.size());
}

void RooflineChart::fitRanges(bool refit) {
    double xlo = ridgeMin_ > 0 ? ridgeMin_ / 30 : 0.1, xhi = ridgeMax_ > 0 ? ridgeMax_ * 30 : 1e4;
    double ylo = roofTop_tflops > 0 ? roofTop_tflops / 1e3 : 1e-3;
    for (const LayerPoint& p : points_) {
        xlo = std::min(xlo, p.value.x());
        xhi = std::max(xhi, p.value.x());
        ylo = std::min(ylo, p.value.y());
    }
    double yhi = roofTop_tflops > 0 ? roofTop_tflops * 1.5 : 1e3;
    for (const LayerPoint& p : points_)
        yhi = std::max(yhi, p.value.y());
    for (const QPointF& c : comm_)
        if (logSafe(c)) xlo = std::min(xlo, c.x()), xhi = std::max(xhi, c.x()), ylo = std::min(ylo, c.y());
    xlo = decadeFloor(xlo);
    xhi = decadeCeil(xhi);
    yhi = decadeCeil(yhi);
    // Launch-bound scraps can sit many decades down; seven decades (five in a small view) keep the
    // roofs readable. Points below are drawn on the bottom edge.
    ylo = std::max(decadeFloor(ylo), yhi / (compact() ? 1e5 : 1e7));
    xlo = std::max(xlo, xhi / 1e9);
    if (!refit) {
        const auto [oxlo, oxhi] = axisRange(ax_);
        const auto [oylo, oyhi] = axisRange(ay_);
        xlo = std::min(xlo, oxlo);
        xhi = std::max(xhi, oxhi);
        ylo = std::min(ylo, oylo);
        yhi = std::max(yhi, oyhi);
    }
    const bool changedX = setRangeIfChanged(ax_, xlo, xhi);
    const bool changedY = setRangeIfChanged(ay_, ylo, yhi);
    if ((changedX || changedY) && !refit) {
        updateRoofs();
        placeLabels();
    }
}

void RooflineChart::updateRoofs() {
    const auto [xlo, xhi] = axisRange(ax_);
    const double ylo = axisRange(ay_).first;
    for (const Roof& r : roofs_) {
        const double top = r.peak_flops / kTera;
        QList<QPointF> pts;
        if (r.bytesPerS <= 0) {
            pts = {QPointF(xlo, top), QPointF(xhi, top)};
        } else {
            const double ridge = r.peak_flops / r.bytesPerS;
            const double slope = r.bytesPerS / kTera;
            pts << QPointF(xlo, std::min(top, xlo * slope));
            if (ridge > xlo && ridge < xhi) pts << QPointF(ridge, top);
            pts << QPointF(xhi, std::min(top, xhi * slope));
        }
        replaceIfChanged(r.series, pts);
        if (r.label) moveLabel(r.label, r.labelAtLeft ? QPointF(xlo, top) : QPointF(xhi, ylo));
    }
}

void RooflineChart::updateLayerSeries() {
    const auto [xlo, xhi] = axisRange(ax_);
    const auto [ylo, yhi] = axisRange(ay_);
    const ExplorerSnapshot& s = snapshot();
    std::vector<std::array<QList<QPointF>, kCategories * kSizes>> buckets(s.scenarios.size());
    for (LayerPoint& p : points_) {
        // Clamped into the plot: a point outside would silently vanish; its tooltip has the truth.
        p.value = QPointF(std::clamp(p.value.x(), xlo, xhi), std::clamp(p.value.y(), ylo, yhi));
        const LayerPlacement& l = s.scenarios[static_cast<std::size_t>(p.scenario)]
                                      .current.layers[static_cast<std::size_t>(p.layer)];
        // A power-bound layer is a compute-bound one at a lower clock: it sits below its roof.
        const int cat = l.bound == Bound::Compute || l.bound == Bound::Power ? Compute
                        : l.bound == Bound::Memory ? (l.memoryBoundOnChip ? MemoryOnChip : MemoryDram)
                                                   : Overhead;
        const int size = l.share >= kBigShare ? 2 : l.share >= kMidShare ? 1 : 0;
        buckets[static_cast<std::size_t>(p.scenario)][static_cast<std::size_t>(cat * kSizes + size)]
            << p.value;
    }
    for (std::size_t si = 0; si < layerSeries_.size(); ++si)
        for (std::size_t k = 0; k < layerSeries_[si].size(); ++k) {
            if (!layerSeries_[si][k]) continue;
            QList<QPointF>& pts = buckets[si][k];
            // Sorted by x the invisible polyline through the markers stays short (cheaper shape).
            std::sort(pts.begin(), pts.end(), [](const QPointF& a, const QPointF& b) {
                return a.x() < b.x() || (a.x() == b.x() && a.y() < b.y());
            });
            // Repeated blocks (32 identical decoder layers) land on the same spot: one marker per
            // spot draws the same picture at a fraction of the cost. Hover and click use points_,
            // which keeps every layer.
            pts.erase(std::unique(pts.begin(), pts.end(),
                                  [](const QPointF& a, const QPointF& b) {
                                      return std::abs(std::log10(a.x() / b.x())) < 1e-4 &&
                                             std::abs(std::log10(a.y() / b.y())) < 1e-4;
                                  }),
                      pts.end());
            replaceIfChanged(layerSeries_[si][k], pts);
        }
}

void RooflineChart::updateCommunication() {
    const auto [xlo, xhi] = axisRange(ax_);
    const auto [ylo, yhi] = axisRange(ay_);
    for (std::size_t si = 0; si < commSeries_.size(); ++si) {
        if (!commSeries_[si]) continue;
        QList<QPointF> pts;
        if (logSafe(comm_[si]))
            pts << QPointF(std::clamp(comm_[si].x(), xlo, xhi), std::clamp(comm_[si].y(), ylo, yhi));
        replaceIfChanged(commSeries_[si], pts);
    }
}

QPointF RooflineChart::communicationValue(int scenarioIndex) const {
    if (scenarioIndex < 0 || scenarioIndex >= static_cast<int>(comm_.size())) return {qQNaN(), qQNaN()};
    return comm_[static_cast<std::size_t>(scenarioIndex)];
}

void RooflineChart::updateRing() {
    const ExplorerSnapshot& s = snapshot();
    QList<QPointF> pts;
    const QPointF v = layerValue(s.selectedScenario, s.selectedLayer);
    if (logSafe(v)) pts << v;
    replaceIfChanged(ring_, pts);
}

void RooflineChart::updateBatch() {
    collectPoints();
    fitRanges(false);
    updateCommunication();
    updateLayerSeries();
    updateRing();
    updateFitWarning();
}

void RooflineChart::updateSelection() {
    updateRing();
}

QPointF RooflineChart::layerValue(int scenarioIndex, int layerIndex) const {
    const QPointF none(qQNaN(), qQNaN());
    if (scenarioIndex < 0 || layerIndex < 0 || scenarioIndex + 1 >= static_cast<int>(offsets_.size()))
        return none;
    const int at = offsets_[static_cast<std::size_t>(scenarioIndex)] + layerIndex;
    if (at >= offsets_[static_cast<std::size_t>(scenarioIndex) + 1]) return none;
    const int k = index_[static_cast<std::size_t>(at)];
    return k < 0 ? none : points_[static_cast<std::size_t>(k)].value;
}

int RooflineChart::pointCount(int scenarioIndex) const {
    return static_cast<int>(std::count_if(points_.begin(), points_.end(),
                                          [&](const LayerPoint& p) { return p.scenario == scenarioIndex; }));
}

int RooflineChart::markerCount(int scenarioIndex) const {
    if (scenarioIndex < 0 || scenarioIndex >= static_cast<int>(layerSeries_.size())) return 0;
    int n = 0;
    for (QLineSeries* s : layerSeries_[static_cast<std::size_t>(scenarioIndex)])
        n += s ? static_cast<int>(s->count()) : 0;
    return n;
}

int RooflineChart::nearestPoint(const QPointF& chartPos) const {
    std::vector<QPointF> px;
    px.reserve(points_.size());
    for (const LayerPoint& p : points_)
        px.push_back(toChart(p.value));
    return nearestIndex(px, chartPos, 8);
}

std::pair<int, int> RooflineChart::layerNear(const QPointF& chartValue) const {
    int k = -1;
    if (plotReady()) {
        k = nearestPoint(toChart(chartValue));
    } else if (logSafe(chartValue)) {
        // Not laid out yet: a few pixels are about 1/100 of a decade-scaled axis.
        double best = 0.02;
        for (std::size_t i = 0; i < points_.size(); ++i) {
            const double dx = std::log10(points_[i].value.x() / chartValue.x());
            const double dy = std::log10(points_[i].value.y() / chartValue.y());
            const double d = std::hypot(dx, dy);
            if (d <= best) best = d, k = static_cast<int>(i);
        }
    }
    if (k < 0) return {-1, -1};
    return {points_[static_cast<std::size_t>(k)].scenario, points_[static_cast<std::size_t>(k)].layer};
}

void RooflineChart::mousePressEvent(QMouseEvent* event) {
    SnapshotChart::mousePressEvent(event);
    if (event->button() != Qt::LeftButton || !plotReady()) return;
    const QPointF chartPos = chart()->mapFromScene(mapToScene(event->position().toPoint()));
    const int k = nearestPoint(chartPos);
    if (k >= 0)
        emit layerClicked(points_[static_cast<std::size_t>(k)].scenario,
                          points_[static_cast<std::size_t>(k)].layer);
}

QString RooflineChart::pointToolTip(const QPointF& chartPos) const {
    const int k = nearestPoint(chartPos);
    if (k < 0) return {};
    const LayerPoint& p = points_[static_cast<std::size_t>(k)];
    const EvaluatedScenario& sc = snapshot().scenarios[static_cast<std::size_t>(p.scenario)];
    const LayerPlacement& l = sc.current.layers[static_cast<std::size_t>(p.layer)];
    const Layer& layer = sc.fusedModel().layers()[static_cast<std::size_t>(l.index)];
    const QString B = QStringLiteral("B");
    QString t = QStringLiteral("<b>%1</b> (%2)<br>%3, batch %4<table>")
                    .arg(QString::fromStdString(layer.name).toHtmlEscaped(),
                         QString::fromStdString(layer.opTypes).toHtmlEscaped(), sc.label.toHtmlEscaped())
                    .arg(sc.current.totals.batch);
    auto row = [&t](const QString& name, const QString& value, const QString& what) {
        t +=
            QStringLiteral("<tr><td>%1</td><td><b>%2</b></td><td><i>%3</i></td></tr>").arg(name, value, what);
    };
    row(QStringLiteral("FLOPs"), formatSi(l.flops, QStringLiteral("FLOP")),
        QStringLiteral("whole batch, 2 per multiply-accumulate"));
    row(QStringLiteral("DRAM bytes"), formatSi(l.dramBytes, B), QStringLiteral("to/from device memory"));
    row(QStringLiteral("on-chip bytes"), formatSi(l.sramBytes, B),
        QStringLiteral("through the on-chip level"));
    row(QStringLiteral("arithmetic intensity"),
        formatNumber(l.arithmeticIntensity) + QStringLiteral(" FLOP/B"),
        l.memoryBoundOnChip ? QStringLiteral("FLOPs ÷ on-chip bytes (the level that bounds memory time)")
                            : QStringLiteral("FLOPs ÷ DRAM bytes (the level that bounds memory time)"));
    row(QStringLiteral("attained"), formatSi(l.flops / l.latency_s, QStringLiteral("FLOP/s")),
        QStringLiteral("FLOPs ÷ latency"));
    row(QStringLiteral("latency"), formatSeconds(l.latency_s),
        QStringLiteral("max(compute %1, memory %2) + overhead %3")
            .arg(formatSeconds(l.compute_s), formatSeconds(l.memory_s), formatSeconds(l.overhead_s)));
    row(QStringLiteral("share"), formatPercent(l.share, 1), QStringLiteral("of the model's latency"));
    row(QStringLiteral("bound"), boundLabel(l),
        QStringLiteral("the largest of compute, memory and launch time"));
    row(QStringLiteral("units"),
        QStringLiteral("%1 / %2 %3")
            .arg(formatNumber(l.unitsAllocated), formatNumber(l.unitsTotal),
                 QString::fromStdString(sc.hardware->unitName)),
        QStringLiteral("compute units the mapping keeps busy"));
    row(QStringLiteral("utilization"), formatPercent(l.utilization, 1),
        QStringLiteral("FLOPs ÷ (latency × dense peak)"));
    row(QStringLiteral("critical batch"),
        std::isfinite(l.criticalBatch) ? formatNumber(l.criticalBatch) : QStringLiteral("never"),
        QStringLiteral("batch from which compute time ≥ memory time"));
    return t + QStringLiteral("</table>");
}

QString RooflineChart::chartToolTip() const {
    return QStringLiteral(
               "<b>Roofline</b>: each point is one layer at the current batch.<br>"
               "x: arithmetic intensity = FLOPs ÷ bytes moved through the memory level that bounds the layer "
               "(DRAM, or the on-chip level for ◆).<br>"
               "y: attained FLOP/s = the layer's FLOPs ÷ its latency.<br>"
               "Roofs: dense compute peak of the precision (flat) and bandwidth × intensity (slopes: DRAM "
               "solid, "
               "on-chip dashed); the ridge point is where they meet (peak ÷ DRAM bandwidth).<br>"
               "Marker size: the layer's share of the model's latency. Click a point to select the layer.<br>"
               "✕ (a scenario on several devices): its batch's FLOPs ÷ the bytes one device sends over the "
               "node's link (collectives, for every micro-batch), against its attained FLOP/s; the dotted "
               "roof is "
               "the link's bus bandwidth × that intensity. Left of where it meets the compute peak, the link "
               "can bound the step (communication is not overlapped with compute).<br>"
               "<b>Roofs</b> (dense peaks): ") +
           roofTexts_.join(QStringLiteral("; "));
}

} // namespace bs
