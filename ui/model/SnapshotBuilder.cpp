#include "model/SnapshotBuilder.h"

#include "scenario/Pipeline.h"

#include <algorithm>
#include <map>

namespace bs {

EvaluatedScenario beginEvaluation(const ScenarioRow& row, std::shared_ptr<const HardwarePreset> hardware) {
    EvaluatedScenario e;
    e.id = row.id;
    e.label = row.label(hardware.get());
    e.color = row.color;
    e.precision = row.precision;
    e.quant = row.quant;
    e.parallel = row.parallel;
    e.hardware = std::move(hardware);
    e.error = hardwareProblem(row, e.hardware.get());
    if (e.error.isEmpty()) { // hardwareProblem() checked the power mode, the runtime and the node
        e.hardware = scenarioHardware(row, e.hardware);
        e.runtime = scenarioRuntime(row);
        if (const NodePreset* node = scenarioNode(row)) e.link = &node->link;
    }
    return e;
}

void evaluateAtBatch(EvaluatedScenario& e, int batch) {
    if (!e.model || !e.hardware) return;
    try {
        e.current = evaluate(e.input(), batch);
    } catch (const std::exception& ex) {
        e.error = QString::fromUtf8(ex.what());
        e.current = {};
    }
}

void finishEvaluation(EvaluatedScenario& e, int batch, std::optional<double> budget_s) {
    if (e.error.isEmpty()) evaluateAtBatch(e, batch);
    if (e.error.isEmpty()) {
        e.recommendedBatch = recommendedBatch(e.sweep, budget_s);
    } else { // a scenario in error carries its message and nothing else
        e.model.reset();
        e.sweep.clear();
        e.current = {};
    }
}

std::optional<ServingCurve> computeServing(const Scenario& row, const EvalInput& on,
                                           const GenerationLengths& lengths, const std::vector<int>& grid) {
    if (row.isOnnx()) return std::nullopt;
    ServingCurve c;
    try {
        const ModelDescriptor* model = decoderModel(row.modelId.toStdString());
        if (!model) return std::nullopt;
        // The row's phase, seq and context drive the batch charts; the serving view sets them from
        // its lengths.
        c.models = std::make_shared<const GenerationModels>(*model, generationKnobs(row.knobs), lengths, 1, 0,
                                                            row.parallel.sharding());
        c.sweep = sweepGeneration(*c.models, on, grid);
        c.maxBatch = largestGenerationBatch(*c.models, on);
    } catch (const std::exception& ex) {
        c = ServingCurve{};
        c.error = QString::fromUtf8(ex.what());
    }
    return c;
}

void servingAtBatch(EvaluatedScenario& e, int batch, const std::vector<int>& grid) {
    if (!e.serving || !e.serving->models || !e.hardware) return;
    ServingCurve& c = *e.serving;
    const auto at = std::find(grid.begin(), grid.end(), batch);
    const std::size_t i = static_cast<std::size_t>(at - grid.begin());
    if (at != grid.end() && i < c.sweep.size()) {
        c.current = c.sweep[i];
        return;
    }
    try {
        c.current = evaluateGeneration(*c.models, e.input(), batch);
    } catch (const std::exception& ex) {
        c.error = QString::fromUtf8(ex.what());
    }
}

void recommendServing(EvaluatedScenario& e, const ServingSettings& settings) {
    if (e.serving)
        e.serving->recommendedBatch =
            bestBatchWithinTargets(e.serving->sweep, settings.ttft_s, settings.tpot_s);
}

ExplorerSnapshot buildSnapshot(const std::vector<SnapshotInput>& inputs, int batch,
                               std::optional<double> budget_s, const std::vector<int>& grid, int selected,
                               const ServingSettings& serving) {
    ExplorerSnapshot snap;
    snap.batch = batch;
    snap.latencyBudget_s = budget_s;
    snap.serving = serving;
    snap.sweepBatches = grid;
    // Scenarios with the same model key share one model, as in the window.
    std::map<QString, std::shared_ptr<const PreparedModel>> models;
    std::map<QString, QString> modelErrors;
    int id = 1;
    for (const SnapshotInput& in : inputs) {
        ScenarioRow row = in.row;
        row.id = id++;
        EvaluatedScenario e = beginEvaluation(row, in.hardware);
        if (e.error.isEmpty()) {
            const QString key = row.modelKey();
            if (!models.count(key) && !modelErrors.count(key)) {
                try {
                    models[key] = prepareModel(row).model;
                } catch (const std::exception& ex) {
                    modelErrors[key] = QString::fromUtf8(ex.what());
                }
            }
            if (const auto err = modelErrors.find(key); err != modelErrors.end())
                e.error = err->second;
            else
                e.model = models[key];
        }
        if (e.model) {
            try {
                e.sweep = sweepBatches(e.input(), snap.sweepBatches);
            } catch (const std::exception& ex) {
                e.error = QString::fromUtf8(ex.what());
            }
            finishEvaluation(e, batch, budget_s);
        }
        if (e.model) {
            e.serving = computeServing(row, e.input(), serving.lengths, snap.sweepBatches);
            servingAtBatch(e, batch, snap.sweepBatches);
            recommendServing(e, serving);
        }
        snap.scenarios.push_back(std::move(e));
    }
    if (selected >= 0 && selected < static_cast<int>(snap.scenarios.size())) snap.selectedScenario = selected;
    return snap;
}

} // namespace bs
