#pragma once
// The measured-data overlay (docs/MEASURED.md) of the charts that show it (latency–throughput and
// utilization), held by each of them: every drawn scenario's measured points as hollow circles in
// its colour, anomalies as red diamonds, a point's tooltip and the key in the title.
#include "charts/ChartSupport.h"

#include <QPointF>
#include <functional>
#include <utility>

namespace bs {

class MeasuredOverlay {
  public:
    explicit MeasuredOverlay(SnapshotChart& chart);
    /// Maps a measured point to a chart value; NaN coordinates are skipped.
    using MeasuredToValue = std::function<QPointF(const EvaluatedScenario&, const PointComparison&)>;

    /// Draws the points; returns whether any was drawn.
    bool add(const MeasuredToValue& xy);
    /// The measured point within a few pixels of `chartPos`, with its scenario, or null.
    std::pair<int, const PointComparison*> nearest(const MeasuredToValue& xy, const QPointF& chartPos) const;
    /// Measured and modelled latency, error, departures.
    QString toolTip(int scenario, const PointComparison& p) const;
    /// "○ measured ◇ anomaly" for a chart's second title line when `s` has measured data.
    static QString legend(const ExplorerSnapshot& s);

  private:
    SnapshotChart& chart_;
};

} // namespace bs
