#pragma once
// Turning scenario specs into an ExplorerSnapshot, shared by the window (Explorer, which does the
// slow steps on a thread pool) and the headless `batchscope export` / `report` commands (which do
// them in order, here): the scenario's label, why it cannot be evaluated, its evaluation at the
// current batch and its recommended batch.
#include "ExplorerTypes.h"
#include "ScenarioSpec.h"

#include <QString>
#include <memory>
#include <optional>
#include <vector>

namespace bs {

/// "resnet50 224² · NVIDIA H100 SXM5 80GB · bf16"; the preset id stands in when `hardware` is null.
QString scenarioLabel(const ScenarioSpec& spec, const HardwarePreset* hardware);
/// Why the scenario cannot run on `hardware` (preset missing, precision without a peak), or "".
QString hardwareProblem(const ScenarioSpec& spec, const HardwarePreset* hardware);
/// Evaluates `e` at `batch` (layers filled); an engine error goes to e.error.
void evaluateAtBatch(EvaluatedScenario& e, int batch);
/// The highest-throughput batch within the budget, or the max-throughput batch without one.
std::optional<int> recommendedBatch(const std::vector<SweepPoint>& sweep, std::optional<double> budget_s);

/// A scenario for the headless builder: the spec and the preset it runs on (a shipped preset, a
/// preset file, or one embedded in a session).
struct ResolvedScenario {
    ScenarioSpec spec;
    std::shared_ptr<const HardwarePreset> hardware;
    QString origin; ///< where it was defined, for messages ("s.batchscope: scenarios[2]"), or ""
};

/// Builds, imports, sweeps and evaluates every scenario in order, on this thread. A scenario that
/// cannot be evaluated keeps its message in EvaluatedScenario::error (the model's import error,
/// the preset's problem); the others are complete. `selected` indexes `scenarios` (or -1).
ExplorerSnapshot buildSnapshot(const std::vector<ResolvedScenario>& scenarios, int batch,
                               std::optional<double> budget_s, const std::vector<int>& grid,
                               int selected = -1);

} // namespace bs
