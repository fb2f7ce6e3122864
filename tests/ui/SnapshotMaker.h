#pragma once
// Test helper shared by the ui suites: snapshots built the way the Explorer builds them (sweep over
// a batch grid, evaluation at the current batch, recommendation), from shipped presets and zoo models.
#include "eval/Evaluator.h"
#include "eval/Sweep.h"
#include "hardware/PresetLoader.h"
#include "model/ExplorerTypes.h"
#include "zoo/ModelZoo.h"

#include <QColor>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bs::test {

struct Spec {
    std::string model;
    std::string hardware;
    Precision precision;
    QColor color;
    KnobValues knobs = {};
};

/// Builds snapshots the way the explorer does: sweep, current batch, recommendation.
class SnapshotMaker {
  public:
    SnapshotMaker() : lib_(PresetLibrary::shipped()) {}

    std::shared_ptr<const PreparedModel> model(const std::string& id, const KnobValues& knobs) {
        std::string key = id;
        for (const auto& [k, v] : knobs)
            key += ";" + k + "=" + std::to_string(v);
        auto& m = models_[key];
        if (!m) m = std::make_shared<const PreparedModel>(ModelZoo::build(id, knobs));
        return m;
    }

    ExplorerSnapshot make(const std::vector<Spec>& specs, int batch, const std::vector<int>& batches,
                          std::optional<double> budget_s = std::nullopt) {
        ExplorerSnapshot s;
        s.batch = batch;
        s.sweepBatches = batches;
        s.latencyBudget_s = budget_s;
        int id = 1;
        for (const Spec& spec : specs) {
            EvaluatedScenario e;
            e.id = id++;
            e.model = model(spec.model, spec.knobs);
            const HardwarePreset* hw = lib_.find(spec.hardware);
            if (!hw) qFatal("missing preset %s", spec.hardware.c_str());
            e.hardware = std::make_shared<const HardwarePreset>(*hw);
            e.precision = spec.precision;
            e.color = spec.color;
            e.label = QString::fromStdString(spec.model + " · " + hw->name + " · ") +
                      QString::fromLatin1(precisionName(spec.precision).data());
            const EvalInput sc{e.model.get(), e.hardware.get(), e.precision};
            e.sweep = sweepBatches(sc, batches);
            e.current = evaluate(sc, batch);
            const std::vector<Recommendation> recs = recommend(e.sweep, budget_s);
            e.recommendedBatch = recs.front().batch; // budget one when set, else max throughput
            s.scenarios.push_back(std::move(e));
        }
        return s;
    }

    /// The same snapshot at another batch: only `current` is re-evaluated.
    static ExplorerSnapshot withBatch(ExplorerSnapshot s, int batch) {
        s.batch = batch;
        for (EvaluatedScenario& e : s.scenarios)
            e.current = evaluate({e.model.get(), e.hardware.get(), e.precision}, batch);
        return s;
    }

  private:
    PresetLibrary lib_;
    std::map<std::string, std::shared_ptr<const PreparedModel>> models_;
};

inline const QColor kBlue(31, 119, 180), kOrange(255, 127, 14), kGreen(44, 160, 44), kPurple(148, 103, 189);

inline std::vector<Spec> resnetOnTwoChips() {
    return {{"resnet50", "h100-sxm", Precision::BF16, kBlue},
            {"resnet50", "tpu-v4", Precision::BF16, kOrange}};
}

inline std::vector<int> powersOfTwo(int max) {
    std::vector<int> out;
    for (int b = 1; b <= max; b *= 2)
        out.push_back(b);
    return out;
}

} // namespace bs::test
