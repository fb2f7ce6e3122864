#pragma once
// Internal to the ONNX importer: libonnx shape inference, isolated in a forked child.
#include <atomic>
#include <onnx/onnx_pb.h>
#include <string>

namespace bs::onnximport {

constexpr unsigned kInferenceSeconds = 60;

struct InferenceResult {
    int crashSignal = 0;       ///< the child died of this signal
    bool cancelled = false;    ///< `cancel` was set: the child was killed
    std::string strictError;   ///< the first node error strict inference reported
    std::string fatalError;    ///< lenient inference failed as a whole
    onnx::GraphProto inferred; ///< value_info and outputs with the inferred types
};

/// libonnx 1.12's inference functions trust node attributes (a malformed Scan or Loop can make them
/// read out of bounds), so inference runs in a forked child with a time and memory limit. The
/// child sends back only the inferred value_info and outputs; a crash becomes crashSignal. Setting
/// `*cancel` kills the child within ~50 ms.
InferenceResult inferShapesIsolated(onnx::ModelProto& model, const std::atomic<bool>* cancel = nullptr);

} // namespace bs::onnximport
