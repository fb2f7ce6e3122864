#include "charts/HeatMap.h"

#include "base/Format.h"

#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>
#include <cmath>
#include <limits>

namespace bs {

QColor viridis(double t) {
    // Five stops of matplotlib's viridis, linearly interpolated.
    static const QColor stops[] = {QColor(68, 1, 84), QColor(59, 82, 139), QColor(33, 145, 140),
                                   QColor(94, 201, 98), QColor(253, 231, 37)};
    t = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0) * 4;
    const int i = std::min(3, static_cast<int>(t));
    const double f = t - i;
    const QColor& a = stops[i];
    const QColor& b = stops[i + 1];
    return QColor::fromRgbF(static_cast<float>(a.redF() + f * (b.redF() - a.redF())),
                            static_cast<float>(a.greenF() + f * (b.greenF() - a.greenF())),
                            static_cast<float>(a.blueF() + f * (b.blueF() - a.blueF())));
}

HeatMap::HeatMap(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setMinimumSize(320, 240);
}

void HeatMap::setData(Data data) {
    data_ = std::move(data);
    update();
}

void HeatMap::setDarkTheme(bool dark) {
    dark_ = dark;
    update();
}

QRectF HeatMap::plotRect() const {
    // Room for the title above, the axis labels left and below, the colour bar right.
    return QRectF(70, 30, std::max(10.0, width() - 70.0 - 90), std::max(10.0, height() - 30.0 - 50));
}

QRectF HeatMap::cellRect(std::size_t ix, std::size_t iy) const {
    const QRectF p = plotRect();
    const double w = p.width() / static_cast<double>(data_.xs.size());
    const double h = p.height() / static_cast<double>(data_.ys.size());
    // y grows upwards, as on a chart.
    return QRectF(p.left() + w * static_cast<double>(ix), p.bottom() - h * static_cast<double>(iy + 1), w, h);
}

double HeatMap::position(const std::vector<double>& axis, double v) {
    if (axis.empty() || !std::isfinite(v)) return std::numeric_limits<double>::quiet_NaN();
    for (std::size_t i = 0; i + 1 < axis.size(); ++i) {
        const double a = axis[i], b = axis[i + 1];
        if ((v >= a && v <= b) || (v <= a && v >= b)) return static_cast<double>(i) + 0.5 + (v - a) / (b - a);
    }
    return v == axis.front() ? 0.5 : std::numeric_limits<double>::quiet_NaN();
}

void HeatMap::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QColor fg = dark_ ? QColor(230, 230, 230) : QColor(30, 30, 30);
    p.fillRect(rect(), dark_ ? QColor(35, 35, 38) : Qt::white);
    p.setPen(fg);
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.drawText(QRectF(0, 4, width(), 22), Qt::AlignHCenter | Qt::AlignVCenter, data_.title);
    p.setFont(font());
    const std::size_t nx = data_.xs.size(), ny = data_.ys.size();
    if (nx == 0 || ny == 0 || data_.values.size() != nx * ny) {
        p.drawText(rect(), Qt::AlignCenter, tr("Run a sweep over two fields to see the heat map"));
        return;
    }
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (double v : data_.values)
        if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    const QRectF plot = plotRect();
    for (std::size_t ix = 0; ix < nx; ++ix)
        for (std::size_t iy = 0; iy < ny; ++iy) {
            const double v = data_.values[ix * ny + iy];
            const QRectF c = cellRect(ix, iy);
            if (std::isfinite(v))
                p.fillRect(c, viridis(hi > lo ? (v - lo) / (hi - lo) : 0.5));
            else
                p.fillRect(c, QBrush(QColor(150, 150, 150), Qt::BDiagPattern));
        }
    // The budget contour: an edge between a cell that meets the budget and one that does not (or
    // the border of the map).
    if (data_.hasBudget && data_.meetsBudget.size() == nx * ny) {
        p.setPen(QPen(dark_ ? Qt::white : Qt::black, 3));
        const auto meets = [&](long ix, long iy) {
            return ix >= 0 && iy >= 0 && ix < static_cast<long>(nx) && iy < static_cast<long>(ny) &&
                   data_.meetsBudget[static_cast<std::size_t>(ix) * ny + static_cast<std::size_t>(iy)];
        };
        for (long ix = 0; ix < static_cast<long>(nx); ++ix)
            for (long iy = 0; iy < static_cast<long>(ny); ++iy) {
                if (!meets(ix, iy)) continue;
                const QRectF c = cellRect(static_cast<std::size_t>(ix), static_cast<std::size_t>(iy));
                if (!meets(ix - 1, iy)) p.drawLine(c.topLeft(), c.bottomLeft());
                if (!meets(ix + 1, iy)) p.drawLine(c.topRight(), c.bottomRight());
                if (!meets(ix, iy - 1)) p.drawLine(c.bottomLeft(), c.bottomRight());
                if (!meets(ix, iy + 1)) p.drawLine(c.topLeft(), c.topRight());
            }
    }
    // The current preset: a ring where its values fall.
    const double cx = position(data_.xs, data_.currentX), cy = position(data_.ys, data_.currentY);
    if (std::isfinite(cx) && std::isfinite(cy)) {
        const QPointF at(plot.left() + cx / static_cast<double>(nx) * plot.width(),
                         plot.bottom() - cy / static_cast<double>(ny) * plot.height());
        p.setPen(QPen(Qt::white, 3));
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(at, 8, 8);
        p.setPen(QPen(Qt::black, 1.5));
        p.drawEllipse(at, 8, 8);
        p.setPen(fg);
        p.drawText(at + QPointF(11, -6), tr("preset"));
    }
    // Axes: a few value labels on each, then the names.
    p.setPen(fg);
    const std::size_t xStep = std::max<std::size_t>(1, nx / 8), yStep = std::max<std::size_t>(1, ny / 8);
    for (std::size_t ix = 0; ix < nx; ix += xStep) {
        const QRectF c = cellRect(ix, 0);
        p.drawText(QRectF(c.center().x() - 40, plot.bottom() + 2, 80, 16), Qt::AlignHCenter,
                   formatNumber(data_.xs[ix]));
    }
    for (std::size_t iy = 0; iy < ny; iy += yStep) {
        const QRectF c = cellRect(0, iy);
        p.drawText(QRectF(0, c.center().y() - 8, plot.left() - 4, 16), Qt::AlignRight | Qt::AlignVCenter,
                   formatNumber(data_.ys[iy]));
    }
    p.drawText(QRectF(plot.left(), plot.bottom() + 20, plot.width(), 18), Qt::AlignHCenter, data_.xLabel);
    p.save();
    p.translate(14, plot.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-plot.height() / 2, -10, plot.height(), 18), Qt::AlignHCenter, data_.yLabel);
    p.restore();
    // The colour bar.
    const QRectF bar(plot.right() + 14, plot.top(), 14, plot.height());
    for (int i = 0; i < 64; ++i)
        p.fillRect(QRectF(bar.left(), bar.bottom() - bar.height() * (i + 1) / 64, bar.width(),
                          bar.height() / 64 + 1),
                   viridis(i / 63.0));
    if (std::isfinite(lo)) {
        p.drawText(QRectF(bar.right() + 3, bar.top() - 2, 70, 16), Qt::AlignLeft, formatNumber(hi));
        p.drawText(QRectF(bar.right() + 3, bar.bottom() - 14, 70, 16), Qt::AlignLeft, formatNumber(lo));
    }
    p.drawText(QRectF(bar.left() - 4, bar.bottom() + 20, 80, 18), Qt::AlignLeft, data_.unit);
}

void HeatMap::mouseMoveEvent(QMouseEvent* event) {
    const std::size_t nx = data_.xs.size(), ny = data_.ys.size();
    if (nx == 0 || ny == 0 || data_.values.size() != nx * ny) return;
    for (std::size_t ix = 0; ix < nx; ++ix)
        for (std::size_t iy = 0; iy < ny; ++iy)
            if (cellRect(ix, iy).contains(event->position())) {
                const double v = data_.values[ix * ny + iy];
                QToolTip::showText(event->globalPosition().toPoint(),
                                   QStringLiteral("%1 = %2\n%3 = %4\n%5")
                                       .arg(data_.xLabel, formatNumber(data_.xs[ix]), data_.yLabel,
                                            formatNumber(data_.ys[iy]),
                                            std::isfinite(v) ? formatNumber(v) + QLatin1Char(' ') + data_.unit
                                                             : tr("no batch qualifies")),
                                   this);
                return;
            }
}

} // namespace bs
