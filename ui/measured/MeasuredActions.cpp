#include "measured/MeasuredActions.h"

#include "base/Format.h"
#include "model/Explorer.h"
#include "model/PresetStore.h"

#include <QAction>
#include <QApplication>
#include <QDate>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QProgressDialog>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent>
#include <cmath>
#include <set>

namespace bs {

// ---- panel -----------------------------------------------------------------------------------

MeasuredPanel::MeasuredPanel(QWidget* parent) : QWidget(parent) {
    summary_ = new QLabel;
    summary_->setObjectName(QStringLiteral("measuredSummary"));
    summary_->setWordWrap(true);
    summary_->setTextFormat(Qt::RichText);
    table_ = new QTableWidget;
    table_->setObjectName(QStringLiteral("measuredTable"));
    table_->setColumnCount(9);
    table_->setHorizontalHeaderLabels({tr("Scenario"), tr("Batch"), tr("Runs"), tr("Measured"), tr("Model"),
                                       tr("Error"), tr("vs trend"), tr("vs model trend"), tr("Anomaly")});
    table_->horizontalHeaderItem(5)->setToolTip(
        tr("model ÷ measured − 1: negative means the model is optimistic"));
    table_->horizontalHeaderItem(6)->setToolTip(
        tr("per-sample time against the geometric interpolation of the neighbouring batches"));
    table_->horizontalHeaderItem(7)->setToolTip(
        tr("measured ÷ model against the same interpolation of the neighbours' ratios"));
    table_->horizontalHeaderItem(8)->setToolTip(
        tr("both departures beyond 20 % in the same direction: the measurement breaks its trend and the "
           "model does not predict it"));
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(summary_);
    layout->addWidget(table_, 1);
    setSnapshot({});
}

QString MeasuredPanel::summaryText() const {
    return summary_->text();
}

void MeasuredPanel::setSnapshot(const ExplorerSnapshot& s) {
    QStringList lines;
    int rows = 0;
    for (const EvaluatedScenario& sc : s.scenarios)
        if (sc.measured.comparison) rows += static_cast<int>(sc.measured.comparison->points.size());
    table_->setRowCount(rows);
    int row = 0;
    auto pct = [](double v) {
        const double p = std::round(v * 1000) / 10; // one decimal, and no "-0.0"
        return QStringLiteral("%1%2 %")
            .arg(p > 0 ? QStringLiteral("+") : QString())
            .arg(p == 0 ? 0.0 : p, 0, 'f', 1);
    };
    for (const EvaluatedScenario& sc : s.scenarios) {
        const QString swatch = QStringLiteral("<span style=\"color:%1\">■</span> ").arg(sc.color.name());
        if (!sc.measured.error.isEmpty()) {
            lines << swatch + sc.label.toHtmlEscaped() + QStringLiteral(": <b>") +
                         sc.measured.error.toHtmlEscaped() + QStringLiteral("</b>");
            continue;
        }
        if (!sc.measured.comparison) continue;
        const Comparison& c = *sc.measured.comparison;
        QStringList anomalies;
        for (const PointComparison& p : c.points) {
            if (p.anomaly)
                anomalies << QStringLiteral("batch %1 %2 per sample")
                                 .arg(p.measured.batch)
                                 .arg(pct(*p.trendDeparture));
            const QStringList cells{sc.label,
                                    QString::number(p.measured.batch),
                                    QString::number(p.measured.runs),
                                    formatSeconds(p.measured.latency_s),
                                    formatSeconds(p.model_s),
                                    pct(p.error),
                                    p.trendDeparture ? pct(*p.trendDeparture) : QString(),
                                    pct(p.modelDeparture),
                                    p.anomaly ? QStringLiteral("⚠ anomaly") : QString()};
            for (int col = 0; col < cells.size(); ++col) {
                auto* item = new QTableWidgetItem(cells[col]);
                if (col == 0) item->setForeground(sc.color.darker(120));
                if (col == 8 && p.anomaly) item->setForeground(QColor(220, 30, 30));
                if (col > 0) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                table_->setItem(row, col, item);
            }
            ++row;
        }
        lines << swatch + sc.label.toHtmlEscaped() +
                     QStringLiteral(
                         ": %1 points from %2, median abs error <b>%3 %</b>, measured ÷ model %4; %5")
                         .arg(c.points.size())
                         .arg(QFileInfo(sc.measured.file).fileName().toHtmlEscaped())
                         .arg(c.mdape * 100, 0, 'f', 1)
                         .arg(c.medianRatio, 0, 'g', 3)
                         .arg(anomalies.isEmpty()
                                  ? tr("no anomaly")
                                  : QStringLiteral("<b style=\"color:#dc1e1e\">%1 anomal%2</b> (%3)")
                                        .arg(anomalies.size())
                                        .arg(anomalies.size() == 1 ? QStringLiteral("y")
                                                                   : QStringLiteral("ies"))
                                        .arg(anomalies.join(QStringLiteral(", "))));
    }
    summary_->setText(lines.isEmpty()
                          ? tr("No measured data. <i>Measured → Load measured data…</i> attaches a "
                               "measured sweep (CSV or JSON lines, docs/MEASURED.md) to the selected "
                               "scenario.")
                          : lines.join(QStringLiteral("<br>")));
}

// ---- actions ---------------------------------------------------------------------------------

struct MeasuredActions::Running {
    std::atomic<bool> cancel{false};
    QFutureWatcher<MachineMeasurement> watcher;
    QProgressDialog* progress = nullptr;
    QString error;
};

MeasuredActions::MeasuredActions(Explorer* explorer, QWidget* dialogParent, QObject* parent)
    : QObject(parent), explorer_(explorer), dialogParent_(dialogParent) {
    selectScenario = [this](int id) { explorer_->selectScenario(id); };
    panel_ = new MeasuredPanel;
    dock_ = new QDockWidget(tr("Measured data"), dialogParent_); // the window docks it
    dock_->setObjectName(QStringLiteral("measuredDock"));
    dock_->setWidget(panel_);
    dock_->hide();

    chooseMeasuredFile = [this] {
        return QFileDialog::getOpenFileName(dialogParent_, tr("Load measured data"), QString(),
                                            tr("Measured sweeps (*.csv *.jsonl *.json);;All files (*)"));
    };
    inform = [this](const QString& m) { QMessageBox::information(dialogParent_, tr("Measured data"), m); };
    reportError = [this](const QString& m) { QMessageBox::warning(dialogParent_, tr("Measured data"), m); };

    load_ = new QAction(tr("&Load measured data…"), this);
    load_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_M));
    load_->setToolTip(tr("Compare the selected scenario with a measured batch sweep (CSV or JSON lines): "
                         "points on the charts, error per point, anomalies"));
    connect(load_, &QAction::triggered, this, [this] {
        const int id = explorer_->selectedScenarioId();
        if (id < 0) return reportError(tr("Select a scenario first."));
        const QString file = chooseMeasuredFile();
        if (!file.isEmpty()) setMeasured(id, file);
    });
    clear_ = new QAction(tr("&Clear measured data"), this);
    clear_->setToolTip(tr("Detach the measured sweep from the selected scenario"));
    connect(clear_, &QAction::triggered, this, [this] { setMeasured(explorer_->selectedScenarioId(), {}); });
    calibrate_ = new QAction(tr("&Calibrate preset to measured data"), this);
    calibrate_->setToolTip(
        tr("Fit the selected scenario's preset (compute and bandwidth fractions, dispatch time) "
           "to the measured sweeps of the visible scenarios on it; saves a calibrated user "
           "preset and adds a scenario on it"));
    connect(calibrate_, &QAction::triggered, this, [this] { calibrateSelected(); });
    measure_ = new QAction(tr("&Measure this machine…"), this);
    measure_->setToolTip(
        tr("Probe this computer (FMA peak, GEMM, memory and cache bandwidth, caches) for about "
           "10 s and add a CPU preset with the measured numbers"));
    connect(measure_, &QAction::triggered, this, [this] { startMeasuring(); });
    auto* sep = new QAction(this);
    sep->setSeparator(true);
    QAction* showDock = dock_->toggleViewAction();
    showDock->setText(tr("Show measured &data"));
    actions_ << load_ << clear_ << calibrate_ << sep << measure_ << showDock;

    connect(explorer_, &Explorer::snapshotChanged, this, [this](const ExplorerSnapshot& s) {
        panel_->setSnapshot(s);
        updateEnabled();
    });
    updateEnabled();
}

MeasuredActions::~MeasuredActions() {
    if (running_) {
        running_->cancel = true;
        running_->watcher.waitForFinished();
    }
}

void MeasuredActions::updateEnabled() {
    const ExplorerSnapshot& s = explorer_->snapshot();
    const ScenarioRow* spec = explorer_->scenarios()->find(explorer_->selectedScenarioId());
    clear_->setEnabled(spec && !spec->measuredPath.isEmpty());
    bool calibratable = false;
    if (spec)
        for (const EvaluatedScenario& e : s.scenarios)
            calibratable = calibratable || (e.hardware && e.hardware->id == spec->presetId.toStdString() &&
                                            e.measured.comparison && e.model);
    calibrate_->setEnabled(calibratable);
    measure_->setEnabled(!running_);
}

void MeasuredActions::setMeasured(int scenarioId, const QString& file) {
    const ScenarioRow* spec = explorer_->scenarios()->find(scenarioId);
    if (!spec) return;
    ScenarioRow s = *spec;
    s.measuredPath = file.isEmpty() ? QString() : QFileInfo(file).absoluteFilePath();
    explorer_->scenarios()->update(s);
    if (!file.isEmpty()) dock_->show();
}

QString MeasuredActions::calibrateSelected() {
    Explorer* ex = explorer_;
    const ScenarioRow* spec = ex->scenarios()->find(ex->selectedScenarioId());
    if (!spec) {
        reportError(tr("Select a scenario first."));
        return {};
    }
    PresetStore* store = ex->presets();
    const auto base = store ? store->find(spec->presetId) : nullptr;
    if (!base) {
        reportError(tr("Preset %1 not found.").arg(spec->presetId));
        return {};
    }
    std::vector<CalibrationSweep> sweeps;
    std::set<QString> files;
    std::string fittedTo;
    for (const EvaluatedScenario& e : ex->snapshot().scenarios) {
        if (!e.hardware || e.hardware->id != base->id || !e.measured.comparison || !e.model) continue;
        CalibrationSweep sw;
        sw.model = e.model.get();
        sw.precision = e.precision;
        sw.runtime = e.input().runtime;
        for (const PointComparison& p : e.measured.comparison->points)
            sw.points.push_back(p.measured);
        sw.label = e.label.toStdString();
        fittedTo += (fittedTo.empty() ? "" : ", ") + QFileInfo(e.measured.file).fileName().toStdString() +
                    " (" + sw.label + ", batch " + std::to_string(sw.points.front().batch) + "-" +
                    std::to_string(sw.points.back().batch) + ")";
        sweeps.push_back(std::move(sw));
    }
    if (sweeps.empty()) {
        reportError(tr("No visible scenario on %1 has measured data to fit.").arg(spec->presetId));
        return {};
    }
    CalibrationResult r;
    try {
        QApplication::setOverrideCursor(Qt::WaitCursor);
        r = calibrate(*base, sweeps);
        QApplication::restoreOverrideCursor();
    } catch (const std::exception& e) {
        QApplication::restoreOverrideCursor();
        reportError(tr("Calibration failed: %1").arg(QString::fromUtf8(e.what())));
        return {};
    }
    const QJsonObject json =
        calibratedPresetJson(store->json(spec->presetId), r, base->id + "-calibrated", fittedTo,
                             QDate::currentDate().toString(Qt::ISODate).toStdString());
    QString error;
    const QString id = store->importPreset(json, &error);
    if (id.isEmpty()) {
        reportError(tr("The calibrated preset could not be saved: %1").arg(error));
        return {};
    }
    ScenarioRow copy = *spec;
    copy.presetId = id;
    copy.color = QColor();
    selectScenario(ex->scenarios()->add(copy));
    inform(
        tr("Calibrated %1 to %2 measured points (%3):\ncompute fraction %4 → %5\nbandwidth fraction %6 → %7\n"
           "dispatch %8 → %9 µs\nmedian abs error %10 % → %11 %%12\nSaved as preset %13, with a scenario on "
           "it.")
            .arg(QString::fromStdString(base->id))
            .arg(r.points)
            .arg(QString::fromStdString(fittedTo))
            .arg(r.computeFraction[0], 0, 'g', 3)
            .arg(r.computeFraction[1], 0, 'g', 3)
            .arg(r.bandwidthFraction[0], 0, 'g', 3)
            .arg(r.bandwidthFraction[1], 0, 'g', 3)
            .arg(r.dispatchUs[0], 0, 'g', 3)
            .arg(r.dispatchUs[1], 0, 'g', 3)
            .arg(r.mdape[0] * 100, 0, 'f', 1)
            .arg(r.mdape[1] * 100, 0, 'f', 1)
            .arg(r.improved ? QString() : tr(" (the fit did not improve it: the preset's values were kept)"))
            .arg(id));
    return id;
}

void MeasuredActions::startMeasuring() {
    if (running_) return;
    running_ = std::make_unique<Running>();
    Running* run = running_.get();
    run->progress = new QProgressDialog(tr("Measuring this machine…"), tr("Cancel"), 0, 5, dialogParent_);
    run->progress->setWindowModality(Qt::WindowModal);
    run->progress->setMinimumDuration(0);
    run->progress->setValue(0);
    connect(run->progress, &QProgressDialog::canceled, this, [this] { cancelMeasuring(); });
    connect(&run->watcher, &QFutureWatcher<MachineMeasurement>::finished, this,
            &MeasuredActions::finishMeasuring);
    QPointer<QProgressDialog> dialog = run->progress;
    const double seconds = probeSeconds;
    const FactOptions facts = probeFacts;
    run->watcher.setFuture(QtConcurrent::run([run, dialog, seconds, facts] {
        ProbeOptions o;
        o.secondsPerProbe = seconds;
        o.facts = facts;
        o.cancel = &run->cancel;
        o.progress = [dialog](int step, int steps, const std::string& what) {
            const QString text = QString::fromStdString(what);
            QMetaObject::invokeMethod(
                qApp,
                [dialog, step, steps, text] {
                    if (!dialog) return;
                    dialog->setMaximum(steps);
                    dialog->setValue(step - 1);
                    dialog->setLabelText(QObject::tr("Measuring this machine: %1…").arg(text));
                },
                Qt::QueuedConnection);
        };
        try {
            return measureMachine(o);
        } catch (const std::exception& e) {
            MachineMeasurement failed;
            failed.date = std::string("error: ") + e.what();
            return failed;
        }
    }));
    updateEnabled();
}

void MeasuredActions::cancelMeasuring() {
    if (running_) running_->cancel = true;
}

void MeasuredActions::finishMeasuring() {
    Running* run = running_.release();
    if (run->progress) run->progress->deleteLater();
    const MachineMeasurement m = run->watcher.result();
    // The watcher is emitting this very signal: delete it once the handler has returned.
    QMetaObject::invokeMethod(
        this, [run] { delete run; }, Qt::QueuedConnection);
    updateEnabled();
    QString error;
    QString id;
    if (m.date.rfind("error: ", 0) == 0) {
        error = QString::fromStdString(m.date.substr(7));
    } else {
        PresetStore* store = explorer_->presets();
        const QJsonObject templ = store ? store->json(QStringLiteral("xeon-8490h")) : QJsonObject();
        if (templ.isEmpty()) {
            error = tr("the xeon-8490h preset (the template for what cannot be measured) is missing");
        } else {
            id = store->importPreset(machinePresetJson(m, templ, "this-machine"), &error);
        }
    }
    if (id.isEmpty()) {
        if (error != QLatin1String("measurement cancelled"))
            reportError(tr("Measuring this machine failed: %1").arg(error));
    } else {
        inform(
            tr("Added preset %1: %2 cores, fp32 peak %3 GFLOP/s, GEMM %4 GFLOP/s, memory %5 GB/s, last-level "
               "cache %6 GB/s (%7 s). Pick it for a scenario in the scenario panel.")
                .arg(id)
                .arg(m.facts.cores)
                .arg(m.fmaPeakGflops, 0, 'f', 1)
                .arg(m.gemmGflops, 0, 'f', 1)
                .arg(m.dramGBs, 0, 'f', 1)
                .arg(m.llcGBs, 0, 'f', 1)
                .arg(m.seconds, 0, 'f', 1));
    }
    emit measurementFinished(id, error);
}

} // namespace bs
