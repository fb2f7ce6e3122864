#include "graph/Graph.h"

#include <boost/graph/topological_sort.hpp>
#include <iterator>
#include <limits>
#include <sstream>

namespace bs {

std::int64_t elementCount(const Shape& shape) {
    std::int64_t n = 1;
    for (std::int64_t d : shape) {
        if (d < 0) throw std::overflow_error("negative dimension in shape " + shapeString(shape));
        if (d != 0 && n > std::numeric_limits<std::int64_t>::max() / d)
            throw std::overflow_error("element count of shape " + shapeString(shape) + " overflows int64");
        n *= d;
    }
    return n;
}

std::string shapeString(const Shape& shape) {
    std::ostringstream s;
    s << '[';
    for (std::size_t i = 0; i < shape.size(); ++i)
        s << (i ? "," : "") << shape[i];
    s << ']';
    return s.str();
}

std::string_view opKindName(OpKind kind) {
    switch (kind) {
    case OpKind::Conv:
        return "Conv";
    case OpKind::ConvTranspose:
        return "ConvTranspose";
    case OpKind::Gemm:
        return "Gemm";
    case OpKind::MatMul:
        return "MatMul";
    case OpKind::ExpertGemm:
        return "ExpertGemm";
    case OpKind::Add:
        return "Add";
    case OpKind::Sub:
        return "Sub";
    case OpKind::Mul:
        return "Mul";
    case OpKind::Div:
        return "Div";
    case OpKind::Relu:
        return "Relu";
    case OpKind::LeakyRelu:
        return "LeakyRelu";
    case OpKind::Clip:
        return "Clip";
    case OpKind::Sigmoid:
        return "Sigmoid";
    case OpKind::Tanh:
        return "Tanh";
    case OpKind::Gelu:
        return "Gelu";
    case OpKind::Silu:
        return "Silu";
    case OpKind::HardSwish:
        return "HardSwish";
    case OpKind::BatchNorm:
        return "BatchNormalization";
    case OpKind::LayerNorm:
        return "LayerNormalization";
    case OpKind::RmsNorm:
        return "RMSNorm";
    case OpKind::Rotary:
        return "RotaryEmbedding";
    case OpKind::Softmax:
        return "Softmax";
    case OpKind::MaxPool:
        return "MaxPool";
    case OpKind::AvgPool:
        return "AveragePool";
    case OpKind::GlobalAvgPool:
        return "GlobalAveragePool";
    case OpKind::Resize:
        return "Resize";
    case OpKind::Concat:
        return "Concat";
    case OpKind::Split:
        return "Split";
    case OpKind::Slice:
        return "Slice";
    case OpKind::Transpose:
        return "Transpose";
    case OpKind::Reshape:
        return "Reshape";
    case OpKind::Flatten:
        return "Flatten";
    case OpKind::Identity:
        return "Identity";
    case OpKind::Gather:
        return "Gather";
    case OpKind::Elementwise:
        return "Elementwise";
    case OpKind::Reduce:
        return "Reduce";
    case OpKind::DataMovement:
        return "DataMovement";
    case OpKind::AllReduce:
        return "AllReduce";
    case OpKind::AllGather:
        return "AllGather";
    case OpKind::AllToAll:
        return "AllToAll";
    case OpKind::Unknown:
        return "Unknown";
    }
    return "Unknown";
}

int Graph::addTensor(Tensor t) {
    tensors_.push_back(std::move(t));
    producer_.push_back(-1);
    consumers_.emplace_back();
    return static_cast<int>(tensors_.size()) - 1;
}

int Graph::addOp(Op op) {
    const int id = static_cast<int>(ops_.size());
    for (int t : op.inputs) {
        if (t < 0 || t >= static_cast<int>(tensors_.size()))
            throw GraphError("op '" + op.name + "' reads unknown tensor id " + std::to_string(t));
        consumers_[static_cast<std::size_t>(t)].push_back(id);
    }
    for (int t : op.outputs) {
        if (t < 0 || t >= static_cast<int>(tensors_.size()))
            throw GraphError("op '" + op.name + "' writes unknown tensor id " + std::to_string(t));
        if (producer_[static_cast<std::size_t>(t)] >= 0)
            throw GraphError("tensor '" + tensors_[static_cast<std::size_t>(t)].name +
                             "' has two producers (second: '" + op.name + "')");
        producer_[static_cast<std::size_t>(t)] = id;
    }
    ops_.push_back(std::move(op));
    return id;
}

int Graph::producer(int tensorId) const {
    return producer_.at(static_cast<std::size_t>(tensorId));
}

const std::vector<int>& Graph::consumers(int tensorId) const {
    return consumers_.at(static_cast<std::size_t>(tensorId));
}

Graph::Topology Graph::topology() const {
    Topology g(ops_.size());
    for (std::size_t t = 0; t < tensors_.size(); ++t) {
        const int p = producer_[t];
        if (p < 0) continue;
        for (int c : consumers_[t])
            boost::add_edge(static_cast<std::size_t>(p), static_cast<std::size_t>(c), g);
    }
    return g;
}

namespace {
struct CycleFound {
    std::size_t vertex;
};
struct CycleDetector : boost::dfs_visitor<> {
    template <class Edge, class G> void back_edge(Edge e, const G& g) {
        throw CycleFound{boost::target(e, g)};
    }
};
} // namespace

std::vector<int> Graph::topologicalOrder() const {
    const Topology g = topology();
    try {
        boost::depth_first_search(g, boost::visitor(CycleDetector{}));
    } catch (const CycleFound& c) {
        throw GraphError("graph has a cycle through op '" + ops_[c.vertex].name + "'");
    }
    // Builders and exporters usually emit ops in a valid order already; keeping it keeps the
    // liveness (and so peak memory) the author intended. Otherwise take Boost's order.
    bool insertionOrderValid = true;
    for (std::size_t t = 0; t < tensors_.size() && insertionOrderValid; ++t)
        for (int c : consumers_[t])
            if (producer_[t] >= c) insertionOrderValid = false;
    if (insertionOrderValid) {
        std::vector<int> order(ops_.size());
        for (std::size_t i = 0; i < order.size(); ++i)
            order[i] = static_cast<int>(i);
        return order;
    }
    std::vector<std::size_t> reversed;
    reversed.reserve(ops_.size());
    boost::topological_sort(g, std::back_inserter(reversed));
    return std::vector<int>(reversed.rbegin(), reversed.rend());
}

std::int64_t Graph::parameterCount() const {
    std::int64_t n = 0;
    for (std::size_t i = 0; i < tensors_.size(); ++i)
        if (tensors_[i].kind == TensorKind::Weight && tensors_[i].parameter &&
            (!consumers_[i].empty() || tensors_[i].resident))
            n += tensors_[i].elements();
    return n;
}

std::int64_t Graph::activeParameterCount() const {
    std::int64_t n = parameterCount();
    for (const Op& op : ops_) {
        if (op.kind != OpKind::ExpertGemm) continue;
        // One device's experts under expert parallelism: a token reaches at most top-k of them.
        const std::int64_t held = op.attrs.experts / op.attrs.expertShards;
        const std::int64_t perExpert = tensor(op.inputs.at(1)).elements() / held;
        n -= perExpert * (held - std::min(held, op.attrs.topK));
    }
    return n;
}

} // namespace bs
