#pragma once
// The story of one scenario in words: a headline (throughput, latency, utilization and energy per
// inference at the current batch), the regime over the batch grid (which bound dominates where,
// where throughput stops growing, where memory runs out, the critical batch) and the limiter —
// what stops the scenario improving at the current batch, with the engine's numbers. Nothing here
// is measured or assumed: every figure is read from Totals, LayerPlacement and the sweep.
//
// Limiter rules (docs/MODEL.md §16 "The story line"), applied in order:
//  1. The batch does not fit in device memory → "does not fit" (peak memory vs capacity; largest
//     batch of the sweep that fits). Nothing else matters until it fits.
//  2. Time is split by the bound of each layer (Totals compute_s / memory_s / power_s / overhead_s,
//     which sum to the latency). The class with the largest share is the primary limiter; a runner-up with at
//     least 25 % of the latency is named as secondary.
//  3. Overhead class → the larger of its two parts: the runtime's host time (exposed host time of
//     the kernels + its fixed cost per call: "host overhead is 71 % of batch-1 time") or the
//     chip's dispatch (kernel layers × dispatch time), as a share of latency.
//  4. Memory class → if layers bound by the on-chip level hold most of the memory-bound time:
//     on-chip bandwidth. Otherwise the largest part of the DRAM traffic names it: spilled
//     activations (spill), weights (weight reads, amortised by batch), or the rest (inputs,
//     outputs, KV cache, re-streamed operands).
//  4b. Power class (layers whose time the power-limited clock sets) → "power-limited: runs at
//     0.86× boost clock (1.58 of 1.83 GHz) to stay within 700 W".
//  5. Compute class → compute-bound layers at ≥ 80 % of the achievable peak (compute fraction ×
//     nominal peak): the chip's limit. Otherwise their efficiency splits into the share of units
//     allocated u (time-weighted) and the rest r = efficiency ÷ (compute fraction × u) (tile
//     padding, partial waves, vector work); the smaller factor is the larger loss: u < r → wave
//     quantization (too few tiles for the units), else tile padding and partial waves.
#include "base/Precision.h"
#include "eval/Evaluator.h"
#include "eval/Sweep.h"
#include "graph/PreparedModel.h"
#include "hardware/HardwarePreset.h"

#include <optional>
#include <string>
#include <vector>

namespace bs {

struct StoryInput {
    const PreparedModel* model = nullptr; ///< as the runtime fused it (EvalInput::fusedModel())
    const HardwarePreset* hardware = nullptr;
    Precision precision = Precision::FP32;
    const std::vector<SweepPoint>* sweep = nullptr; ///< totals over a batch grid (any order; may be null)
    const ScenarioResult* current = nullptr;        ///< at the current batch, layers filled
    std::optional<double> latencyBudget_s;
    std::optional<int> recommendedBatch;
    std::string runtimeName;   ///< names the runtime in the host-overhead limiter ("": "the runtime")
    std::string linkName = {}; ///< the node's link, named when collectives limit
    std::string layout = {};   ///< the parallel layout ("tp=4,pp=2"), named with the collectives
};

/// What the limiter rules picked (for tests and for callers that colour by it).
enum class Limiter {
    None,
    NotFitting,
    Dispatch,
    HostOverhead,
    OnChipBandwidth,
    Spill,
    Weights,
    OtherTraffic,
    PowerLimit,
    ComputePeak,
    WaveQuantization,
    Padding,
    Interconnect,
    PipelineBubble
};

struct Story {
    /// "batch 64: 44,371 inf/s at 1.44 ms, 37 % utilization, 4.41 mJ/inference at 305 W" (average
    /// board power); an LLM speaks in
    /// tokens: "batch 32: 1,234 tokens/s at 25.9 ms per token, …, 520 mJ/token (KV cache 4.3 GB,
    /// fits up to batch 180)".
    std::string headline;
    std::string regime;  ///< bound over the grid, throughput plateau, memory limit, critical batch
    std::string limiter; ///< what stops it improving at this batch, with numbers
    Limiter primary = Limiter::None;
    Limiter secondary = Limiter::None;
    std::string text() const; ///< all in one line
};

/// Throws nothing for a complete input; an input without model, hardware or current gives an
/// empty story.
Story tellStory(const StoryInput& in);

} // namespace bs
