#include "graph/OpCost.h"

#include <numeric>

namespace bs {

namespace {

bool isWeight(const Graph& g, int t) {
    return g.tensor(t).kind == TensorKind::Weight;
}

double product(const Shape& s, std::size_t from, std::size_t to) {
    double n = 1;
    for (std::size_t i = from; i < to && i < s.size(); ++i)
        n *= static_cast<double>(s[i]);
    return n;
}

void addWeights(const Graph& g, const Op& op, OpCost& c) {
    for (int t : op.inputs)
        if (isWeight(g, t)) {
            c.params += g.tensor(t).elements();
            c.weightReadElems += static_cast<double>(g.tensor(t).elements());
            if (quantizedWeight(g, op, t))
                c.quantizedWeightElems += static_cast<double>(g.tensor(t).elements());
        }
}

const Tensor& firstActivationInput(const Graph& g, const Op& op) {
    for (int t : op.inputs)
        if (!isWeight(g, t)) return g.tensor(t);
    throw GraphError("op '" + op.name + "' has no activation input");
}

const Tensor& output(const Graph& g, const Op& op) {
    if (op.outputs.empty()) throw GraphError("op '" + op.name + "' has no output");
    return g.tensor(op.outputs.front());
}

double outputElems(const Graph& g, const Op& op) {
    double n = 0;
    for (int t : op.outputs)
        n += static_cast<double>(g.tensor(t).elements());
    return n;
}

void costConv(const Graph& g, const Op& op, OpCost& c) {
    const Shape& in = firstActivationInput(g, op).shape;
    const Shape& out = output(g, op).shape;
    const Tensor* w = nullptr;
    for (int t : op.inputs)
        if (isWeight(g, t) && g.tensor(t).shape.size() == out.size()) w = &g.tensor(t);
    if (!w || in.size() < 3 || out.size() != in.size())
        throw GraphError("op '" + op.name +
                         "': Conv needs an N,C,spatial input and a weight of the same rank");
    const double groups = static_cast<double>(std::max<std::int64_t>(1, op.attrs.groups));
    const double kernelArea = product(w->shape, 2, w->shape.size());
    const double outPixels = product(out, 2, out.size());
    double cout = static_cast<double>(out[1]), cinPerGroup = static_cast<double>(w->shape[1]);
    if (op.kind == OpKind::ConvTranspose) {
        // ConvTranspose weight is [Cin, Cout/groups, k...]: every input pixel scatters a kernel.
        cinPerGroup = static_cast<double>(in[1]) / groups;
        const double inPixels = product(in, 2, in.size());
        c.macs = inPixels * static_cast<double>(in[1]) * static_cast<double>(w->shape[1]) * kernelArea;
        c.gemm = GemmShape{inPixels, cout / groups * kernelArea, cinPerGroup, groups, true};
        return;
    }
    c.macs = outPixels * cout * cinPerGroup * kernelArea;
    // A bias input adds one FLOP per output element in the epilogue, as for Gemm.
    if (op.inputs.size() > 2) c.vectorFlops = outPixels * cout;
    const double nPerGroup = cout / groups;
    if (groups > 1 && nPerGroup <= 1 && cinPerGroup <= 1) {
        // Depthwise: one input channel per output channel; runs on vector units, not tensor cores.
        c.vectorMacs = c.macs;
        c.macs = 0;
        return;
    }
    c.gemm = GemmShape{outPixels, nPerGroup, cinPerGroup * kernelArea, groups, true};
}

} // namespace

bool quantizedWeight(const Graph& g, const Op& op, int tensor) {
    const Tensor& t = g.tensor(tensor);
    if (t.kind != TensorKind::Weight || t.shape.size() < 2) return false;
    switch (op.kind) {
    case OpKind::Conv:
    case OpKind::ConvTranspose:
    case OpKind::Gemm:
    case OpKind::MatMul:
    case OpKind::ExpertGemm:
        break;
    default:
        return false;
    }
    for (int out : op.outputs)
        if (g.tensor(out).graphOutput && !g.tensor(out).kvCache) return false;
    return true;
}

double flopsPerElement(OpKind kind) {
    switch (kind) {
    case OpKind::Add:
    case OpKind::Sub:
    case OpKind::Mul:
    case OpKind::Relu:
    case OpKind::LeakyRelu:
    case OpKind::Clip:
        return 1;
    case OpKind::Div:
        return 1;
    case OpKind::BatchNorm:
        return 2; // scale and shift (folded statistics)
    case OpKind::Sigmoid:
        return 4; // exp, add, divide, negate
    case OpKind::Tanh:
        return 4;
    case OpKind::Silu:
        return 5; // sigmoid + multiply
    case OpKind::HardSwish:
        return 4;
    case OpKind::Gelu:
        return 8; // tanh approximation: ~8 FLOPs
    case OpKind::Softmax:
        return 5; // max, subtract, exp, sum, divide
    case OpKind::LayerNorm:
        return 8; // mean, variance (2), normalise (2), scale, shift, rsqrt share
    case OpKind::RmsNorm:
        return 5; // square, sum, rsqrt share, normalise, scale
    case OpKind::Rotary:
        return 3; // x·cos + rotate_half(x)·sin
    default:
        return 0;
    }
}

// The composites below as huggingface/transformers src/transformers/models/llama/modeling_llama.py
// writes them (the code Mistral, Qwen2, Gemma and most decoders copy), one kernel per tensor op:
//  - LlamaRMSNorm.forward: x.to(float32); pow(2); mean(-1); + eps; rsqrt; x * rsqrt; .to(dtype);
//    weight * x: 8 kernels. Per element (a = activation bytes, row scalars and the weight vector
//    negligible): cast a+4, pow 4+4, mean 4, multiply 4+4, cast back 4+a, weight multiply a+a =
//    4a + 28 bytes, where one fused kernel moves 2a. At a = 4 the casts are no-ops (`to` returns
//    the tensor; still counted as calls): 28 bytes.
//  - apply_rotary_pos_emb(q, k), per tensor: x * cos; -x2 (rotate_half's negated half); cat;
//    * sin; add: 5 kernels moving a+a, a/2+a/2, a+a, a+a, 2a+a = 10a bytes per element; 10 kernels
//    for Q and K.
int eagerKernels(OpKind kind) {
    switch (kind) {
    case OpKind::RmsNorm:
        return 8;
    case OpKind::Rotary:
        return 10;
    default:
        return 1;
    }
}

double eagerExtraBytesPerElem(OpKind kind, double a) {
    switch (kind) {
    case OpKind::RmsNorm:
        return (a == 4 ? 28 : 4 * a + 28) - 2 * a;
    case OpKind::Rotary:
        return 10 * a - 2 * a;
    default:
        return 0;
    }
}

namespace {

// Gemm: [M, K] × [K, N], M = every output row (the batch stacks rows).
void costGemm(const Graph& g, const Op& op, OpCost& c) {
    addWeights(g, op, c);
    const Shape& out = output(g, op).shape;
    const Shape& in = firstActivationInput(g, op).shape;
    if (out.empty() || in.empty()) throw GraphError("op '" + op.name + "': Gemm with scalar shapes");
    const double n = static_cast<double>(out.back());
    const double k = static_cast<double>(in.back());
    const double m = static_cast<double>(elementCount(out)) / n;
    c.macs = m * n * k;
    c.gemm = GemmShape{m, n, k, 1, true};
    // Bias add rides in the GEMM epilogue: one FLOP per output element.
    if (op.inputs.size() > 2) c.vectorFlops = m * n;
}

void costMatMul(const Graph& g, const Op& op, OpCost& c) {
    addWeights(g, op, c);
    const Shape& out = output(g, op).shape;
    const Shape& a = g.tensor(op.inputs.at(0)).shape;
    if (out.size() < 2 || a.size() < 2) throw GraphError("op '" + op.name + "': MatMul needs rank ≥ 2");
    const double k = static_cast<double>(a.back());
    const double m = static_cast<double>(out[out.size() - 2]);
    const double n = static_cast<double>(out.back());
    const double lead = product(out, 1, out.size() - 2);
    c.macs = static_cast<double>(elementCount(out)) * k;
    // Rank 2 ([1, N] per sample): the batch stacks rows (M); otherwise it multiplies the
    // leading (head) axes.
    // A per-head weight [H, K, N] (GraphBuilder::headLinear) is shared by the batch, which stacks
    // each head's rows as for a grouped convolution.
    const Tensor& b = g.tensor(op.inputs.at(1));
    if (out.size() == 2 || (b.kind == TensorKind::Weight && b.shape.size() == 3))
        c.gemm = GemmShape{m, n, k, out.size() == 2 ? 1 : lead, true};
    else
        c.gemm = GemmShape{m, n, k, lead, false};
}

// Routed experts: each token runs top-k of the experts' GEMMs.
void costExpertGemm(const Graph& g, const Op& op, OpCost& c) {
    addWeights(g, op, c);
    const Shape& out = output(g, op).shape;
    const Shape& in = firstActivationInput(g, op).shape;
    const double n = static_cast<double>(out.back());
    const double k = static_cast<double>(in.back());
    c.expertTokens = static_cast<double>(elementCount(out)) / n;
    // Expert parallelism over S devices: this device holds E ÷ S experts and serves the tokens of
    // all S devices, on average top-k ÷ S of its experts each (docs/MODEL.md §19).
    const double shards = static_cast<double>(op.attrs.expertShards);
    c.expertTokens *= shards;
    c.experts = static_cast<double>(op.attrs.experts) / shards;
    c.topK = static_cast<double>(op.attrs.topK) / shards;
    c.imbalance = op.attrs.imbalance;
    c.macs = c.expertTokens * c.topK * k * n;
    c.gemm = GemmShape{c.expertTokens, n, k, 1, true};
    // Weight traffic depends on how many experts the batch touches: the evaluator decides, for the
    // read and for the share of it at a quantization scheme's weight precision.
    c.weightReadElems = 0;
    c.quantizedWeightElems = 0;
}

void costPool(const Graph& g, const Op& op, OpCost& c) {
    const double kArea = std::accumulate(op.attrs.kernel.begin(), op.attrs.kernel.end(), 1.0,
                                         [](double a, std::int64_t b) { return a * static_cast<double>(b); });
    c.vectorFlops = outputElems(g, op) * kArea;
}

void costGather(const Graph& g, const Op& op, OpCost& c) {
    c.params = 0;
    for (int t : op.inputs)
        if (isWeight(g, t)) c.params += g.tensor(t).elements();
    c.gatherElems = outputElems(g, op); // only the looked-up rows are read
}

} // namespace

OpCost costOf(const Graph& g, const Op& op) {
    OpCost c;
    switch (op.kind) {
    case OpKind::Conv:
    case OpKind::ConvTranspose:
        addWeights(g, op, c);
        costConv(g, op, c);
        break;
    case OpKind::Gemm:
        costGemm(g, op, c);
        break;
    case OpKind::MatMul:
        costMatMul(g, op, c);
        break;
    case OpKind::ExpertGemm:
        costExpertGemm(g, op, c);
        break;
    case OpKind::MaxPool:
    case OpKind::AvgPool:
        costPool(g, op, c);
        break;
    case OpKind::GlobalAvgPool:
        c.vectorFlops = static_cast<double>(firstActivationInput(g, op).elements());
        break;
    case OpKind::Reduce:
        addWeights(g, op, c);
        c.vectorFlops =
            static_cast<double>(firstActivationInput(g, op).elements()) * op.attrs.flopsPerElement;
        break;
    case OpKind::Elementwise:
        addWeights(g, op, c);
        c.vectorFlops = outputElems(g, op) * op.attrs.flopsPerElement;
        break;
    case OpKind::Gather:
        costGather(g, op, c);
        break;
    case OpKind::Reshape:
    case OpKind::Flatten:
    case OpKind::Identity:
        c.view = true;
        break;
    case OpKind::Transpose:
        if (op.attrs.strided) {
            c.view = true;
            break;
        }
        addWeights(g, op, c);
        break;
    case OpKind::Concat:
    case OpKind::Split:
    case OpKind::Slice:
    case OpKind::DataMovement:
    case OpKind::Resize: // nearest-neighbour: data movement only
        addWeights(g, op, c);
        break;
    case OpKind::AllReduce:
    case OpKind::AllGather:
    case OpKind::AllToAll:
        c.collectiveElems = outputElems(g, op) * (op.kind == OpKind::AllToAll ? op.attrs.topK : 1);
        c.collectiveDevices = static_cast<double>(op.attrs.groups);
        c.collective = op.kind;
        c.collectiveImbalance = op.attrs.imbalance;
        break;
    case OpKind::Unknown:
        c.costed = false;
        addWeights(g, op, c);
        break;
    default: // elementwise, activations, normalisations, softmax
        addWeights(g, op, c);
        c.vectorFlops = outputElems(g, op) * flopsPerElement(op.kind);
        break;
    }
    return c;
}

} // namespace bs
