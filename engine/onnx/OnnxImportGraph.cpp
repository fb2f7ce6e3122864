// The Importer's constant folding, the engine Graph it builds, op mapping, and the reasons it
// gives when a shape is missing (OnnxImporter.h).
#include "graph/OpCost.h"
#include "onnx/OnnxControlFlow.h"
#include "onnx/OnnxImporter.h"
#include "onnx/OnnxOps.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>

namespace bs::onnximport {

void Importer::foldConstants() {
    const auto& nodes = model_.graph().node();
    constant_ = initializers_;
    folded_.assign(static_cast<std::size_t>(nodes.size()), false);
    for (int i = 0; i < nodes.size(); ++i) {
        const auto& n = nodes[i];
        if (isControlFlow(n) || !isOnnxDomain(n.domain())) continue;
        // An embedding lookup reads rows of its table at run time even when the indices are
        // constant (position ids): folding it would count the rows as the parameters.
        if (isStandardDomain(n.domain()) && n.op_type() == "Gather" && n.input_size() > 0 &&
            initializers_.count(n.input(0)) && isFloatType(elemTypeOf(n.input(0))))
            continue;
        bool allConstant = true;
        for (int k : dataInputs(n))
            allConstant = allConstant && constant_.count(n.input(k)) > 0;
        if (!allConstant) continue;
        folded_[static_cast<std::size_t>(i)] = true;
        ++summary_.foldedNodes;
        for (const auto& out : n.output())
            if (!out.empty()) constant_.insert(out);
    }
}

int Importer::elemTypeOf(const std::string& name) const {
    auto it = elemType_.find(name);
    return it == elemType_.end() ? 0 : it->second;
}

std::vector<std::int64_t> Importer::kernelOf(const onnx::NodeProto& n) const {
    std::vector<std::int64_t> kernel = intsAttr(n, "kernel_shape");
    const std::string& t = n.op_type();
    const int weightInput = t == "QLinearConv" ? 3 : 1;
    if (kernel.empty() && (t == "Conv" || t == "ConvInteger" || t == "QLinearConv") &&
        n.input_size() > weightInput) {
        auto w = shapes_.find(n.input(weightInput));
        if (w != shapes_.end() && w->second.size() >= 3)
            kernel.assign(w->second.begin() + 2, w->second.end());
    }
    return kernel;
}

std::string Importer::windowTooLarge(const onnx::NodeProto& n) const {
    const std::string& t = n.op_type();
    const bool conv = t == "Conv" || t == "ConvInteger" || t == "QLinearConv";
    if (!conv && t != "MaxPool" && t != "AveragePool" && t != "LpPool") return {};
    auto in = n.input_size() > 0 ? shapes_.find(n.input(0)) : shapes_.end();
    if (in == shapes_.end() || in->second.size() < 3) return {};
    const std::vector<std::int64_t> kernel = kernelOf(n);
    const std::size_t spatial = in->second.size() - 2;
    if (kernel.size() != spatial) return {};
    const auto pads = intsAttr(n, "pads"), dil = intsAttr(n, "dilations");
    for (std::size_t a = 0; a < spatial; ++a) {
        const std::int64_t len = in->second[a + 2];
        const std::int64_t padded = len + (pads.size() == 2 * spatial ? pads[a] + pads[a + spatial] : 0);
        const std::int64_t reach = (kernel[a] - 1) * (dil.size() == spatial ? dil[a] : 1) + 1;
        if (padded < reach)
            return "input axis " + std::to_string(a + 2) + " has length " + std::to_string(len) +
                   (padded != len ? " (" + std::to_string(padded) + " padded)" : std::string()) +
                   ", shorter than the window of " + std::to_string(reach) +
                   ": the output length would be negative; give the input larger --dim values";
    }
    return {};
}

std::string Importer::missingShapeReason(const std::string& tensor) const {
    auto it = producer_.find(tensor);
    if (it == producer_.end()) return "'" + tensor + "' has no known shape";
    const auto& n = model_.graph().node(it->second);
    std::string why =
        nodeLabel(n, it->second) + ": the shape of its output '" + tensor + "' cannot be inferred";
    std::string runtimeInput;
    for (const auto& in : n.input())
        if (!in.empty() && !constant_.count(in) && !shapes_.count(in)) runtimeInput = in;
    for (int i = 0; i < n.input_size() && runtimeInput.empty(); ++i) {
        const std::vector<int> data = dataInputs(n);
        const bool steering = std::find(data.begin(), data.end(), i) == data.end();
        if (steering && !n.input(i).empty() && !constant_.count(n.input(i))) runtimeInput = n.input(i);
    }
    if (const std::string tooShort = windowTooLarge(n); !tooShort.empty())
        why += " (" + tooShort + ")";
    else if (!isOnnxDomain(n.domain()))
        why += " (custom domain '" + n.domain() + "' is unknown to ONNX shape inference)";
    else if (isControlFlow(n))
        why += " (control flow, or a sequence/optional output)";
    else if (!runtimeInput.empty())
        why += " (it depends on the values of '" + runtimeInput + "', known only at run time)";
    else if (!inferenceError_.empty())
        why += " (" + inferenceError_ + ")";
    else
        why += " (ONNX shape inference cannot resolve it and the file declares no value_info for it)";
    return why;
}

int Importer::tensorFor(const std::string& name, const onnx::NodeProto& consumer, int inputIndex) {
    auto known = tensorIds_.find(name);
    if (known != tensorIds_.end()) return known->second;
    auto s = shapes_.find(name);
    if (s == shapes_.end()) fail(missingShapeReason(name));
    Tensor t;
    t.name = name;
    t.shape = s->second;
    if (constant_.count(name)) {
        t.kind = TensorKind::Weight;
        const int type = elemTypeOf(name);
        const bool bnStatistics = consumer.op_type() == "BatchNormalization" && inputIndex >= 3;
        const std::int64_t elems = checkedElements(name, t.shape);
        t.parameter = !bnStatistics && weightSource_.count(name) > 0 &&
                      ((isFloatType(type) && elems > 1) || (isQuantType(type) && t.shape.size() >= 2));
    } else if (graphInputs_.count(name)) {
        t.kind = TensorKind::Input;
    } else {
        fail(missingShapeReason(name)); // produced by a live node whose output had no shape
    }
    const int id = graph_.addTensor(std::move(t));
    tensorIds_[name] = id;
    return id;
}

std::int64_t Importer::checkedElements(const std::string& name, const Shape& s) const {
    try {
        return elementCount(s);
    } catch (const std::overflow_error&) {
        auto it = producer_.find(name);
        const std::string where =
            it == producer_.end()
                ? "'" + name + "'"
                : nodeLabel(model_.graph().node(it->second), it->second) + ": output '" + name + "'";
        fail(where + " shape " + shapeString(s) + " has more elements than int64 can count");
    }
}

void Importer::buildGraph() {
    const auto& g = model_.graph();
    graph_.name = g.name().empty() ? std::filesystem::path(file_).stem().string() : g.name();
    std::unordered_set<std::string> consumedLive, graphOutputs;
    for (int i = 0; i < g.node_size(); ++i)
        if (!folded_[static_cast<std::size_t>(i)])
            for (int k : dataInputs(g.node(i)))
                consumedLive.insert(g.node(i).input(k));
    for (const auto& o : g.output())
        graphOutputs.insert(o.name());
    markQdqPairs();
    std::set<std::string> usedNames;
    int live = 0;
    for (int i = 0; i < g.node_size(); ++i) {
        if (folded_[static_cast<std::size_t>(i)]) continue;
        const auto& n = g.node(i);
        ++live;
        Op op;
        op.type = opTypeOf(n);
        op.name = n.name().empty() ? n.op_type() + "_" + std::to_string(i) : n.name();
        if (!usedNames.insert(op.name).second) op.name += "#" + std::to_string(i);
        std::vector<int> idx = dataInputs(n);
        for (int k : idx)
            op.inputs.push_back(tensorFor(n.input(k), n, k));
        bool emptyOutput = false;
        for (const auto& out : n.output()) {
            if (out.empty()) continue;
            const bool needed = consumedLive.count(out) || graphOutputs.count(out);
            auto s = shapes_.find(out);
            if (s == shapes_.end()) {
                if (needed) fail(missingShapeReason(out));
                continue; // an unused optional output (Dropout mask, TopK indices)
            }
            Tensor t;
            t.name = out;
            t.shape = s->second;
            t.kind = TensorKind::Activation;
            t.graphOutput = graphOutputs.count(out) > 0;
            emptyOutput = emptyOutput || checkedElements(out, t.shape) == 0;
            const int id = graph_.addTensor(std::move(t));
            tensorIds_[out] = id;
            op.outputs.push_back(id);
        }
        if (op.outputs.empty()) continue; // nothing downstream reads it
        mapOp(n, i, op);
        if (emptyOutput && op.kind != OpKind::Unknown) {
            summary_.warnings.push_back(nodeLabel(n, i) + " produces an empty tensor; not costed");
            op.kind = OpKind::Unknown;
        }
        if (op.kind != OpKind::Unknown) {
            try {
                (void)costOf(graph_, op);
            } catch (const std::exception& e) {
                summary_.warnings.push_back(nodeLabel(n, i) + ": " + e.what() + "; not costed");
                op.kind = OpKind::Unknown;
            }
        }
        if (op.kind == OpKind::Unknown) ++summary_.notCosted[op.type];
        graph_.addOp(std::move(op));
    }
    // An If branch not costed is still loaded: its weights count, read by no op.
    for (const auto& [name, t] : droppedWeights_) {
        if (tensorIds_.count(name)) continue;
        Tensor w;
        w.name = name;
        w.shape = Shape(t.dims().begin(), t.dims().end());
        w.kind = TensorKind::Weight;
        w.resident = true;
        const std::int64_t elems = checkedElements(name, w.shape);
        w.parameter =
            (isFloatType(t.data_type()) && elems > 1) || (isQuantType(t.data_type()) && w.shape.size() >= 2);
        tensorIds_[name] = graph_.addTensor(std::move(w));
    }
    // Each tensor's count fits in int64 (checkedElements); their sum must too.
    std::int64_t params = 0;
    for (const Tensor& t : graph_.tensors())
        if (t.kind == TensorKind::Weight && t.parameter &&
            __builtin_add_overflow(params, t.elements(), &params))
            fail("the parameters together have more elements than int64 can count");
    if (live == 0)
        fail("nothing to cost: every node computes from constants or input shapes alone, not input data");
}

void Importer::markQdqPairs() {
    const auto& g = model_.graph();
    std::unordered_map<std::string, std::vector<int>> readers;
    std::map<std::string, int> quantOps;
    for (int i = 0; i < g.node_size(); ++i) {
        if (folded_[static_cast<std::size_t>(i)]) continue;
        for (const auto& in : g.node(i).input())
            readers[in].push_back(i);
        const std::string& t = g.node(i).op_type();
        if (t.rfind("QLinear", 0) == 0 || t == "MatMulInteger" || t == "ConvInteger" ||
            t == "DynamicQuantizeLinear")
            ++quantOps[t];
    }
    int pairs = 0;
    for (int i = 0; i < g.node_size(); ++i) {
        const auto& n = g.node(i);
        if (folded_[static_cast<std::size_t>(i)] || n.op_type() != "QuantizeLinear" || n.output_size() < 1)
            continue;
        const auto& r = readers[n.output(0)];
        const bool onlyDequantized = !r.empty() && std::all_of(r.begin(), r.end(), [&](int k) {
            return g.node(k).op_type() == "DequantizeLinear";
        });
        if (!onlyDequantized) continue;
        qdqFused_.insert(i);
        qdqFused_.insert(r.begin(), r.end());
        ++pairs;
    }
    std::string ops;
    for (const auto& [t, k] : quantOps)
        ops += (ops.empty() ? "" : ", ") + t + " x" + std::to_string(k);
    if (pairs > 0)
        summary_.quantization = "int8 QDQ: " + std::to_string(pairs) +
                                " QuantizeLinear/DequantizeLinear pairs on activations, fused into the ops "
                                "they surround (costed as views)";
    if (!ops.empty())
        summary_.quantization +=
            (summary_.quantization.empty() ? std::string() : "; ") +
            (quantOps.count("DynamicQuantizeLinear") ? "dynamic uint8: " : "int8 QOperator: ") + ops;
    if (!summary_.quantization.empty())
        summary_.quantization += "; evaluate it at --precision int8 for int8 bytes and rates";
}

void Importer::mapOp(const onnx::NodeProto& n, int index, Op& op) {
    auto isConst = [&](int k) { return k < n.input_size() && constant_.count(n.input(k)) > 0; };
    if (!isOnnxDomain(n.domain())) {
        op.kind = OpKind::Unknown;
        summary_.warnings.push_back(nodeLabel(n, index) + ": custom domain '" + n.domain() + "'; not costed");
        return;
    }
    if (!isStandardDomain(n.domain())) {
        op.kind = OpKind::Unknown; // ai.onnx.ml and training ops: listed as not costed
        return;
    }
    if (isControlFlow(n)) {
        op.kind = OpKind::Unknown;
        summary_.warnings.push_back(nodeLabel(n, index) + ": control flow; its subgraphs are not costed");
        return;
    }
    if (qdqFused_.count(index)) {
        op.kind = OpKind::Identity;
        return;
    }
    auto it = opTable().find(n.op_type());
    if (it == opTable().end()) {
        op.kind = OpKind::Unknown;
        return;
    }
    op.kind = it->second.kind;
    op.attrs.flopsPerElement = it->second.flops;
    op.attrs.kernel = kernelOf(n);
    op.attrs.strides = intsAttr(n, "strides");
    op.attrs.pads = intsAttr(n, "pads");
    op.attrs.dilations = intsAttr(n, "dilations");
    op.attrs.groups = intAttr(n, "group").value_or(1);
    op.attrs.axis = intAttr(n, "axis").value_or(-1);
    op.attrs.transB = intAttr(n, "transB").value_or(0) != 0;
    const std::string& type = n.op_type();
    if (type == "MatMul" || type == "MatMulInteger") {
        if (isConst(1)) op.kind = OpKind::Gemm; // activation × weight: a Linear layer
    } else if (type == "QLinearMatMul") {
        if (isConst(3)) op.kind = OpKind::Gemm;
    } else if (type == "Gemm") {
        if (!isConst(1)) op.kind = OpKind::MatMul;
    } else if (type == "Gather") {
        if (!isConst(0)) op.kind = OpKind::DataMovement; // gathering from activations
    } else if (op.kind == OpKind::Conv || op.kind == OpKind::ConvTranspose) {
        if (!isConst(type == "QLinearConv" ? 3 : 1)) {
            op.kind = OpKind::Unknown;
            summary_.warnings.push_back(nodeLabel(n, index) +
                                        ": the convolution weight is computed at run time; not costed");
        }
    }
    if ((op.kind == OpKind::MaxPool || op.kind == OpKind::AvgPool) && op.attrs.kernel.empty()) {
        op.kind = OpKind::Unknown;
        summary_.warnings.push_back(nodeLabel(n, index) + ": pooling without kernel_shape; not costed");
    }
}

} // namespace bs::onnximport
