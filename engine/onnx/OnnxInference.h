#pragma once
// Internal to the ONNX importer: libonnx shape inference, isolated in a worker process.
//
// libonnx 1.12's inference functions trust node attributes (a malformed Scan or Loop can make them
// read out of bounds, or loop for ever), so inference runs in `batchscope-onnx-worker`, a separate
// executable started with posix_spawn (no code runs between fork and exec, so a lock another
// thread held at that moment cannot hang it). Workers are fed over a socket, reused across imports
// and replaced after a crash, a time-out or a cancel; concurrent imports each take their own.
#include <atomic>
#include <onnx/onnx_pb.h>
#include <string>
#include <unordered_map>

namespace bs::onnximport {

constexpr unsigned kInferenceSeconds = 60;

struct InferenceResult {
    int crashSignal = 0;       ///< the worker died of this signal
    int crashExitCode = 0;     ///< or exited with this status and no answer (a sanitizer's report)
    bool timedOut = false;     ///< it did not answer within kInferenceSeconds: it was killed
    bool cancelled = false;    ///< `cancel` was set: the worker was killed
    std::string startError;    ///< the worker could not be started (not found, spawn failed)
    std::string strictError;   ///< the first node error strict inference reported
    std::string fatalError;    ///< lenient inference failed as a whole
    onnx::GraphProto inferred; ///< value_info and outputs with the inferred types
};

/// Nodes sent to inference in another form, by index: ops that opsets 18–21 added or changed,
/// in the form libonnx 1.12 (opset 17) knows. The importer's own graph keeps the originals.
using NodeRewrites = std::unordered_map<int, onnx::NodeProto>;

/// Sends `model` to a worker and returns the inferred value_info and outputs. The importer has
/// dropped its weight bytes already (inference reads only their dims, and the values of small
/// tensors: Reshape targets, Resize scales). A crash becomes
/// crashSignal; setting `*cancel` kills the worker within ~50 ms. `dataPropagation` is libonnx's
/// own propagation of shape values (it crashes on some graphs; the importer then does without).
InferenceResult inferShapesIsolated(const onnx::ModelProto& model, const std::atomic<bool>* cancel = nullptr,
                                    bool dataPropagation = true, const NodeRewrites* rewrites = nullptr);

/// The worker's main loop on `fd` (a connected socket): one request in, one answer out, until the
/// peer closes. Used by the batchscope-onnx-worker executable only.
int shapeInferenceWorkerMain(int fd);

/// Where the worker executable is looked for, in order: $BATCHSCOPE_ONNX_WORKER, beside the
/// running executable, ../libexec/batchscope beside it, and the build tree.
std::string onnxWorkerPath();

} // namespace bs::onnximport
