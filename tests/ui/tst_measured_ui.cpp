// Measured data in the window, driven through its actions: loading a sweep onto a scenario puts its
// points on the latency–throughput and utilization charts (anomalies as their own series), fills
// the table and the per-scenario summary; a bad file shows its line; calibration adds a preset and
// a scenario that fit the data; the measured file survives a session round trip; measuring the
// machine can be cancelled and otherwise adds a CPU preset.
#include "FileChecks.h"
#include "TestWindow.h"
#include "charts/ChartGrid.h"
#include "charts/LatencyThroughputChart.h"
#include "charts/UtilizationChart.h"
#include "export/ChartExport.h"
#include "measured/MeasuredActions.h"
#include "model/Explorer.h"
#include "model/PresetStore.h"
#include "window/MainWindow.h"
#include "window/SessionController.h"

#include <QChart>
#include <QDockWidget>
#include <QScatterSeries>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

using namespace bs;
using namespace bs::test;

namespace {

QScatterSeries* seriesNamed(SnapshotChart* chart, const QString& suffix) {
    for (QAbstractSeries* s : chart->chart()->series())
        if (s->name().endsWith(suffix)) return qobject_cast<QScatterSeries*>(s);
    return nullptr;
}

/// The selected scenario's modelled latencies at `batches`, scaled by `factor` per batch.
QByteArray measuredCsv(const EvaluatedScenario& e, const std::vector<std::pair<int, double>>& batchFactor) {
    QByteArray csv = "# made by tst_measured_ui\nbatch,latency_ms\n";
    for (const auto& [b, f] : batchFactor) {
        const double ms =
            evaluateTotals({e.model.get(), e.hardware.get(), e.precision}, b).latency_s * 1e3 * f;
        csv += QByteArray::number(b) + "," + QByteArray::number(ms, 'g', 10) + "\n";
    }
    return csv;
}

} // namespace

class TstMeasuredUi : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString file(const QString& name) const { return tmp_.filePath(name); }

    MainWindowOptions options(const QString& presets) const { return testWindowOptions(tmp_, presets); }

  private slots:
    void loadOverlayTableAndCalibrate() {
        MainWindow w(options(QStringLiteral("presets")));
        w.resize(1500, 950);
        w.show();
        waitIdle(w);
        auto* actions = w.findChild<MeasuredActions*>();
        QVERIFY(actions);
        QStringList errors, infos;
        actions->reportError = [&](const QString& m) { errors << m; };
        actions->inform = [&](const QString& m) { infos << m; };
        QVERIFY(!actions->calibrateAction()->isEnabled());

        // The selected scenario (resnet50 on the H100) "measured" at 1.6× the model, with a bump
        // at batch 4 that neither its neighbours nor the model explain.
        const ExplorerSnapshot& s0 = w.explorer()->snapshot();
        const EvaluatedScenario& sel = s0.scenarios[static_cast<std::size_t>(s0.selectedScenario)];
        const QString label = sel.label;
        const QString path = file(QStringLiteral("h100.csv"));
        QVERIFY(
            writeAll(path, measuredCsv(sel, {{1, 1.6}, {2, 1.6}, {4, 2.6}, {8, 1.6}, {16, 1.6}, {32, 1.6}})));
        actions->chooseMeasuredFile = [&] { return path; };
        actions->loadAction()->trigger();
        waitIdle(w);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));

        const ExplorerSnapshot& s = w.explorer()->snapshot();
        const EvaluatedScenario& e = s.scenarios[static_cast<std::size_t>(s.selectedScenario)];
        QVERIFY2(e.measured.comparison, qPrintable(e.measured.error));
        QCOMPARE(e.measured.comparison->points.size(), std::size_t{6});
        QCOMPARE(e.measured.comparison->anomalies, 1);
        QVERIFY(e.measured.comparison->points[2].anomaly);
        QVERIFY(std::abs(e.measured.comparison->mdape - 0.375) < 0.01); // 1/1.6 − 1 = −37.5 %

        // Charts: the measured points and the anomaly as their own series.
        QScatterSeries* lt =
            seriesNamed(w.charts()->latencyThroughput(), label + QStringLiteral(" (measured)"));
        QVERIFY(lt);
        QCOMPARE(lt->count(), 6);
        QCOMPARE(lt->at(2).y(), e.measured.comparison->points[2].measured.latency_s * 1e3);
        QScatterSeries* anomalies = seriesNamed(w.charts()->latencyThroughput(), QStringLiteral("anomaly"));
        QVERIFY(anomalies);
        QCOMPARE(anomalies->count(), 1);
        QScatterSeries* util = seriesNamed(w.charts()->utilization(), label + QStringLiteral(" (measured)"));
        QVERIFY(util);
        QCOMPARE(util->count(), 6);
        // Measured utilization: the model's FLOPs in the measured time.
        QVERIFY(std::abs(util->at(0).y() / (e.measured.comparison->points[0].modelUtilization * 100 / 1.6) -
                         1) < 1e-6);
        // The key in the title's second line (shown in exports and large charts).
        const auto print = makePrintChart(ChartKind::Tradeoff, s, QSize(800, 480));
        QVERIFY(print->chart()->title().contains(QStringLiteral("○ measured")));

        // The dock: a row per point and a summary line with the error and the anomaly.
        QVERIFY(actions->dock()->isVisible());
        QCOMPARE(actions->panel()->table()->rowCount(), 6);
        QCOMPARE(actions->panel()->table()->item(2, 8)->text(), QStringLiteral("⚠ anomaly"));
        QVERIFY2(actions->panel()->summaryText().contains(QStringLiteral("median abs error <b>37.5 %</b>")),
                 qPrintable(actions->panel()->summaryText()));
        QVERIFY(actions->panel()->summaryText().contains(QStringLiteral("1 anomaly</b> (batch 4")));
        QWidget* dock = actions->dock();
        dock->resize(1200, 260);
        dock->grab().save(QStringLiteral(BATCHSCOPE_SCREENSHOT_DIR "/measured-dock.png"));
        w.grab().save(QStringLiteral(BATCHSCOPE_SCREENSHOT_DIR "/main-measured.png"));

        // Calibration: a preset whose fit is closer, and a scenario on it. (It changes the snapshot:
        // keep what is compared, not references into it.)
        const double mdapeBefore = e.measured.comparison->mdape;
        QVERIFY(actions->calibrateAction()->isEnabled());
        const int before = static_cast<int>(w.explorer()->scenarios()->specs().size());
        actions->calibrateAction()->trigger();
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
        QCOMPARE(infos.size(), 1);
        QVERIFY2(infos[0].contains(QStringLiteral("median abs error 37.5 %")), qPrintable(infos[0]));
        QVERIFY(w.explorer()->presets()->contains(QStringLiteral("h100-sxm-calibrated")));
        QCOMPARE(static_cast<int>(w.explorer()->scenarios()->specs().size()), before + 1);
        waitIdle(w);
        const ExplorerSnapshot& after = w.explorer()->snapshot();
        const EvaluatedScenario& fitted = after.scenarios[static_cast<std::size_t>(after.selectedScenario)];
        QCOMPARE(QString::fromStdString(fitted.hardware->id), QStringLiteral("h100-sxm-calibrated"));
        QCOMPARE(QString::fromStdString(fitted.hardware->derivedFrom), QStringLiteral("h100-sxm"));
        // The copy carries the measured file; its points (keyed to no chip) are compared, and fit better.
        QVERIFY2(fitted.measured.comparison, qPrintable(fitted.measured.error));
        QVERIFY(fitted.measured.comparison->mdape < mdapeBefore);

        // Session: the measured file is saved with the scenario and found again.
        const QString session = file(QStringLiteral("with-measured.batchscope"));
        QVERIFY(w.session()->saveSessionAs(session));
        MainWindow w2(options(QStringLiteral("presets2")));
        w2.session()->showWarning = [&](const QString& m) { errors << m; };
        QVERIFY(w2.session()->openSession(session));
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
        bool found = false;
        for (const ScenarioRow& spec : w2.explorer()->scenarios()->specs())
            found = found || spec.measuredPath == path;
        QVERIFY(found);

        // Clear detaches it.
        actions->clearAction()->trigger();
        waitIdle(w);
        const ExplorerSnapshot& cleared = w.explorer()->snapshot();
        QVERIFY(!cleared.scenarios[static_cast<std::size_t>(cleared.selectedScenario)].measured.comparison);
    }

    void badFileShowsItsLine() {
        MainWindow w(options(QStringLiteral("presets3")));
        w.show();
        waitIdle(w);
        auto* actions = w.findChild<MeasuredActions*>();
        const QString bad = file(QStringLiteral("bad.csv"));
        QVERIFY(writeAll(bad, "batch,latency_ms\n1,3\n2,fast\n"));
        actions->setMeasured(w.explorer()->selectedScenarioId(), bad);
        waitIdle(w);
        const ExplorerSnapshot& s = w.explorer()->snapshot();
        const EvaluatedScenario& e = s.scenarios[static_cast<std::size_t>(s.selectedScenario)];
        QVERIFY(!e.measured.comparison);
        QVERIFY2(
            e.measured.error.contains(QStringLiteral("bad.csv: line 3: latency_ms: 'fast' is not a number")),
            qPrintable(e.measured.error));
        QVERIFY(actions->panel()->summaryText().contains(QStringLiteral("line 3")));
        // The charts still draw the model.
        QVERIFY(!seriesNamed(w.charts()->latencyThroughput(), QStringLiteral("(measured)")));
        // Points for another chip only.
        QVERIFY(writeAll(bad, "hardware,batch,latency_ms\nt4,1,3\n"));
        actions->setMeasured(w.explorer()->selectedScenarioId(), QString());
        waitIdle(w);
        actions->setMeasured(w.explorer()->selectedScenarioId(), bad);
        waitIdle(w);
        const ExplorerSnapshot& s2 = w.explorer()->snapshot();
        QVERIFY2(s2.scenarios[static_cast<std::size_t>(s2.selectedScenario)].measured.error.contains(
                     QStringLiteral("has no points for")),
                 qPrintable(s2.scenarios[static_cast<std::size_t>(s2.selectedScenario)].measured.error));
    }

    void measureThisMachineCancelsAndAdds() {
        MainWindow w(options(QStringLiteral("presets4")));
        w.show();
        waitIdle(w);
        auto* actions = w.findChild<MeasuredActions*>();
        QStringList errors, infos;
        actions->reportError = [&](const QString& m) { errors << m; };
        actions->inform = [&](const QString& m) { infos << m; };
        QSignalSpy finished(actions, &MeasuredActions::measurementFinished);
        // Short probes on facts that do not come from the host: an empty sysfs and /proc, no CPUID
        // or sysconf, so every cache and memory figure is the documented estimate.
        actions->probeSeconds = 0.1;
        QTemporaryDir nothing;
        actions->probeFacts.sysfsRoot = actions->probeFacts.procRoot = nothing.path().toStdString();
        actions->probeFacts.useCpuid = actions->probeFacts.useSysconf = false;
        actions->measureAction()->trigger();
        QVERIFY(actions->measuring());
        QVERIFY(!actions->measureAction()->isEnabled());
        actions->cancelMeasuring();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        QCOMPARE(finished[0][1].toString(), QStringLiteral("measurement cancelled"));
        QVERIFY(errors.isEmpty()); // a cancel is not an error
        QVERIFY(!w.explorer()->presets()->contains(QStringLiteral("this-machine")));

        actions->measureAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 120000);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
        QCOMPARE(finished[1][0].toString(), QStringLiteral("this-machine"));
        const auto preset = w.explorer()->presets()->find(QStringLiteral("this-machine"));
        QVERIFY(preset);
        QCOMPARE(preset->status, std::string("measured"));
        QVERIFY(preset->peakTflops.at(Precision::FP32).value > 0);
        QCOMPARE(preset->onchip.capacity.value, preset->units()); // the estimate: 1 MiB per core
        QVERIFY(preset->onchip.capacity.source.rfind("estimate: ", 0) == 0);
        QVERIFY(infos.last().contains(QStringLiteral("Added preset this-machine")));
    }
};

QTEST_MAIN(TstMeasuredUi)
#include "tst_measured_ui.moc"
