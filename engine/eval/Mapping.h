#pragma once
// Mapping a (grouped) GEMM onto a chip's compute units, per architecture class. Returns the time
// the matrix engine needs and how many units the work occupies. Waste from partial tiles, partial
// waves (wave quantization), padding to the array or tensor-core shape, and pipeline fill/drain
// all appear as time above FLOPs ÷ peak — never below it.
#include "graph/OpCost.h"
#include "hardware/HardwarePreset.h"

#include <algorithm>
#include <cmath>

namespace bs {

struct MappingResult {
    double time_s = 0;
    double unitsAllocated = 0;
};

/// `m`, `n`, `k`, `groups` are for the whole batch. `peakFlops` is the chip's dense peak at the
/// precision times its achievable compute fraction.
MappingResult mapGemm(const HardwarePreset& hw, double m, double n, double k, double groups,
                      double peakFlops);

/// Inline: it runs for every layer of every evaluation (a third of a design-space sweep's time
/// when it was a call).
inline MappingResult mapVector(const HardwarePreset& hw, double flops, double elements,
                               double vectorFlopsPerS) {
    if (elements <= 0 || flops <= 0) return {};
    const double units = hw.units();
    const double used = std::min(units, std::max(1.0, std::ceil(elements / hw.vectorGrainElems.value)));
    return {flops / (vectorFlopsPerS * used / units), used};
}

} // namespace bs
