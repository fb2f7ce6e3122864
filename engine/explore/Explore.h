#pragma once
// A design-space sweep run (docs/MODEL.md §20): every design point of one or two axes (preset fields
// or model knobs) × every scenario, each swept over the batch grid and summarised at the batch the
// objective picks, on all cores, with progress and cancel. The CLI's `explore` and the window's
// design-space view both call exploreDesignSpace().
//
// Reuse, which the scale goal needs (docs/PERFORMANCE.md): each value of a preset axis is validated
// once as a preset file (variedPreset), and a design point is that preset with the other axis's
// member set (presetNumber) and the cross-field checks run; each combination of knob values is
// prepared once; and along axes that leave the GEMM mapping alone, each worker maps a layer once per
// batch (EvalMemo) instead of once per design point.
#include "explore/DesignSpace.h"
#include "scenario/Pipeline.h"

#include <atomic>
#include <functional>

namespace bs {

struct ExploreRequest {
    std::vector<DesignAxis> axes; ///< one or two, different paths
    std::vector<int> batches;
    Objective objective = Objective::Throughput;
    std::optional<double> latencyBudget_s;
};

/// One design point of one scenario.
struct DesignRow {
    std::size_t scenario = 0;   ///< index into the scenarios
    std::vector<double> values; ///< one per axis
    DesignSummary summary;
    bool pareto = false; ///< on the front of latency against energy per inference, over all rows
};

struct ExploreControl {
    int threads = 0; ///< 0: one per core
    /// Called with (design points done, total) while it runs (serialised: one call at a time, from
    /// a worker thread) and once at the end.
    std::function<void(std::size_t, std::size_t)> progress;
    const std::atomic<bool>* cancel = nullptr; ///< when set, the workers stop and no rows are returned
};

/// The most rows (design points × scenarios) one run returns.
inline constexpr std::size_t kMaxDesignRows = std::size_t{1} << 18;

/// The rows, scenario by scenario, design points in designPoints() order. Throws EngineError naming
/// the path and value: a preset value the validation refuses, a knob the model does not have, a
/// scenario whose preset has no file to vary; or more than kMaxDesignRows rows.
std::vector<DesignRow> exploreDesignSpace(const std::vector<PreparedScenario>& scenarios,
                                          const ExploreRequest& request, const ExploreControl& control = {});

/// `s` with the knob axes' values among `values` (one per axis; "resolution" sets height and
/// width); preset axes are skipped. Throws EngineError naming a knob the model lacks, or an ONNX
/// file's (its dims are not axes).
Scenario withKnobValues(const Scenario& s, const std::vector<DesignAxis>& axes,
                        const std::vector<double>& values);

/// The preset of one design point of `scenario` (what the window's "use this design" saves as a
/// user preset): the scenario's preset file with the preset axes' values, validated; knob axes are
/// skipped. Throws EngineError as variedPreset() does.
HardwarePreset designPreset(const PreparedScenario& scenario, const std::vector<DesignAxis>& axes,
                            const std::vector<double>& values);

} // namespace bs
