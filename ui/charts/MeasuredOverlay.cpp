#include "charts/MeasuredOverlay.h"

#include <QLineF>
#include <QPen>
#include <QScatterSeries>

namespace bs {

MeasuredOverlay::MeasuredOverlay(SnapshotChart& chart) : chart_(chart) {}

bool MeasuredOverlay::add(const MeasuredToValue& xy) {
    bool any = false;
    auto* anomalies = new QScatterSeries;
    for (const EvaluatedScenario& sc : chart_.snapshot().scenarios) {
        if (!usable(sc) || !sc.measured.comparison) continue;
        auto* points = new QScatterSeries;
        points->setName(sc.label + QStringLiteral(" (measured)"));
        points->setMarkerShape(QScatterSeries::MarkerShapeCircle);
        points->setMarkerSize(9);
        points->setColor(Qt::transparent);
        points->setBorderColor(sc.color);
        points->setPen(QPen(sc.color, 2));
        for (const PointComparison& p : sc.measured.comparison->points) {
            const QPointF v = xy(sc, p);
            if (!chart_.drawable(v)) continue;
            points->append(v);
            if (p.anomaly) anomalies->append(v);
            any = true;
        }
        chart_.attach(points, false);
        points->setBrush(Qt::NoBrush);
    }
    anomalies->setName(QStringLiteral("anomaly"));
    anomalies->setMarkerShape(QScatterSeries::MarkerShapeRotatedRectangle);
    anomalies->setMarkerSize(14);
    anomalies->setColor(Qt::transparent);
    anomalies->setPen(QPen(QColor(220, 30, 30), 2));
    chart_.attach(anomalies, false);
    anomalies->setBrush(Qt::NoBrush);
    return any;
}

std::pair<int, const PointComparison*> MeasuredOverlay::nearest(const MeasuredToValue& xy,
                                                                const QPointF& chartPos) const {
    std::pair<int, const PointComparison*> best{-1, nullptr};
    double bestD = 8.0;
    for (std::size_t i = 0; i < chart_.snapshot().scenarios.size(); ++i) {
        const EvaluatedScenario& sc = chart_.snapshot().scenarios[i];
        if (!usable(sc) || !sc.measured.comparison) continue;
        for (const PointComparison& p : sc.measured.comparison->points) {
            const QPointF v = xy(sc, p);
            if (!chart_.drawable(v)) continue;
            const double d = QLineF(chart_.toChart(v), chartPos).length();
            if (d < bestD) bestD = d, best = {static_cast<int>(i), &p};
        }
    }
    return best;
}

QString MeasuredOverlay::toolTip(int scenario, const PointComparison& p) const {
    const EvaluatedScenario& sc = chart_.snapshot().scenarios[static_cast<std::size_t>(scenario)];
    QString tip =
        QStringLiteral("<b>%1</b><br>measured, batch %2 (%3 run%4, median)<br>latency <b>%5</b> measured, "
                       "%6 modelled: error %7 %<br>per sample %8")
            .arg(sc.label.toHtmlEscaped())
            .arg(p.measured.batch)
            .arg(p.measured.runs)
            .arg(p.measured.runs == 1 ? QString() : QStringLiteral("s"))
            .arg(formatSeconds(p.measured.latency_s), formatSeconds(p.model_s),
                 QString::number(p.error * 100, 'f', 1), formatSeconds(p.measured.perSample_s()));
    if (p.trendDeparture)
        tip += QStringLiteral("<br>vs neighbours' trend %1 %, vs model's trend %2 %")
                   .arg(QString::number(*p.trendDeparture * 100, 'f', 1),
                        QString::number(p.modelDeparture * 100, 'f', 1));
    if (p.anomaly)
        tip += QStringLiteral("<br><b style=\"color:#dc1e1e\">anomaly</b>: breaks its trend, and the model "
                              "does not predict it");
    return tip;
}

QString MeasuredOverlay::legend(const ExplorerSnapshot& s) {
    for (const EvaluatedScenario& sc : s.scenarios)
        if (usable(sc) && sc.measured.comparison) return QStringLiteral(" &nbsp;○ measured &nbsp;◇ anomaly");
    return {};
}

} // namespace bs
