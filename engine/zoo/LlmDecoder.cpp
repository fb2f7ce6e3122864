// A decoder-only LLM from its DecoderSpec (the `llm` knobs or a Hugging Face config.json), built for
// one of the two inference phases:
//  - prefill: the prompt's `tokens` in one pass; their K/V projections (or MLA latents) are written
//    to the KV cache (graph outputs) and attention runs over the prompt itself;
//  - decode: one new token per sequence attending to `context` cached tokens (state tensors); its
//    K/V projections are the cache append (graph outputs).
// Parameter counts equal the checkpoints' (tests/engine/tst_llm_configs.cpp). The `llm` defaults are
// Llama-2-7B: 6,738,415,616 parameters.
//
// With tensor parallelism (tp > 1, Megatron-LM's layout, Shoeybi et al. 2019 §3) the graph is one
// device's: attention heads, KV heads (replicated when fewer than tp), MLP and expert widths and
// the vocabulary are split tp ways; Q/K/V and up/gate projections are column-parallel, the output
// and down projections row-parallel, each followed by an AllReduce of the hidden states; the
// vocabulary-parallel embedding is all-reduced and the LM head's logits all-gathered. Norms, the
// router and MLA's latent projections are replicated (docs/MODEL.md §19).
#include "graph/GraphBuilder.h"
#include "zoo/ZooModels.h"

#include <tuple>

namespace bs::zoo {

namespace {

struct Pass {
    std::int64_t tokens = 0;  ///< new tokens this pass: seq (prefill) or 1 (decode)
    std::int64_t context = 0; ///< decode: cached tokens attended to
    bool decode = false;
    std::int64_t tp = 1; ///< tensor-parallel devices: the graph is one device's share
    std::int64_t ep = 1; ///< expert-parallel devices: this one holds experts ÷ ep
    std::int64_t heads(const DecoderSpec& s) const { return s.heads / tp; }
    /// KV heads on one device: split, or one replicated when there are fewer than devices.
    std::int64_t kvHeads(const DecoderSpec& s) const { return std::max<std::int64_t>(1, s.kvHeads / tp); }
};

// The sum of the devices' partial results (a row-parallel projection's output).
int reduced(GraphBuilder& b, int x, const Pass& p) {
    return p.tp > 1 ? b.allReduce(x, p.tp) : x;
}

int norm(GraphBuilder& b, int x, const DecoderSpec& s) {
    return s.norm == DecoderSpec::Norm::Rms ? b.rmsNorm(x) : b.layerNorm(x);
}

// [1, T, n·d] → [1, n, T, d] (perm {0,2,1,3}) or, transposed for a score MatMul, [1, n, d, T]. A
// fused attention kernel (SDPA) reads the heads in place: a strided view, no copy.
int heads(GraphBuilder& b, int x, std::int64_t t, std::int64_t n, std::int64_t d, bool sdpa,
          bool transposed = false) {
    const int r = b.reshape(x, {1, t, n, d});
    const std::vector<int> perm = transposed ? std::vector<int>{0, 2, 3, 1} : std::vector<int>{0, 2, 1, 3};
    return b.transpose(r, perm, sdpa);
}

// [1, n, T, d] → [1, T, n·d], then the output projection back to the model width.
int mergeHeads(GraphBuilder& b, int x, const DecoderSpec& s, std::int64_t t, std::int64_t n, std::int64_t d) {
    const int merged = b.reshape(b.transpose(x, {0, 2, 1, 3}), {1, t, n * d});
    return b.linear(merged, s.hidden, s.outBias);
}

// Grouped-query attention (MHA when kv_heads = heads, MQA when 1). Q [1, H, T, hd] is viewed as
// [1, kv, group·T, hd] (heads of one group are adjacent, as HF's repeat_kv lays them out) so the
// MatMuls against K/V with kv heads broadcast exactly and MACs = H·T·ctx·hd without materialising
// repeated K/V. The rotary embedding rotates Q and K before K is cached (one pointwise op; an eager
// framework runs Hugging Face's apply_rotary_pos_emb as 5 kernels per tensor, OpCost.h).
// MLA's rotary part is not modelled, nor, each a few elementwise ops per score with no MACs, the
// score scale, soft-capping and the causal mask. Prefill costs the full T×T score
// matrix, as an exported graph computes it (a sliding window masks it, it does not shrink it);
// a decode step reads the layer's attended tokens: min(context, window) on windowed layers.
int attention(GraphBuilder& b, int h, const DecoderSpec& s, const Pass& p, std::int64_t layer) {
    const std::int64_t t = p.tokens, hd = s.headDim, nh = p.heads(s), nkv = p.kvHeads(s), group = nh / nkv;
    int qProj = b.linear(h, nh * hd, s.qkvBias);
    int kProj = b.linear(h, nkv * hd, s.qkvBias);
    if (s.qkNorm) { // per-head RMSNorm over head_dim (Qwen3), before the rotary embedding
        qProj = b.reshape(b.rmsNorm(b.reshape(qProj, {1, t, nh, hd})), {1, t, nh * hd});
        kProj = b.reshape(b.rmsNorm(b.reshape(kProj, {1, t, nkv, hd})), {1, t, nkv * hd});
    }
    // Built before V's projection so that it follows K's kernel, whose epilogue may take it.
    std::tie(qProj, kProj) = b.rotary(qProj, kProj);
    const int vProj = b.linear(h, nkv * hd, s.qkvBias);
    b.markKvCache(kProj); // appended to the KV cache: written to device memory
    b.markKvCache(vProj);

    const int q = b.reshape(heads(b, qProj, t, nh, hd, s.sdpa), {1, nkv, group * t, hd});
    int kT = -1;
    int v = -1;
    if (p.decode) {
        // The cache layout is ours to choose: K is kept transposed ([hd, ctx]) so the score MatMul
        // reads it directly and no Transpose of the whole cache is costed.
        const std::int64_t ctx = s.attendedTokens(layer, p.context);
        const std::string prefix = "layer" + std::to_string(layer);
        kT = b.state(prefix + ".k_cache", {1, nkv, hd, ctx});
        v = b.state(prefix + ".v_cache", {1, nkv, ctx, hd});
    } else {
        kT = heads(b, kProj, t, nkv, hd, s.sdpa, true);
        v = heads(b, vProj, t, nkv, hd, s.sdpa);
    }
    // Scores [1, kv, group·T, ctx]; SDPA keeps them on chip in one kernel.
    const int attended = b.attention(q, kT, v, s.sdpa);
    const int ctx = b.reshape(attended, {1, nh, t, hd});
    return mergeHeads(b, ctx, s, t, nh, hd);
}

// Multi-head latent attention (DeepSeek-V2/V3). The cache holds, per token and layer, the
// compressed latent (kv_lora_rank) and the rotary key shared by all heads (rope_dim): what kv_a
// writes. Shapes only matter here, so a Slice stands for "these features" wherever they sit.
//  - prefill (as vLLM and SGLang run it): kv_b expands the latent to per-head K (nope part) and V;
//    scores = Q_nope·K_nopeᵀ + Q_rope·K_ropeᵀ with the rotary key broadcast over the heads.
//  - decode (weight absorption, DeepSeek-V2 paper §2.1.2): W_UK is folded into the query and W_UV
//    into the output, so each head attends over the latent itself, as MQA with one 576-wide KV
//    head; the latent is read for the scores and again for the context (kernels that fuse
//    attention read it once).
int latentAttention(GraphBuilder& b, int h, const DecoderSpec& s, const Pass& p, std::int64_t layer) {
    const auto& m = s.mla;
    const std::int64_t t = p.tokens, nh = p.heads(s), qk = m.nopeDim + m.ropeDim,
                       latent = m.kvLoraRank + m.ropeDim;
    const int qProj = m.qLoraRank > 0 ? b.linear(b.rmsNorm(b.linear(h, m.qLoraRank, false)), nh * qk, false)
                                      : b.linear(h, nh * qk, false);
    const int kvA = b.linear(h, latent, false); // [1, T, kv_lora_rank + rope_dim]: the cache entry
    b.markKvCache(kvA);
    const int kvLatent = b.rmsNorm(b.slice(kvA, 2, m.kvLoraRank)); // kv_a_layernorm
    const int q = heads(b, qProj, t, nh, qk, false);               // [1, H, T, nope + rope]
    const int qNope = b.slice(q, 3, m.nopeDim);
    const int qRope = b.slice(q, 3, m.ropeDim);
    if (!p.decode) {
        const int kvB = b.reshape(b.linear(kvLatent, nh * (m.nopeDim + m.vHeadDim), false),
                                  {1, t, nh, m.nopeDim + m.vHeadDim});
        const int kNopeT = b.transpose(b.slice(kvB, 3, m.nopeDim), {0, 2, 3, 1}); // [1, H, nope, T]
        const int v = b.transpose(b.slice(kvB, 3, m.vHeadDim), {0, 2, 1, 3});     // [1, H, T, v]
        const int kRopeT = b.transpose(b.reshape(b.slice(kvA, 2, m.ropeDim), {1, 1, t, m.ropeDim}),
                                       {0, 1, 3, 2}); // [1, 1, rope, T]
        const int scores = b.add(b.matmul(qNope, kNopeT), b.matmul(qRope, kRopeT));
        const int ctx = b.matmul(b.softmax(scores), v);
        return mergeHeads(b, ctx, s, t, nh, m.vHeadDim);
    }
    (void)kvLatent; // the new token's latent is normalised before it is cached
    const std::int64_t ctxLen = s.attendedTokens(layer, p.context);
    const int cacheT = b.state("layer" + std::to_string(layer) + ".kv_latent", {1, 1, latent, ctxLen});
    const int qAbsorbed = b.concat({b.headLinear(qNope, m.kvLoraRank), qRope}, 3); // W_UK: [H, nope, rank]
    const int probs = b.softmax(b.matmul(b.reshape(qAbsorbed, {1, 1, nh * t, latent}), cacheT));
    const int ctxT = b.matmul(cacheT, b.transpose(probs, {0, 1, 3, 2})); // [1, 1, latent, H]
    const int ctxLatent = b.reshape(b.transpose(ctxT, {0, 1, 3, 2}), {1, nh, t, latent});
    const int ctx = b.headLinear(b.slice(ctxLatent, 3, m.kvLoraRank), m.vHeadDim); // W_UV: [H, rank, v]
    return mergeHeads(b, ctx, s, t, nh, m.vHeadDim);
}

// Gated MLP (SwiGLU, GeGLU: down(act(gate(x)) ⊙ up(x))) or the plain GELU MLP of GPT-NeoX.
// Its output is this device's partial sum under tensor parallelism (the caller reduces it).
int mlp(GraphBuilder& b, int h, const DecoderSpec& s, std::int64_t inner) {
    if (s.mlp == DecoderSpec::Mlp::Gelu)
        return b.linear(b.gelu(b.linear(h, inner, s.mlpBias)), s.hidden, s.mlpBias);
    const int gate = b.linear(h, inner, s.mlpBias);
    const int up = b.linear(h, inner, s.mlpBias);
    const int act = s.mlp == DecoderSpec::Mlp::SwiGlu ? b.silu(gate) : b.gelu(gate);
    return b.linear(b.mul(act, up), s.hidden, s.mlpBias);
}

// Routed experts (top-k of E, each a SwiGLU of the expert width) plus the shared experts every
// token runs, as one dense SwiGLU of shared × width. The router's softmax (or sigmoid) and top-k
// are in the engine's ExpertGemm model, so the router scores have no consumer in the graph.
// Under tensor parallelism every expert's width is split (each device holds 1/tp of every expert).
// Under expert parallelism (DeepSeek-V3's and SGLang's layout) each device holds experts ÷ ep whole
// experts and runs attention on its own sequences: an all-to-all sends every token's row to its
// top-k experts' devices (dispatch) and another brings the results back (combine); the shared
// experts run where the token is.
int moe(GraphBuilder& b, int h, const DecoderSpec& s, const Pass& p) {
    const auto& e = s.moe;
    b.softmax(b.linear(h, e.experts, e.routerBias)); // DeepSeek-V3: a per-expert bias
    const std::int64_t width = e.ffn / p.tp;
    const int in = p.ep > 1 ? b.allToAll(h, p.ep, e.topK, e.imbalance) : h;
    const int gate = b.expertGemm(in, e.experts, e.topK, e.imbalance, width, p.ep);
    const int up = b.expertGemm(in, e.experts, e.topK, e.imbalance, width, p.ep);
    int out = b.expertGemm(b.mul(b.silu(gate), up), e.experts, e.topK, e.imbalance, s.hidden, p.ep);
    if (p.ep > 1) out = b.allToAll(out, p.ep, e.topK, e.imbalance);
    if (e.shared > 0) out = b.add(out, mlp(b, h, s, e.shared * width));
    return out;
}

int block(GraphBuilder& b, int x, const DecoderSpec& s, const Pass& p, std::int64_t layer) {
    auto attend = [&](int h) {
        return reduced(b, s.isMla() ? latentAttention(b, h, s, p, layer) : attention(b, h, s, p, layer), p);
    };
    auto feedForward = [&](int h) {
        return reduced(b, s.moeLayer(layer) ? moe(b, h, s, p) : mlp(b, h, s, s.ffn / p.tp), p);
    };
    if (s.parallelResidual) // GPT-NeoX: both branches read the block input
        return b.add(b.add(x, attend(norm(b, x, s))), feedForward(norm(b, x, s)));
    int a = attend(norm(b, x, s));
    if (s.sandwichNorms) a = norm(b, a, s);
    x = b.add(x, a);
    int f = feedForward(norm(b, x, s));
    if (s.sandwichNorms) f = norm(b, f, s);
    return b.add(x, f);
}

} // namespace

namespace {

Graph build(const DecoderSpec& s, const Pass& p) {
    const bool decode = p.decode;
    GraphBuilder b(decode ? "llm-decode" : "llm-prefill");
    // Vocabulary-parallel: each device holds ceil(vocab / tp) rows (Megatron pads the vocabulary).
    const std::int64_t vocab = (s.vocab + p.tp - 1) / p.tp;
    const int embedded = b.embedding(b.input("input_ids", {1, p.tokens}), vocab, s.hidden);
    int x = reduced(b, embedded, p);
    for (std::int64_t i = 0; i < s.layers; ++i)
        x = block(b, x, s, p, i);
    x = norm(b, x, s);
    // Generation needs the next-token logits only: the LM head runs on the last position.
    if (!decode) x = b.slice(x, 1, 1);
    int logits = s.tiedEmbeddings ? b.tiedLinear(x, embedded) : b.linear(x, vocab, false);
    if (p.tp > 1) logits = b.allGather(logits, p.tp);
    b.markOutput(logits);
    Graph g = b.take();
    g.sampleUnit = decode ? SampleUnit{SampleUnit::Kind::DecodeToken, static_cast<double>(p.tokens)}
                          : SampleUnit{SampleUnit::Kind::PrefillTokens, static_cast<double>(p.tokens)};
    return g;
}

} // namespace

Graph llmDecoder(const DecoderSpec& s, bool decode, std::int64_t tokensOrContext, const Sharding& sharding) {
    s.checkSharding(sharding);
    return build(s, Pass{decode ? 1 : tokensOrContext, decode ? tokensOrContext : 0, decode, sharding.tp,
                         sharding.ep});
}

Graph llmDecoderStep(const DecoderSpec& s, std::int64_t context, std::int64_t tokens,
                     const Sharding& sharding) {
    s.checkSharding(sharding);
    return build(s, Pass{tokens, context, true, sharding.tp, sharding.ep});
}

} // namespace bs::zoo
