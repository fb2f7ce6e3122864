#pragma once
// Shared helpers for engine tests: a toy chip whose numbers make hand calculation easy, and the
// shipped preset library.
#include "hardware/HardwarePreset.h"
#include "hardware/PresetLoader.h"

namespace bs::test {

/// Toy GPU: 4 units, 1 GHz, 256 FLOP/clock/unit → peak 1.024 TFLOP/s (fp16), 10 GB/s DRAM,
/// 1 MiB on chip at 1 TB/s, 16×16 tiles, k_align 16, no split-K, 1 µs dispatch, efficiencies 1;
/// 0.5 pJ/FLOP, 10 pJ/B DRAM, 1 pJ/B on chip, 10 W static, 1000 W limit.
inline HardwarePreset toyGpu() {
    HardwarePreset h;
    h.id = "toy";
    h.name = "toy";
    h.archClass = ArchClass::Gpu;
    h.defaultPrecision = Precision::FP16;
    h.clockGhz = {1, "test"};
    h.computeUnits = {4, "test"};
    h.peakTflops[Precision::FP16] = {1.024, "test"};
    h.flopsPerClockPerUnit[Precision::FP16] = {256, "test"};
    h.vectorTflops = {0.256, "test"};
    h.dram = {"DRAM", {1, "test"}, {10, "test"}, {10, "test"}};
    h.onchip = {"SRAM", {1, "test"}, {1000, "test"}, {1, "test"}};
    h.tileCandidates = {{16, 16}};
    h.kAlign = {16, "test"};
    h.maxSplitK = {1, "test"};
    h.vectorGrainElems = {1024, "test"};
    h.pjPerFlop[Precision::FP16] = {0.5, "test"};
    h.idleWatts = {10, "test"};
    h.staticWatts = {10, "test"};
    h.tdpWatts = {1000, "test"}; // no toy layer is power-limited; tst_power sets its own limit
    h.dispatchUs = {1, "test"};
    h.computeFraction = {1, "test"};
    h.bandwidthFraction = {1, "test"};
    h.onchipActivationFraction = {1, "test"};
    return h;
}

} // namespace bs::test
