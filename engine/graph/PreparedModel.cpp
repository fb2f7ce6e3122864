#include "graph/PreparedModel.h"

#include <algorithm>

namespace bs {

PreparedModel::PreparedModel(Graph g) : graph_(std::move(g)) {
    layers_ = fuseLayers(graph_, graph_.topologicalOrder());
    const std::size_t nt = graph_.tensors().size();
    info_.resize(nt);
    for (std::size_t t = 0; t < nt; ++t) {
        const Tensor& tensor = graph_.tensors()[t];
        TensorInfo& i = info_[t];
        i.root = static_cast<int>(t);
        if (tensor.kind == TensorKind::Weight) continue;
        i.elemsPerSample = static_cast<double>(tensor.elements());
        i.alwaysDram = tensor.kind == TensorKind::Input || tensor.kind == TensorKind::State;
        i.graphOutput = tensor.graphOutput;
        if (tensor.kind == TensorKind::State) state_ += i.elemsPerSample;
    }
    // A stand-alone view layer renames its input: both names share one storage.
    for (const Layer& l : layers_)
        if (l.view && l.inputs.size() == 1)
            for (int out : l.outputs)
                info_[static_cast<std::size_t>(out)].root = info_[static_cast<std::size_t>(l.inputs[0])].root;

    // Lifetimes over the layer order (roots only; state is not an activation).
    const int n = static_cast<int>(layers_.size());
    std::vector<int> def(nt, -1), last(nt, -1), lastUse(nt, -1); // lastUse: last consuming layer
    auto isAct = [&](std::size_t t) {
        const TensorKind k = graph_.tensors()[t].kind;
        return k == TensorKind::Input || k == TensorKind::Activation;
    };
    for (int li = 0; li < n; ++li) {
        const Layer& l = layers_[static_cast<std::size_t>(li)];
        for (int t : l.inputs) {
            const auto r = static_cast<std::size_t>(info_[static_cast<std::size_t>(t)].root);
            if (!isAct(r)) continue;
            if (def[r] < 0) def[r] = 0; // graph inputs are live from the start
            last[r] = std::max(last[r], li);
            lastUse[r] = std::max(lastUse[r], li);
        }
        for (int t : l.outputs) {
            const auto r = static_cast<std::size_t>(info_[static_cast<std::size_t>(t)].root);
            if (r != static_cast<std::size_t>(t)) continue; // alias: storage already defined
            def[r] = def[r] < 0 ? li : std::min(def[r], li);
            last[r] = std::max(last[r], li);
            if (info_[r].graphOutput) last[r] = n - 1;
        }
    }
    // Two profiles of live elements per layer step. Device memory holds every live tensor, graph
    // outputs until the end. The on-chip profile (what decides spill) holds only what is kept on
    // chip: graph inputs are read from DRAM, and a graph output is written to DRAM when produced,
    // so it occupies the chip only until its last on-chip consumer.
    auto profile = [&](bool onchip) {
        std::vector<double> live(static_cast<std::size_t>(n) + 1, 0.0);
        for (std::size_t t = 0; t < nt; ++t) {
            if (def[t] < 0 || info_[t].root != static_cast<int>(t)) continue;
            if (onchip && info_[t].alwaysDram) continue;
            const int end = onchip && info_[t].graphOutput ? std::max(def[t], lastUse[t]) : last[t];
            live[static_cast<std::size_t>(def[t])] += info_[t].elemsPerSample;
            live[static_cast<std::size_t>(end) + 1] -= info_[t].elemsPerSample;
        }
        for (int i = 1; i <= n; ++i)
            live[static_cast<std::size_t>(i)] += live[static_cast<std::size_t>(i) - 1];
        live.pop_back();
        return live;
    };
    const std::vector<double> device = profile(false);
    peakLive_ = device.empty() ? 0 : *std::max_element(device.begin(), device.end());
    const std::vector<double> live = profile(true);

    // Range maximum of the live set per tensor lifetime (sparse table: O(n log n)).
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
    for (std::size_t t = 0; t < nt; ++t)
        if (def[t] >= 0 && info_[t].root == static_cast<int>(t) && !info_[t].alwaysDram)
            info_[t].maxLivePerSample =
                rangeMax(def[t], info_[t].graphOutput ? std::max(def[t], lastUse[t]) : last[t]);
    for (std::size_t t = 0; t < nt; ++t)
        info_[t].maxLivePerSample = info_[static_cast<std::size_t>(info_[t].root)].maxLivePerSample;

    params_ = graph_.parameterCount(); // shared weights once, not per reading layer
    for (const Layer& l : layers_) {
        macs_ += l.macs + l.vectorMacs;
        flops_ += l.flopsPerSample();
        for (const std::string& type : l.notCosted)
            ++notCosted_[type];
    }
}

int PreparedModel::kernelLayerCount() const {
    return static_cast<int>(
        std::count_if(layers_.begin(), layers_.end(), [](const Layer& l) { return !l.view; }));
}

} // namespace bs
