#pragma once
// The design-space view (docs/MODEL.md §20), a tab beside the batch charts. The user picks one or
// two axes (preset fields by their path, or model knobs) with their values, an objective and a
// metric; Run sweeps the shown scenarios in the background (progress bar, Cancel) and draws
//   - the metric against the axis, a line per scenario, each scenario's current value marked (one
//     axis), or a heat map of the selected scenario with the latency budget's contour and its
//     current preset ringed (two axes);
//   - the Pareto chart of every design point and scenario: latency against energy per inference,
//     or cost against throughput, the front drawn and the dominated points faded.
// Clicking a Pareto point selects that design; "Use this design" saves it as a user preset derived
// from the scenario's (derived_from kept) and adds a scenario on it.
#include "explore/DesignSpace.h"
#include "model/ExplorerTypes.h"

#include <QElapsedTimer>
#include <QWidget>
#include <optional>

class QChartView;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QStackedWidget;
class QChart;

namespace bs {

class DesignSpaceRun;
class Explorer;
class HeatMap;

class DesignSpaceView : public QWidget {
    Q_OBJECT
  public:
    enum class Metric { Throughput, Latency, Energy, Cost, Batch };
    enum class Pareto { LatencyEnergy, CostThroughput };

    explicit DesignSpaceView(Explorer* explorer, QWidget* parent = nullptr);

    /// Sets the axes ("" for no second axis), objective and metric, as a user would, and runs.
    void configure(const QString& path1, const QString& values1, const QString& path2,
                   const QString& values2);
    void run();
    void cancel();
    void setMetric(Metric m);
    void setPareto(Pareto p);
    /// Selects row `row` of the last result (what a click on its Pareto point does).
    void selectRow(std::size_t row);
    /// "Use this design": the new scenario's id, or -1.
    int useSelectedDesign();

    /// The set-up as the widgets show it; applySettings() shows `s` (a session opened).
    DesignSpaceSettings settings() const;
    void applySettings(const DesignSpaceSettings& s);

    DesignSpaceRun* runner() const { return run_; }
    HeatMap* heatMap() const { return heat_; }
    QChartView* lineView() const { return lineView_; }
    QChartView* paretoView() const { return paretoView_; }
    QString statusText() const;
    void setDarkTheme(bool dark);

  signals:
    void scenarioAdded(int id, const QString& message);

  private:
    void redraw();
    void drawLine();
    void drawHeatMap();
    void drawPareto();
    double metricOf(const DesignSummary& s) const;
    QString metricTitle() const;

    Explorer* explorer_;
    DesignSpaceRun* run_;
    QComboBox* path1_;
    QLineEdit* values1_;
    QComboBox* path2_;
    QLineEdit* values2_;
    QComboBox* objective_;
    QComboBox* metric_;
    QComboBox* pareto_;
    QComboBox* heatScenario_;
    QPushButton* runButton_;
    QPushButton* cancelButton_;
    QPushButton* useButton_;
    QProgressBar* progress_;
    QLabel* status_;
    QLabel* selected_;
    QStackedWidget* spaceStack_;
    QChartView* lineView_;
    HeatMap* heat_;
    QChartView* paretoView_;
    std::optional<std::size_t> selectedRow_;
    QElapsedTimer clock_; ///< since Run: the status line says how long the sweep took
    bool dark_ = false;
};

} // namespace bs
