// Mapping a GEMM onto compute units (eval/Mapping): wave quantization, K padding, split-K,
// systolic fill and drain, and vector work by grain, hand-computed on the toy chip of
// TestSupport.h (4 units, 16×16 tiles, k_align 16, peak 1.024 TFLOP/s: 256 GFLOP/s per unit).
#include "TestSupport.h"
#include "eval/Mapping.h"

#include <QtTest>

using namespace bs;

namespace {
constexpr double kPeak = 1.024e12;

bool near(double a, double b) {
    return std::abs(a - b) <= 1e-12 * std::max(std::abs(a), std::abs(b));
}
} // namespace

// The toy chip as two 4×4 weight-stationary arrays.
HardwarePreset twoSystolicArrays() {
    HardwarePreset hw = test::toyGpu();
    hw.archClass = ArchClass::Systolic;
    hw.computeUnits = {2, "test"};
    hw.arrayRows = {4, "test"};
    hw.arrayCols = {4, "test"};
    return hw;
}

class TstMapping : public QObject {
    Q_OBJECT
  private slots:
    void perfectFitRunsAtPeak() {
        // 64×64 output = 16 tiles on 4 units: 4 full waves; 2·64³ FLOPs at the peak = 512 ns.
        const MappingResult r = mapGemm(test::toyGpu(), 64, 64, 64, 1, kPeak);
        QVERIFY(near(r.time_s, 2.0 * 64 * 64 * 64 / kPeak));
        QCOMPARE(r.unitsAllocated, 4.0);
    }

    void aPartialWaveCostsAWholeWave() {
        // 16×80 is 5 tiles: 2 waves on 4 units, the same time as 16×128 (8 tiles).
        const HardwarePreset hw = test::toyGpu();
        const MappingResult five = mapGemm(hw, 16, 80, 64, 1, kPeak);
        const MappingResult eight = mapGemm(hw, 16, 128, 64, 1, kPeak);
        QVERIFY(near(five.time_s, eight.time_s));
        QVERIFY(near(five.time_s, 2 * 2.0 * 16 * 16 * 64 / (kPeak / 4)));
        QVERIFY(five.time_s > 2.0 * 16 * 80 * 64 / kPeak); // never below FLOPs ÷ peak
    }

    void kIsPaddedToTheAlignment() {
        // K = 8 pads to 16: one tile, one unit, twice the FLOPs of the unpadded product.
        const MappingResult r = mapGemm(test::toyGpu(), 16, 16, 8, 1, kPeak);
        QVERIFY(near(r.time_s, 2.0 * 16 * 16 * 16 / (kPeak / 4)));
        QCOMPARE(r.unitsAllocated, 1.0);
    }

    void splitKFillsIdleUnits() {
        // One 16×16 tile with K = 1024: without split-K one unit works; with split-K up to 4 the
        // four K parts run on all four units.
        HardwarePreset hw = test::toyGpu();
        const MappingResult one = mapGemm(hw, 16, 16, 1024, 1, kPeak);
        hw.maxSplitK = {4, "test"};
        const MappingResult split = mapGemm(hw, 16, 16, 1024, 1, kPeak);
        QCOMPARE(one.unitsAllocated, 1.0);
        QCOMPARE(split.unitsAllocated, 4.0);
        QVERIFY(near(split.time_s, one.time_s / 4));
    }

    void systolicPaysFillAndDrain() {
        // Two 4×4 arrays; K×N = 4×4 is one weight tile, replicated on both arrays, each streaming
        // half of M = 8 rows: (4 + 4 + 4) cycles at peak ÷ (2 arrays × 2·4·4) cycles per second.
        const HardwarePreset hw = twoSystolicArrays();
        const MappingResult r = mapGemm(hw, 8, 4, 4, 1, kPeak);
        QVERIFY(near(r.time_s, 12.0 / (kPeak / (2 * 2.0 * 4 * 4))));
        QCOMPARE(r.unitsAllocated, 2.0);
    }

    void systolicHidesWeightLoadsBehindStreaming() {
        // One row (a batch-1 decode) through K×N = 16×16 on two 4×4 arrays: 16 weight tiles, 8
        // passes. Double-buffered weights: each pass waits for its tile to shift in (4 cycles, one
        // row per cycle) while the previous one streams its single row, and the pipeline fills and
        // drains once: 8·max(1, 4) + 4 + 4 = 40 cycles, not 8·(1 + 4 + 4) = 72. With M = 32 rows
        // per pass the streaming hides the loads: 8·32 + 8 = 264 cycles.
        const HardwarePreset hw = twoSystolicArrays();
        const double cyclesPerS = kPeak / (2 * 2.0 * 4 * 4);
        QVERIFY(near(mapGemm(hw, 1, 16, 16, 1, kPeak).time_s, 40.0 / cyclesPerS));
        QVERIFY(near(mapGemm(hw, 32, 16, 16, 1, kPeak).time_s, 264.0 / cyclesPerS));
    }

    void vectorWorkUsesUnitsByGrain() {
        // Grain 1024 elements per unit: 1500 elements occupy 2 of the 4 units.
        const HardwarePreset hw = test::toyGpu();
        const MappingResult r = mapVector(hw, 3000, 1500, 4e9);
        QCOMPARE(r.unitsAllocated, 2.0);
        QVERIFY(near(r.time_s, 3000 / (4e9 * 2 / 4)));
        QCOMPARE(mapVector(hw, 1e6, 1e6, 4e9).unitsAllocated, 4.0); // capped at the chip's units
        QCOMPARE(mapVector(hw, 0, 10, 4e9).time_s, 0.0);            // nothing to do
        QCOMPARE(mapGemm(hw, 0, 16, 16, 1, kPeak).time_s, 0.0);
    }
};

QTEST_APPLESS_MAIN(TstMapping)
#include "tst_mapping.moc"
