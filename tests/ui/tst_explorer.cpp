// The Explorer (ui/model), the application layer without widgets: scenarios become snapshots on
// its thread pool; batch and budget steps re-evaluate without new sweeps; scenarios with the same
// model share one prepared model; a bad preset or model gives the scenario a message, not a crash.
// Links batchscope_model only: no widget, no chart.
#include "eval/Sweep.h"
#include "model/Explorer.h"
#include "model/PresetStore.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace bs;

class TstExplorer : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    std::unique_ptr<PresetStore> presets_;

    // Waits until the explorer has prepared and swept everything it was asked for.
    static bool settle(Explorer& ex) {
        return QTest::qWaitFor([&] { return !ex.isBusy(); }, 60000);
    }

  private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        presets_ = std::make_unique<PresetStore>(QStringLiteral(BATCHSCOPE_PRESET_DIR_FOR_TESTS),
                                                 tmp_.filePath(QStringLiteral("user")));
        QVERIFY(presets_->contains(QStringLiteral("h100-sxm")));
    }

    void scenariosBecomeASnapshot() {
        Explorer ex(presets_.get());
        QSignalSpy published(&ex, &Explorer::snapshotChanged);
        const int id = ex.addScenario(QStringLiteral("resnet50"), QStringLiteral("h100-sxm"));
        QVERIFY(settle(ex));
        const ExplorerSnapshot& s = ex.snapshot();
        QCOMPARE(s.scenarios.size(), std::size_t{1});
        const EvaluatedScenario& e = s.scenarios.front();
        QCOMPARE(e.id, id);
        QVERIFY2(e.error.isEmpty(), qPrintable(e.error));
        QCOMPARE(e.sweep.size(), sweepGrid().size());
        QCOMPARE(s.sweepBatches, sweepGrid());
        QCOMPARE(e.current.totals.batch, 64);   // the explorer's starting batch
        QCOMPARE(e.precision, Precision::BF16); // the preset's default precision
        QVERIFY(e.recommendedBatch.has_value());
        QVERIFY(published.count() >= 1);
        // The snapshot's numbers are the engine's.
        const Totals direct = evaluateTotals({e.model.get(), e.hardware.get(), e.precision}, 64);
        QCOMPARE(e.current.totals.latency_s, direct.latency_s);
    }

    void batchAndBudgetStepsDoNotResweep() {
        Explorer ex(presets_.get());
        ex.addScenario(QStringLiteral("resnet18"), QStringLiteral("h100-sxm"));
        QVERIFY(settle(ex));
        QSignalSpy published(&ex, &Explorer::snapshotChanged);
        ex.setBatch(8);
        QCOMPARE(published.count(), 1);
        QCOMPARE(published.front().at(1).toUInt(), unsigned{ChangeBatch});
        QCOMPARE(ex.snapshot().scenarios.front().current.totals.batch, 8);
        QVERIFY(!ex.isBusy()); // nothing to prepare or sweep
        ex.setBatch(1'000'000);
        QCOMPARE(ex.batch(), kMaxBatch); // the engine's limit
        const std::optional<int> free = ex.snapshot().scenarios.front().recommendedBatch;
        ex.setLatencyBudget(0.0005);
        QCOMPARE(published.back().at(1).toUInt(), unsigned{ChangeBudget});
        const std::optional<int> budgeted = ex.snapshot().scenarios.front().recommendedBatch;
        QVERIFY(budgeted.has_value() && free.has_value());
        QVERIFY(*budgeted < *free); // a 0.5 ms budget allows a smaller batch than max throughput
    }

    void scenariosWithOneModelShareIt() {
        Explorer ex(presets_.get());
        ex.addScenario(QStringLiteral("bert-base"), QStringLiteral("h100-sxm"));
        ex.addScenario(QStringLiteral("bert-base"), QStringLiteral("tpu-v4"));
        QVERIFY(settle(ex));
        const auto& s = ex.snapshot().scenarios;
        QCOMPARE(s.size(), std::size_t{2});
        QVERIFY(s[0].model && s[0].model == s[1].model); // one PreparedModel, two chips
        QVERIFY(s[0].hardware->id != s[1].hardware->id);
    }

    void problemsBecomeMessages() {
        Explorer ex(presets_.get());
        ex.addScenario(QStringLiteral("resnet50"), QStringLiteral("no-such-chip"));
        ex.addScenario(tmp_.filePath(QStringLiteral("missing.onnx")), QStringLiteral("h100-sxm"));
        QVERIFY(settle(ex));
        const auto& s = ex.snapshot().scenarios;
        QCOMPARE(s.size(), std::size_t{2});
        QVERIFY2(s[0].error.contains(QStringLiteral("preset 'no-such-chip' not found")),
                 qPrintable(s[0].error));
        QVERIFY2(s[1].error.contains(QStringLiteral("missing.onnx")), qPrintable(s[1].error));
        QVERIFY(!s[0].model && !s[1].model && s[0].sweep.empty());
    }
};

QTEST_GUILESS_MAIN(TstExplorer)
#include "tst_explorer.moc"
