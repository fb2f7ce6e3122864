#pragma once
// The serving view's charts (docs/MODEL.md §11): a decoder LLM's generation (static batching) at
// the ServingSettings' prompt and output lengths, one curve per decoder scenario over the sweep
// grid, following the batch slider like the batch charts. One type, four metrics:
// - Interactivity: output tokens/s per user (x) against output tokens/s per device (y), one point
//   per batch: the chart vendors publish. The TPOT target is the vertical line x = 1 ÷ TPOT.
// - Ttft / Tpot: time to first token / per output token against the batch, with the target as a
//   horizontal line and the batches that meet both targets shaded in the scenario's colour.
// - Memory: weights + KV cache + activations against the batch, each chip's capacity a line.
// Every chart marks the KV-cache wall (the largest batch that fits), crosses the batches beyond
// it, stars the recommendation (highest output tokens/s within the targets) and rings the
// current batch.
#include "charts/ChartSupport.h"
#include "charts/SweepCurves.h"

#include <vector>

class QAbstractAxis;
class QAreaSeries;

namespace bs {

class ServingChart : public SnapshotChart {
    Q_OBJECT
  public:
    enum class Metric { Interactivity, Ttft, Tpot, Memory };
    explicit ServingChart(Metric metric, QWidget* parent = nullptr);
    ChartKind kind() const override;
    Metric metric() const { return metric_; }

    /// The chart value of a generation point.
    /// Where a point is drawn; throughput vs interactivity is per device (÷ the replica's devices).
    static QPointF value(Metric metric, const EvaluatedScenario& sc, const GenerationPoint& p);
    const std::vector<SweepCurve>& curves() const { return curves_; }
    /// Crosses at the batches that do not fit; null on the interactivity chart, whose curves end
    /// at the wall.
    QLineSeries* notFittingSeries() const { return notFit_; }
    /// Star at each curve's recommended batch (same order as curves()).
    const std::vector<QScatterSeries*>& recommendedSeries() const { return recommended_; }
    /// The target line (TTFT, TPOT or, on the interactivity chart, 1 ÷ TPOT); empty without one.
    QLineSeries* targetSeries() const { return target_; }
    /// The shaded batch ranges that meet both targets, one area per run of batches.
    const std::vector<QAreaSeries*>& shading() const { return shading_; }

  protected:
    void rebuild() override;
    void updateBatch() override;
    void updateBudget() override {}
    void updateTargets() override { rebuild(); }
    QString pointToolTip(const QPointF& chartPos) const override;
    QString chartToolTip() const override;
    int batchAt(const QPointF& chartPos) const override { return sweep_.batchAt(curves_, source_, chartPos); }

  private:
    bool batchAxis() const { return metric_ != Metric::Interactivity; }
    QString title() const;
    /// Axis ranges from the points that fit (the others are drawn at the edge) and the targets.
    void fitRanges(QAbstractAxis* x, QAbstractAxis* y);
    void addShading();
    void addTarget();
    void addCapacities();
    void addRecommended();
    void addKvWallMarks();

    Metric metric_;
    CurveSource source_;
    SweepCurves sweep_{*this};
    std::vector<SweepCurve> curves_;
    std::vector<QScatterSeries*> recommended_;
    std::vector<QAreaSeries*> shading_;
    QLineSeries* notFit_ = nullptr;
    QLineSeries* target_ = nullptr;
};

} // namespace bs
