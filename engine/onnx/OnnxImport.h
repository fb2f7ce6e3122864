#pragma once
// ONNX import through Debian's libonnx: the protobuf is parsed, symbolic dimensions are bound (the
// batch axis to 1, because graphs hold one sample; others from --dim), onnx::shape_inference runs
// with data propagation, constant and shape-computation nodes are folded, and every remaining node
// becomes an Op of the same Graph the built-in models produce. Only initializer dims are read, never
// their values, so weight-free files and files whose external data is missing import alike.
// Every failure is an OnnxError whose one-line message names the file and, where there is one, the
// node or input at fault.
#include "graph/Graph.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace bs {

class OnnxError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Symbolic input dimensions without a value: the caller can ask the user for them and retry.
class OnnxUnboundDimsError : public OnnxError {
  public:
    OnnxUnboundDimsError(const std::string& message, std::vector<std::string> dimNames)
        : OnnxError(message), names(std::move(dimNames)) {}
    std::vector<std::string> names;
};

struct OnnxImportOptions {
    static OnnxImportOptions withDims(std::map<std::string, std::int64_t> values) {
        OnnxImportOptions o;
        o.dims = std::move(values);
        return o;
    }
    /// Values for symbolic dimensions by name (--dim sequence=256). The batch axis cannot be set.
    std::map<std::string, std::int64_t> dims;
    /// Protobuf cannot parse one message of 2 GiB or more; larger models keep weights outside.
    std::uint64_t maxFileBytes = (std::uint64_t{1} << 31) - 1;
    int maxNodes = 1'000'000; ///< refuse larger graphs before shape inference
    /// Called before each stage (0-based step of `steps`) with its name; from the importing thread.
    std::function<void(int step, int steps, const std::string& stage)> progress;
    /// Set from another thread to abandon the import: it stops at the next stage, or kills the
    /// shape inference child, and throws OnnxError("...: import cancelled").
    const std::atomic<bool>* cancel = nullptr;
};

struct OnnxSummary {
    std::string file;
    std::int64_t irVersion = 0;
    std::string producer;                       ///< producer name and version
    std::map<std::string, std::int64_t> opsets; ///< domain ("" = ai.onnx) → version
    int nodes = 0;                              ///< nodes in the main graph
    int foldedNodes = 0;                        ///< constant and shape-computation nodes folded
    std::string batchDim;                       ///< symbolic name of the batch axis, "" if fixed
    std::map<std::string, std::int64_t> dims;   ///< other symbolic dims and their bound values
    std::vector<std::string> inputs;            ///< "name [1,3,224,224] float", per sample
    std::int64_t externalInitializers = 0;      ///< initializers stored outside the file
    std::int64_t initializersWithoutData = 0;   ///< weight-free initializers (dims only)
    std::map<std::string, int> notCosted;       ///< op type → count of nodes with no cost formula
    /// How the file is quantized, "" for a float model: QDQ (QuantizeLinear/DequantizeLinear
    /// pairs), QOperator (QLinearConv...), integer ops with dynamic quantization, and the counts.
    std::string quantization;
    std::vector<std::string> warnings;
};

struct OnnxModel {
    Graph graph;
    OnnxSummary summary;
};

/// Imports an .onnx file. Throws OnnxError ("FILE: what went wrong").
OnnxModel importOnnxFile(const std::string& path, const OnnxImportOptions& options = {});
/// Imports serialized ModelProto bytes; `displayName` stands for the file in messages.
OnnxModel importOnnxBytes(const std::string& bytes, const std::string& displayName,
                          const OnnxImportOptions& options = {});

/// The shape-inference worker executable imports use (OnnxInference.h says where it is looked
/// for), or "" when there is none.
std::string onnxShapeWorkerPath();

/// True when `model` names a file rather than a built-in model id (ends in .onnx or has a '/').
bool looksLikeModelFile(const std::string& model);

} // namespace bs
