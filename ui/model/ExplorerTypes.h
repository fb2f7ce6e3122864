#pragma once
// Value types the explorer passes from its evaluation (Explorer) to the charts, the layer table and
// the summary lines. A snapshot is immutable once published: every view reads the same numbers.
#include "eval/Evaluator.h"
#include "eval/Generation.h"
#include "eval/Sweep.h"
#include "explore/DesignSpace.h"
#include "graph/PreparedModel.h"
#include "hardware/HardwarePreset.h"
#include "measured/Measured.h"
#include "runtime/Runtime.h"
#include "scenario/Scenario.h"

#include <QColor>
#include <QString>
#include <QStringList>
#include <memory>
#include <optional>
#include <vector>

namespace bs {

/// The design-space view's set-up (docs/MODEL.md §20), as the user typed it: sessions keep it, so a
/// sweep set up for a meeting reopens ready to run. Axis values are the view's text ("500..4000:8");
/// `path2` empty: one axis. `metric` and `pareto` are the names sessions store.
struct DesignSpaceSettings {
    QString path1 = QStringLiteral("memory.dram.bandwidth_gb_s");
    QString values1 = QStringLiteral("500..4000:8");
    QString path2, values2;
    QString objective = QStringLiteral("throughput");  ///< throughput, latency, energy or cost
    QString metric = QStringLiteral("throughput");     ///< throughput, latency, energy, cost or batch
    QString pareto = QStringLiteral("latency-energy"); ///< latency-energy or cost-throughput
    bool operator==(const DesignSpaceSettings&) const = default;

    /// The names of the choices, in the order the view lists them (its Objective, Metric and
    /// Pareto enums).
    static inline const QStringList kObjectives = [] {
        QStringList names; // the engine's names (explore/DesignSpace.h), in its order
        for (Objective o : kAllObjectives)
            names << QString::fromLatin1(objectiveName(o));
        return names;
    }();
    static inline const QStringList kMetrics{QStringLiteral("throughput"), QStringLiteral("latency"),
                                             QStringLiteral("energy"), QStringLiteral("cost"),
                                             QStringLiteral("batch")};
    static inline const QStringList kParetos{QStringLiteral("latency-energy"),
                                             QStringLiteral("cost-throughput")};
};

/// The serving view's settings (docs/MODEL.md §11): one prompt and output length for every decoder
/// scenario, as vendors' throughput-vs-interactivity charts fix them, and the service-level targets.
struct ServingSettings {
    GenerationLengths lengths{1024, 256};
    std::optional<double> ttft_s; ///< time-to-first-token target; absent: none
    std::optional<double> tpot_s; ///< time-per-output-token target; absent: none
    bool operator==(const ServingSettings& o) const {
        return lengths.input == o.lengths.input && lengths.output == o.lengths.output && ttft_s == o.ttft_s &&
               tpot_s == o.tpot_s;
    }
};

/// A decoder scenario's generation (static batching) over the sweep grid and at the current batch.
struct ServingCurve {
    std::shared_ptr<const GenerationModels> models;
    std::vector<GenerationPoint> sweep; ///< over ExplorerSnapshot::sweepBatches, in order
    GenerationPoint current;            ///< at ExplorerSnapshot::batch
    std::optional<long long> maxBatch;  ///< largest batch whose weights + KV + activations fit
    /// Highest output tokens/s within the TTFT and TPOT targets among the batches that fit (the
    /// highest overall without targets); empty when none qualifies.
    std::optional<int> recommendedBatch;
    QString error; ///< non-empty: the generation could not be built (then the rest is empty)
};

/// One scenario (model × preset × runtime × precision) evaluated over the sweep grid and at the current
/// batch.
struct EvaluatedScenario {
    int id = 0;    ///< stable id of the scenario in the list (survives reordering)
    QString label; ///< "resnet50 · H100 SXM · bf16"
    QColor color;
    std::shared_ptr<const PreparedModel> model;
    std::shared_ptr<const HardwarePreset> hardware; ///< copy taken at evaluation time
    std::shared_ptr<const Runtime> runtime;         ///< null: the ideal runtime
    Precision precision = Precision::FP32;
    Quantization quant;
    Parallel parallel; ///< tp × pp × ep devices per replica, dp replicas
    /// × throughput on the batch charts: 1, or 1 ÷ (devices × replicas) when the snapshot is per
    /// device (ExplorerSnapshot::perDevice).
    double throughputScale = 1;
    const Interconnect* link = nullptr; ///< the tp group's link (a shipped node's), or none
    std::vector<SweepPoint> sweep;      ///< over ExplorerSnapshot::sweepBatches, in order
    ScenarioResult current;             ///< at ExplorerSnapshot::batch (layers filled)
    /// Highest-throughput batch within the latency budget (or the max-throughput batch when no
    /// budget is set); empty when no batch qualifies.
    std::optional<int> recommendedBatch;
    QString error; ///< non-empty: could not be evaluated (then sweep/current are empty)
    /// Set for a decoder LLM (the `llm` model or a config.json): its generation at the snapshot's
    /// ServingSettings. Absent for other models and while the generation is being computed.
    std::optional<ServingCurve> serving;
    /// The scenario's measured sweep against the model (ScenarioRow::measuredPath): the file, the
    /// comparison, or why it could not be read or has no points for this scenario.
    struct Measured {
        QString file;
        std::shared_ptr<const Comparison> comparison;
        QString error;
    } measured;

    /// What the evaluator takes: model, chip, precision and the runtime's profile for the chip.
    EvalInput input() const {
        const RuntimeClassProfile* profile =
            runtime && hardware ? runtime->forClass(hardware->archClass) : nullptr;
        EvalInput in{model.get(), hardware.get(), precision, profile, quant};
        in.link = link;
        in.layout = parallel.layout();
        in.replicas = parallel.dp;
        return in;
    }
    /// The model as the runtime fuses it: what `current.layers[i].index` refers to.
    const PreparedModel& fusedModel() const { return input().fusedModel(); }
};

/// A scenario that can be drawn and tabulated: evaluated without error and on a sweep.
inline bool usable(const EvaluatedScenario& s) {
    return s.error.isEmpty() && s.hardware && !s.sweep.empty();
}

/// The largest batch that fits the scenario's device memory (Evaluator's largestFittingBatch).
inline std::optional<long long> largestFittingBatch(const EvaluatedScenario& s) {
    if (!s.model || !s.hardware) return std::nullopt;
    return largestFittingBatch(s.input());
}

/// What one sample of the scenario stands for (an inference, or an LLM's tokens).
inline SampleUnit sampleUnit(const EvaluatedScenario& s) {
    return s.model ? s.model->graph().sampleUnit : SampleUnit{};
}

/// A scenario whose serving curve can be drawn.
inline bool servingUsable(const EvaluatedScenario& s) {
    return usable(s) && s.serving && s.serving->error.isEmpty() && !s.serving->sweep.empty();
}

/// What every view draws. Scenarios are the visible ones, in list order.
struct ExplorerSnapshot {
    int batch = 1;
    std::optional<double> latencyBudget_s;
    ServingSettings serving;
    std::vector<int> sweepBatches; ///< the batch grid of every EvaluatedScenario::sweep
    std::vector<EvaluatedScenario> scenarios;
    int selectedScenario = -1; ///< index into scenarios, or -1
    int selectedLayer = -1;    ///< index into scenarios[selectedScenario].current.layers, or -1
    bool perDevice = false;    ///< the batch charts' throughput is per device (throughputScale)
};

/// What changed since the previous snapshot, so a view can skip work (a batch step moves markers and
/// layer points; it does not change the sweep curves).
enum SnapshotChange : unsigned {
    ChangeSweeps = 1u << 0,    ///< scenarios added/removed/edited, preset edited: everything
    ChangeBatch = 1u << 1,     ///< current batch (and so every `current`) changed
    ChangeBudget = 1u << 2,    ///< latency budget (and recommended batches) changed
    ChangeSelection = 1u << 3, ///< selected scenario or layer changed
    ChangeTheme = 1u << 4,
    ChangeTargets = 1u << 5, ///< TTFT/TPOT targets (and the serving recommendations) changed
    ChangeAll = 0xffu,
};

} // namespace bs
