// The Explorer (ui/model), the application layer without widgets: scenarios become snapshots on
// its thread pool; batch and budget steps re-evaluate without new sweeps; scenarios with the same
// model share one prepared model; a bad preset or model gives the scenario a message, not a crash;
// decoder LLMs get a serving curve (generation over the grid) that follows the batch and targets.
// Links batchscope_model only: no widget, no chart.
#include "eval/Generation.h"
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

    void decoderScenariosGetAServingCurve() {
        Explorer ex(presets_.get());
        ex.addScenario(QStringLiteral("resnet18"), QStringLiteral("h100-sxm"));
        ex.addScenario(QStringLiteral("llama-3.2-1b"), QStringLiteral("h100-sxm"));
        ServingSettings v;
        v.lengths = {512, 128};
        ex.setServing(v);
        QVERIFY(settle(ex));
        const auto& s = ex.snapshot().scenarios;
        QCOMPARE(s.size(), std::size_t{2});
        QVERIFY(!s[0].serving); // a CNN generates nothing
        QVERIFY(s[1].serving);
        const ServingCurve c = *s[1].serving; // a copy: later publishes replace the snapshot
        const EvalInput on = s[1].input();
        QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
        QCOMPARE(c.sweep.size(), sweepGrid().size());
        QCOMPARE(ex.snapshot().serving, v);

        // The engine's generation at these lengths, on the scenario's chip and precision.
        const GenerationModels m(*decoderModel("llama-3.2-1b"), {}, {512, 128});
        const GenerationPoint at64 = evaluateGeneration(m, on, 64);
        QCOMPARE(c.current.batch, 64);
        QCOMPARE(c.current.ttft_s, at64.ttft_s);
        QCOMPARE(c.current.tpot_s, at64.tpot_s);
        QCOMPARE(c.maxBatch, largestGenerationBatch(m, on));
        QCOMPARE(c.recommendedBatch, bestBatchWithinTargets(c.sweep, std::nullopt, std::nullopt));

        // A batch off the grid is evaluated at that batch, without new jobs.
        QSignalSpy published(&ex, &Explorer::snapshotChanged);
        ex.setBatch(100);
        QVERIFY(std::find(sweepGrid().begin(), sweepGrid().end(), 100) == sweepGrid().end());
        QVERIFY(!ex.isBusy());
        QCOMPARE(ex.snapshot().scenarios[1].serving->current.batch, 100);
        QCOMPARE(ex.snapshot().scenarios[1].serving->current.tpot_s, evaluateGeneration(m, on, 100).tpot_s);

        // A TPOT target at batch 8's step time: the recommendation drops to a batch that meets it.
        const GenerationPoint& at8 = c.sweep[7];
        QCOMPARE(at8.batch, 8);
        v.tpot_s = at8.tpot_s * 1.000001;
        ex.setServing(v);
        QCOMPARE(published.back().at(1).toUInt(), unsigned{ChangeTargets});
        QVERIFY(!ex.isBusy()); // targets only re-rank the sweep
        const ServingCurve& t = *ex.snapshot().scenarios[1].serving;
        QVERIFY(t.recommendedBatch.has_value());
        QVERIFY(*t.recommendedBatch >= 8);
        for (const GenerationPoint& p : t.sweep)
            if (p.batch == *t.recommendedBatch) QVERIFY(p.tpot_s <= *v.tpot_s);

        // New lengths recompute the generation: a longer prompt takes longer to prefill.
        v.lengths = {2048, 128};
        ex.setServing(v);
        QVERIFY(settle(ex));
        const ServingCurve& l = *ex.snapshot().scenarios[1].serving;
        QVERIFY2(
            l.sweep.front().ttft_s > 2 * c.sweep.front().ttft_s,
            qPrintable(QStringLiteral("%1 vs %2").arg(l.sweep.front().ttft_s).arg(c.sweep.front().ttft_s)));
    }

    void theLlmModelsPhaseKnobsDoNotReachItsServingCurve() {
        // The batch charts' knobs (phase, seq, context) are the llm's; the serving view sets its own.
        Explorer ex(presets_.get());
        const int id = ex.addScenario(QStringLiteral("llm"), QStringLiteral("h100-sxm"));
        ScenarioRow row = *ex.scenarios()->find(id);
        row.knobs["phase"] = 1;
        row.knobs["context"] = 4096;
        ex.scenarios()->update(row);
        QVERIFY(settle(ex));
        const EvaluatedScenario& e = ex.snapshot().scenarios.front();
        QVERIFY(e.serving);
        QVERIFY2(e.serving->error.isEmpty(), qPrintable(e.serving->error));
        QCOMPARE(e.serving->models->lengths().input, 1024);
    }
};

QTEST_GUILESS_MAIN(TstExplorer)
#include "tst_explorer.moc"
