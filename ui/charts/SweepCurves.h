#pragma once
// What the charts that draw batch sweeps share (utilization, latency–throughput, energy), held by
// each of them: one curve per scenario over the sweep grid (solid where the batch fits device
// memory, dashed beyond, a marker at the current batch), the crosses of batches that do not fit,
// and, where the x axis is the batch, the batch line. The roofline draws none of it.
#include "charts/ChartSupport.h"

#include <QPointF>
#include <functional>
#include <optional>
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

/// A point of a curve: its chart value and whether its batch fits device memory.
struct CurvePoint {
    QPointF value;
    bool fits = true;
};

/// How a chart reads one scenario's curve: the points over the sweep grid, in order, and the point
/// at the current batch. The batch sweep (Totals) and the serving view (GenerationPoint) both are.
struct CurveSource {
    std::function<std::vector<CurvePoint>(const EvaluatedScenario&)> points;
    std::function<CurvePoint(const EvaluatedScenario&)> current;
    /// The largest batch that fits, where the memory wall is drawn (nullopt: none).
    std::function<std::optional<long long>(const EvaluatedScenario&)> largestFitting;
    /// Whether batches that do not fit are drawn (dashed, at the axes' edge); when not, the curve
    /// ends at the last batch that fits and those batches cannot be hovered or clicked.
    bool drawBeyond = true;
};

class SweepCurves {
  public:
    explicit SweepCurves(SnapshotChart& chart);
    /// Maps a scenario's sweep point to a chart value (the scenario says its units: tokens for an
    /// LLM); NaN coordinates are skipped.
    using TotalsToValue = std::function<QPointF(const EvaluatedScenario&, const Totals&)>;
    /// The batch sweep (EvaluatedScenario::sweep and current) seen through `xy`.
    static CurveSource sweepSource(const TotalsToValue& xy);

    /// After the chart's resetChart(): what it drew is gone.
    void reset();
    /// The curve of scenario `index`: solid while batches fit device memory, dashed beyond, and a
    /// marker at the current batch.
    SweepCurve add(int index, const TotalsToValue& xy, bool pointsVisible) {
        return add(index, sweepSource(xy), pointsVisible);
    }
    SweepCurve add(int index, const CurveSource& source, bool pointsVisible);
    void moveCurrent(const SweepCurve& curve, const TotalsToValue& xy) {
        moveCurrent(curve, sweepSource(xy));
    }
    void moveCurrent(const SweepCurve& curve, const CurveSource& source);
    /// Crosses at every swept batch that does not fit device memory, all scenarios in one series.
    /// Like the dashed tails, they are drawn at the axes' edge when they lie beyond: the charts
    /// scale their axes to the batches that fit, not to a latency of 10⁶ ms.
    QLineSeries* addNotFitting(const TotalsToValue& xy) { return addNotFitting(sweepSource(xy), usable); }
    QLineSeries* addNotFitting(const CurveSource& source, bool (*drawn)(const EvaluatedScenario&));
    /// Where each curve's memory runs out: a dotted line in the scenario's colour at the largest
    /// batch that fits, labelled "fits ≤ N", for the walls inside the batch axis.
    void addMemoryWalls(const std::vector<SweepCurve>& curves) {
        addMemoryWalls(curves, sweepSource({}), QStringLiteral("fits ≤ %1"));
    }
    /// `format`'s %1 is the batch ("KV fits ≤ %1").
    void addMemoryWalls(const std::vector<SweepCurve>& curves, const CurveSource& source,
                        const QString& format);
    /// Vertical dashed line at the current batch over the whole y range, labelled "batch N".
    void addBatchLine();
    void moveBatchLine();
    /// A batch step on a chart whose x axis is the batch: widen the axis if the batch left it, move
    /// every curve's current marker and the batch line.
    void followBatch(const std::vector<SweepCurve>& curves, const TotalsToValue& xy) {
        followBatch(curves, sweepSource(xy));
    }
    void followBatch(const std::vector<SweepCurve>& curves, const CurveSource& source);
    /// Nearest sweep point of any curve within a few pixels: {scenario index, sweep index}.
    std::pair<int, int> nearest(const std::vector<SweepCurve>& curves, const TotalsToValue& xy,
                                const QPointF& chartPos) const {
        return nearest(curves, sweepSource(xy), chartPos);
    }
    std::pair<int, int> nearest(const std::vector<SweepCurve>& curves, const CurveSource& source,
                                const QPointF& chartPos) const;
    /// Batch of the nearest sweep point within a few pixels, -1 when none (the grid's batch at the
    /// point's index).
    int batchAt(const std::vector<SweepCurve>& curves, const TotalsToValue& xy,
                const QPointF& chartPos) const {
        return batchAt(curves, sweepSource(xy), chartPos);
    }
    int batchAt(const std::vector<SweepCurve>& curves, const CurveSource& source,
                const QPointF& chartPos) const;
    /// Scenario label, batch and the fit line shared by the sweep charts' tooltips.
    QString pointHeader(int scenario, const Totals& t) const;

  private:
    SnapshotChart& chart_;
    QLineSeries* batchLine_ = nullptr;
    QGraphicsSimpleTextItem* batchLabel_ = nullptr;
};

} // namespace bs
