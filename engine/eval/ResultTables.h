#pragma once
// The columns of the two result tables the command line prints and the explorer exports: one row
// per swept batch (`batchscope sweep`) and one row per fused layer at one batch
// (`batchscope layers`). Defined once so that both write the same columns, units and numbers.
//
// Units are in the column names: latency in ms, energy per inference in mJ, memory and traffic in
// MB (10^6 bytes), gflops = 10^9 FLOPs with 2 FLOPs per MAC; per-layer flops and bytes are raw
// counts for the whole batch.
#include "base/Table.h"
#include "eval/Evaluator.h"
#include "eval/Generation.h"
#include "eval/Sweep.h"

#include <QString>
#include <vector>

namespace bs {

/// Sweep columns: batch, latency_ms, throughput_per_s, … critical_batch.
std::vector<QString> sweepColumns();
/// One sweep row, in sweepColumns() order.
std::vector<Cell> sweepCells(const Totals& t);
/// A cost in USD, empty when there is none (0: the preset gives no price).
Cell costCell(double usd);
/// Where most of the model's time goes: "compute", "memory" or "overhead".
QString dominantBound(const Totals& t);
/// One row per point, the columns of sweepColumns().
Table sweepTable(const std::vector<SweepPoint>& points);

/// Layer columns: index, name, ops, flops, … spills, not_costed.
/// The columns of `batchscope generate` (static batching, no options): batch, ttft_ms, tpot_ms,
/// e2e_ms, output_tokens_per_s, output_tokens_per_s_per_user, energy_per_token_mj, power_w,
/// kv_cache_gb, weights_gb, activations_gb, peak_memory_gb, fits_memory, max_batch.
std::vector<QString> generationColumns();
/// A generation point in those columns; `maxBatch` fills max_batch (empty when nullopt).
std::vector<Cell> generationCells(const GenerationPoint& p, std::optional<long long> maxBatch);

std::vector<QString> layerColumns();
/// One layer row, in layerColumns() order; `model` is the model `p` was evaluated on.
std::vector<Cell> layerCells(const PreparedModel& model, const LayerPlacement& p);
/// One row per layer of `r` (evaluated on `model`); view layers (reshape, flatten: no kernel, no
/// time) only with `includeViews`, as `batchscope layers --all`.
Table layerTable(const PreparedModel& model, const ScenarioResult& r, bool includeViews);

} // namespace bs
