#include "graph/Fusion.h"

#include <algorithm>

namespace bs {

namespace {

bool isView(OpKind k) {
    return k == OpKind::Reshape || k == OpKind::Flatten || k == OpKind::Identity;
}

bool isElementwiseTail(OpKind k) {
    switch (k) {
    case OpKind::Add:
    case OpKind::Sub:
    case OpKind::Mul:
    case OpKind::Div:
    case OpKind::Relu:
    case OpKind::LeakyRelu:
    case OpKind::Clip:
    case OpKind::Sigmoid:
    case OpKind::Tanh:
    case OpKind::Gelu:
    case OpKind::Silu:
    case OpKind::HardSwish:
    case OpKind::BatchNorm:
    case OpKind::Rotary:
    case OpKind::Elementwise:
        return true;
    default:
        return false;
    }
}

bool isLibraryGemm(OpKind k) {
    return k == OpKind::Conv || k == OpKind::ConvTranspose || k == OpKind::Gemm || k == OpKind::ExpertGemm;
}

// Whether a GEMM/convolution kernel's epilogue takes the tail `k` (Fusion.h, EpiloguePolicy).
bool epilogueTakes(OpKind k, EpiloguePolicy epilogue) {
    switch (epilogue) {
    case EpiloguePolicy::All:
        return true;
    case EpiloguePolicy::BiasActivation:
        return k != OpKind::BatchNorm && k != OpKind::Mul && k != OpKind::Div && k != OpKind::Sub &&
               k != OpKind::Rotary;
    case EpiloguePolicy::None:
        return false;
    }
    return true;
}

// Whether `op` may join the layer of its producer `into` under `rules` (Fusion.h).
bool joinsProducer(const Op& op, const Graph& g, const Layer& into, FusionRules rules) {
    const OpKind k = op.kind;
    if (isView(k) || (k == OpKind::Transpose && op.attrs.strided)) return true;
    // A fused attention kernel the model itself calls (SDPA) is one kernel under any runtime.
    if (op.attrs.fusedAttention && g.op(into.anchor).attrs.fusedAttention) return true;
    const OpKind anchor = g.op(into.anchor).kind;
    // A collective is a communication library's kernel: it takes no elementwise tail.
    if (anchor == OpKind::AllReduce || anchor == OpKind::AllGather || anchor == OpKind::AllToAll)
        return false;
    // A GEMM/convolution layer's tails are all in its epilogue; one it does not take starts the
    // kernel that the tails after it join.
    if (isLibraryGemm(anchor) && !epilogueTakes(k, rules.epilogue)) return false;
    switch (rules.policy) {
    case FusionPolicy::None:
        return false;
    case FusionPolicy::Elementwise:
        return isElementwiseTail(k);
    case FusionPolicy::Attention:
        return isElementwiseTail(k) || (k == OpKind::Softmax && anchor == OpKind::MatMul);
    case FusionPolicy::Block:
        return isElementwiseTail(k) || k == OpKind::Softmax || k == OpKind::LayerNorm || k == OpKind::RmsNorm;
    }
    return false;
}

void accumulate(Layer& l, const OpCost& c) {
    l.macs += c.macs;
    l.vectorMacs += c.vectorMacs;
    l.vectorFlops += c.vectorFlops;
    l.weightReadElems += c.weightReadElems;
    l.quantizedWeightElems += c.quantizedWeightElems;
    l.gatherElems += c.gatherElems;
    l.params += c.params;
}

} // namespace

std::string_view fusionPolicyName(FusionPolicy f) {
    switch (f) {
    case FusionPolicy::None:
        return "none";
    case FusionPolicy::Elementwise:
        return "elementwise";
    case FusionPolicy::Attention:
        return "attention";
    case FusionPolicy::Block:
        return "block";
    }
    return "elementwise";
}

std::string_view epiloguePolicyName(EpiloguePolicy e) {
    switch (e) {
    case EpiloguePolicy::All:
        return "all";
    case EpiloguePolicy::BiasActivation:
        return "bias_activation";
    case EpiloguePolicy::None:
        return "none";
    }
    return "all";
}

std::vector<Layer> fuseLayers(const Graph& g, const std::vector<int>& topoOrder, FusionRules rules) {
    std::vector<Layer> layers;
    std::vector<int> layerOfTensor(g.tensors().size(), -1);

    for (int opId : topoOrder) {
        const Op& op = g.op(opId);
        const OpCost cost = costOf(g, op);
        int target = -1;
        if (!layers.empty() && joinsProducer(op, g, layers.back(), rules)) {
            const int last = static_cast<int>(layers.size()) - 1;
            for (int t : op.inputs) {
                const Tensor& tensor = g.tensor(t);
                if (tensor.kind != TensorKind::Activation || tensor.graphOutput) continue;
                if (layerOfTensor[static_cast<std::size_t>(t)] != last || g.consumers(t).size() != 1)
                    continue;
                if (!layers.back().notCosted.empty()) continue; // never hide work behind an uncosted op
                target = last;
                break;
            }
        }
        if (target < 0) {
            Layer l;
            l.name = op.name;
            l.anchor = opId;
            l.anchorCost = cost;
            l.view = cost.view;
            if (rules.policy == FusionPolicy::None) l.kernels = eagerKernels(op.kind);
            for (int t : op.inputs) {
                if (g.tensor(t).kind == TensorKind::Weight) continue;
                if (l.primaryInput < 0)
                    l.primaryInput = t;
                else if (op.kind == OpKind::MatMul && l.secondOperand < 0)
                    l.secondOperand = t;
            }
            layers.push_back(std::move(l));
            target = static_cast<int>(layers.size()) - 1;
        }
        Layer& l = layers[static_cast<std::size_t>(target)];
        l.ops.push_back(opId);
        l.opTypes += (l.opTypes.empty() ? "" : "+") + op.type;
        l.view = l.view && cost.view;
        if (!cost.costed) l.notCosted.push_back(op.type);
        accumulate(l, cost);
        for (int t : op.outputs)
            layerOfTensor[static_cast<std::size_t>(t)] = target;
    }

    // External inputs and outputs of each layer.
    for (std::size_t li = 0; li < layers.size(); ++li) {
        Layer& l = layers[li];
        for (int opId : l.ops) {
            for (int t : g.op(opId).inputs) {
                const Tensor& tensor = g.tensor(t);
                if (tensor.kind == TensorKind::Weight) continue;
                if (layerOfTensor[static_cast<std::size_t>(t)] == static_cast<int>(li)) continue;
                if (std::find(l.inputs.begin(), l.inputs.end(), t) == l.inputs.end()) l.inputs.push_back(t);
            }
            for (int t : g.op(opId).outputs) {
                bool leaves = g.tensor(t).graphOutput || g.consumers(t).empty();
                for (int c : g.consumers(t))
                    leaves = leaves || std::find(l.ops.begin(), l.ops.end(), c) == l.ops.end();
                if (leaves) l.outputs.push_back(t);
            }
        }
    }
    return layers;
}

} // namespace bs
