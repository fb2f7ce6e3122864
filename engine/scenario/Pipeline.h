#pragma once
// One pipeline from a scenario to its numbers, called by the window's Explorer (on its thread
// pool), the headless export/report (SnapshotBuilder) and the CLI's commands alike:
//
//   Scenario ──prepareModel()──▶ PreparedModel ─┐
//   presetId ──(PresetLibrary / PresetStore)──▶ HardwarePreset ─┤
//   runtimeId ──(RuntimeLibrary)──▶ Runtime (its profile for the chip's class) ─┴▶ PreparedScenario::input()
//     ──▶ evaluate() / sweepBatches() / recommendedBatch()   (Evaluator.h, Sweep.h)
//
// The front ends differ only in where presets come from and in when each step runs.
#include "eval/Evaluator.h"
#include "eval/Sweep.h"
#include "measured/Measured.h"
#include "onnx/OnnxImport.h"
#include "scenario/Scenario.h"

#include <memory>

namespace bs {

class PresetLibrary;

/// `in` with the scenario's parallel layout: its node's link, devices per replica and replicas.
EvalInput withParallel(EvalInput in, const Scenario& s);

/// A scenario's model, ready to evaluate, and (ONNX files) its import summary.
struct ModelPreparation {
    std::shared_ptr<const PreparedModel> model;
    std::shared_ptr<const OnnxSummary> onnx;
};

/// Builds the built-in model with the scenario's knobs, or imports its ONNX file with its dims
/// (`onnx` supplies progress and cancel; its dims are replaced by the scenario's). Throws
/// EngineError (ZooError, OnnxError, OnnxUnboundDimsError) with a one-line message.
ModelPreparation prepareModel(const Scenario& s, OnnxImportOptions onnx = {});

/// A scenario with its model prepared and its preset resolved: what the evaluator takes.
struct PreparedScenario {
    Scenario scenario;
    ModelPreparation prepared;
    std::shared_ptr<const HardwarePreset> hardware;
    std::shared_ptr<const Runtime> runtime;

    /// The model as the runtime fuses it (what result layer indices refer to).
    const PreparedModel& model() const { return input().fusedModel(); }
    EvalInput input() const {
        EvalInput in{prepared.model.get(), hardware.get(), scenario.precision,
                     &runtimeProfileFor(*runtime, *hardware), scenario.quant};
        return withParallel(in, scenario);
    }
};

/// resolveScenario() then prepareModel(): the CLI's path from its options to a scenario it can
/// evaluate. Throws EngineError naming the field or the file.
PreparedScenario prepareScenario(const ScenarioFields& fields, const PresetLibrary& lib);

/// What the `model` column of a measured file is matched against: the built-in id, or the ONNX
/// file's name.
std::string measuredModelName(const Scenario& s);
/// The points of `set` for the scenario on `hardware` (or on the chip it was derived from: a copy or
/// a calibration of the measured chip), matching model, preset, precision, seq and resolution, the
/// knobs a row's `params` names (a built-in model's), and the scenario's runtime when it is not
/// the ideal one (rows without a runtime match any).
/// Empty when none match.
std::vector<MeasuredPoint> measuredPointsFor(const MeasuredSet& set, const Scenario& s,
                                             const HardwarePreset& hardware);

} // namespace bs
