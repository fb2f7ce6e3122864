#pragma once
// Energy per inference against batch size, one curve per scenario: static energy (static power ×
// latency) spread over the batch falls as the batch grows, dynamic energy (compute, DRAM, on-chip
// traffic) changes with how often weights are re-read. The breakdown of the selected scenario
// (static / compute / DRAM / SRAM) can be shown as dashed curves of the same hue.
#include "charts/ChartSupport.h"
#include "charts/SweepCurves.h"

#include <array>
#include <vector>

class QAction;
class QAbstractAxis;

namespace bs {

class EnergyChart : public SnapshotChart {
    Q_OBJECT
  public:
    explicit EnergyChart(QWidget* parent = nullptr);
    ChartKind kind() const override { return ChartKind::Energy; }
    bool breakdownShown() const override { return breakdownVisible(); }

    void setBreakdownVisible(bool on);
    bool breakdownVisible() const { return breakdown_; }
    const std::vector<SweepCurve>& curves() const { return curves_; }
    QLineSeries* notFittingSeries() const { return notFit_; }
    /// Joules per unit of the y axis (1e-3 when it shows mJ).
    double unit_j() const { return unit_j_; }
    /// Scenario index whose breakdown is drawn, or -1.
    int breakdownScenario() const { return breakdownScenario_; }

  signals:
    void breakdownVisibleChanged(bool on);

  protected:
    void rebuild() override;
    void updateBatch() override;
    void updateBudget() override {}
    void updateSelection() override;
    QString pointToolTip(const QPointF& chartPos) const override;
    QString chartToolTip() const override;
    int batchAt(const QPointF& chartPos) const override { return sweep_.batchAt(curves_, xy_, chartPos); }

  private:
    int pickBreakdownScenario() const;
    QPointF value(const EvaluatedScenario& sc, const Totals& t) const;

    SweepCurves sweep_{*this};
    /// value() as the sweep curves take it (it reads unit_j_, so it cannot be static).
    const SweepCurves::TotalsToValue xy_ = [this](const EvaluatedScenario& sc, const Totals& t) {
        return value(sc, t);
    };
    std::vector<SweepCurve> curves_;
    QLineSeries* notFit_ = nullptr;
    QAbstractAxis* ay_ = nullptr; ///< log, or linear when all values lie within one decade
    QAction* breakdownAction_ = nullptr;
    bool breakdown_ = false;
    int breakdownScenario_ = -1;
    double unit_j_ = 1e-3;
};

} // namespace bs
