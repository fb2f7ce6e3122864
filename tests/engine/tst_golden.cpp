// Hand-computed golden cases on the toy chip of TestSupport.h:
//   peak P = 4 units × 256 FLOP/clk × 1 GHz = 1.024e12 FLOP/s (fp16, 2 bytes/element)
//   DRAM 10 GB/s, on-chip 1 MiB at 1 TB/s, tiles 16×16, k_align 16, dispatch 1 µs,
//   energy 0.5 pJ/FLOP, 10 pJ/B DRAM, 1 pJ/B SRAM, idle 10 W, all efficiencies 1.
//   ridge = P / BW = 102.4 FLOP/B.
#include "TestSupport.h"
#include "eval/Evaluator.h"
#include "graph/GraphBuilder.h"

#include <QtTest>

using namespace bs;

namespace {
bool near(double a, double b, double rel = 1e-9) {
    return std::abs(a - b) <= rel * std::max(std::abs(a), std::abs(b));
}

// image [1,16,32,32] → 1×1 conv 16→16 → 3×3 conv 16→32 (pad 1) → output.
PreparedModel convChain() {
    GraphBuilder b("conv2");
    const int x = b.input("x", {1, 16, 32, 32});
    const int y = b.conv(x, 16, 1);
    b.markOutput(b.conv(y, 32, 3, 1, 1));
    return PreparedModel(b.take());
}

PreparedModel gemm256() {
    GraphBuilder b("gemm");
    const int x = b.input("x", {1, 256});
    b.markOutput(b.linear(x, 256, false));
    return PreparedModel(b.take());
}
} // namespace

class TestGolden : public QObject {
    Q_OBJECT
  private slots:
    // GEMM [B×256]·[256×256], batch 1: memory-bound.
    //   weights W = 256·256·2 = 131072 B; input 512 B and output 512 B are graph I/O → DRAM.
    //   DRAM = 132096 B → memory time = 132096 / 10e9 = 13.2096 µs (on-chip: 0.132 µs).
    //   compute: M=1 pads to one 16-row tile; 16 tiles over 4 units = 4 waves of
    //   2·16·16·256 FLOPs at 256e9 FLOP/s per unit = 4 × 0.512 µs = 2.048 µs.
    //   latency = max(2.048, 13.2096) + 1 = 14.2096 µs; AI = 131072 / 132096 = 0.99225.
    //   energy: 131072·0.5 + 132096·10 + 132096·1 pJ = 1.518592 µJ dynamic; static 10 W × latency.
    //   critical batch = ridge·W / (f − ridge·a) with f = 131072 FLOP, a = 1024 B per sample:
    //   102.4·131072 / (131072 − 104857.6) = 512.
    void gemmMemoryBound() {
        const PreparedModel m = gemm256();
        const HardwarePreset hw = test::toyGpu();
        const ScenarioResult r = evaluate({&m, &hw, Precision::FP16}, 1);
        QCOMPARE(r.layers.size(), std::size_t(1));
        const LayerPlacement& p = r.layers[0];
        QVERIFY(near(p.flops, 131072));
        QVERIFY(near(p.weightBytes, 131072));
        QVERIFY(near(p.dramBytes, 132096));
        QVERIFY(near(p.compute_s, 2.048e-6));
        QVERIFY(near(p.memory_s, 13.2096e-6));
        QVERIFY(near(p.latency_s, 14.2096e-6));
        QCOMPARE(p.bound, Bound::Memory);
        QVERIFY(near(p.arithmeticIntensity, 131072.0 / 132096.0));
        QCOMPARE(p.unitsAllocated, 4.0);
        QVERIFY(near(p.criticalBatch, 512));
        QVERIFY(
            near(r.totals.energy.compute_j + r.totals.energy.dram_j + r.totals.energy.sram_j, 1.518592e-6));
        QVERIFY(near(r.totals.energy.static_j, 10 * 14.2096e-6));
        QVERIFY(near(r.totals.utilization, 131072 / (14.2096e-6 * 1.024e12)));
    }

    // Same GEMM at batch 1024: compute-bound without waste.
    //   M = 1024 → 64 × 16 = 1024 tiles, 256 waves × 0.512 µs = 131.072 µs = FLOPs / P exactly
    //   (2·1024·256·256 = 134217728 FLOPs). DRAM = 131072 + 2 × 524288 = 1179648 B → 117.9648 µs.
    //   latency = 131.072 + 1 = 132.072 µs; utilization = 131.072 / 132.072.
    void gemmComputeBound() {
        const PreparedModel m = gemm256();
        const HardwarePreset hw = test::toyGpu();
        const ScenarioResult r = evaluate({&m, &hw, Precision::FP16}, 1024);
        const LayerPlacement& p = r.layers[0];
        QVERIFY(near(p.compute_s, 131.072e-6));
        QVERIFY(near(p.memory_s, 117.9648e-6));
        QVERIFY(near(p.latency_s, 132.072e-6));
        QCOMPARE(p.bound, Bound::Compute);
        QVERIFY(near(r.totals.utilization, 131.072 / 132.072));
        QVERIFY(near(r.totals.throughput_per_s, 1024 / 132.072e-6));
    }

    // Conv 3×3, 16→32 channels, 32×32, pad 1, batch 1, input and output in DRAM: memory-bound.
    //   MACs = 1024 px × 32 × 16 × 9 = 4718592 → 9437184 FLOPs. GEMM view M=1024, N=32, K=144:
    //   64 × 2 = 128 tiles = 32 waves × 2·16·16·144 / 256e9 = 32 × 0.288 µs = 9.216 µs.
    //   DRAM = weights 9216 + input 32768 + output 65536 = 107520 B → 10.752 µs.
    //   latency = 10.752 + 1 = 11.752 µs; AI = 9437184 / 107520 = 87.77 < ridge 102.4.
    void convMemoryBound() {
        GraphBuilder b("conv");
        const int x = b.input("x", {1, 16, 32, 32});
        b.markOutput(b.conv(x, 32, 3, 1, 1));
        const PreparedModel m(b.take());
        const HardwarePreset hw = test::toyGpu();
        const ScenarioResult r = evaluate({&m, &hw, Precision::FP16}, 1);
        const LayerPlacement& p = r.layers[0];
        QVERIFY(near(p.flops, 9437184));
        QVERIFY(near(p.compute_s, 9.216e-6));
        QVERIFY(near(p.dramBytes, 107520));
        QVERIFY(near(p.latency_s, 11.752e-6));
        QCOMPARE(p.bound, Bound::Memory);
        // Graph input and output always cross DRAM, so AI ≤ 9437184·B / (9216 + 98304·B) < 96:
        // this layer never becomes compute-bound.
        QVERIFY(std::isinf(p.criticalBatch));
    }

    // The same conv fed by a previous layer: its input stays on chip (live set 96 KiB ≤ 1 MiB).
    //   DRAM = weights 9216 + output 65536 = 74752 B → 7.4752 µs < compute 9.216 µs.
    //   latency = 9.216 + 1 = 10.216 µs, compute-bound.
    void convComputeBoundWhenInputOnChip() {
        const PreparedModel m = convChain();
        const HardwarePreset hw = test::toyGpu();
        const ScenarioResult r = evaluate({&m, &hw, Precision::FP16}, 1);
        const LayerPlacement& p = r.layers[1];
        QVERIFY(near(p.dramBytes, 74752));
        QVERIFY(!p.inputSpilled);
        QVERIFY(near(p.latency_s, 10.216e-6));
        QCOMPARE(p.bound, Bound::Compute);
    }

    // Spill: shrink the chip so the same chain's live set (96 KiB at batch 1) is twice the budget.
    //   budget 48 KiB → half of the intermediate's bytes (32768 B) go out and come back: +16384
    //   written by the first conv, +16384 read by the second.
    void activationsSpillWhenChipIsFull() {
        const PreparedModel m = convChain();
        HardwarePreset hw = test::toyGpu();
        hw.onchip.capacity.value = 96.0 / 1024; // MiB
        hw.onchipActivationFraction.value = 0.5;
        const ScenarioResult r = evaluate({&m, &hw, Precision::FP16}, 1);
        QVERIFY(r.layers[1].inputSpilled);
        QVERIFY(near(r.layers[1].dramBytes, 74752 + 16384));
        QVERIFY(near(r.totals.spilledBytes, 2 * 16384));
    }

    void unsupportedPrecisionIsAnError() {
        const PreparedModel m = gemm256();
        const HardwarePreset hw = test::toyGpu();
        QVERIFY_THROWS_EXCEPTION(std::exception, evaluate({&m, &hw, Precision::INT8}, 1));
    }
};

QTEST_APPLESS_MAIN(TestGolden)
#include "tst_golden.moc"
