#include "eval/Mapping.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace bs {

namespace {

double ceilDiv(double a, double b) {
    return std::ceil(a / b);
}

// Output tiles of tm×tn spread over `units` in waves; each tile costs 2·tm·tn·k_padded FLOPs at
// one unit's share of the peak. Split-K (GPU) cuts K into `split` parts to fill idle units.
MappingResult tiledWaves(double m, double n, double k, double groups, double units, double perUnitFlops,
                         const std::vector<std::pair<int, int>>& tiles, double kAlign, double maxSplit) {
    MappingResult best{std::numeric_limits<double>::infinity(), 0};
    for (const auto& [tm, tn] : tiles) {
        const double tilesMN = ceilDiv(m, tm) * ceilDiv(n, tn) * groups;
        for (double split = 1; split <= std::max(1.0, maxSplit); split *= 2) {
            if (split > 1 && (tilesMN * split / 2 >= units || k / split < 4 * kAlign)) break;
            const double items = tilesMN * split;
            const double waves = ceilDiv(items, units);
            const double kPart = ceilDiv(ceilDiv(k, split), kAlign) * kAlign;
            const double t = waves * 2.0 * tm * tn * kPart / perUnitFlops;
            if (t < best.time_s) best = {t, std::min(items, units)};
        }
    }
    return best;
}

// Weight-stationary systolic arrays (TPU MXU): the K×N weights are cut into rows×cols tiles; each
// tile is loaded into an array and all M rows stream through it. Tiles are spread over the arrays
// in passes. The weights are double-buffered (Jouppi et al., ISCA 2017, §2: the matrix unit holds
// one tile of weights plus one for double-buffering, to hide the cycles it takes to shift a tile
// in): the next tile shifts in, one row per cycle, while the current one streams, so a pass takes
// max(M rows, `rows` cycles) and the pipeline's fill and drain (rows + cols) is paid once, as the
// passes follow each other back to back.
MappingResult systolic(const HardwarePreset& hw, double m, double n, double k, double groups,
                       double peakFlops) {
    const double rows = hw.arrayRows.value, cols = hw.arrayCols.value, arrays = hw.units();
    const double weightTiles = ceilDiv(k, rows) * ceilDiv(n, cols) * groups;
    const double passes = ceilDiv(weightTiles, arrays);
    // Fewer tiles than arrays: the same weights are loaded into several arrays and the M rows are
    // split between them (data parallel across MXUs).
    const double replicas =
        weightTiles < arrays ? std::max(1.0, std::min(std::floor(arrays / weightTiles), m)) : 1.0;
    // Cycle rate consistent with the stated peak: peak = arrays × 2·rows·cols × f.
    const double cyclesPerS = peakFlops / (arrays * 2.0 * rows * cols);
    return {(passes * std::max(ceilDiv(m, replicas), rows) + rows + cols) / cyclesPerS,
            std::min(weightTiles * replicas, arrays)};
}

} // namespace

MappingResult mapGemm(const HardwarePreset& hw, double m, double n, double k, double groups,
                      double peakFlops) {
    if (m <= 0 || n <= 0 || k <= 0 || groups <= 0) return {};
    const double units = hw.units();
    const double perUnit = peakFlops / units;
    switch (hw.archClass) {
    case ArchClass::Gpu:
        return tiledWaves(m, n, k, groups, units, perUnit, hw.tileCandidates, hw.kAlign.value,
                          hw.maxSplitK.value);
    case ArchClass::Systolic:
        return systolic(hw, m, n, k, groups, peakFlops);
    case ArchClass::Cpu: {
        std::vector<std::pair<int, int>> tiles{
            {static_cast<int>(hw.microTileM.value), static_cast<int>(hw.microTileN.value)}};
        // Fewer rows than the register tile (a batch-1 FC layer, an LLM decode step): BLAS and
        // oneDNN switch to a GEMV/skinny kernel that vectorises along N instead of padding M, one
        // row at a time, two FMA vectors wide (each loaded weight feeds one FMA: the two load
        // ports keep the two FMA ports busy). Only then: for larger M the register tile's operand
        // reuse is what reaches the peak.
        if (m < hw.microTileM.value && hw.simdFp32Lanes.value > 0)
            tiles.push_back({1, 2 * static_cast<int>(hw.simdFp32Lanes.value)});
        return tiledWaves(m, n, k, groups, units, perUnit, tiles, 1, 1);
    }
    case ArchClass::Tile:
        return tiledWaves(m, n, k, groups, units, perUnit,
                          {{static_cast<int>(hw.tileRows.value), static_cast<int>(hw.tileCols.value)}}, 1, 1);
    }
    return {};
}

MappingResult mapVector(const HardwarePreset& hw, double flops, double elements, double vectorFlopsPerS) {
    if (elements <= 0 || flops <= 0) return {};
    const double units = hw.units();
    const double used = std::min(units, std::max(1.0, ceilDiv(elements, hw.vectorGrainElems.value)));
    return {flops / (vectorFlopsPerS * used / units), used};
}

} // namespace bs
