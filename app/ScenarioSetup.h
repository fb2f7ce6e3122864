#pragma once
// Turns the shared scenario options (--model ID|FILE, --hardware, --precision, --seq, --resolution,
// --param, --dim) into a prepared model, a preset and a precision, with one-line errors for bad values.
#include "CliOptions.h"
#include "HardwarePreset.h"
#include "ModelZoo.h"
#include "OnnxImport.h"
#include "PreparedModel.h"
#include "PresetLoader.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bs::cli {

struct ScenarioSetup {
    std::string modelId; ///< built-in id, or the ONNX file's path
    KnobValues knobs;
    bool fromFile = false;
    std::map<std::string, std::int64_t> dims; ///< --dim bindings (ONNX files)
    OnnxSummary onnx;                         ///< import summary (ONNX files)
    HardwarePreset hardware;
    Precision precision = Precision::FP32;
    std::unique_ptr<PreparedModel> model;

    static ScenarioSetup fromOptions(const Options& o);
};

/// An integer 1..1e6 written exactly as `text`; throws EngineError naming `what`.
int parsePositive(const std::string& text, const std::string& what);
/// --latency-budget-ms X in seconds; 0 or absent: no budget. Throws EngineError naming the value.
std::optional<double> latencyBudgetFromOptions(const Options& o);
/// Knob overrides for `model`: a sequence length, a resolution ("416" or "1920x1088") and any knob by
/// name; `prefix` spells the names in messages ("--" for options, "" for --scenario keys).
KnobValues knobsFrom(const ModelDescriptor& model, const std::optional<std::string>& seq,
                     const std::optional<std::string>& resolution,
                     const std::vector<std::pair<std::string, std::string>>& params,
                     const std::string& prefix);
/// Knob overrides from --seq, --resolution N|WxH and --param k=v for `model`.
KnobValues knobsFromOptions(const ModelDescriptor& model, const Options& o);

/// Symbolic dimension values from --dim name=value (repeatable).
std::map<std::string, std::int64_t> dimsFromOptions(const Options& o);

} // namespace bs::cli
