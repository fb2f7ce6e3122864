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

/// Knob overrides from --seq, --resolution N|WxH and --param k=v for `model`.
KnobValues knobsFromOptions(const ModelDescriptor& model, const Options& o);

/// Symbolic dimension values from --dim name=value (repeatable).
std::map<std::string, std::int64_t> dimsFromOptions(const Options& o);

} // namespace bs::cli
