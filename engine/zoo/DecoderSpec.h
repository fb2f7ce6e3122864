#pragma once
// The architecture of a decoder-only LLM: what the `llm` knobs and a Hugging Face config.json both
// describe, and what the decoder builder (LlmDecoder.cpp) turns into a prefill or a decode graph.
// One struct for every family the builder knows (Llama, Mistral, Mixtral, Qwen2/3, Gemma-2, Phi-3,
// GPT-NeoX, DeepSeek-V2/V3); each field says which families set it.
#include <cstdint>
#include <string>

namespace bs {

/// How a decoder's graph is split over the devices of a replica (docs/MODEL.md §19): `tp` splits
/// every layer's heads and widths; `ep` spreads the routed experts, each device running the dense
/// layers on its share of the batch. The graph is one device's.
struct Sharding {
    std::int64_t tp = 1, ep = 1;
    bool single() const { return tp == 1 && ep == 1; }
    /// "tp=2,ep=4" (the keys that are not 1).
    std::string text() const;
};

struct DecoderSpec {
    enum class Mlp { SwiGlu, GeGlu, Gelu }; ///< down(act(gate)·up) with SiLU or GELU; or fc2(gelu(fc1))
    enum class Norm { Rms, Layer };         ///< RMSNorm (weight) or LayerNorm (weight and bias)

    std::string family = "llama"; ///< config.json model_type, shown in descriptions
    std::int64_t layers = 32;
    std::int64_t hidden = 4096;
    std::int64_t heads = 32;
    std::int64_t kvHeads = 32;
    std::int64_t headDim = 128; ///< may differ from hidden/heads (Gemma-2: 256 vs 224)
    std::int64_t ffn = 11008;   ///< dense MLP inner width
    std::int64_t vocab = 32000;
    bool tiedEmbeddings = false;   ///< the LM head reuses the embedding table (Llama-3.2-1B, Gemma)
    bool qkvBias = false;          ///< Qwen2, GPT-NeoX
    bool outBias = false;          ///< GPT-NeoX's dense projection
    bool mlpBias = false;          ///< GPT-NeoX
    bool qkNorm = false;           ///< Qwen3: RMSNorm over head_dim on Q and K
    bool sandwichNorms = false;    ///< Gemma-2: a norm before and after attention and MLP (4 per layer)
    bool parallelResidual = false; ///< GPT-NeoX: x + attn(ln1(x)) + mlp(ln2(x))
    /// The model code calls one fused attention kernel (the `attention=sdpa` knob: PyTorch's
    /// scaled_dot_product_attention) for MHA/GQA attention; MLA's absorbed attention is unaffected.
    bool sdpa = false;
    Mlp mlp = Mlp::SwiGlu;
    Norm norm = Norm::Rms;
    /// Sliding-window attention: layers attend to at most `slidingWindow` previous tokens (0: all).
    /// `slidingEvery` = 1: every layer; 2: every other layer from layer 0 (Gemma-2 alternates).
    std::int64_t slidingWindow = 0;
    std::int64_t slidingEvery = 1;

    /// Mixture of experts (Mixtral, Qwen3-MoE, DeepSeek): 0 experts means a dense model.
    struct Moe {
        std::int64_t experts = 0;
        std::int64_t topK = 0;
        std::int64_t ffn = 0;        ///< each expert's inner width
        std::int64_t shared = 0;     ///< shared experts every token runs (DeepSeek), each of `ffn`
        std::int64_t firstDense = 0; ///< leading layers with the dense MLP instead (DeepSeek: 3)
        bool routerBias = false;     ///< DeepSeek-V3's e_score_correction_bias (one per expert)
        double imbalance = 1.0;      ///< busiest expert's tokens ÷ mean (a scenario knob)
    } moe;
    bool isMoe() const { return moe.experts > 0; }
    bool moeLayer(std::int64_t layer) const { return isMoe() && layer >= moe.firstDense; }

    /// Multi-head latent attention (DeepSeek-V2/V3): K and V come from a compressed latent of
    /// kvLoraRank, the cache holds that latent plus the shared rotary key (ropeDim) per token.
    struct Mla {
        std::int64_t qLoraRank = 0; ///< 0: Q is one projection (V2-Lite)
        std::int64_t kvLoraRank = 0;
        std::int64_t nopeDim = 0; ///< qk_nope_head_dim
        std::int64_t ropeDim = 0; ///< qk_rope_head_dim
        std::int64_t vHeadDim = 0;
    } mla;
    bool isMla() const { return mla.kvLoraRank > 0; }
    /// Multi-token-prediction modules stored in the checkpoint but not run to generate (DeepSeek-V3).
    std::int64_t mtpLayers = 0;

    /// Tokens layer `layer` keeps in its KV cache and attends to when `tokens` have been seen.
    std::int64_t attendedTokens(std::int64_t layer, std::int64_t tokens) const;
    /// KV-cache elements per sequence after `tokens` tokens, summed over the layers: 2·kv_heads·
    /// head_dim per token and layer, or kv_lora_rank + rope_dim for MLA, windows capping each layer.
    double kvCacheElems(std::int64_t tokens) const;
    /// Throws ZooError naming the first inconsistent field (`what` names the model in messages).
    void check(const std::string& what) const;
    /// KV-cache elements per sequence on one of `tp` tensor-parallel devices: the KV heads split
    /// (one replicated per device when there are fewer); MLA's latent is replicated.
    double kvCacheElemsPerDevice(std::int64_t tokens, std::int64_t tp) const;
    /// Throws ZooError unless `tp` devices can split the model (docs/MODEL.md §19): tp divides the
    /// attention heads and the MLP and expert widths, and the KV heads divide or are divided by tp.
    void checkTensorParallel(std::int64_t tp) const;
    /// checkTensorParallel(s.tp), and for s.ep > 1 a mixture of experts whose routed experts ep
    /// divides.
    void checkSharding(const Sharding& s) const;
};

} // namespace bs
