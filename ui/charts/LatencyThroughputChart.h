#pragma once
// Latency against throughput (log-log), one curve per scenario with a point per swept batch: the
// trade-off a batch size buys. The latency budget is a horizontal dashed line, the recommended
// batch (highest throughput within the budget) a labelled star, the current batch a marker, and
// batches that do not fit device memory are dashed and crossed.
#include "charts/ChartSupport.h"
#include "charts/MeasuredOverlay.h"
#include "charts/SweepCurves.h"

#include <vector>

class QLogValueAxis;

namespace bs {

class LatencyThroughputChart : public SnapshotChart {
    Q_OBJECT
  public:
    explicit LatencyThroughputChart(QWidget* parent = nullptr);
    ChartKind kind() const override { return ChartKind::Tradeoff; }

    const std::vector<SweepCurve>& curves() const { return curves_; }
    QLineSeries* notFittingSeries() const { return notFit_; }
    QLineSeries* budgetSeries() const { return budget_; }
    /// Star at the recommended batch of each curve (same order as curves()).
    const std::vector<QScatterSeries*>& recommendedSeries() const { return recommended_; }
    /// (inferences/s or tokens/s, latency in ms) at a sweep point: what the curves plot.
    static QPointF value(const EvaluatedScenario& sc, const Totals& t);
    static QPointF measuredValue(const EvaluatedScenario& sc, const PointComparison& p);

  protected:
    void rebuild() override;
    void updateBatch() override;
    void updateBudget() override;
    QString pointToolTip(const QPointF& chartPos) const override;
    QString chartToolTip() const override;
    int batchAt(const QPointF& chartPos) const override { return sweep_.batchAt(curves_, value, chartPos); }

  private:
    void fitRanges(bool refit);
    void placeBudget();

    QLogValueAxis* ax_ = nullptr;
    QLogValueAxis* ay_ = nullptr;
    SweepCurves sweep_{*this};
    MeasuredOverlay measured_{*this};
    std::vector<SweepCurve> curves_;
    std::vector<QScatterSeries*> recommended_;
    std::vector<QGraphicsSimpleTextItem*> recommendedLabels_;
    QLineSeries* notFit_ = nullptr;
    QLineSeries* budget_ = nullptr;
    QGraphicsSimpleTextItem* budgetLabel_ = nullptr;
};

} // namespace bs
