#pragma once
// Internal to the ONNX importer: evaluation of the small integer (and float) tensors that exporters
// compute shapes with (PyTorch's F.pad / interpolate(size=), paddle2onnx, tf2onnx pads). Once the
// batch and every symbolic dimension are bound, Shape(x) is a constant, and so is everything
// computed from it; libonnx's data propagation covers only part of that arithmetic. The importer
// alternates libonnx inference and this evaluation until no new value appears (docs/ONNX.md).
#include "graph/Graph.h"

#include <cstdint>
#include <functional>
#include <onnx/onnx_pb.h>
#include <optional>
#include <string>
#include <vector>

namespace bs::onnximport {

/// Values larger than this are not evaluated: shape arithmetic is tiny, and a ConstantOfShape of
/// activation size is left for inference to give a shape to.
constexpr std::int64_t kMaxEvalElems = 1 << 16;
/// Float initializers and Constants above this are weights, not shape arithmetic: never decoded.
constexpr std::int64_t kMaxEvalRealElems = 1024;

/// A tensor whose values are known. Integer and bool types keep `ints`, float types `reals`.
struct ConstValue {
    int elemType = onnx::TensorProto::INT64;
    Shape dims;
    std::vector<std::int64_t> ints;
    std::vector<double> reals;

    bool isReal() const;
    std::int64_t size() const;
    double at(std::int64_t i) const {
        return isReal() ? reals[static_cast<std::size_t>(i)] : double(ints[static_cast<std::size_t>(i)]);
    }
};

/// Whether `t` is small enough for the evaluator to read its values (the limits above): the
/// importer keeps the bytes of such tensors only, and drops the rest (weights) after parsing.
bool valuesReadable(const onnx::TensorProto& t);

/// The values of an initializer or a Constant's tensor, if it holds them in the file and is small.
std::optional<ConstValue> constFromTensor(const onnx::TensorProto& t);
/// `v` as a tensor named `name` (for a Constant node that replaces the node that computed it).
onnx::TensorProto tensorFromConst(const ConstValue& v, const std::string& name);

struct EvalInputs {
    std::function<const ConstValue*(const std::string&)> value; ///< known values, or nullptr
    std::function<const Shape*(const std::string&)> shape;      ///< fully known shapes, or nullptr
    std::int64_t opset = 17;                                    ///< ai.onnx version of the model
};

/// The outputs of `n`, one per output, when its op is one the evaluator knows and every input it
/// needs is known; nothing otherwise (the node is then left to inference and to the runtime).
std::optional<std::vector<ConstValue>> evaluateNode(const onnx::NodeProto& n, const EvalInputs& in);

} // namespace bs::onnximport
