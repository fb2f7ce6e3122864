#pragma once
// The pipeline's last step (engine/Pipeline.h has the first ones): a scenario row, its preset, its
// model and its sweep turned into the EvaluatedScenario every view draws. Shared by the window
// (Explorer, which prepares models and sweeps on a thread pool and keeps them) and the headless
// `batchscope export` / `report` (buildSnapshot, which does every step in order, here).
#include "model/ExplorerTypes.h"
#include "model/ScenarioRow.h"

#include <QString>
#include <memory>
#include <optional>
#include <vector>

namespace bs {

/// The row's evaluated scenario before its model is known: id, label, colour, precision, the
/// preset in the row's power mode, and in `error` why the preset cannot run it.
EvaluatedScenario beginEvaluation(const ScenarioRow& row, std::shared_ptr<const HardwarePreset> hardware);
/// Once `e.model` and `e.sweep` are set: evaluates at `batch` (layers filled) and picks the
/// recommended batch. An engine error goes to e.error and leaves the scenario without numbers.
void finishEvaluation(EvaluatedScenario& e, int batch, std::optional<double> budget_s);
/// Evaluates `e` at `batch` (layers filled); an engine error goes to e.error.
void evaluateAtBatch(EvaluatedScenario& e, int batch);

/// The generation of a decoder scenario over `grid` at `settings`' lengths (static batching), on the
/// chip, runtime and precision of `on`: builds the models and evaluates every batch. Returns nullopt
/// when the row's model is not a decoder LLM; an engine error goes to ServingCurve::error.
std::optional<ServingCurve> computeServing(const Scenario& row, const EvalInput& on,
                                           const GenerationLengths& lengths, const std::vector<int>& grid);
/// Sets e.serving->current at `batch` (from the sweep when the batch is on the grid).
void servingAtBatch(EvaluatedScenario& e, int batch, const std::vector<int>& grid);
/// Sets e.serving->recommendedBatch for the targets of `settings`.
void recommendServing(EvaluatedScenario& e, const ServingSettings& settings);

/// A row for the headless builder and the preset it runs on (a shipped preset, a preset file, or
/// one embedded in a session).
struct SnapshotInput {
    ScenarioRow row;
    std::shared_ptr<const HardwarePreset> hardware;
};

/// Prepares, sweeps over `grid` and evaluates every scenario in order, on this thread. A scenario
/// that cannot be evaluated keeps its message in EvaluatedScenario::error (the model's import error,
/// the preset's problem); the others are complete. `selected` indexes `inputs` (or -1).
ExplorerSnapshot buildSnapshot(const std::vector<SnapshotInput>& inputs, int batch,
                               std::optional<double> budget_s, const std::vector<int>& grid,
                               int selected = -1, const ServingSettings& serving = {});

} // namespace bs
