// The power limit (docs/MODEL.md §8) on the toy chip of TestSupport.h, every expected number
// derived in the comments: a compute-bound layer that would draw more than the limit runs at
// exactly limit ÷ demand of its boost clock; a memory-bound layer below the limit is unchanged;
// the story names the limit; a preset's static power defaults to its idle power; a power mode
// caps the clock, gates units and lowers the limit, in the engine, the scenario and the shipped
// Jetson preset.
#include "TestSupport.h"
#include "base/EngineError.h"
#include "base/JsonFields.h"
#include "eval/Evaluator.h"
#include "eval/Story.h"
#include "graph/GraphBuilder.h"
#include "hardware/PresetLoader.h"
#include "scenario/Scenario.h"

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

// Half the clock (0.5 of 1 GHz), half the units (2 of 4), half the DRAM bandwidth (5 of 10 GB/s)
// and half the limit; static power left to the rule (the preset's, scaled by the limit).
PowerMode halfMode() {
    PowerMode m;
    m.id = "half";
    m.name = "half mode";
    m.tdpWatts = {50000, "test"};
    m.clockGhz = {0.5, "test"};
    m.activeUnits = {2, "test"};
    m.dramBandwidthGBs = {5, "test"};
    return m;
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

    void powerModeCapsClockUnitsAndBandwidth() {
        HardwarePreset base = powerToy(100000);
        base.staticWatts = {10, "test"};
        base.powerModes = {halfMode()};
        const HardwarePreset h = inPowerMode(base, "half");
        // Peaks are units × FLOP/clock × clock: 1.024 TFLOP/s × (2/4 units) × (0.5/1 GHz) = 0.256;
        // the vector peak 0.256 × 0.25 = 0.064; the on-chip level follows the clock, 1000 → 500 GB/s.
        QCOMPARE(h.powerMode, std::string("half"));
        QCOMPARE(h.name, std::string("toy · half mode"));
        QVERIFY(qFuzzyCompare(h.peakTflops.at(Precision::FP16).value, 0.256));
        QVERIFY(qFuzzyCompare(h.vectorTflops.value, 0.064));
        QCOMPARE(h.units(), 2.0);
        QCOMPARE(h.clockGhz.value, 0.5);
        QVERIFY(qFuzzyCompare(h.onchip.bandwidthGBs.value, 500));
        QCOMPARE(h.dram.bandwidthGBs.value, 5.0);
        QCOMPARE(h.tdpWatts.value, 50000.0);
        QVERIFY(qFuzzyCompare(h.staticWatts.value, 5)); // 10 W × 50000 / 100000
        QVERIFY2(h.peakTflops.at(Precision::FP16).source.find("power mode half (2/4 units at 0.5/1 GHz)") !=
                     std::string::npos,
                 h.peakTflops.at(Precision::FP16).source.c_str());
        QCOMPARE(inPowerMode(base, "").name, std::string("toy")); // "": the preset as written
        // Applying the mode again changes nothing (the CLI's preset is already in its mode when
        // the snapshot builder applies the scenario's); the name does not grow.
        const HardwarePreset twice = inPowerMode(h, "half");
        QCOMPARE(twice.name, h.name);
        QCOMPARE(twice.peakTflops.at(Precision::FP16).value, h.peakTflops.at(Precision::FP16).value);
        QVERIFY_THROWS_EXCEPTION(EngineError, inPowerMode(h, "other"));

        // The GEMM's 536,870,912 FLOPs at 0.256 TFLOP/s: 2097.152 µs, 4× the 524.288 µs at MAXN
        // (1024 16×16 tiles fill 2 units as evenly as 4); the ReLU's 4 MiB at 5 GB/s: 838.861 µs, 2×.
        const PreparedModel g = gemm(), r = relu();
        QVERIFY(qFuzzyCompare(evaluate({&g, &h, Precision::FP16}, 1).layers[0].compute_s, 2097.152e-6));
        QVERIFY(std::abs(evaluate({&r, &h, Precision::FP16}, 1).layers[0].memory_s - 838.8608e-6) < 1e-9);

        try {
            inPowerMode(base, "maxq");
            QFAIL("an unknown mode was accepted");
        } catch (const EngineError& e) {
            QVERIFY2(std::string(e.what()).find("has no power mode 'maxq' (it has: half)") !=
                         std::string::npos,
                     e.what());
        }
    }

    void powerModeLimitBinds() {
        // The mode's limit is the limit: the same GEMM under a mode of 0.256 W at the full clock
        // runs at 0.256 ÷ 0.578 of it, as under a preset limit of 0.256 W.
        HardwarePreset base = powerToy(100000);
        PowerMode m;
        m.id = "low";
        m.name = "low";
        m.tdpWatts = {0.256, "test"};
        m.clockGhz = {1, "test"};
        base.powerModes = {m};
        const HardwarePreset low = inPowerMode(base, "low");
        const HardwarePreset limited = powerToy(0.256);
        const PreparedModel g = gemm();
        QCOMPARE(low.staticWatts.value, 0.0); // 0 W scaled is 0 W
        QVERIFY(qFuzzyCompare(evaluate({&g, &low, Precision::FP16}, 1).totals.powerClockFactor,
                              evaluate({&g, &limited, Precision::FP16}, 1).totals.powerClockFactor));
    }

    void scenarioCarriesItsPowerMode() {
        // The shipped Jetson AGX Orin in its 30 W mode (nvpmodel MODE_30W: 612 MHz, 4 of 8 TPCs).
        const PresetLibrary lib = PresetLibrary::shipped();
        HardwarePreset hw;
        const Scenario s = resolveScenario(
            scenarioFieldsFromText("model=resnet50,hardware=jetson-orin-agx,power_mode=30w"), lib, &hw);
        QCOMPARE(s.powerMode, QStringLiteral("30w"));
        QCOMPARE(hw.units(), 8.0);
        QCOMPARE(hw.clockGhz.value, 0.612);
        QCOMPARE(hw.tdpWatts.value, 30.0);
        // 42.6 TF fp16 × 8/16 SMs × 0.612/1.3 GHz = 10.03 TF.
        QVERIFY(std::abs(hw.peakTflops.at(Precision::FP16).value - 10.027) < 1e-3);
        QVERIFY2(s.label(&hw).contains(QStringLiteral("· 30 W (MODE_30W")), qPrintable(s.label(&hw)));
        const HardwarePreset* orin = lib.find("jetson-orin-agx");
        QCOMPARE(s.label(orin), s.label(&hw)); // the preset as written names the mode too
        QCOMPARE(scenarioHardware(s, std::make_shared<const HardwarePreset>(*orin))->units(), 8.0);
        const JsonFieldReader reader(QStringLiteral("s.json"));
        QCOMPARE(scenarioFromJson(scenarioToJson(s), reader, QStringLiteral("x")).powerMode,
                 QStringLiteral("30w"));
        Scenario other = s;
        other.presetId = QStringLiteral("h100-sxm");
        QVERIFY2(
            hardwareProblem(other, lib.find("h100-sxm")).contains(QStringLiteral("has no power mode '30w'")),
            qPrintable(hardwareProblem(other, lib.find("h100-sxm"))));
        try {
            resolveScenario(scenarioFieldsFromText("model=resnet50,hardware=jetson-orin-agx,power_mode=60w"),
                            lib, &hw);
            QFAIL("an unknown mode was accepted");
        } catch (const EngineError& e) {
            QVERIFY2(std::string(e.what()).find("(it has: 15w, 30w, 50w)") != std::string::npos, e.what());
        }
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
