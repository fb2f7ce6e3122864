// A decoder-only LLM in the Llama style (pre-RMSNorm, grouped-query attention, SwiGLU FFN, untied
// LM head), built for one of the two inference phases:
//  - prefill: the prompt's `seq` tokens in one pass; their K/V projections are written to the KV
//    cache (graph outputs) and attention runs over the prompt itself;
//  - decode: one new token per sequence attending to `context` cached tokens (state tensors); its
//    K/V projections are the cache append (graph outputs).
// The defaults are Llama-2-7B: 6,738,415,616 parameters.
#include "graph/GraphBuilder.h"
#include "zoo/ZooModels.h"

namespace bs::zoo {

namespace {

struct DecoderDims {
    std::int64_t hidden = 0;
    std::int64_t heads = 0;
    std::int64_t kvHeads = 0;
    std::int64_t headDim = 0;
    std::int64_t group = 0; ///< query heads sharing one K/V head
    std::int64_t ffn = 0;
    std::int64_t tokens = 0;  ///< new tokens this pass: seq (prefill) or 1 (decode)
    std::int64_t context = 0; ///< decode: cached tokens attended to
    bool decode = false;
};

// Attention for one layer; `h` is the normed input [1, T, hidden], the result is the O projection.
// Q [1, H, T, hd] is viewed as [1, kv, group·T, hd] (heads of one group are adjacent, as HF's
// repeat_kv lays them out) so the MatMuls against K/V with kv heads broadcast exactly and
// MACs = H·T·ctx·hd without materialising repeated K/V.
// Not modelled, each a few elementwise ops per token with no MACs: rotary position embedding on Q
// and K (the builder has no rotate-half/negate), the 1/√hd scale and the causal mask on the scores.
// Prefill costs the full T×T score matrix, as an exported graph computes it.
int attention(GraphBuilder& b, int h, const DecoderDims& d, int layer) {
    const std::int64_t t = d.tokens;
    const int qProj = b.linear(h, d.heads * d.headDim, false);
    const int kProj = b.linear(h, d.kvHeads * d.headDim, false);
    const int vProj = b.linear(h, d.kvHeads * d.headDim, false);
    b.markOutput(kProj); // appended to the KV cache: written to device memory
    b.markOutput(vProj);

    int q = b.transpose(b.reshape(qProj, {1, t, d.heads, d.headDim}), {0, 2, 1, 3});
    q = b.reshape(q, {1, d.kvHeads, d.group * t, d.headDim});
    int kT = -1;
    int v = -1;
    if (d.decode) {
        // The cache layout is ours to choose: K is kept transposed ([hd, ctx]) so the score MatMul
        // reads it directly and no Transpose of the whole cache is costed.
        const std::string prefix = "layer" + std::to_string(layer);
        kT = b.state(prefix + ".k_cache", {1, d.kvHeads, d.headDim, d.context});
        v = b.state(prefix + ".v_cache", {1, d.kvHeads, d.context, d.headDim});
    } else {
        kT = b.transpose(b.reshape(kProj, {1, t, d.kvHeads, d.headDim}), {0, 2, 3, 1});
        v = b.transpose(b.reshape(vProj, {1, t, d.kvHeads, d.headDim}), {0, 2, 1, 3});
    }
    const int probs = b.softmax(b.matmul(q, kT)); // [1, kv, group·T, ctx]
    int ctx = b.reshape(b.matmul(probs, v), {1, d.heads, t, d.headDim});
    ctx = b.reshape(b.transpose(ctx, {0, 2, 1, 3}), {1, t, d.heads * d.headDim});
    return b.linear(ctx, d.hidden, false);
}

// SwiGLU: down(silu(gate(x)) ⊙ up(x)).
int swiglu(GraphBuilder& b, int h, const DecoderDims& d) {
    const int gate = b.linear(h, d.ffn, false);
    const int up = b.linear(h, d.ffn, false);
    return b.linear(b.mul(b.silu(gate), up), d.hidden, false);
}

} // namespace

Graph llmDecoder(const KnobValues& k) {
    DecoderDims d;
    const auto layers = static_cast<int>(knob(k, "layers"));
    const auto vocab = static_cast<std::int64_t>(knob(k, "vocab"));
    d.hidden = static_cast<std::int64_t>(knob(k, "hidden"));
    d.heads = static_cast<std::int64_t>(knob(k, "heads"));
    d.kvHeads = static_cast<std::int64_t>(knob(k, "kv_heads"));
    d.ffn = static_cast<std::int64_t>(knob(k, "ffn"));
    d.decode = knob(k, "phase") == 1;
    d.tokens = d.decode ? 1 : static_cast<std::int64_t>(knob(k, "seq"));
    d.context = static_cast<std::int64_t>(knob(k, "context"));
    if (d.hidden % d.heads != 0)
        throw ZooError("model 'llm': heads (" + std::to_string(d.heads) + ") must divide hidden (" +
                       std::to_string(d.hidden) + ")");
    if (d.heads % d.kvHeads != 0)
        throw ZooError("model 'llm': kv_heads (" + std::to_string(d.kvHeads) + ") must divide heads (" +
                       std::to_string(d.heads) + ")");
    d.headDim = d.hidden / d.heads;
    d.group = d.heads / d.kvHeads;

    GraphBuilder b(d.decode ? "llm-decode" : "llm-prefill");
    int x = b.embedding(b.input("input_ids", {1, d.tokens}), vocab, d.hidden);
    for (int i = 0; i < layers; ++i) {
        x = b.add(x, attention(b, b.rmsNorm(x), d, i));
        x = b.add(x, swiglu(b, b.rmsNorm(x), d));
    }
    x = b.rmsNorm(x);
    // Generation needs the next-token logits only: the LM head runs on the last position.
    if (!d.decode) x = b.slice(x, 1, 1);
    const int logits = b.linear(x, vocab, false); // untied from the embedding table
    b.markOutput(logits);
    Graph g = b.take();
    g.sampleUnit = d.decode ? SampleUnit{SampleUnit::Kind::DecodeToken, 1}
                            : SampleUnit{SampleUnit::Kind::PrefillTokens, static_cast<double>(d.tokens)};
    return g;
}

} // namespace bs::zoo
