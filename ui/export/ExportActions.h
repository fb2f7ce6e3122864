#pragma once
// The Export menu and the charts' "Export this chart…" context action: each chart or all four to
// PNG (1× or 2×), SVG or PDF (ChartExport), the sweep of every visible scenario and the selected
// scenario's layer table to CSV (CsvExport). The format is the chosen file's extension; a name
// ending in "@2x.png" is written at twice the pixels.
//
// It acts on the explorer's snapshot and the window's chart grid, which the window hands it:
//     auto* exports = new ExportActions(explorer_, charts_, this, this);
//     menuBar()->addMenu(tr("E&xport"))->addActions(exports->actions());
// File dialogs, error boxes and the status line go through replaceable functions so tests can
// drive every action.
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <functional>
#include <vector>

class QAction;
class QWidget;

namespace bs {

class ChartGrid;
class Explorer;
class SnapshotChart;

class ExportActions : public QObject {
    Q_OBJECT
  public:
    /// Dialogs are parented to `dialogParent`.
    ExportActions(Explorer* explorer, ChartGrid* grid, QWidget* dialogParent, QObject* parent = nullptr);
    /// Takes "Export this chart…" off the charts' context menus again.
    ~ExportActions() override;

    /// For the Export menu: one per chart, all four charts, a separator, sweep CSV, layer CSV, a
    /// separator, the report.
    QList<QAction*> actions() const { return actions_; }
    /// Roofline, utilization, latency–throughput, energy: the order of the 2×2 grid.
    std::vector<SnapshotChart*> charts() const;
    /// The "Export this chart…" action added to `chart`'s context menu, or null.
    QAction* contextAction(const SnapshotChart* chart) const;
    QAction* allChartsAction() const { return allCharts_; }
    QAction* sweepCsvAction() const { return sweepCsv_; }
    QAction* layerCsvAction() const { return layerCsv_; }
    QAction* reportAction() const { return report_; }

    /// Asks where to save: dialog title, suggested file name, QFileDialog filter. Returns the
    /// path, with the extension of the chosen filter when none was typed, or "" when cancelled.
    std::function<QString(const QString& title, const QString& suggestedName, const QString& filter)>
        chooseFile;
    /// Tells the user an export failed (the message names the file).
    std::function<void(const QString& message)> reportError;
    /// Tells the user where a file went ("Exported /path/file.png"); default: nothing.
    std::function<void(const QString& message)> showStatus;

    /// Dialog, then export; false when cancelled or failed.
    bool exportChartInteractive(SnapshotChart* chart);
    bool exportAllInteractive();
    bool exportSweepInteractive();
    bool exportLayersInteractive();
    /// The report of the visible scenarios (Report.h), PDF or HTML by the chosen extension.
    bool exportReportInteractive();

    /// The filter offered for pictures: PNG, PNG at 2× ("*@2x.png"), SVG, PDF.
    static QString pictureFilter();

  signals:
    void exported(const QString& path);

  private:
    QString defaultChooseFile(const QString& title, const QString& suggestedName, const QString& filter);
    bool finish(bool ok, const QString& path, const QString& error);
    void updateEnabled();

    Explorer* explorer_;
    ChartGrid* grid_;
    QWidget* dialogParent_;
    QList<QAction*> actions_;
    std::vector<std::pair<SnapshotChart*, QAction*>> context_;
    std::vector<QPointer<QAction>> added_; ///< owned by the charts, which may go first
    QAction* allCharts_ = nullptr;
    QAction* sweepCsv_ = nullptr;
    QAction* layerCsv_ = nullptr;
    QAction* report_ = nullptr;
    QString lastDir_;
};

} // namespace bs
