#pragma once
// Mapping a (grouped) GEMM onto a chip's compute units, per architecture class. Returns the time
// the matrix engine needs and how many units the work occupies. Waste from partial tiles, partial
// waves (wave quantization), padding to the array or tensor-core shape, and pipeline fill/drain
// all appear as time above FLOPs ÷ peak — never below it.
#include "graph/OpCost.h"
#include "hardware/HardwarePreset.h"

namespace bs {

struct MappingResult {
    double time_s = 0;
    double unitsAllocated = 0;
};

/// `m`, `n`, `k`, `groups` are for the whole batch. `peakFlops` is the chip's dense peak at the
/// precision times its achievable compute fraction.
MappingResult mapGemm(const HardwarePreset& hw, double m, double n, double k, double groups,
                      double peakFlops);

/// Non-matrix work of `flops` FLOPs over `elements` output elements on the vector units.
MappingResult mapVector(const HardwarePreset& hw, double flops, double elements, double vectorFlopsPerS);

} // namespace bs
