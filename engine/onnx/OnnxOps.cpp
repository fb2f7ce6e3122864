#include "onnx/OnnxOps.h"

namespace bs::onnximport {

/// First line of a library message, trimmed and bounded.
std::string oneLine(const std::string& s) {
    std::string line = s.substr(0, s.find('\n'));
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r'))
        line.pop_back();
    if (line.size() > 300) line = line.substr(0, 300) + "...";
    return line;
}

bool isStandardDomain(const std::string& d) {
    return d.empty() || d == "ai.onnx";
}

/// ai.onnx, ai.onnx.ml, ai.onnx.preview.training: schemas libonnx knows. Anything else is custom.
bool isOnnxDomain(const std::string& d) {
    return isStandardDomain(d) || d.rfind("ai.onnx.", 0) == 0;
}

std::string opTypeOf(const onnx::NodeProto& n) {
    return isStandardDomain(n.domain()) ? n.op_type() : n.domain() + ":" + n.op_type();
}

std::string nodeLabel(const onnx::NodeProto& n, int index) {
    if (!n.name().empty()) return "node '" + n.name() + "' (" + opTypeOf(n) + ")";
    std::string label = "node #" + std::to_string(index) + " (" + opTypeOf(n);
    if (n.output_size() > 0) label += ", output '" + n.output(0) + "'";
    return label + ")";
}

std::optional<Shape> shapeOf(const onnx::TypeProto& t) {
    if (!t.has_tensor_type() || !t.tensor_type().has_shape()) return std::nullopt;
    Shape s;
    for (const auto& d : t.tensor_type().shape().dim()) {
        if (!d.has_dim_value() || d.dim_value() < 0) return std::nullopt;
        s.push_back(d.dim_value());
    }
    return s;
}

bool isFloatType(int t) {
    using T = onnx::TensorProto;
    return t == T::FLOAT || t == T::FLOAT16 || t == T::BFLOAT16 || t == T::DOUBLE;
}

bool isQuantType(int t) {
    using T = onnx::TensorProto;
    return t == T::INT8 || t == T::UINT8;
}

/// Standard ONNX op types the engine can cost. Anything else is "not costed".
const std::unordered_map<std::string, OpMapping>& opTable() {
    static const std::unordered_map<std::string, OpMapping> table = [] {
        std::unordered_map<std::string, OpMapping> t{
            {"Conv", {OpKind::Conv}},
            {"ConvInteger", {OpKind::Conv}},
            {"QLinearConv", {OpKind::Conv}},
            {"ConvTranspose", {OpKind::ConvTranspose}},
            {"Gemm", {OpKind::Gemm}},
            {"MatMul", {OpKind::MatMul}},
            {"MatMulInteger", {OpKind::MatMul}},
            {"QLinearMatMul", {OpKind::MatMul}},
            {"Add", {OpKind::Add}},
            {"Sub", {OpKind::Sub}},
            {"Mul", {OpKind::Mul}},
            {"Div", {OpKind::Div}},
            {"Relu", {OpKind::Relu}},
            {"LeakyRelu", {OpKind::LeakyRelu}},
            {"Clip", {OpKind::Clip}},
            {"Sigmoid", {OpKind::Sigmoid}},
            {"Tanh", {OpKind::Tanh}},
            {"HardSwish", {OpKind::HardSwish}},
            {"BatchNormalization", {OpKind::BatchNorm}},
            {"LayerNormalization", {OpKind::LayerNorm}},
            {"InstanceNormalization", {OpKind::LayerNorm}},
            {"GroupNormalization", {OpKind::LayerNorm}},
            {"MeanVarianceNormalization", {OpKind::LayerNorm}},
            {"LpNormalization", {OpKind::LayerNorm}},
            {"Softmax", {OpKind::Softmax}},
            {"LogSoftmax", {OpKind::Softmax}},
            {"Hardmax", {OpKind::Softmax}},
            {"MaxPool", {OpKind::MaxPool}},
            {"AveragePool", {OpKind::AvgPool}},
            {"LpPool", {OpKind::AvgPool}},
            {"GlobalAveragePool", {OpKind::GlobalAvgPool}},
            {"GlobalMaxPool", {OpKind::GlobalAvgPool}},
            {"GlobalLpPool", {OpKind::GlobalAvgPool}},
            {"Resize", {OpKind::Resize}},
            {"Upsample", {OpKind::Resize}},
            {"Concat", {OpKind::Concat}},
            {"Split", {OpKind::Split}},
            {"Slice", {OpKind::Slice}},
            {"Transpose", {OpKind::Transpose}},
            {"Reshape", {OpKind::Reshape}},
            {"Flatten", {OpKind::Flatten}},
            {"Squeeze", {OpKind::Reshape}},
            {"Unsqueeze", {OpKind::Reshape}},
            {"Identity", {OpKind::Identity}},
            {"Dropout", {OpKind::Identity}}, // inference: a no-op
            {"Gather", {OpKind::Gather}},
        };
        // Pointwise ops, FLOPs per output element (transcendentals as a few FLOPs; docs/MODEL.md).
        for (const char* op : {"Abs",
                               "Neg",
                               "Sign",
                               "Floor",
                               "Ceil",
                               "Round",
                               "Reciprocal",
                               "Max",
                               "Min",
                               "Sum",
                               "Mean",
                               "Mod",
                               "PRelu",
                               "ThresholdedRelu",
                               "Shrink",
                               "Equal",
                               "Less",
                               "Greater",
                               "LessOrEqual",
                               "GreaterOrEqual",
                               "Where",
                               "And",
                               "Or",
                               "Xor",
                               "Not",
                               "BitShift",
                               "IsNaN",
                               "IsInf",
                               "QuantizeLinear",
                               "DequantizeLinear"})
            t.emplace(op, OpMapping{OpKind::Elementwise, 1});
        // onnxruntime's dynamic quantization: a min and a max over the tensor (2 compares per
        // element), then scale and round each element (2): 4 FLOPs per element.
        t.emplace("DynamicQuantizeLinear", OpMapping{OpKind::Elementwise, 4});
        for (const char* op : {"Cast", "CastLike"})
            t.emplace(op, OpMapping{OpKind::Elementwise, 0});
        for (const char* op : {"HardSigmoid", "Softsign"})
            t.emplace(op, OpMapping{OpKind::Elementwise, 3});
        for (const char* op : {"Sqrt", "Exp", "Log"})
            t.emplace(op, OpMapping{OpKind::Elementwise, 4});
        for (const char* op : {"Elu", "Selu", "Celu", "Softplus"})
            t.emplace(op, OpMapping{OpKind::Elementwise, 5});
        for (const char* op : {"Pow", "Erf", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh",
                               "Asinh", "Acosh", "Atanh", "Gelu"})
            t.emplace(op, OpMapping{OpKind::Elementwise, 8});
        t.emplace("Mish", OpMapping{OpKind::Elementwise, 10});
        for (const char* op : {"ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1",
                               "ReduceLogSum", "ArgMax", "ArgMin"})
            t.emplace(op, OpMapping{OpKind::Reduce, 1});
        for (const char* op : {"ReduceL2", "ReduceSumSquare"})
            t.emplace(op, OpMapping{OpKind::Reduce, 2});
        t.emplace("ReduceLogSumExp", OpMapping{OpKind::Reduce, 5});
        for (const char* op : {"Pad", "Expand", "Tile", "DepthToSpace", "SpaceToDepth", "GatherElements",
                               "GatherND", "ScatterND", "ScatterElements", "Scatter", "ReverseSequence",
                               "Compress", "Trilu", "CenterCropPad", "OneHot"})
            t.emplace(op, OpMapping{OpKind::DataMovement, 0});
        return t;
    }();
    return table;
}

/// Inputs that carry data the op computes on. The others (Reshape's target shape, Slice's starts,
/// Resize's sizes, reduction axes) only steer shapes; they are resolved by shape inference.
std::vector<int> dataInputs(const onnx::NodeProto& n) {
    static const std::unordered_map<std::string, std::vector<int>> only{
        {"Reshape", {0}},
        {"Expand", {0}},
        {"Tile", {0}},
        {"Slice", {0}},
        {"Pad", {0}},
        {"Squeeze", {0}},
        {"Unsqueeze", {0}},
        {"Split", {0}},
        {"Resize", {0}},
        {"Upsample", {0}},
        {"TopK", {0}},
        {"ReduceMean", {0}},
        {"ReduceSum", {0}},
        {"ReduceMax", {0}},
        {"ReduceMin", {0}},
        {"ReduceProd", {0}},
        {"ReduceL1", {0}},
        {"ReduceL2", {0}},
        {"ReduceLogSum", {0}},
        {"ReduceLogSumExp", {0}},
        {"ReduceSumSquare", {0}},
        {"OneHot", {0, 2}},
        {"CenterCropPad", {0}},
        {"Trilu", {0}},
        {"Dropout", {0}},
        {"Clip", {0}},
        {"Shape", {}},
        {"Size", {}},
        {"ConstantOfShape", {}},
        {"Range", {}},
        {"EyeLike", {}},
    };
    if (isStandardDomain(n.domain())) {
        auto it = only.find(n.op_type());
        if (it != only.end()) {
            std::vector<int> idx;
            for (int i : it->second)
                if (i < n.input_size() && !n.input(i).empty()) idx.push_back(i);
            return idx;
        }
    }
    std::vector<int> idx;
    for (int i = 0; i < n.input_size(); ++i)
        if (!n.input(i).empty()) idx.push_back(i);
    return idx;
}

bool isControlFlow(const onnx::NodeProto& n) {
    return isStandardDomain(n.domain()) &&
           (n.op_type() == "If" || n.op_type() == "Loop" || n.op_type() == "Scan");
}

std::vector<std::int64_t> intsAttr(const onnx::NodeProto& n, const char* name) {
    for (const auto& a : n.attribute())
        if (a.name() == name) return {a.ints().begin(), a.ints().end()};
    return {};
}

std::optional<std::int64_t> intAttr(const onnx::NodeProto& n, const char* name) {
    for (const auto& a : n.attribute())
        if (a.name() == name) return a.i();
    return std::nullopt;
}

} // namespace bs::onnximport
