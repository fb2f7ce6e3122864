#pragma once
// Sweeps: a scenario evaluated over a list of batch sizes, or a model rebuilt over sequence
// lengths / resolutions at one batch. Recommendations pick batches from a batch sweep.
#include "eval/Evaluator.h"
#include "zoo/ModelZoo.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace bs {

/// Parses "1,2,4,8", "1..1024" (every integer), "1..1024*2" (geometric, ×2 each step) or a mix
/// "1..8,16,32..64*2". Throws EngineError naming the bad item. At most 1,000,000 batches.
std::vector<int> parseBatchList(const std::string& text);

/// The largest batch the product evaluates (the window's slider, sessions, the CLI's --batch).
constexpr int kMaxBatch = 4096;
/// The batch grid every batch sweep of the window, the sessions and the exports uses: every integer
/// to 16, then 8 steps per octave, to kMaxBatch (80 batches).
const std::vector<int>& sweepGrid();

struct SweepPoint {
    Totals totals;
    double value = 0; ///< the swept value (batch, seq or resolution)
};

std::vector<SweepPoint> sweepBatches(const EvalInput& s, const std::vector<int>& batches);

/// Rebuilds the zoo model with `knobName` set to each value (other knobs from `base`) and
/// evaluates at `batch` on the chip, precision and runtime of `on` (its model is not used). For
/// "resolution" both height and width are set.
std::vector<SweepPoint> sweepKnob(const std::string& modelId, const KnobValues& base,
                                  const std::string& knobName, const std::vector<int>& values,
                                  const EvalInput& on, int batch);

/// The model rebuilt by `build` for each value (an ONNX file re-imported with a dimension bound
/// to it, say), evaluated at `batch` on the chip, precision and runtime of `on`.
std::vector<SweepPoint> sweepRebuilt(const std::function<Graph(int)>& build, const std::vector<int>& values,
                                     const EvalInput& on, int batch);

struct Recommendation {
    std::string what; ///< "latency budget", "max throughput", "min energy"
    std::optional<int> batch;
    std::string reason; ///< why, or why none qualifies
    Totals totals;
};

/// The share of the max throughput the knee reaches (docs/MODEL.md §12).
constexpr double kKneeShare = 0.95;

/// From a batch sweep (batches that fit in memory only): the highest-throughput batch whose latency
/// is within `latencyBudget_s` (if given), the max-throughput batch, the knee (kneeBatch()) and the
/// min-energy batch.
std::vector<Recommendation> recommend(const std::vector<SweepPoint>& sweep,
                                      std::optional<double> latencyBudget_s);
/// The knee: the smallest batch that fits and reaches `share` of the max throughput among the
/// batches that fit. Past it, throughput barely grows while latency grows with the batch. Empty
/// when no batch fits.
const SweepPoint* kneePoint(const std::vector<SweepPoint>& sweep, double share = kKneeShare);
/// The batch the explorer highlights: the highest-throughput batch within the budget, or the knee
/// without one; empty when none qualifies.
std::optional<int> recommendedBatch(const std::vector<SweepPoint>& sweep, std::optional<double> budget_s);

} // namespace bs
