#pragma once
// What the user chose for one scenario: a model (built-in with knob values, or an ONNX file with
// its symbolic dims), a hardware preset, a precision, a colour and whether it is shown.
#include "ModelZoo.h"
#include "Precision.h"

#include <QColor>
#include <QString>
#include <cstdint>
#include <map>
#include <string>

namespace bs {

struct ScenarioSpec {
    int id = 0;       ///< assigned by ScenarioListModel, stable for the scenario's life
    QString modelId;  ///< built-in model id; empty when onnxPath is set
    KnobValues knobs; ///< overrides of the built-in model's knob defaults
    QString onnxPath;
    std::map<std::string, std::int64_t> dims; ///< ONNX symbolic dims (batch excluded)
    QString presetId;
    Precision precision = Precision::BF16;
    QColor color;
    bool visible = true;
    /// Measured sweep compared with this scenario (docs/MEASURED.md); empty: none. Not part of the
    /// model key: loading measurements never re-prepares the model.
    QString measuredPath;

    bool isOnnx() const { return !onnxPath.isEmpty(); }
    /// Identifies the model (id/file + knob or dim values): scenarios with equal keys share one
    /// PreparedModel.
    QString modelKey() const;
    /// "resnet50 224²", "bert-base seq 384", "model.onnx".
    QString modelLabel() const;
};

} // namespace bs
