#include "graph/PreparedModel.h"

#include <algorithm>

namespace bs {

namespace {

// Per-tensor facts before lifetimes: size per sample, DRAM-resident or not, graph output; a
// stand-alone view layer renames its input, so both names share one storage (root).
std::vector<TensorInfo> tensorInfo(const Graph& g, const std::vector<Layer>& layers) {
    const std::size_t nt = g.tensors().size();
    std::vector<TensorInfo> info(nt);
    for (std::size_t t = 0; t < nt; ++t) {
        const Tensor& tensor = g.tensors()[t];
        TensorInfo& i = info[t];
        i.root = static_cast<int>(t);
        if (tensor.kind == TensorKind::Weight) continue;
        i.elemsPerSample = static_cast<double>(tensor.elements());
        i.alwaysDram = tensor.kind == TensorKind::Input || tensor.kind == TensorKind::State;
        i.graphOutput = tensor.graphOutput;
        i.kvCache = tensor.kvCache || tensor.kind == TensorKind::State;
    }
    // Fused attention (flash attention) keeps the softmaxed scores on chip, tile by tile. A fused
    // attention kernel the model calls (SDPA) holds its scores inside: its output is the context.
    for (const Layer& l : layers)
        if (g.op(l.anchor).kind == OpKind::MatMul && !g.op(l.anchor).attrs.fusedAttention &&
            std::any_of(l.ops.begin(), l.ops.end(), [&](int op) { return g.op(op).kind == OpKind::Softmax; }))
            for (int out : l.outputs)
                info[static_cast<std::size_t>(out)].onChip = true;
    for (const Layer& l : layers)
        if (l.view && l.inputs.size() == 1)
            for (int out : l.outputs)
                info[static_cast<std::size_t>(out)].root = info[static_cast<std::size_t>(l.inputs[0])].root;
    return info;
}

// Lifetimes over the layer order (roots only; state is not an activation): the defining layer,
// the last layer that holds it, and the last layer that consumes it.
struct Lifetimes {
    std::vector<int> def, last, lastUse;
};

Lifetimes lifetimes(const Graph& g, const std::vector<Layer>& layers, const std::vector<TensorInfo>& info) {
    const std::size_t nt = info.size();
    const int n = static_cast<int>(layers.size());
    Lifetimes lt{std::vector<int>(nt, -1), std::vector<int>(nt, -1), std::vector<int>(nt, -1)};
    auto isAct = [&](std::size_t t) {
        const TensorKind k = g.tensors()[t].kind;
        return k == TensorKind::Input || k == TensorKind::Activation;
    };
    for (int li = 0; li < n; ++li) {
        const Layer& l = layers[static_cast<std::size_t>(li)];
        for (int t : l.inputs) {
            const auto r = static_cast<std::size_t>(info[static_cast<std::size_t>(t)].root);
            if (!isAct(r)) continue;
            if (lt.def[r] < 0) lt.def[r] = 0; // graph inputs are live from the start
            lt.last[r] = std::max(lt.last[r], li);
            lt.lastUse[r] = std::max(lt.lastUse[r], li);
        }
        for (int t : l.outputs) {
            const auto r = static_cast<std::size_t>(info[static_cast<std::size_t>(t)].root);
            if (r != static_cast<std::size_t>(t)) continue; // alias: storage already defined
            lt.def[r] = lt.def[r] < 0 ? li : std::min(lt.def[r], li);
            lt.last[r] = std::max(lt.last[r], li);
            if (info[r].graphOutput) lt.last[r] = n - 1;
        }
    }
    return lt;
}

// Where a tensor stops occupying the chip: a graph output is written to DRAM when produced, so it
// stays only until its last on-chip consumer.
int onchipEnd(const Lifetimes& lt, const TensorInfo& i, std::size_t t) {
    return i.graphOutput ? std::max(lt.def[t], lt.lastUse[t]) : lt.last[t];
}

// Live elements per layer step. Device memory holds every live tensor, graph outputs until the
// end. The on-chip profile (what decides spill) holds only what is kept on chip: graph inputs are
// read from DRAM, graph outputs leave at onchipEnd().
std::vector<double> liveProfile(const Lifetimes& lt, const std::vector<TensorInfo>& info, int n,
                                bool onchip) {
    std::vector<double> live(static_cast<std::size_t>(n) + 1, 0.0);
    for (std::size_t t = 0; t < info.size(); ++t) {
        if (lt.def[t] < 0 || info[t].root != static_cast<int>(t)) continue;
        if (onchip && info[t].alwaysDram) continue;
        if (info[t].onChip) continue; // flash-attention scores: a tile at a time, never whole
        const int end = onchip ? onchipEnd(lt, info[t], t) : lt.last[t];
        live[static_cast<std::size_t>(lt.def[t])] += info[t].elemsPerSample;
        live[static_cast<std::size_t>(end) + 1] -= info[t].elemsPerSample;
    }
    for (int i = 1; i <= n; ++i)
        live[static_cast<std::size_t>(i)] += live[static_cast<std::size_t>(i) - 1];
    live.pop_back();
    return live;
}

// Each tensor's maxLivePerSample: the range maximum of the on-chip live set over its lifetime
// (sparse table: O(n log n)); aliases take their root's.
void setMaxLive(const std::vector<double>& live, const Lifetimes& lt, std::vector<TensorInfo>& info) {
    std::vector<std::vector<double>> table{live};
    for (std::size_t w = 1; (std::size_t{1} << w) <= live.size(); ++w) {
        const auto& prev = table.back();
        std::vector<double> next(live.size() - (std::size_t{1} << w) + 1);
        for (std::size_t i = 0; i < next.size(); ++i)
            next[i] = std::max(prev[i], prev[i + (std::size_t{1} << (w - 1))]);
        table.push_back(std::move(next));
    }
    auto rangeMax = [&](int a, int b) {
        std::size_t w = 0;
        while ((std::size_t{2} << w) <= static_cast<std::size_t>(b - a + 1))
            ++w;
        return std::max(table[w][static_cast<std::size_t>(a)],
                        table[w][static_cast<std::size_t>(b) + 1 - (std::size_t{1} << w)]);
    };
    for (std::size_t t = 0; t < info.size(); ++t)
        if (lt.def[t] >= 0 && info[t].root == static_cast<int>(t) && !info[t].alwaysDram)
            info[t].maxLivePerSample = rangeMax(lt.def[t], onchipEnd(lt, info[t], t));
    for (std::size_t t = 0; t < info.size(); ++t)
        info[t].maxLivePerSample = info[static_cast<std::size_t>(info[t].root)].maxLivePerSample;
}

} // namespace

PreparedModel::PreparedModel(Graph g, FusionRules fusion) : fusion_(fusion), graph_(std::move(g)) {
    layers_ = fuseLayers(graph_, graph_.topologicalOrder(), fusion);
    info_ = tensorInfo(graph_, layers_);
    for (std::size_t t = 0; t < info_.size(); ++t)
        if (graph_.tensors()[t].kind == TensorKind::State) state_ += info_[t].elemsPerSample;
    const int n = static_cast<int>(layers_.size());
    const Lifetimes lt = lifetimes(graph_, layers_, info_);
    const std::vector<double> device = liveProfile(lt, info_, n, false);
    peakLive_ = device.empty() ? 0 : *std::max_element(device.begin(), device.end());
    setMaxLive(liveProfile(lt, info_, n, true), lt, info_);

    params_ = graph_.parameterCount(); // shared weights once, not per reading layer
    std::vector<bool> quantized(graph_.tensors().size(), false);
    for (const Op& op : graph_.ops())
        for (int t : op.inputs)
            if (quantizedWeight(graph_, op, t) && graph_.tensor(t).parameter &&
                !quantized[static_cast<std::size_t>(t)]) {
                quantized[static_cast<std::size_t>(t)] = true;
                quantizedParams_ += graph_.tensor(t).elements();
            }
    for (const Layer& l : layers_) {
        macs_ += l.macs + l.vectorMacs;
        flops_ += l.flopsPerSample();
        for (const std::string& type : l.notCosted)
            ++notCosted_[type];
    }
}

const PreparedModel& PreparedModel::fusedAs(FusionRules rules) const {
    if (rules == fusion_) return *this;
    const std::size_t i = rules.index();
    std::call_once(variants_->once[i],
                   [&] { variants_->model[i] = std::make_unique<const PreparedModel>(graph_, rules); });
    return *variants_->model[i];
}

int PreparedModel::kernelLayerCount() const {
    return static_cast<int>(
        std::count_if(layers_.begin(), layers_.end(), [](const Layer& l) { return !l.view; }));
}

int PreparedModel::kernelCount() const {
    int n = 0;
    for (const Layer& l : layers_)
        n += l.view ? 0 : l.kernels;
    return n;
}

} // namespace bs
