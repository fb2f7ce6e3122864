// Batch lists, knob sweeps, recommendations, the critical batch of seed 003 and the megapixel
// spill effect of seed 004.
#include "base/EngineError.h"
#include "eval/Sweep.h"
#include "hardware/PresetLoader.h"
#include "zoo/ModelZoo.h"

#include <QtTest>

using namespace bs;

class TestSweep : public QObject {
    Q_OBJECT
    PresetLibrary lib_;

  private slots:
    void initTestCase() { lib_ = PresetLibrary::shipped(); }

    void batchListSyntax() {
        QCOMPARE(parseBatchList("1,2,4"), (std::vector<int>{1, 2, 4}));
        QCOMPARE(parseBatchList("3..6"), (std::vector<int>{3, 4, 5, 6}));
        QCOMPARE(parseBatchList("1..1024*2").size(), std::size_t(11));
        QCOMPARE(parseBatchList("1..4,16..64*4"), (std::vector<int>{1, 2, 3, 4, 16, 64}));
        for (const char* bad : {"", "0", "-1", "a", "4..2", "1..8*1", "1,,2", "2.5"})
            QVERIFY_THROWS_EXCEPTION(EngineError, parseBatchList(bad));
    }

    // Seed 003: an MLP's weights dominate traffic, so its critical batch is ≈ ridge × bytes/weight
    // ÷ 2. The engine's formula adds the per-sample activation bytes a: B* = ridge·W / (f − ridge·a).
    void mlpCriticalBatchOnT4() {
        const HardwarePreset* t4 = lib_.find("t4");
        QVERIFY(t4);
        const PreparedModel m(ModelZoo::build("mlp", {{"depth", 8}, {"width", 4096}}));
        const Totals t = evaluateTotals({&m, t4, Precision::FP16}, 1);
        const double ridgeEff = t4->peakFlops(Precision::FP16) * t4->computeFraction.value /
                                (t4->dramBytesPerS() * t4->bandwidthFraction.value);
        const double naive = ridgeEff * 2 / 2; // fp16: 2 bytes per weight
        // Activations (4096 × 2 B in and out per layer per sample) push it a little above ridge·p/2.
        QVERIFY2(
            t.criticalBatch > naive && t.criticalBatch < naive * 1.02,
            qPrintable(QString::number(t.criticalBatch) + QStringLiteral(" vs ") + QString::number(naive)));
        // Below it the MLP is memory-bound, above it compute-bound: its compute slowed by the 70 W
        // limit (power-bound) still sets the time.
        const int below = static_cast<int>(t.criticalBatch / 2),
                  above = static_cast<int>(t.criticalBatch * 2);
        const Totals lo = evaluateTotals({&m, t4, Precision::FP16}, below);
        const Totals hi = evaluateTotals({&m, t4, Precision::FP16}, above);
        QVERIFY(lo.memory_s > lo.compute_s);
        QVERIFY(hi.compute_s + hi.power_s > hi.memory_s);
        QVERIFY(hi.memory_s == 0);
    }

    // Seed 004: megapixel activations spill, so batching stops helping; at 416² it still helps.
    void megapixelSpillStopsBatching() {
        const HardwarePreset* hw = lib_.find("megapixel-edge");
        QVERIFY(hw);
        auto sweep = [&](int w, int h) {
            const PreparedModel m(ModelZoo::build("yolov3", {{"width", w}, {"height", h}}));
            return sweepBatches({&m, hw, Precision::INT8}, parseBatchList("1..16*2"));
        };
        const auto small = sweep(416, 416);
        const auto mp = sweep(1920, 1088);
        double bestSmall = 0, bestMp = 0;
        for (const auto& p : small)
            bestSmall = std::max(bestSmall, p.totals.throughput_per_s);
        for (const auto& p : mp)
            bestMp = std::max(bestMp, p.totals.throughput_per_s);
        QVERIFY2(bestSmall > 1.2 * small[0].totals.throughput_per_s, "batching should help at 416");
        QVERIFY2(bestMp < 1.05 * mp[0].totals.throughput_per_s, "batching should not help at 1920x1088");
        QCOMPARE(small[0].totals.spilledBytes, 0.0); // batch 1 at 416 fits on chip
        QVERIFY(mp[0].totals.spilledBytes > 100e6);  // 2 MP spills from batch 1
    }

    void kneeOnAHandMadeCurve() {
        // Throughput 100, 180, 240, 250, 255 (max), 300 at a batch that does not fit: 95 % of 255 is
        // 242.25, so the knee is batch 8 (250), not batch 4 (240), and the 300 is never counted.
        std::vector<SweepPoint> pts;
        const double rate[] = {100, 180, 240, 250, 255, 300};
        for (int i = 0; i < 6; ++i) {
            SweepPoint p;
            p.totals.batch = 1 << i;
            p.totals.throughput_per_s = rate[i];
            p.totals.latency_s = p.totals.batch / rate[i];
            p.totals.fitsMemory = i < 5;
            pts.push_back(p);
        }
        QCOMPARE(kneePoint(pts)->totals.batch, 8);
        QCOMPARE(kneePoint(pts, 0.9)->totals.batch, 4); // 229.5 ≤ 240
        QCOMPARE(recommendedBatch(pts, std::nullopt), std::optional<int>(8));
        const auto recs = recommend(pts, std::nullopt);
        QCOMPARE(recs[1].what, std::string("knee"));
        // The last 1.96 % of throughput (batch 16) costs 16/255 ÷ 8/250 = 1.96× the latency.
        QVERIFY2(recs[1].reason.find("the last 1.96 % (batch 16) costs 1.96× the latency") !=
                     std::string::npos,
                 recs[1].reason.c_str());
        for (SweepPoint& p : pts)
            p.totals.fitsMemory = false;
        QVERIFY(!kneePoint(pts));
    }

    void knobSweepRebuildsModel() {
        const HardwarePreset* hw = lib_.find("h100-sxm");
        const auto pts = sweepKnob("bert-base", {}, "seq", {64, 128, 256}, {nullptr, hw, Precision::BF16}, 8);
        QCOMPARE(pts.size(), std::size_t(3));
        QVERIFY(pts[1].totals.flops > 1.9 * pts[0].totals.flops);
        const auto res =
            sweepKnob("resnet50", {}, "resolution", {224, 448}, {nullptr, hw, Precision::BF16}, 1);
        QVERIFY(res[1].totals.flops > 3.9 * res[0].totals.flops);
    }

    void recommendations() {
        const HardwarePreset* hw = lib_.find("h100-sxm");
        const PreparedModel m(ModelZoo::build("resnet50"));
        const auto pts = sweepBatches({&m, hw, Precision::BF16}, parseBatchList("1..1024*2"));
        const auto recs = recommend(pts, 2e-3);
        QCOMPARE(recs.size(), std::size_t(4)); // budget, max throughput, knee, min energy
        QVERIFY(recs[0].batch.has_value());
        QVERIFY(recs[0].totals.latency_s <= 2e-3);
        for (const auto& p : pts)
            if (p.totals.latency_s <= 2e-3)
                QVERIFY(p.totals.throughput_per_s <= recs[0].totals.throughput_per_s);
        QVERIFY(recs[1].totals.throughput_per_s >= recs[0].totals.throughput_per_s);
        for (const auto& p : pts)
            QVERIFY(p.totals.energyPerInference.total() >= recs[3].totals.energyPerInference.total());
        QCOMPARE(recs[2].what, std::string("knee"));
        QVERIFY(recs[2].totals.throughput_per_s >= kKneeShare * recs[1].totals.throughput_per_s);
        const auto none = recommend(pts, 1e-9);
        QVERIFY(!none[0].batch.has_value());
        QVERIFY(none[0].reason.find("no batch meets") != std::string::npos);
    }

    void decodeKvCacheMakesMemoryGrowWithBatch() {
        const HardwarePreset* hw = lib_.find("h100-sxm");
        const PreparedModel m(ModelZoo::build("llm", {{"phase", 1}, {"context", 4096}}));
        const Totals t1 = evaluateTotals({&m, hw, Precision::BF16}, 1);
        const Totals t64 = evaluateTotals({&m, hw, Precision::BF16}, 64);
        QVERIFY(t1.fitsMemory);
        // 7B params in bf16 ≈ 13.5 GB; KV cache 2 GiB per 4096-token sequence → batch 64 does not fit in 80
        // GB.
        QVERIFY(!t64.fitsMemory);
        QVERIFY(t1.memory_s > t1.compute_s); // decode at batch 1 is weight-streaming bound
    }

    void moeTouchesMoreExpertsWithBatch() {
        const HardwarePreset* hw = lib_.find("h100-sxm");
        const PreparedModel m(ModelZoo::build("moe", {{"seq", 1}}));
        const Totals t1 = evaluateTotals({&m, hw, Precision::BF16}, 1);
        const Totals t64 = evaluateTotals({&m, hw, Precision::BF16}, 64);
        // 1 token, top-2 of 8: 2 experts' weights; 64 tokens reach all 8.
        QVERIFY(t64.weightBytes > 3 * t1.weightBytes);
        // Once the expert GEMMs are compute-bound (4096 tokens), the busiest expert sets the time:
        // 3× imbalance makes it slower.
        const PreparedModel skewed(ModelZoo::build("moe", {{"seq", 1}, {"imbalance", 3}}));
        QVERIFY(evaluateTotals({&skewed, hw, Precision::BF16}, 4096).latency_s >
                1.5 * evaluateTotals({&m, hw, Precision::BF16}, 4096).latency_s);
    }
};

QTEST_APPLESS_MAIN(TestSweep)
#include "tst_sweep.moc"
