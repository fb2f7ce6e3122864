#pragma once
// Builds a Graph op by op with shape inference, the way the built-in (zoo) models are written.
// Activation shapes are per sample with a leading batch axis of 1: NCHW for images, [1, T, C] for
// token sequences. Every method returns the id of the tensor it produced.
#include "graph/Graph.h"

#include <string>

namespace bs {

class GraphBuilder {
  public:
    explicit GraphBuilder(std::string modelName);

    int input(const std::string& name, Shape perSampleShape);
    /// Per-sample state resident in device memory between calls (KV cache).
    int state(const std::string& name, Shape perSampleShape);
    void markOutput(int tensor);
    /// A K/V projection appended to the KV cache: an output stored at the KV-cache precision.
    void markKvCache(int tensor);

    // Convolutions (2-D, NCHW). Bias off by default as in torchvision (BN follows).
    int conv(int x, std::int64_t outChannels, std::int64_t kernel, std::int64_t stride = 1,
             std::int64_t pad = 0, std::int64_t groups = 1, bool bias = false, std::int64_t dilation = 1);
    int batchNorm(int x);
    int relu(int x);
    int relu6(int x);
    int leakyRelu(int x);
    int silu(int x);
    int gelu(int x);
    int sigmoid(int x);
    int add(int a, int b);
    int mul(int a, int b);
    int maxPool(int x, std::int64_t kernel, std::int64_t stride, std::int64_t pad = 0);
    int globalAvgPool(int x);
    int upsampleNearest(int x, std::int64_t scale);
    int concat(const std::vector<int>& xs, std::int64_t axis);
    int flatten(int x);

    // Sequence / dense ops; the feature axis is last.
    int linear(int x, std::int64_t outFeatures, bool bias = true);
    /// Batched matrix product of two activations (or activation × state): [..., M, K] × [..., K, N].
    /// Leading axes broadcast (grouped-query attention reads fewer KV heads than query heads).
    int matmul(int a, int b);
    /// Per-head projection: [1, H, T, K] × a weight [H, K, N] → [1, H, T, N] (MLA's absorbed W_UK
    /// and W_UV). Each head's weight is shared by every token of the batch.
    int headLinear(int x, std::int64_t outFeatures);
    /// A linear layer without bias reusing the table of `embeddingOutput`'s embedding ([rows, dim]
    /// → out features = rows): a tied LM head.
    int tiedLinear(int x, int embeddingOutput);
    int softmax(int x);
    int layerNorm(int x);
    int rmsNorm(int x);
    /// Rotary position embedding of Q and K, one op as Hugging Face's apply_rotary_pos_emb(q, k)
    /// and vLLM's rotary kernel take both: returns the rotated {q, k}.
    std::pair<int, int> rotary(int q, int k);
    int reshape(int x, Shape perSampleShape);
    /// `strided`: its consumer reads it in place as a strided view (OpAttrs::strided): no copy.
    int transpose(int x, const std::vector<int>& perm, bool strided = false);
    /// softmax(Q·Kᵀ)·V as one fused attention kernel (PyTorch scaled_dot_product_attention): the
    /// score MatMul, Softmax and context MatMul marked OpAttrs::fusedAttention. q [.., T, hd],
    /// kT [.., hd, S], v [.., S, hd]; returns the context [.., T, hd].
    int fusedAttention(int q, int kT, int v);
    /// softmax(Q·Kᵀ)·V: fusedAttention() when `fused`, else three ops (MatMul, Softmax, MatMul).
    int attention(int q, int kT, int v, bool fused);
    /// Selects `count` positions along `axis` (e.g. the last token before the LM head).
    int slice(int x, std::int64_t axis, std::int64_t count);
    /// Embedding lookup: [1, T] token ids → [1, T, dim]; the table is a weight of rows × dim.
    int embedding(int ids, std::int64_t rows, std::int64_t dim);
    /// Adds a learned table broadcast over the batch (positional embeddings): a weight [1, T, C].
    int addLearned(int x, const std::string& what);
    /// Mixture-of-experts grouped GEMM: every token goes to topK of `experts` experts, each an
    /// independent [K, N] weight; `imbalance` is the busiest expert's load over the mean load.
    /// With `shards` > 1 (expert parallelism) this device holds experts ÷ shards of them and
    /// computes for the tokens of all `shards` devices that route to them.
    int expertGemm(int x, std::int64_t experts, std::int64_t topK, double imbalance, std::int64_t outFeatures,
                   std::int64_t shards = 1);

    /// The sum of `x` over the `devices` of a tensor-parallel group (each holds a partial sum).
    int allReduce(int x, std::int64_t devices);
    /// `x` (one device's shard of the last axis) gathered from `devices`: the last axis × devices.
    int allGather(int x, std::int64_t devices);
    /// Expert-parallel dispatch or combine of `x` over `devices`: every token's row goes to (or
    /// comes back from) the devices of its `topK` experts; the busiest device takes `imbalance` ×
    /// the mean.
    int allToAll(int x, std::int64_t devices, std::int64_t topK, double imbalance);

    /// An op this engine does not cost (kept in the graph, reported as "not costed").
    int unknown(int x, const std::string& type);

    Graph take() { return std::move(graph_); }
    const Graph& graph() const { return graph_; }
    const Shape& shape(int tensor) const { return graph_.tensor(tensor).shape; }

  private:
    int weight(const std::string& name, Shape shape);
    int activation(const std::string& opName, Shape shape);
    int unary(int x, OpKind kind, const char* type);
    int binary(int a, int b, OpKind kind, const char* type);
    std::string nextName(const char* type);

    Graph graph_;
    int counter_ = 0;
};

} // namespace bs
