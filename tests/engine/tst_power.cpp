// The power limit (docs/MODEL.md §8) on the toy chip of TestSupport.h, every expected number
// derived in the comments: a compute-bound layer that would draw more than the limit runs at
// exactly limit ÷ demand of its boost clock; a memory-bound layer below the limit is unchanged;
// the story names the limit; a preset's static power defaults to its idle power.
#include "TestSupport.h"
#include "eval/Evaluator.h"
#include "eval/Story.h"
#include "graph/GraphBuilder.h"

#include <QtTest>

using namespace bs;

namespace {

// The toy chip with no static power and no dispatch time, so that the only power is the layers'
// dynamic energy over their time and the only time is theirs.
HardwarePreset powerToy(double limit_w) {
    HardwarePreset h = test::toyGpu();
    h.staticWatts = {0, "test"};
    h.idleWatts = {0, "test"};
    h.dispatchUs = {0, "test"};
    h.tdpWatts = {limit_w, "test"};
    return h;
}

// 256×1024 · 1024×1024 without bias.
PreparedModel gemm() {
    GraphBuilder b("gemm");
    b.markOutput(b.linear(b.input("x", {256, 1024}), 1024, false));
    return PreparedModel(b.take());
}

// One ReLU over 1 M fp16 elements: 2 MiB in, 2 MiB out, nothing to compute worth the name.
PreparedModel relu() {
    GraphBuilder b("relu");
    b.markOutput(b.relu(b.input("x", {1, 1024, 1024})));
    return PreparedModel(b.take());
}

} // namespace

class TstPower : public QObject {
    Q_OBJECT
  private slots:
    void computeBoundLayerRunsAtLimitOverDemand() {
        // At the boost clock the GEMM takes 2·256·1024² = 536,870,912 FLOPs ÷ 1.024 TFLOP/s =
        // 524.288 µs (its 3 MiB of DRAM traffic take 314.6 µs: compute-bound). Its dynamic energy:
        // 536,870,912 × 0.5 pJ + 3 MiB × (10 + 1) pJ/B = 268.435 + 34.603 = 303.038 µJ, so it would
        // draw 303.038 µJ ÷ 524.288 µs = 0.578 W. Under a 0.256 W limit (no static power) the clock
        // drops to 0.256 ÷ 0.578 = 0.4429 of boost: 524.288 ÷ 0.4429 = 1183.7 µs, drawing exactly 0.256 W
        // (the toy chip is small: 1 TFLOP/s at 0.5 pJ/FLOP is half a watt).
        const PreparedModel m = gemm();
        const HardwarePreset free = powerToy(100000);
        const HardwarePreset limited = powerToy(0.256);
        const ScenarioResult boost = evaluate({&m, &free, Precision::FP16}, 1);
        const LayerPlacement& b = boost.layers[0];
        QCOMPARE(b.bound, Bound::Compute);
        QCOMPARE(b.clockFactor, 1.0);
        QVERIFY(qFuzzyCompare(b.compute_s, 524.288e-6));
        QVERIFY(std::abs(b.energy_j - 303.038e-6) < 1e-9);
        const double demand_w = b.energy_j / b.compute_s;
        QVERIFY(std::abs(demand_w - 0.578) < 1e-4);

        const ScenarioResult r = evaluate({&m, &limited, Precision::FP16}, 1);
        const LayerPlacement& l = r.layers[0];
        QVERIFY(qFuzzyCompare(r.totals.powerClockFactor, 0.256 / demand_w));
        QVERIFY(qFuzzyCompare(l.clockFactor, 0.256 / demand_w));
        QVERIFY(std::abs(l.clockFactor - 0.4429) < 1e-4);
        QCOMPARE(l.bound, Bound::Power);
        QVERIFY(qFuzzyCompare(l.latency_s, b.compute_s * demand_w / 0.256));
        QVERIFY(std::abs(l.latency_s - 1183.7e-6) < 0.1e-6);
        QVERIFY(qFuzzyCompare(r.totals.power_w, 0.256));
        QVERIFY(qFuzzyCompare(l.power_w, 0.256));
        QVERIFY(qFuzzyCompare(l.energy_j, b.energy_j)); // energy per operation is held constant
        QVERIFY(qFuzzyCompare(r.totals.power_s, r.totals.latency_s));
        QCOMPARE(r.totals.powerLimit_w, 0.256);
        // evaluateTotals (the sweeps') agrees with evaluate.
        QVERIFY(
            qFuzzyCompare(evaluateTotals({&m, &limited, Precision::FP16}, 1).latency_s, r.totals.latency_s));
    }

    void staticPowerShrinksTheBudget() {
        // With 0.056 W static under the same 0.256 W limit, 0.2 W are left for the 0.578 W the GEMM
        // would draw: clock 0.2 ÷ 0.578 = 0.3460, and the board draws 0.056 + 0.2 = 0.256 W.
        const PreparedModel m = gemm();
        HardwarePreset hw = powerToy(0.256);
        hw.staticWatts = {0.056, "test"};
        const ScenarioResult r = evaluate({&m, &hw, Precision::FP16}, 1);
        const double demand_w = r.layers[0].energy_j / 524.288e-6;
        QVERIFY(qFuzzyCompare(r.totals.powerClockFactor, 0.2 / demand_w));
        QVERIFY(qFuzzyCompare(r.totals.power_w, 0.256));
    }

    void memoryBoundLayerBelowTheLimitIsUnchanged() {
        // 2 MiB in + 2 MiB out over 10 GB/s = 419.4 µs; 4 MiB × 11 pJ/B + 1 M vector FLOPs × 0.5 pJ
        // ≈ 46.6 µJ over 419.4 µs ≈ 0.11 W, below the 0.256 W limit: same time, clock 1, memory-bound.
        const PreparedModel m = relu();
        const HardwarePreset free = powerToy(100000);
        const HardwarePreset limited = powerToy(0.256);
        const ScenarioResult a = evaluate({&m, &free, Precision::FP16}, 1);
        const ScenarioResult b = evaluate({&m, &limited, Precision::FP16}, 1);
        QCOMPARE(b.layers[0].bound, Bound::Memory);
        QCOMPARE(b.totals.powerClockFactor, 1.0);
        QCOMPARE(b.layers[0].latency_s, a.layers[0].latency_s);
        QVERIFY(std::abs(b.layers[0].latency_s - 419.4304e-6) < 1e-9);
        QVERIFY(b.totals.power_w > 0.1 && b.totals.power_w < 0.12);
    }

    void storyNamesThePowerLimit() {
        const PreparedModel m = gemm();
        const HardwarePreset hw = powerToy(0.256);
        const ScenarioResult r = evaluate({&m, &hw, Precision::FP16}, 1);
        StoryInput in;
        in.model = &m;
        in.hardware = &hw;
        in.precision = Precision::FP16;
        in.current = &r;
        const Story s = tellStory(in);
        QCOMPARE(s.primary, Limiter::PowerLimit);
        QVERIFY2(s.limiter.find(
                     "power-limited: runs at 0.443× boost clock (0.443 of 1 GHz) to stay within 0.256 W") !=
                     std::string::npos,
                 s.limiter.c_str());
    }
};

QTEST_GUILESS_MAIN(TstPower)
#include "tst_power.moc"
