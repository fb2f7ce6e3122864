// BERT-style encoders as Hugging Face transformers builds them, without a task head: DistilBertModel
// (distilbert) and BertModel with its pooler (bert-base, bert-large). Post-LayerNorm layers of
// multi-head self-attention and a GELU feed-forward network. Parameter counts match
// `sum(p.numel() for p in model.parameters())` exactly for seq ≤ 512.
#include "graph/GraphBuilder.h"
#include "zoo/ZooModels.h"

#include <algorithm>

namespace bs::zoo {

namespace {

// HF's position table has max_position_embeddings = 512 rows; longer sequences need a longer
// table, so it grows with seq past 512 (the released checkpoints cannot run those lengths anyway).
constexpr std::int64_t kPositionRows = 512;
// BERT's token-type (segment A/B) table; DistilBERT dropped it.
constexpr std::int64_t kTokenTypes = 2;

struct EncoderDims {
    std::int64_t seq = 0;
    std::int64_t hidden = 0;
    std::int64_t heads = 0;
    std::int64_t headDim = 0;
    std::int64_t ffn = 0;
    bool sdpa = false; ///< attention=sdpa: one fused attention kernel (GraphBuilder::fusedAttention)
};

// [1, T, C] → [1, H, T, hd] (perm {0,2,1,3}) or Kᵀ as [1, H, hd, T] (perm {0,2,3,1}). The Reshape is
// free; the Transpose is a real copy in a PyTorch/ONNX export, so it is kept and costed. A fused
// attention kernel reads the heads in place (strided), so under SDPA it is a view.
int splitHeads(GraphBuilder& b, int x, const EncoderDims& d, const std::vector<int>& perm) {
    const int heads = b.reshape(x, {1, d.seq, d.heads, d.headDim});
    return b.transpose(heads, perm, d.sdpa);
}

// Multi-head self-attention: Q, K, V projections (with bias), scores = Q·Kᵀ, softmax, context = P·V,
// heads merged back, output projection. The 1/√hd scale and the padding-mask Add are one
// elementwise op each on the scores that exporters fold into the MatMul/Softmax; the builder has no
// scalar-constant operand, so they are not modelled (they carry no MACs).
int selfAttention(GraphBuilder& b, int x, const EncoderDims& d) {
    const int q = splitHeads(b, b.linear(x, d.hidden), d, {0, 2, 1, 3});
    const int kT = splitHeads(b, b.linear(x, d.hidden), d, {0, 2, 3, 1});
    const int v = splitHeads(b, b.linear(x, d.hidden), d, {0, 2, 1, 3});
    const int heads = b.attention(q, kT, v, d.sdpa);
    // The merge is a copy either way: SDPA's [1, H, T, hd] output is transposed and reshaped.
    int ctx = b.transpose(heads, {0, 2, 1, 3});
    ctx = b.reshape(ctx, {1, d.seq, d.hidden});
    return b.linear(ctx, d.hidden);
}

// One post-LN encoder layer: x = LN(x + Attn(x)); x = LN(x + W2·GELU(W1·x)).
int encoderLayer(GraphBuilder& b, int x, const EncoderDims& d) {
    x = b.layerNorm(b.add(x, selfAttention(b, x, d)));
    const int ff = b.linear(b.gelu(b.linear(x, d.ffn)), d.hidden);
    return b.layerNorm(b.add(x, ff));
}

// The builder has no tanh(); the pooler's activation is added to the finished graph directly so
// that the op list matches the real model (an elementwise op, no parameters).
int appendTanh(Graph& g, int x) {
    const std::string name = "pooler_tanh";
    const int y = g.addTensor(Tensor{name + ":out", g.tensor(x).shape, TensorKind::Activation, false});
    g.addOp(Op{name, "Tanh", OpKind::Tanh, {x}, {y}, {}});
    return y;
}

} // namespace

Graph bertEncoder(const KnobValues& k, const std::string& name) {
    EncoderDims d;
    d.seq = static_cast<std::int64_t>(knob(k, "seq"));
    d.hidden = static_cast<std::int64_t>(knob(k, "hidden"));
    d.heads = static_cast<std::int64_t>(knob(k, "heads"));
    d.ffn = static_cast<std::int64_t>(knob(k, "ffn"));
    const auto layers = static_cast<int>(knob(k, "layers"));
    const auto vocab = static_cast<std::int64_t>(knob(k, "vocab"));
    if (d.hidden % d.heads != 0)
        throw ZooError("model '" + name + "': heads (" + std::to_string(d.heads) + ") must divide hidden (" +
                       std::to_string(d.hidden) + ")");
    d.headDim = d.hidden / d.heads;
    d.sdpa = knob(k, "attention") == 1;
    const bool bert = name != "distilbert"; // BERT adds token types and the pooler

    GraphBuilder b(name);
    // Position ids are an arange buffer inside HF models; as a [1, T] input they cost T index reads
    // per sample, as they do when an exporter lifts them to a graph input.
    const int ids = b.input("input_ids", {1, d.seq});
    const int positions = b.input("position_ids", {1, d.seq});
    int x = b.embedding(ids, vocab, d.hidden);
    if (bert) {
        const int tokenTypes = b.input("token_type_ids", {1, d.seq});
        x = b.add(x, b.embedding(tokenTypes, kTokenTypes, d.hidden));
    }
    x = b.add(x, b.embedding(positions, std::max(kPositionRows, d.seq), d.hidden));
    x = b.layerNorm(x);

    for (int i = 0; i < layers; ++i)
        x = encoderLayer(b, x, d);
    b.markOutput(x); // last_hidden_state

    if (!bert) return b.take();
    // Pooler: Linear(hidden→hidden) + tanh on the first ([CLS]) token.
    const int pooled = b.linear(b.slice(x, 1, 1), d.hidden);
    Graph g = b.take();
    g.tensor(appendTanh(g, pooled)).graphOutput = true; // pooler_output
    return g;
}

} // namespace bs::zoo
