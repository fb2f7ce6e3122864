#include "export/ExportActions.h"

#include "charts/ChartGrid.h"
#include "charts/EnergyChart.h"
#include "charts/LatencyThroughputChart.h"
#include "charts/RooflineChart.h"
#include "charts/UtilizationChart.h"
#include "export/ChartExport.h"
#include "export/Report.h"
#include "model/CsvExport.h"
#include "model/Explorer.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QStatusBar>

namespace bs {

namespace {

struct ChartName {
    const char* menu; ///< menu text
    const char* file; ///< suggested file name, without extension
};
constexpr ChartName kChartNames[] = {{QT_TR_NOOP("&Roofline chart…"), "roofline"},
                                     {QT_TR_NOOP("&Utilization chart…"), "utilization"},
                                     {QT_TR_NOOP("&Latency–throughput chart…"), "latency-throughput"},
                                     {QT_TR_NOOP("&Energy chart…"), "energy"}};

/// "PNG image, 2× pixels (*@2x.png)" → "@2x.png"; the first pattern of the filter.
QString filterSuffix(const QString& filter) {
    const QRegularExpressionMatch m = QRegularExpression(QStringLiteral("\\(\\*([^ )]+)")).match(filter);
    return m.hasMatch() ? m.captured(1) : QString();
}

} // namespace

ExportActions::ExportActions(Explorer* explorer, ChartGrid* grid, QWidget* dialogParent, QObject* parent)
    : QObject(parent), explorer_(explorer), grid_(grid), dialogParent_(dialogParent) {
    lastDir_ = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    chooseFile = [this](const QString& title, const QString& name, const QString& filter) {
        return defaultChooseFile(title, name, filter);
    };
    reportError = [this](const QString& message) {
        QMessageBox::warning(dialogParent_, tr("Export failed"), message);
    };

    const std::vector<SnapshotChart*> all = charts();
    for (std::size_t i = 0; i < all.size(); ++i) {
        SnapshotChart* chart = all[i];
        auto* menu = new QAction(tr(kChartNames[i].menu), this);
        menu->setToolTip(tr("Save this chart as PNG (1× or 2× pixels), SVG or PDF, light theme, with a "
                            "caption naming the batch and the scenarios"));
        connect(menu, &QAction::triggered, this, [this, chart] { exportChartInteractive(chart); });
        actions_ << menu;

        // Right-click on the chart: its own actions (the energy breakdown) stay, export comes last.
        auto* context = new QAction(tr("Export this chart…"), chart);
        context->setToolTip(menu->toolTip());
        connect(context, &QAction::triggered, this, [this, chart] { exportChartInteractive(chart); });
        if (!chart->actions().isEmpty()) {
            auto* sep = new QAction(chart);
            sep->setSeparator(true);
            chart->addAction(sep);
            added_.emplace_back(sep);
        }
        chart->addAction(context);
        chart->setContextMenuPolicy(Qt::ActionsContextMenu);
        context_.emplace_back(chart, context);
        added_.emplace_back(context);
    }
    allCharts_ = new QAction(tr("&All four charts…"), this);
    allCharts_->setToolTip(tr("PNG or SVG: the four charts in a 2×2 picture; PDF: one page per chart"));
    connect(allCharts_, &QAction::triggered, this, [this] { exportAllInteractive(); });

    auto* sep = new QAction(this);
    sep->setSeparator(true);

    sweepCsv_ = new QAction(tr("&Sweep CSV…"), this);
    sweepCsv_->setToolTip(tr("Every visible scenario at every swept batch, in the columns of "
                             "'batchscope sweep' led by scenario, model, hardware and precision"));
    connect(sweepCsv_, &QAction::triggered, this, [this] { exportSweepInteractive(); });

    layerCsv_ = new QAction(tr("La&yer table CSV…"), this);
    layerCsv_->setToolTip(
        tr("The selected scenario's layers at the current batch, in the columns of 'batchscope layers'"));
    connect(layerCsv_, &QAction::triggered, this, [this] { exportLayersInteractive(); });

    auto* sep2 = new QAction(this);
    sep2->setSeparator(true);
    report_ = new QAction(tr("&Report (PDF or HTML)…"), this);
    report_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    report_->setToolTip(tr("One document for after the meeting: the visible scenarios at this batch, "
                           "the recommendations, the four charts, the top layers by time and every "
                           "preset used with its numbers and sources"));
    connect(report_, &QAction::triggered, this, [this] { exportReportInteractive(); });

    actions_ << allCharts_ << sep << sweepCsv_ << layerCsv_ << sep2 << report_;
    connect(explorer_, &Explorer::snapshotChanged, this, [this] { updateEnabled(); });
    connect(explorer_, &Explorer::busyChanged, this, [this] { updateEnabled(); });
    updateEnabled();
}

ExportActions::~ExportActions() {
    for (const QPointer<QAction>& a : added_)
        delete a.data();
}

std::vector<SnapshotChart*> ExportActions::charts() const {
    const auto& all = grid_->charts();
    return {all.begin(), all.end()};
}

QAction* ExportActions::contextAction(const SnapshotChart* chart) const {
    for (const auto& [c, action] : context_)
        if (c == chart) return action;
    return nullptr;
}

QString ExportActions::pictureFilter() {
    return tr(
        "PNG image (*.png);;PNG image, 2× pixels (*@2x.png);;SVG drawing (*.svg);;PDF document (*.pdf)");
}

void ExportActions::updateEnabled() {
    const ExplorerSnapshot& s = explorer_->snapshot();
    bool any = false;
    for (const EvaluatedScenario& sc : s.scenarios)
        any = any || usable(sc);
    sweepCsv_->setEnabled(any);
    // A report is what the meeting saw: not while models are still being prepared or swept.
    report_->setEnabled(any && !explorer_->isBusy());
    layerCsv_->setEnabled(layerCsvProblem(s).isEmpty());
}

QString ExportActions::defaultChooseFile(const QString& title, const QString& suggestedName,
                                         const QString& filter) {
    QString selected;
    QString path = QFileDialog::getSaveFileName(dialogParent_, title, QDir(lastDir_).filePath(suggestedName),
                                                filter, &selected);
    if (path.isEmpty()) return path;
    // Dialogs differ in whether they add the extension of the chosen filter: add it here unless
    // the name already has one the filter offers (which then picks the format).
    const QString suffix = filterSuffix(selected.isEmpty() ? filter : selected);
    bool known = false;
    for (const QString& f : filter.split(QStringLiteral(";;"))) {
        const QString s = filterSuffix(f);
        const qsizetype dot = s.lastIndexOf(QLatin1Char('.'));
        known = known || (dot >= 0 && path.endsWith(s.mid(dot), Qt::CaseInsensitive));
    }
    if (!known) {
        path += suffix;
    } else if (suffix.startsWith(QLatin1Char('@')) && !path.endsWith(suffix, Qt::CaseInsensitive) &&
               path.endsWith(suffix.mid(3), Qt::CaseInsensitive)) {
        path.chop(suffix.size() - 3); // "chart.png" under the 2× filter: "chart@2x.png"
        path += suffix;
    }
    lastDir_ = QFileInfo(path).absolutePath();
    return path;
}

bool ExportActions::finish(bool ok, const QString& path, const QString& error) {
    if (!ok) {
        reportError(error);
        return false;
    }
    if (showStatus) showStatus(tr("Exported %1").arg(QDir::toNativeSeparators(path)));
    emit exported(path);
    return true;
}

bool ExportActions::exportChartInteractive(SnapshotChart* chart) {
    const std::vector<SnapshotChart*> all = charts();
    QString name = QStringLiteral("chart");
    for (std::size_t i = 0; i < all.size(); ++i)
        if (all[i] == chart) name = QString::fromLatin1(kChartNames[i].file);
    const QString path = chooseFile(tr("Export chart"), name + QStringLiteral(".png"), pictureFilter());
    if (path.isEmpty()) return false;
    QString error;
    const bool ok = exportChart(chart, path, exportScaleFromName(path), &error);
    return finish(ok, path, error);
}

bool ExportActions::exportAllInteractive() {
    const QString path =
        chooseFile(tr("Export all four charts"), QStringLiteral("charts.png"), pictureFilter());
    if (path.isEmpty()) return false;
    QString error;
    const bool ok = exportAllCharts(charts(), path, exportScaleFromName(path), &error);
    return finish(ok, path, error);
}

bool ExportActions::exportSweepInteractive() {
    const QString path = chooseFile(tr("Export sweep CSV"), QStringLiteral("sweep.csv"), tr("CSV (*.csv)"));
    if (path.isEmpty()) return false;
    QString error;
    const bool ok = exportSweepCsv(explorer_->snapshot(), path, &error);
    return finish(ok, path, error);
}

bool ExportActions::exportLayersInteractive() {
    const ExplorerSnapshot& s = explorer_->snapshot();
    QString name = QStringLiteral("layers.csv");
    if (s.selectedScenario >= 0 && s.selectedScenario < static_cast<int>(s.scenarios.size()))
        name = QStringLiteral("layers-batch%1.csv").arg(s.batch);
    const QString path = chooseFile(tr("Export layer table CSV"), name, tr("CSV (*.csv)"));
    if (path.isEmpty()) return false;
    QString error;
    const bool ok = exportLayerCsv(explorer_->snapshot(), path, &error);
    return finish(ok, path, error);
}

bool ExportActions::exportReportInteractive() {
    const QString path = chooseFile(tr("Export report"), QStringLiteral("batchscope-report.pdf"),
                                    tr("PDF document (*.pdf);;HTML page (*.html)"));
    if (path.isEmpty()) return false;
    ReportOptions options;
    options.energyBreakdown = grid_->energy()->breakdownVisible();
    QString error;
    const bool ok = writeReport(explorer_->snapshot(), path, options, &error);
    return finish(ok, path, error);
}

} // namespace bs
