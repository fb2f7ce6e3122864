#pragma once
// Measured data in the window (docs/MEASURED.md):
//  - Measured → Load measured data… attaches a measured sweep (CSV or JSON lines) to the selected
//    scenario; the latency–throughput and utilization charts overlay its points (anomalies as red
//    diamonds) and the "Measured data" dock lists every point's error, the departures and the
//    median absolute percentage error per scenario. Clear measured data detaches it.
//  - Calibrate preset… fits the selected scenario's preset to the measured sweeps of every visible
//    scenario on that preset, saves the result as a user preset and adds a scenario on it next to
//    the selected one, reporting the error before and after.
//  - Measure this machine… runs the probes (progress and Cancel) and adds the measured CPU preset.
//
// The main window adds the menu with
//     auto* measured = new MeasuredActions(this, this);
//     menuBar()->addMenu(tr("&Measured"))->addActions(measured->actions());
// Dialogs go through replaceable functions so tests drive every action.
#include "hardware/MachineProbe.h"
#include "measured/Calibration.h"
#include "model/ExplorerTypes.h"

#include <QFutureWatcher>
#include <QList>
#include <QObject>
#include <QString>
#include <QWidget>
#include <atomic>
#include <functional>
#include <memory>

class QAction;
class QDockWidget;
class QLabel;
class QProgressDialog;
class QTableWidget;

namespace bs {

class Explorer;

/// The "Measured data" dock's content: a summary line per scenario and a table of every point.
class MeasuredPanel : public QWidget {
    Q_OBJECT
  public:
    explicit MeasuredPanel(QWidget* parent = nullptr);
    void setSnapshot(const ExplorerSnapshot& s);
    QTableWidget* table() const { return table_; }
    QString summaryText() const;

  private:
    QLabel* summary_;
    QTableWidget* table_;
};

class MeasuredActions : public QObject {
    Q_OBJECT
  public:
    /// Acts on `explorer`'s scenarios and presets; dialogs are parented to `dialogParent`.
    MeasuredActions(Explorer* explorer, QWidget* dialogParent, QObject* parent = nullptr);
    ~MeasuredActions() override;

    QList<QAction*> actions() const { return actions_; }
    QAction* loadAction() const { return load_; }
    QAction* clearAction() const { return clear_; }
    QAction* calibrateAction() const { return calibrate_; }
    QAction* measureAction() const { return measure_; }
    MeasuredPanel* panel() const { return panel_; }
    QDockWidget* dock() const { return dock_; }

    /// Attaches `file` to scenario `id` ("" detaches).
    void setMeasured(int scenarioId, const QString& file);
    /// Calibrates the selected scenario's preset; returns the new preset's id, or "" (reported).
    QString calibrateSelected();
    /// Starts the probes; measurementFinished() follows (or an error is reported).
    void startMeasuring();
    bool measuring() const { return running_ != nullptr; }
    void cancelMeasuring();

    /// Seconds of timed runs per probe (ProbeOptions::secondsPerProbe).
    double probeSeconds = 2.0;
    /// Where the probe reads the machine's facts (ProbeOptions::facts); tests point it elsewhere.
    FactOptions probeFacts;

    // Replaceable dialogs.
    std::function<QString()> chooseMeasuredFile;
    std::function<void(const QString& message)> inform;
    std::function<void(const QString& message)> reportError;
    /// Selects a scenario the actions added (the window also selects it in its list); default: the
    /// explorer's selection.
    std::function<void(int scenarioId)> selectScenario;

  signals:
    /// The measured preset was added (id), or `error` says why not.
    void measurementFinished(const QString& presetId, const QString& error);

  private:
    void updateEnabled();
    void finishMeasuring();

    Explorer* explorer_;
    QWidget* dialogParent_;
    MeasuredPanel* panel_;
    QDockWidget* dock_;
    QList<QAction*> actions_;
    QAction* load_;
    QAction* clear_;
    QAction* calibrate_;
    QAction* measure_;
    struct Running;
    std::unique_ptr<Running> running_;
};

} // namespace bs
