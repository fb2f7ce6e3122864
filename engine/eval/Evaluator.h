#pragma once
// Evaluation of one scenario (model × hardware × runtime × precision) at one batch size: every fused layer
// placed on the chip's roofline, and model totals. All times in seconds, bytes in bytes, energy
// in joules, FLOPs = 2 × MACs (+ non-MAC vector FLOPs). Formulas: docs/MODEL.md.
#include "base/Precision.h"
#include "graph/PreparedModel.h"
#include "hardware/HardwarePreset.h"
#include "hardware/Node.h"
#include "runtime/Runtime.h"

#include <QString>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace bs {

class EvalMemo; // eval/EvalMemo.h

/// What sets a layer's time. Interconnect: a collective (AllReduce, AllGather) whose transfer over
/// the node's link takes longer than its memory traffic (docs/MODEL.md §19).
enum class Bound { Compute, Memory, Power, Overhead, Interconnect, None };
std::string_view boundName(Bound b);

/// One replica's devices (docs/MODEL.md §19). The model graph is one device's: tp and ep are
/// built into it (ModelZoo::build with a Sharding); the evaluator splits the batch for ep and
/// runs pp pipeline stages over micro-batches.
struct DeviceLayout {
    int tp = 1;           ///< tensor-parallel devices (already in the graph)
    int pp = 1;           ///< pipeline stages, one device group each
    int microBatches = 1; ///< micro-batches a pipeline splits the batch into (1 without pp)
    int ep = 1;           ///< expert-parallel devices: each runs the dense layers on batch ÷ ep
    int devices() const { return tp * pp * ep; }
    /// Share of one replica sample's KV cache (state) one device holds: its stage's layers of its
    /// ep group's sequences.
    double stateShare() const { return 1.0 / (pp * ep); }
    /// Share of one replica sample's live activations one device holds: one micro-batch of its ep
    /// group's sequences.
    double activationShare() const { return 1.0 / (ep * microBatches); }
};

struct EvalInput {
    const PreparedModel* model = nullptr;
    const HardwarePreset* hardware = nullptr;
    Precision precision = Precision::FP32;        ///< activations and arithmetic
    const RuntimeClassProfile* runtime = nullptr; ///< nullptr: the ideal runtime
    Quantization quant = {};                      ///< weight and KV-cache storage (default: precision)
    /// The link a tensor-parallel model's collectives cross (a node's); required when the model has
    /// any (an EngineError otherwise), unused when it has none.
    const Interconnect* link = nullptr;
    DeviceLayout layout = {}; ///< how one replica's batch spreads over its devices
    int replicas = 1;         ///< replicas (dp) serving batches side by side: throughput × replicas

    /// The runtime's profile (the ideal one when none is set).
    const RuntimeClassProfile& profile() const;
    /// The model fused as the runtime fuses it: what layer indices of the results refer to.
    const PreparedModel& fusedModel() const { return model->fusedAs(profile().fusionRules()); }
};

struct LayerPlacement {
    int index = 0;    ///< into PreparedModel::layers()
    double flops = 0; ///< whole batch
    /// The arithmetic the kernel does: flops less what a fast algorithm saves (a Winograd
    /// convolution does 1/winograd_speedup of its multiplies); energy and the story use it.
    double arithmeticFlops = 0;
    double macs = 0;
    double weightBytes = 0;         ///< parameters read (once per batch when they fit on chip)
    double dramBytes = 0;           ///< bytes to/from device memory
    double sramBytes = 0;           ///< bytes through the on-chip level
    double arithmeticIntensity = 0; ///< FLOPs per byte of the level that bounds memory time
    Bound bound = Bound::None;
    bool memoryBoundOnChip = false; ///< memory time set by the on-chip level, not DRAM
    double unitsAllocated = 0;
    double unitsTotal = 0;
    double compute_s = 0, memory_s = 0, latency_s = 0;
    double interconnect_s = 0;    ///< a collective's transfer time over the link (0 for other layers)
    double interconnectBytes = 0; ///< bytes each device sends for the collective
    int stage = 0;                ///< pipeline stage (device group) that runs the layer (0 without pp)
    /// launch_s (the chip's per-kernel dispatch) + host_s (the runtime's host time per kernel
    /// that the device waits for: all of it when serial, the excess over the kernel when async,
    /// none under a graph launch). latency = max(compute, memory) + overhead.
    double overhead_s = 0, launch_s = 0, host_s = 0;
    /// Share of the boost clock the run's power limit allows (1: not limited; docs/MODEL.md §8).
    /// compute_s is at this clock; a layer whose time it sets is power-bound.
    double clockFactor = 1;
    double power_w = 0;         ///< average board power over latency_s (static + dynamic)
    double share = 0;           ///< of model latency
    double energy_j = 0;        ///< dynamic (compute + DRAM + SRAM) for the whole batch
    bool inputSpilled = false;  ///< an activation input had to come from DRAM
    bool outputSpilled = false; ///< an output had to go to DRAM (not a graph output)
    double criticalBatch = std::numeric_limits<double>::infinity(); ///< batch where compute ≥ memory time
    double utilization = 0;                                         ///< flops ÷ (latency × peak)
};

/// What a layer's time is bound by, for people: "compute", "memory (DRAM)", "memory (on-chip)",
/// "overhead", or "—" for a layer without cost.
QString boundLabel(const LayerPlacement& p);
/// The same as a CSV/JSON token: "compute", "memory", "memory-onchip", "overhead", "none".
QString boundToken(const LayerPlacement& p);

struct EnergyBreakdown {
    double static_j = 0, compute_j = 0, dram_j = 0, sram_j = 0;
    double total() const { return static_j + compute_j + dram_j + sram_j; }
};

/// Per replica (one batch on its layout's devices) unless said otherwise; memory, utilization,
/// FLOPs and bytes are one device's, throughput the deployment's (× replicas), energy and power
/// the replica's devices'.
struct Totals {
    int batch = 1;
    double latency_s = 0;
    double throughput_per_s = 0;
    double flops = 0, macs = 0, dramBytes = 0, sramBytes = 0, weightBytes = 0;
    double utilization = 0;             ///< FLOP-weighted: total FLOPs ÷ (latency × peak)
    double bandwidthUtilization = 0;    ///< DRAM bytes ÷ (latency × DRAM bandwidth)
    EnergyBreakdown energy;             ///< whole batch
    EnergyBreakdown energyPerInference; ///< ÷ batch
    double peakMemoryBytes = 0;         ///< params + peak live activations + state (KV cache)
    double activationPeakBytes = 0;
    double stateBytes = 0;
    bool fitsMemory = true;
    /// What a million inferences cost: the replica's devices (all replicas) at the preset's price per
    /// device-hour for the time they take, ÷ throughput (docs/MODEL.md §21). 0 when the preset gives
    /// no price.
    double usdPerMillion = 0;
    double criticalBatch = std::numeric_limits<double>::infinity();  ///< model-level, from totals
    double compute_s = 0, memory_s = 0, power_s = 0, overhead_s = 0; ///< time of layers by their bound
    double interconnect_s = 0; ///< time of the layers the link bounds (collectives)
    double collective_s = 0;   ///< time of every collective layer, whatever bounds it
    int collectives = 0;       ///< collective kernels per inference
    /// Pipeline (pp > 1, docs/MODEL.md §19): micro-batches and their size; the slowest stage's
    /// time per micro-batch (its layers and the send of its output); the fill and drain no stage
    /// can avoid (bubble_s, in latency_s); the sends on the way. stepInterval_s: the time between
    /// passes when passes follow each other with micro-batches in flight (decode steps):
    /// max(Σ stage times, micro-batches × slowest stage); latency_s without pp.
    int microBatches = 1, microBatch = 1;
    double stage_s = 0, bubble_s = 0, send_s = 0;
    double sendBytes = 0; ///< bytes the stages hand on per micro-batch (Σ over the cuts)
    double stepInterval_s = 0;
    /// The run's clock as a share of boost: below 1 when the board's power limit slows it.
    double powerClockFactor = 1;
    double power_w = 0;      ///< average board power: energy ÷ latency
    double powerLimit_w = 0; ///< the board power limit the evaluation used (0: none)
    /// Kernel dispatch, exposed host time of the layers, and the runtime's fixed cost per call
    /// (counted in overhead_s and latency_s).
    double launch_s = 0, host_s = 0, fixed_s = 0;
    int kernels = 0;         ///< kernels launched per inference (Layer::kernels of the non-view layers)
    double spilledBytes = 0; ///< activation bytes that went to DRAM because the chip was full
    int layersSpilling = 0;
    double unitsAllocatedMean = 0; ///< time-weighted mean of units allocated ÷ total
    double peakFlops = 0;          ///< dense peak used for utilization
    double ridge = 0;              ///< peak ÷ DRAM bandwidth (FLOP/byte), nominal
};

struct ScenarioResult {
    Totals totals;
    std::vector<LayerPlacement> layers;
};

/// One device's parameter bytes: the quantized matrices at the scheme's weight precision (with
/// their scales), the rest at the precision; ÷ pp (each stage holds its share).
double weightMemoryBytes(const EvalInput& s);
/// One device's memory at replica batch `batch`: weightMemoryBytes() + batch × (peak live
/// activations at the precision × activationShare() + state such as a KV cache at the KV precision
/// × stateShare()) per sample (Totals::peakMemoryBytes).
double deviceMemoryBytes(const EvalInput& s, double batch);
/// The largest batch whose device memory fits the preset's capacity (memory grows linearly with
/// the batch); 0 when not even batch 1 fits; nullopt when nothing grows with the batch.
std::optional<long long> largestFittingBatch(const EvalInput& s);
/// floor((capacity − fixed) ÷ per sample): the rule behind largestFittingBatch and the generation's
/// largest batch; 0 when one sample does not fit, nullopt when nothing grows with the batch.
std::optional<long long> largestBatchWithin(double fixedBytes, double perSampleBytes, double capacityBytes);

/// The bound the most latency is spent in (Totals compute_s / memory_s / power_s / overhead_s /
/// interconnect_s); ties go to compute, then memory, then power, then overhead. One rule for the sweep column
/// and the story.
Bound dominantTimeBound(const Totals& t);

/// What a million items (inferences, tokens) cost on `devices` devices at `usdPerDeviceHour` each,
/// producing `itemsPerS`: devices × price ÷ 3600 ÷ rate × 10⁶. 0 without a price or a rate.
inline double usdPerMillion(double usdPerDeviceHour, double devices, double itemsPerS) {
    return usdPerDeviceHour > 0 && itemsPerS > 0 ? devices * usdPerDeviceHour / 3600 / itemsPerS * 1e6 : 0;
}

/// Evaluates the scenario at `batch` (≥ 1). Throws EngineError if the preset lacks the precision.
ScenarioResult evaluate(const EvalInput& s, int batch);
/// Totals only (no per-layer vector): what sweeps use. With a `memo` (eval/Mapping.h), the GEMM
/// mappings it holds for this model and batch are reused and the missing ones added to it.
Totals evaluateTotals(const EvalInput& s, int batch, EvalMemo* memo = nullptr);

} // namespace bs
