#pragma once
// What the charts that draw batch sweeps share (utilization, latency–throughput, energy), held by
// each of them: one curve per scenario over the sweep grid (solid where the batch fits device
// memory, dashed beyond, a marker at the current batch), the crosses of batches that do not fit,
// and, where the x axis is the batch, the batch line. The roofline draws none of it.
#include "charts/ChartSupport.h"

#include <QPointF>
#include <functional>
#include <utility>
#include <vector>

class QGraphicsSimpleTextItem;
class QLineSeries;

namespace bs {

/// One scenario's curve over the sweep grid.
struct SweepCurve {
    int scenario = -1; ///< index into ExplorerSnapshot::scenarios
    QLineSeries* fits = nullptr;
    QLineSeries* beyond = nullptr;
    QLineSeries* current = nullptr; ///< a glyph series (makeGlyphSeries) holding one point
};

class SweepCurves {
  public:
    explicit SweepCurves(SnapshotChart& chart);
    /// Maps a scenario's sweep point to a chart value (the scenario says its units: tokens for an
    /// LLM); NaN coordinates are skipped.
    using TotalsToValue = std::function<QPointF(const EvaluatedScenario&, const Totals&)>;

    /// After the chart's resetChart(): what it drew is gone.
    void reset();
    /// The curve of scenario `index`: solid while batches fit device memory, dashed beyond, and a
    /// marker at the current batch.
    SweepCurve add(int index, const TotalsToValue& xy, bool pointsVisible);
    void moveCurrent(const SweepCurve& curve, const TotalsToValue& xy);
    /// Crosses at every swept batch that does not fit device memory, all scenarios in one series.
    /// Like the dashed tails, they are drawn at the axes' edge when they lie beyond: the charts
    /// scale their axes to the batches that fit, not to a latency of 10⁶ ms.
    QLineSeries* addNotFitting(const TotalsToValue& xy);
    /// Where each curve's memory runs out: a dotted line in the scenario's colour at the largest
    /// batch that fits, labelled "fits ≤ N", for the walls inside the batch axis.
    void addMemoryWalls(const std::vector<SweepCurve>& curves);
    /// Vertical dashed line at the current batch over the whole y range, labelled "batch N".
    void addBatchLine();
    void moveBatchLine();
    /// A batch step on a chart whose x axis is the batch: widen the axis if the batch left it, move
    /// every curve's current marker and the batch line.
    void followBatch(const std::vector<SweepCurve>& curves, const TotalsToValue& xy);
    /// Nearest sweep point of any curve within a few pixels: {scenario index, sweep index}.
    std::pair<int, int> nearest(const std::vector<SweepCurve>& curves, const TotalsToValue& xy,
                                const QPointF& chartPos) const;
    /// Batch of the nearest sweep point within a few pixels, -1 when none.
    int batchAt(const std::vector<SweepCurve>& curves, const TotalsToValue& xy,
                const QPointF& chartPos) const;
    /// Scenario label, batch and the fit line shared by the sweep charts' tooltips.
    QString pointHeader(int scenario, const Totals& t) const;

  private:
    SnapshotChart& chart_;
    QLineSeries* batchLine_ = nullptr;
    QGraphicsSimpleTextItem* batchLabel_ = nullptr;
};

} // namespace bs
