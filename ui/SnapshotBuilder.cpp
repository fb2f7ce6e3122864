#include "SnapshotBuilder.h"

#include "OnnxImport.h"

#include <map>

namespace bs {

QString scenarioLabel(const ScenarioSpec& spec, const HardwarePreset* hardware) {
    const QString chip = hardware ? QString::fromStdString(hardware->name) : spec.presetId;
    return spec.modelLabel() + QStringLiteral(" · ") + chip + QStringLiteral(" · ") +
           QString::fromLatin1(precisionName(spec.precision));
}

QString hardwareProblem(const ScenarioSpec& spec, const HardwarePreset* hardware) {
    if (!hardware) return QStringLiteral("preset '%1' not found").arg(spec.presetId);
    if (!hardware->supports(spec.precision))
        return QStringLiteral("%1 has no %2 peak (it has: %3)")
            .arg(QString::fromStdString(hardware->name), QString::fromLatin1(precisionName(spec.precision)),
                 QString::fromStdString(hardware->supportedPrecisions()));
    return {};
}

void evaluateAtBatch(EvaluatedScenario& e, int batch) {
    if (!e.model || !e.hardware) return;
    try {
        e.current = evaluate({e.model.get(), e.hardware.get(), e.precision}, batch);
    } catch (const std::exception& ex) {
        e.error = QString::fromUtf8(ex.what());
        e.current = {};
    }
}

std::optional<int> recommendedBatch(const std::vector<SweepPoint>& sweep, std::optional<double> budget_s) {
    if (sweep.empty()) return std::nullopt;
    const std::string want = budget_s ? "latency budget" : "max throughput";
    for (const Recommendation& r : recommend(sweep, budget_s))
        if (r.what == want) return r.batch;
    return std::nullopt;
}

ExplorerSnapshot buildSnapshot(const std::vector<ResolvedScenario>& scenarios, int batch,
                               std::optional<double> budget_s, const std::vector<int>& grid, int selected) {
    ExplorerSnapshot snap;
    snap.batch = batch;
    snap.latencyBudget_s = budget_s;
    snap.sweepBatches = grid;
    // Scenarios with the same model key share one model, as in the window.
    std::map<QString, std::shared_ptr<const PreparedModel>> models;
    std::map<QString, QString> modelErrors;
    int id = 1;
    for (const ResolvedScenario& r : scenarios) {
        EvaluatedScenario e;
        e.id = id++;
        e.label = scenarioLabel(r.spec, r.hardware.get());
        e.color = r.spec.color;
        e.precision = r.spec.precision;
        e.hardware = r.hardware;
        e.error = hardwareProblem(r.spec, r.hardware.get());
        if (e.error.isEmpty()) {
            const QString key = r.spec.modelKey();
            if (!models.count(key) && !modelErrors.count(key)) {
                try {
                    if (r.spec.isOnnx())
                        models[key] = std::make_shared<const PreparedModel>(
                            importOnnxFile(r.spec.onnxPath.toStdString(),
                                           OnnxImportOptions::withDims(r.spec.dims))
                                .graph);
                    else
                        models[key] = std::make_shared<const PreparedModel>(
                            ModelZoo::build(r.spec.modelId.toStdString(), r.spec.knobs));
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
                e.sweep = sweepBatches({e.model.get(), e.hardware.get(), e.precision}, snap.sweepBatches);
            } catch (const std::exception& ex) {
                e.error = QString::fromUtf8(ex.what());
            }
            if (e.error.isEmpty()) evaluateAtBatch(e, batch);
            if (e.error.isEmpty()) {
                e.recommendedBatch = recommendedBatch(e.sweep, budget_s);
            } else { // as in the window: a scenario in error carries its message and nothing else
                e.model.reset();
                e.sweep.clear();
                e.current = {};
            }
        }
        snap.scenarios.push_back(std::move(e));
    }
    if (selected >= 0 && selected < static_cast<int>(snap.scenarios.size())) snap.selectedScenario = selected;
    return snap;
}

} // namespace bs
