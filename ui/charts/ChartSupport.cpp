#include "charts/ChartSupport.h"

#include <QAbstractAxis>
#include <QChart>
#include <QEvent>
#include <QFontMetricsF>
#include <QGraphicsSimpleTextItem>
#include <QHelpEvent>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QMouseEvent>
#include <QPainter>
#include <QResizeEvent>
#include <QScatterSeries>
#include <QToolTip>
#include <QValueAxis>
#include <QXYSeries>
#include <algorithm>
#include <cmath>

namespace bs {

double decadeFloor(double v) {
    return std::pow(10.0, std::floor(std::log10(v) + 1e-9));
}

double decadeCeil(double v) {
    return std::pow(10.0, std::ceil(std::log10(v) - 1e-9));
}

bool logSafe(const QPointF& p) {
    return std::isfinite(p.x()) && std::isfinite(p.y()) && p.x() > 0 && p.y() > 0;
}

std::pair<double, double> axisRange(const QAbstractAxis* axis) {
    if (auto* log = qobject_cast<const QLogValueAxis*>(axis)) return {log->min(), log->max()};
    if (auto* lin = qobject_cast<const QValueAxis*>(axis)) return {lin->min(), lin->max()};
    return {0, 0};
}

void LogExtent::widenX(double x) {
    if (!(x > 0) || !std::isfinite(x)) return;
    xlo = xlo > 0 ? std::min(xlo, x) : x;
    xhi = std::max(xhi, x);
}

void LogExtent::widenY(double y) {
    if (!(y > 0) || !std::isfinite(y)) return;
    ylo = ylo > 0 ? std::min(ylo, y) : y;
    yhi = std::max(yhi, y);
}

void LogExtent::orDecade() {
    if (xlo <= 0) xlo = 1, xhi = 10;
    if (ylo <= 0) ylo = 1, yhi = 10;
}

bool setRangeIfChanged(QAbstractAxis* axis, double min, double max) {
    if (!axis || !(min < max)) return false;
    const auto [oldMin, oldMax] = axisRange(axis);
    const double tol = 1e-9 * std::max(std::abs(min), std::abs(max));
    if (std::abs(oldMin - min) <= tol && std::abs(oldMax - max) <= tol) return false;
    axis->setRange(min, max);
    return true;
}

std::pair<double, double> batchAxisRange(const ExplorerSnapshot& s) {
    double lo = std::max(1, s.batch), hi = std::max(1, s.batch);
    for (int b : s.sweepBatches) {
        lo = std::min<double>(lo, b);
        hi = std::max<double>(hi, b);
    }
    return {lo / 1.25, hi * 1.25};
}

double niceStep(double roughStep) {
    if (!(roughStep > 0)) return 1;
    const double base = decadeFloor(roughStep);
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * base >= roughStep * (1 - 1e-9)) return m * base;
    return 10 * base;
}

void replaceIfChanged(QXYSeries* series, const QList<QPointF>& points) {
    if (series->count() == points.size() && series->points() == points) return;
    series->replace(points);
}

int nearestIndex(const std::vector<QPointF>& positions_px, const QPointF& at, double maxDistance_px) {
    int best = -1;
    double bestD2 = maxDistance_px * maxDistance_px;
    for (std::size_t i = 0; i < positions_px.size(); ++i) {
        const QPointF d = positions_px[i] - at;
        const double d2 = d.x() * d.x() + d.y() * d.y();
        if (d2 <= bestD2) {
            bestD2 = d2;
            best = static_cast<int>(i);
        }
    }
    return best;
}

UnitWords unitWords(const ExplorerSnapshot& s) {
    bool inferences = false, decode = false, prefill = false;
    for (const EvaluatedScenario& sc : s.scenarios) {
        if (!usable(sc)) continue;
        const SampleUnit::Kind k = sampleUnit(sc).kind;
        inferences = inferences || k == SampleUnit::Kind::Inference;
        decode = decode || k == SampleUnit::Kind::DecodeToken;
        prefill = prefill || k == SampleUnit::Kind::PrefillTokens;
    }
    const bool tokens = decode || prefill;
    UnitWords w;
    w.rate = !tokens      ? QStringLiteral("inferences/s")
             : inferences ? QStringLiteral("inferences/s · tokens/s (LLM)")
                          : QStringLiteral("tokens/s");
    w.per = !tokens      ? QStringLiteral("inference")
            : inferences ? QStringLiteral("inference · token (LLM)")
                         : QStringLiteral("token");
    if (s.perDevice) w.rate += QStringLiteral(" per device");
    w.latency = inferences + decode + prefill > 1 ? QStringLiteral("latency")
                : decode                          ? QStringLiteral("time per token")
                : prefill                         ? QStringLiteral("time to first token")
                                                  : QStringLiteral("batch latency");
    return w;
}

QLogValueAxis* makeLogAxis(double base, const QString& title, const QString& labelFormat) {
    auto* axis = new QLogValueAxis;
    axis->setBase(base);
    axis->setTitleText(title);
    axis->setLabelFormat(labelFormat);
    axis->setMinorTickCount(base == 10 ? 8 : 0);
    return axis;
}

QImage markerGlyph(MarkerGlyph glyph, double size_px, const QColor& fill, const QColor& border) {
    // Device pixel ratio 1: LineChartItem centres the image by its pixel size.
    const int side = std::max(3, static_cast<int>(std::lround(size_px)));
    QImage img(side, side, QImage::Format_ARGB32_Premultiplied);
    img.fill(Qt::transparent);
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    const double w = std::max(1.0, side / 9.0);
    const QRectF r(w / 2, w / 2, side - w, side - w);
    p.setPen(QPen(border, w));
    p.setBrush(fill);
    switch (glyph) {
    case MarkerGlyph::Circle:
        p.drawEllipse(r);
        break;
    case MarkerGlyph::Square:
        p.drawRect(r.adjusted(w / 2, w / 2, -w / 2, -w / 2));
        break;
    case MarkerGlyph::Diamond:
        p.drawPolygon(QPolygonF({QPointF(r.center().x(), r.top()), QPointF(r.right(), r.center().y()),
                                 QPointF(r.center().x(), r.bottom()), QPointF(r.left(), r.center().y())}));
        break;
    case MarkerGlyph::Triangle:
        p.drawPolygon(
            QPolygonF({QPointF(r.center().x(), r.top()), QPointF(r.right(), r.bottom()), r.bottomLeft()}));
        break;
    case MarkerGlyph::Cross: {
        // A border-coloured stroke under the fill-coloured one keeps the cross visible on lines.
        const QRectF c = r.adjusted(w, w, -w, -w);
        const QLineF lines[] = {{c.topLeft(), c.bottomRight()}, {c.topRight(), c.bottomLeft()}};
        p.setPen(QPen(border, side / 3.5, Qt::SolidLine, Qt::RoundCap));
        p.drawLines(lines, 2);
        p.setPen(QPen(fill, side / 6.0, Qt::SolidLine, Qt::RoundCap));
        p.drawLines(lines, 2);
        break;
    }
    }
    return img;
}

QLineSeries* makeGlyphSeries(MarkerGlyph glyph, double size_px, const QColor& fill, const QColor& border) {
    auto* s = new QLineSeries;
    s->setPen(Qt::NoPen);
    s->setLightMarker(markerGlyph(glyph, size_px, fill, border));
    s->setMarkerSize(size_px);
    return s;
}

// ---------------------------------------------------------------------------------------------

SnapshotChart::SnapshotChart(QWidget* parent) : QChartView(new QChart, parent) {
    setRenderHint(QPainter::Antialiasing);
    chart()->setAnimationOptions(QChart::NoAnimation);
    chart()->legend()->setAlignment(Qt::AlignBottom);
    chart()->legend()->setMarkerShape(QLegend::MarkerShapeFromSeries);
    chart()->setMargins(QMargins(4, 4, 4, 4));
    // Hundreds of points move on every slider step: a BSP index would be rebuilt each time.
    scene()->setItemIndexMethod(QGraphicsScene::NoIndex);
    setMouseTracking(true);
    // Two rows of charts under the tab bar and the summary must fit a 1024×700 screen
    // (tst_first_use): 160 px still holds a title, the axes and a plot.
    setMinimumSize(240, 160);
    connect(chart(), &QChart::plotAreaChanged, this, [this] { placeLabels(); });
}

std::vector<int> SnapshotChart::usableIds(const ExplorerSnapshot& s) const {
    std::vector<int> ids;
    for (const EvaluatedScenario& sc : s.scenarios)
        ids.push_back(usable(sc) ? sc.id : -1 - sc.id);
    return ids;
}

void SnapshotChart::setSnapshot(const ExplorerSnapshot& s, unsigned changes) {
    snap_ = s;
    // A batch-only update must find the series it was built for; anything else rebuilds.
    const bool sameShape = built_ && usableIds(s) == builtIds_ && s.sweepBatches == builtBatches_;
    if (!sameShape || (changes & (ChangeSweeps | ChangeTheme))) {
        builtIds_ = usableIds(s);
        builtBatches_ = s.sweepBatches;
        built_ = true;
        rebuild();
        fitAxisLabels(); // the batch range is known now
        placeLabels();
        return;
    }
    if (changes & ChangeBudget) updateBudget();
    if (changes & ChangeTargets) updateTargets();
    if (changes & ChangeBatch) updateBatch();
    if (changes & ChangeSelection) updateSelection();
}

void SnapshotChart::setDarkTheme(bool dark) {
    if (print_) {
        screenDark_ = dark;
        return;
    }
    if (dark == dark_ && built_) return;
    dark_ = dark;
    chart()->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    // setTheme re-colours every series with the theme palette: rebuild with the scenario colours.
    if (built_) {
        rebuild();
        placeLabels();
    }
}

void SnapshotChart::setPrintMode(bool on) {
    if (on == print_) return;
    print_ = on;
    if (on) {
        screenDark_ = dark_;
        screenCompact_ = compact_;
        dark_ = compact_ = false;
    } else {
        dark_ = screenDark_;
        compact_ = screenCompact_;
    }
    chart()->setTheme(dark_ ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    if (built_) {
        rebuild();
        placeLabels();
    }
}

QStringList SnapshotChart::annotationTexts() const {
    QStringList out;
    for (const Label& l : labels_)
        if (l.item->isVisible() && !l.item->text().isEmpty()) out << l.item->text();
    return out;
}

void SnapshotChart::resetChart(const QString& title) {
    QChart* c = chart();
    for (const Label& l : labels_)
        delete l.item;
    labels_.clear();
    c->removeAllSeries();
    for (QAbstractAxis* a : c->axes()) {
        // Qt Charts deletes a removed axis's graphics with deleteLater(). Before the event loop
        // starts (the window applying restored settings) that deletion never ran, and the old axes
        // stayed drawn under the new ones; a hidden axis draws nothing whenever it goes.
        a->setVisible(false);
        c->removeAxis(a);
        delete a;
    }
    axisX_ = axisY_ = nullptr;
    anchor_ = nullptr;
    // Compact: the first title line only and no legend (the scenario list shows the colours).
    c->setTitle(compact_ ? title.section(QStringLiteral("<br>"), 0, 0) : title);
    c->legend()->setVisible(!compact_);
}

void SnapshotChart::fitAxisLabels() {
    // A batch axis labels every power of two (13 labels to 4096); where they do not fit side by
    // side they elide to "1…", so every 2nd or 4th power is labelled instead (large type in
    // presentation mode needs it as much as a narrow chart).
    auto* lx = qobject_cast<QLogValueAxis*>(axisX_);
    if (!lx || (lx->base() != 2 && lx->base() != 4 && lx->base() != 16)) return;
    const double labelWidth_px =
        QFontMetricsF(lx->labelsFont()).horizontalAdvance(QStringLiteral("4096")) + 10;
    const double plotWidth_px = std::max(1.0, width() - 6.0 * labelWidth_px / 2);
    const double octaves = std::log2(std::max(2.0, lx->max() / std::max(1e-9, lx->min())));
    double base = 16;
    for (double b : {2.0, 4.0})
        if ((octaves / std::log2(b) + 1) * labelWidth_px <= plotWidth_px) {
            base = b;
            break;
        }
    if (lx->base() != base) lx->setBase(base);
}

void SnapshotChart::resizeEvent(QResizeEvent* event) {
    QChartView::resizeEvent(event);
    fitAxisLabels();
    const bool compact = event->size().height() < kCompactHeight_px;
    if (print_) {
        screenCompact_ = compact;
        return;
    }
    if (compact == compact_) return;
    compact_ = compact;
    if (built_) {
        rebuild();
        placeLabels();
    }
}

void SnapshotChart::setAxes(QAbstractAxis* x, QAbstractAxis* y) {
    axisX_ = x;
    axisY_ = y;
    fitAxisLabels();
    chart()->addAxis(x, Qt::AlignBottom);
    chart()->addAxis(y, Qt::AlignLeft);
    // Minor grid lines cost more to paint than all the data (about 1 ms per chart and frame, measured
    // in tst_charts); the minor ticks on the axes stay.
    x->setMinorGridLineVisible(false);
    y->setMinorGridLineVisible(false);
    anchor_ = new QLineSeries;
    attach(anchor_, false);
}

void SnapshotChart::attach(QAbstractSeries* s, bool inLegend) {
    chart()->addSeries(s);
    s->attachAxis(axisX_);
    s->attachAxis(axisY_);
    if (!inLegend)
        for (QLegendMarker* m : chart()->legend()->markers(s))
            m->setVisible(false);
}

QPointF SnapshotChart::toChart(const QPointF& value) const {
    return chart()->mapToPosition(value, anchor_);
}

bool SnapshotChart::plotReady() const {
    return anchor_ && chart()->plotArea().width() > 1 && chart()->plotArea().height() > 1;
}

QGraphicsSimpleTextItem* SnapshotChart::addLabel(const QString& text, const QPointF& value,
                                                 Qt::Alignment align, const QColor& color, bool small,
                                                 QPointF offset_px) {
    auto* item = new QGraphicsSimpleTextItem(text, chart());
    item->setBrush(color);
    item->setFont(small ? smallFont() : chart()->font());
    item->setZValue(20);
    labels_.push_back({item, value, align, offset_px});
    placeLabel(labels_.back());
    return item;
}

QFont SnapshotChart::smallFont() const {
    QFont f = chart()->font();
    f.setPointSizeF(f.pointSizeF() * 0.85);
    return f;
}

double SnapshotChart::smallLineHeight() const {
    return QFontMetricsF(smallFont()).height() + 1;
}

void SnapshotChart::moveLabel(QGraphicsSimpleTextItem* label, const QPointF& value) {
    for (Label& l : labels_)
        if (l.item == label) {
            l.value = value;
            placeLabel(l);
        }
}

void SnapshotChart::avoidData(QGraphicsSimpleTextItem* label) {
    for (Label& l : labels_)
        if (l.item == label) l.avoidData = true;
}

std::vector<QPointF> SnapshotChart::dataPoints_px() const {
    std::vector<QPointF> out;
    for (QAbstractSeries* s : chart()->series()) {
        auto* xy = qobject_cast<QXYSeries*>(s);
        if (!xy || xy == anchor_ || !xy->isVisible()) continue;
        const bool points =
            qobject_cast<QScatterSeries*>(xy) || xy->pointsVisible() || !xy->lightMarker().isNull();
        if (!points) continue;
        for (const QPointF& p : xy->points())
            if (drawable(p)) out.push_back(chart()->mapToPosition(p, xy));
    }
    return out;
}

void SnapshotChart::placeLabels() {
    for (const Label& l : labels_)
        placeLabel(l);
    // Labels that must keep off the data: the first side of the anchor that covers no point and
    // no earlier label, else the side that covers the fewest.
    std::vector<QPointF> points;
    bool pointsKnown = false;
    std::vector<QRectF> placed;
    for (const Label& l : labels_) {
        if (!l.item->isVisible() || l.item->text().isEmpty()) continue;
        if (l.avoidData && plotReady()) {
            if (!pointsKnown) points = dataPoints_px(), pointsKnown = true;
            const Qt::Alignment h = l.align & Qt::AlignHorizontal_Mask, v = l.align & Qt::AlignVertical_Mask;
            const Qt::Alignment flipH = h == Qt::AlignLeft    ? Qt::AlignRight
                                        : h == Qt::AlignRight ? Qt::AlignLeft
                                                              : h;
            const Qt::Alignment flipV = v == Qt::AlignTop      ? Qt::AlignBottom
                                        : v == Qt::AlignBottom ? Qt::AlignTop
                                                               : v;
            const Qt::Alignment sides[] = {l.align,
                                           flipV | h,
                                           flipH | v,
                                           flipH | flipV,
                                           Qt::AlignTop | Qt::AlignHCenter,
                                           Qt::AlignBottom | Qt::AlignHCenter};
            int best = -1;
            Qt::Alignment bestSide = l.align;
            for (Qt::Alignment side : sides) {
                placeLabelAt(l, side);
                const QRectF r = l.item->mapRectToParent(l.item->boundingRect()).adjusted(-3, -3, 3, 3);
                int hits = 0;
                for (const QPointF& p : points)
                    hits += r.contains(p);
                for (const QRectF& o : placed)
                    hits += r.intersects(o) ? 100 : 0;
                if (best < 0 || hits < best) best = hits, bestSide = side;
                if (hits == 0) break;
            }
            placeLabelAt(l, bestSide);
        }
        placed.push_back(l.item->mapRectToParent(l.item->boundingRect()));
    }
    // Labels of chips with similar peaks would print over each other: push later ones below
    // (or, at the bottom of the plot, above) the earlier ones they hit.
    const QRectF plot = chart()->plotArea();
    for (std::size_t i = 1; i < labels_.size(); ++i) {
        QGraphicsSimpleTextItem* item = labels_[i].item;
        if (!item->isVisible() || item->text().isEmpty()) continue;
        for (int pass = 0; pass < 4; ++pass) {
            bool moved = false;
            for (std::size_t j = 0; j < i; ++j) {
                const QGraphicsSimpleTextItem* other = labels_[j].item;
                if (!other->isVisible() || other->text().isEmpty()) continue;
                const QRectF a = item->mapRectToParent(item->boundingRect());
                const QRectF b = other->mapRectToParent(other->boundingRect());
                if (!a.intersects(b)) continue;
                double y = b.bottom() + 1;
                if (y + a.height() > plot.bottom()) y = b.top() - a.height() - 1;
                item->setY(y);
                moved = true;
            }
            if (!moved) break;
        }
    }
}

void SnapshotChart::placeLabel(const Label& l) const {
    placeLabelAt(l, l.align);
}

void SnapshotChart::placeLabelAt(const Label& l, Qt::Alignment align) const {
    if (!plotReady()) return;
    const QRectF plot = chart()->plotArea();
    const QPointF at = toChart(l.value);
    const QRectF box = l.item->boundingRect();
    constexpr double gap = 4;
    double x = at.x() - box.width() / 2, y = at.y() - box.height() / 2;
    if (align & Qt::AlignLeft) x = at.x() - box.width() - gap;
    if (align & Qt::AlignRight) x = at.x() + gap;
    if (align & Qt::AlignTop) y = at.y() - box.height() - gap / 2;
    if (align & Qt::AlignBottom) y = at.y() + gap / 2;
    x += l.offset_px.x();
    y += l.offset_px.y();
    // Keep labels inside the plot so they never collide with axis labels.
    x = std::clamp(x, plot.left() + 2, std::max(plot.left() + 2, plot.right() - box.width() - 2));
    y = std::clamp(y, plot.top() + 2, std::max(plot.top() + 2, plot.bottom() - box.height() - 2));
    l.item->setPos(x, y);
    l.item->setVisible(plot.contains(at) || plot.adjusted(-2, -2, 2, 2).contains(at));
}

void SnapshotChart::mouseMoveEvent(QMouseEvent* event) {
    QChartView::mouseMoveEvent(event);
    const QPointF chartPos = chart()->mapFromScene(mapToScene(event->position().toPoint()));
    const QString tip = plotReady() ? pointToolTip(chartPos) : QString();
    if (!tip.isEmpty()) {
        QToolTip::showText(event->globalPosition().toPoint(), tip, this);
        pointTipShown_ = true;
    } else if (pointTipShown_) {
        QToolTip::hideText();
        pointTipShown_ = false;
    }
}

void SnapshotChart::mousePressEvent(QMouseEvent* event) {
    QChartView::mousePressEvent(event);
    if (event->button() != Qt::LeftButton || !plotReady()) return;
    const int batch = batchAt(chart()->mapFromScene(mapToScene(event->position().toPoint())));
    if (batch >= 1) emit batchClicked(batch);
}

bool SnapshotChart::viewportEvent(QEvent* event) {
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QPointF chartPos = chart()->mapFromScene(mapToScene(help->pos()));
        QString tip = plotReady() ? pointToolTip(chartPos) : QString();
        if (tip.isEmpty()) tip = chartToolTip();
        QToolTip::showText(help->globalPos(), tip, this);
        return true;
    }
    return QChartView::viewportEvent(event);
}

QPointF SnapshotChart::clampToAxes(const QPointF& v) const {
    if (!drawable(v)) return v;
    const auto [xlo, xhi] = axisRange(axisX_);
    const auto [ylo, yhi] = axisRange(axisY_);
    if (!(xlo < xhi) || !(ylo < yhi)) return v;
    return {std::clamp(v.x(), xlo, xhi), std::clamp(v.y(), ylo, yhi)};
}

bool SnapshotChart::drawable(const QPointF& v) const {
    if (!std::isfinite(v.x()) || !std::isfinite(v.y())) return false;
    if (qobject_cast<QLogValueAxis*>(axisX_) && v.x() <= 0) return false;
    if (qobject_cast<QLogValueAxis*>(axisY_) && v.y() <= 0) return false;
    return true;
}

} // namespace bs
