#pragma once
// The model panel's texts, without widgets: a model's parameter count as the status line and the
// import summary say it, and an ONNX import's summary (file, IR, producer, nodes, inputs, what is
// not costed, quantization, warnings).
#include "graph/PreparedModel.h"
#include "onnx/OnnxImport.h"

#include <QString>

namespace bs {

/// "11.69 M parameters", "6.74 B parameters".
QString parametersText(const PreparedModel& m);
/// The import summary, one fact per line; the model's size and kernels when it is prepared.
QString summaryText(const OnnxSummary& s, const PreparedModel* m);

} // namespace bs
