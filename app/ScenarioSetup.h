#pragma once
// Turns the shared scenario options (--model, --hardware, --precision, --seq, --resolution,
// --param) into a prepared model, a preset and a precision, with one-line errors for bad values.
#include "CliOptions.h"
#include "HardwarePreset.h"
#include "ModelZoo.h"
#include "PreparedModel.h"
#include "PresetLoader.h"

#include <memory>

namespace bs::cli {

struct ScenarioSetup {
    std::string modelId;
    KnobValues knobs;
    HardwarePreset hardware;
    Precision precision = Precision::FP32;
    std::unique_ptr<PreparedModel> model;

    static ScenarioSetup fromOptions(const Options& o);
};

/// Knob overrides from --seq, --resolution N|WxH and --param k=v for `model`.
KnobValues knobsFromOptions(const ModelDescriptor& model, const Options& o);

} // namespace bs::cli
