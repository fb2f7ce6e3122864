// One Mixtral-style transformer block over `seq` tokens: pre-RMSNorm multi-head attention, then a
// router picking top_k of `experts` SwiGLU experts per token. Attention runs prefill-style over the
// block's own tokens (no KV cache: the block is studied for how its batch splits across experts).
// The expert GEMMs' routing and load imbalance are costed by the engine from the ExpertGemm op.
#include "graph/GraphBuilder.h"
#include "zoo/ZooModels.h"

namespace bs::zoo {

namespace {

// Multi-head attention over [1, T, hidden] with Q/K/V/O projections without bias. As in the LLM
// builder, the rotary embedding, 1/√hd scale and causal mask (elementwise, no MACs) are not modelled.
int attention(GraphBuilder& b, int h, std::int64_t seq, std::int64_t heads, std::int64_t headDim) {
    const std::int64_t hidden = heads * headDim;
    const int q = b.transpose(b.reshape(b.linear(h, hidden, false), {1, seq, heads, headDim}), {0, 2, 1, 3});
    const int kT = b.transpose(b.reshape(b.linear(h, hidden, false), {1, seq, heads, headDim}), {0, 2, 3, 1});
    const int v = b.transpose(b.reshape(b.linear(h, hidden, false), {1, seq, heads, headDim}), {0, 2, 1, 3});
    const int probs = b.softmax(b.matmul(q, kT)); // [1, H, T, T]
    const int ctx = b.reshape(b.transpose(b.matmul(probs, v), {0, 2, 1, 3}), {1, seq, hidden});
    return b.linear(ctx, hidden, false);
}

} // namespace

Graph moeBlock(const KnobValues& k) {
    const auto seq = static_cast<std::int64_t>(knob(k, "seq"));
    const auto hidden = static_cast<std::int64_t>(knob(k, "hidden"));
    const auto heads = static_cast<std::int64_t>(knob(k, "heads"));
    const auto ffn = static_cast<std::int64_t>(knob(k, "ffn"));
    const auto experts = static_cast<std::int64_t>(knob(k, "experts"));
    const auto topK = static_cast<std::int64_t>(knob(k, "top_k"));
    const double imbalance = knob(k, "imbalance");
    if (hidden % heads != 0)
        throw ZooError("model 'moe': heads (" + std::to_string(heads) + ") must divide hidden (" +
                       std::to_string(hidden) + ")");
    if (topK > experts)
        throw ZooError("model 'moe': top_k (" + std::to_string(topK) + ") cannot exceed experts (" +
                       std::to_string(experts) + ")");

    GraphBuilder b("moe");
    int x = b.input("hidden_states", {1, seq, hidden});
    x = b.add(x, attention(b, b.rmsNorm(x), seq, heads, hidden / heads));

    const int h = b.rmsNorm(x);
    // Router: per-token probabilities over the experts. The top-k selection and the weighting of
    // the expert outputs by these probabilities happen inside the engine's ExpertGemm model, so the
    // softmax has no consumer in the graph.
    b.softmax(b.linear(h, experts, false));
    const int gate = b.expertGemm(h, experts, topK, imbalance, ffn);
    const int up = b.expertGemm(h, experts, topK, imbalance, ffn);
    const int act = b.mul(b.silu(gate), up);
    x = b.add(x, b.expertGemm(act, experts, topK, imbalance, hidden));
    b.markOutput(x);
    return b.take();
}

} // namespace bs::zoo
