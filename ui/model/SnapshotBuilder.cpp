#include "model/SnapshotBuilder.h"

#include "scenario/Pipeline.h"

#include <map>

namespace bs {

EvaluatedScenario beginEvaluation(const ScenarioRow& row, std::shared_ptr<const HardwarePreset> hardware) {
    EvaluatedScenario e;
    e.id = row.id;
    e.label = row.label(hardware.get());
    e.color = row.color;
    e.precision = row.precision;
    e.quant = row.quant;
    e.hardware = std::move(hardware);
    e.error = hardwareProblem(row, e.hardware.get());
    if (e.error.isEmpty()) { // hardwareProblem() checked that the power mode and the runtime resolve
        e.hardware = scenarioHardware(row, e.hardware);
        e.runtime = scenarioRuntime(row);
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

ExplorerSnapshot buildSnapshot(const std::vector<SnapshotInput>& inputs, int batch,
                               std::optional<double> budget_s, const std::vector<int>& grid, int selected) {
    ExplorerSnapshot snap;
    snap.batch = batch;
    snap.latencyBudget_s = budget_s;
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
        snap.scenarios.push_back(std::move(e));
    }
    if (selected >= 0 && selected < static_cast<int>(snap.scenarios.size())) snap.selectedScenario = selected;
    return snap;
}

} // namespace bs
