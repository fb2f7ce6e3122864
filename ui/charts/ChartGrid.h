#pragma once
// The four linked charts in a 2×2 grid (roofline, utilization / latency-throughput, energy), as the
// window and presentation mode show them and as "export all" draws them. One widget, so the grid is
// built in one place.
#include <QWidget>
#include <array>

namespace bs {

class EnergyChart;
class LatencyThroughputChart;
class RooflineChart;
class SnapshotChart;
class UtilizationChart;
struct ExplorerSnapshot;

class ChartGrid : public QWidget {
    Q_OBJECT
  public:
    explicit ChartGrid(int spacing_px, QWidget* parent = nullptr);

    RooflineChart* roofline() const { return roofline_; }
    UtilizationChart* utilization() const { return utilization_; }
    LatencyThroughputChart* latencyThroughput() const { return latency_; }
    EnergyChart* energy() const { return energy_; }
    /// The four charts in reading (and export) order.
    const std::array<SnapshotChart*, 4>& charts() const { return charts_; }

    void setSnapshot(const ExplorerSnapshot& s, unsigned changes);
    void setDarkTheme(bool dark);

  private:
    RooflineChart* roofline_;
    UtilizationChart* utilization_;
    LatencyThroughputChart* latency_;
    EnergyChart* energy_;
    std::array<SnapshotChart*, 4> charts_;
};

} // namespace bs
