#pragma once
// The scenario: what the user chose to evaluate, as one value type shared by the window's list,
// sessions, the CLI's --model/--hardware options and --scenario SPEC, and the headless exports.
// A model (built-in id with knob values, or an ONNX file with its symbolic dims) × a hardware
// preset × a runtime × a precision, plus the measured sweep it is compared with.
//
// A new axis (a runtime, a parallel layout, a quantization scheme) is a field here, a key in the
// text form (ScenarioFields, resolveScenario) and the JSON form (scenarioToJson/FromJson), and a
// part of label(): one place each. Where a scenario becomes a model and a preset: Pipeline.h.
#include "base/JsonFields.h"
#include "base/Precision.h"
#include "eval/Evaluator.h"
#include "hardware/HardwarePreset.h"
#include "hardware/Node.h"
#include "runtime/Runtime.h"
#include "zoo/ModelZoo.h"

#include <QJsonObject>
#include <QString>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bs {

class PresetLibrary;

/// How a scenario spreads over devices (docs/MODEL.md §19): a replica is tp × pp × ep devices of
/// one node: tp splits every layer (tensor parallelism), pp cuts the layers into stages that pass
/// `mb` micro-batches down a pipeline, ep spreads a mixture-of-experts model's experts (each device
/// runs the dense layers on its share of the batch); `dp` replicas serve independent batches.
struct Parallel {
    int tp = 1;
    int pp = 1;
    int mb = 0; ///< micro-batches under pp (0: as many as stages)
    int ep = 1;
    int dp = 1;
    bool operator==(const Parallel& o) const {
        return tp == o.tp && pp == o.pp && microBatches() == o.microBatches() && ep == o.ep && dp == o.dp;
    }
    bool single() const { return tp == 1 && pp == 1 && ep == 1 && dp == 1; }
    int microBatches() const { return pp == 1 ? 1 : mb > 0 ? mb : pp; }
    /// Devices one replica needs from its node.
    int devices() const { return tp * pp * ep; }
    /// What the graph builders split (tp, ep) and what the evaluator composes (the layout).
    Sharding sharding() const { return {tp, ep}; }
    DeviceLayout layout() const { return {tp, pp, microBatches(), ep}; }
    /// "tp=4,pp=2,mb=8,ep=2,dp=2" (the keys that are not 1; mb when given), "" for one device.
    std::string text() const;
};
/// Parses "tp=N,pp=M,mb=K,ep=E,dp=D" (omitted = 1; mb only with pp). Throws EngineError naming the
/// part; `what` names the option in messages ("--parallel").
Parallel parseParallel(const std::string& text, const std::string& what);

struct Scenario {
    QString modelId;                          ///< built-in model id; empty when onnxPath is set
    KnobValues knobs;                         ///< overrides of the built-in model's knob defaults
    QString onnxPath;                         ///< an ONNX file (absolute path)
    std::map<std::string, std::int64_t> dims; ///< ONNX symbolic dims (batch excluded)
    QString presetId;
    Precision precision = Precision::BF16; ///< activations and arithmetic
    /// Weight and KV-cache storage where they differ from `precision` (docs/MODEL.md §18).
    Quantization quant;
    /// A runtime id of RuntimeLibrary::shipped() or a runtime profile file; "ideal" by default
    /// (the roofline bound: what the engine computed before runtimes were an axis).
    QString runtimeId = QString::fromStdString(Runtime::idealId());
    /// A power mode of the preset (HardwarePreset::powerModes), or "" for the preset as written.
    QString powerMode;
    Parallel parallel;
    /// A node preset id (presets/nodes) whose link the tp group uses; "" for the first node of the
    /// preset's devices.
    QString nodeId;
    /// Measured sweep compared with this scenario (docs/MEASURED.md); empty: none. Not part of the
    /// model key: loading measurements never re-prepares the model.
    QString measuredPath;

    bool isOnnx() const { return !onnxPath.isEmpty(); }
    /// Identifies the model (id/file + knob or dim values): scenarios with equal keys share one
    /// PreparedModel.
    QString modelKey() const;
    /// "resnet50 224²", "bert-base seq 384", "model.onnx".
    QString modelLabel() const;
    /// "resnet50 224² · NVIDIA H100 SXM5 80GB · bf16", then " · TensorRT" when the runtime is not the
    /// ideal one; the preset id stands in when `hardware` is null.
    QString label(const HardwarePreset* hardware) const;
    /// The runtime's name ("TensorRT"), or its id when it is not found.
    QString runtimeName() const;
};

/// Why `s` cannot run on `hardware` (preset missing, power mode unknown, precision without a peak,
/// runtime unknown or not made for the chip's class, no node for its tp group or too few devices
/// in it), or "".
QString hardwareProblem(const Scenario& s, const HardwarePreset* hardware);
/// The node whose link the scenario's replica crosses: nullptr for one device per replica without a
/// node named; throws EngineError when the node is unknown, holds other devices or fewer than the
/// replica's tp × pp × ep.
const NodePreset* scenarioNode(const Scenario& s);
/// The preset as the scenario runs it: in its power mode (inPowerMode()), or `preset` itself when
/// the scenario names none. Throws EngineError when the mode is unknown (hardwareProblem() says so).
std::shared_ptr<const HardwarePreset> scenarioHardware(const Scenario& s,
                                                       std::shared_ptr<const HardwarePreset> preset);

/// The scenario's runtime: an id of RuntimeLibrary::shipped() or a profile file. Throws
/// EngineError (unknown id; the file's errors, one per line).
std::shared_ptr<const Runtime> scenarioRuntime(const Scenario& s);
/// The runtime's profile for `hardware`'s class; throws EngineError when it has none.
const RuntimeClassProfile& runtimeProfileFor(const Runtime& runtime, const HardwarePreset& hardware);

/// A scenario as text, before it is checked: what the CLI's options (--model, --hardware,
/// --runtime, --power-mode, --precision, --seq, --resolution, --param, --dim) and a --scenario SPEC
/// both give.
struct ScenarioFields {
    std::string model, hardware;
    std::optional<std::string> precision, seq, resolution, runtime, powerMode;
    /// Quantization: weights, activations (the arithmetic), KV cache and the weights' group size.
    /// `precision` sets all three, so it excludes `activations`.
    std::optional<std::string> weights, activations, kv, groupSize;
    /// "tp=N,pp=M,mb=K,ep=E,dp=D" (--parallel; SPEC's tp=, pp=, mb=, ep=, dp= keys) and a node
    /// preset id (--node, node=).
    std::optional<std::string> parallel, node;
    std::vector<std::pair<std::string, std::string>> knobs; ///< built-in models' knobs by name
    std::vector<std::pair<std::string, std::string>> dims;  ///< ONNX files' symbolic dims
    /// --scenario: any other key is a knob of a built-in model or a dim of an ONNX file.
    std::vector<std::pair<std::string, std::string>> others;
    /// How messages spell a field: "--" for options ("--seq"), "" for SPEC keys ("seq").
    std::string prefix;
};

/// Parses "model=ID|FILE,hardware=ID|FILE,runtime=ID|FILE,power_mode=ID,precision=P,weights=P,
/// activations=P,kv=P,group_size=N,seq=N,resolution=N|WxH,NAME=V,...";
/// throws EngineError naming the bad part.
ScenarioFields scenarioFieldsFromText(const std::string& text);
/// Checks the fields against the model zoo, the presets and the file system. The preset (an id of
/// `lib` or a preset JSON file) is returned through `hardware`; the precision defaults to the
/// preset's. Throws EngineError naming the field.
Scenario resolveScenario(const ScenarioFields& f, const PresetLibrary& lib, HardwarePreset* hardware);

/// Knob overrides for `model` from a sequence length, a resolution ("416" or "1920x1088") and any
/// knob by name; `prefix` spells the names in messages.
KnobValues knobsFrom(const ModelDescriptor& model, const std::optional<std::string>& seq,
                     const std::optional<std::string>& resolution,
                     const std::vector<std::pair<std::string, std::string>>& params,
                     const std::string& prefix);
/// An integer 1..1e6 written exactly as `text`; throws EngineError naming `what`.
int parsePositive(const std::string& text, const std::string& what);

/// The scenario's JSON (sessions): model + knobs or onnx_path + dims, preset, power_mode (when
/// set), runtime, precision, quantization (when set: weights, kv, group_size), measured. A session without
/// "runtime" (written before runtimes) reads as the ideal runtime.
QJsonObject scenarioToJson(const Scenario& s);
/// Reads what scenarioToJson wrote from the object at `field`; throws FileError naming the field.
Scenario scenarioFromJson(const QJsonObject& o, const JsonFieldReader& r, const QString& field);

} // namespace bs
