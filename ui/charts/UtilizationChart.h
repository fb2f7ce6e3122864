#pragma once
// FLOP-weighted utilization (total FLOPs ÷ (latency × dense peak), in %) against batch size, one
// curve per scenario: where it flattens is the plateau past which a bigger batch buys little. The
// current batch is a vertical line and a marker on each curve; batches that do not fit device
// memory are dashed and crossed. A batch step moves only the markers.
#include "charts/ChartSupport.h"
#include "charts/MeasuredOverlay.h"
#include "charts/SweepCurves.h"

#include <vector>

class QValueAxis;

namespace bs {

class UtilizationChart : public SnapshotChart {
    Q_OBJECT
  public:
    explicit UtilizationChart(QWidget* parent = nullptr);
    ChartKind kind() const override { return ChartKind::Utilization; }

    const std::vector<SweepCurve>& curves() const { return curves_; }
    QLineSeries* notFittingSeries() const { return notFit_; }
    /// Utilization in % at a sweep point: what the curves plot.
    static QPointF value(const EvaluatedScenario& sc, const Totals& t);
    static QPointF measuredValue(const EvaluatedScenario& sc, const PointComparison& p);

  protected:
    void rebuild() override;
    void updateBatch() override;
    void updateBudget() override {}
    QString pointToolTip(const QPointF& chartPos) const override;
    QString chartToolTip() const override;
    int batchAt(const QPointF& chartPos) const override { return sweep_.batchAt(curves_, value, chartPos); }

  private:
    SweepCurves sweep_{*this};
    MeasuredOverlay measured_{*this};
    std::vector<SweepCurve> curves_;
    QLineSeries* notFit_ = nullptr;
    QValueAxis* ay_ = nullptr;
};

} // namespace bs
