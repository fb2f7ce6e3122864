#include "charts/ChartGrid.h"

#include "charts/EnergyChart.h"
#include "charts/LatencyThroughputChart.h"
#include "charts/RooflineChart.h"
#include "charts/UtilizationChart.h"

#include <QGridLayout>

namespace bs {

ChartGrid::ChartGrid(int spacing_px, QWidget* parent)
    : QWidget(parent), roofline_(new RooflineChart), utilization_(new UtilizationChart),
      latency_(new LatencyThroughputChart),
      energy_(new EnergyChart), charts_{roofline_, utilization_, latency_, energy_} {
    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(spacing_px);
    for (std::size_t i = 0; i < charts_.size(); ++i)
        grid->addWidget(charts_[i], static_cast<int>(i / 2), static_cast<int>(i % 2));
    for (int i = 0; i < 2; ++i) {
        grid->setColumnStretch(i, 1);
        grid->setRowStretch(i, 1);
    }
}

void ChartGrid::setSnapshot(const ExplorerSnapshot& s, unsigned changes) {
    for (SnapshotChart* c : charts_)
        c->setSnapshot(s, changes);
}

void ChartGrid::setDarkTheme(bool dark) {
    for (SnapshotChart* c : charts_)
        c->setDarkTheme(dark);
}

} // namespace bs
