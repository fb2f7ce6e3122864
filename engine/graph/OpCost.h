#pragma once
// Per-sample cost of one operator: MACs (multiply-accumulates; FLOPs = 2 × MACs) on the matrix
// engine, other FLOPs on the vector units, parameters, and the GEMM shape the mapper tiles.
// Everything here is for batch 1; the evaluator scales activations by the batch.
#include "graph/Graph.h"

#include <optional>

namespace bs {

/// The op viewed as (grouped) matrix products: G independent [M×K]·[K×N] products per sample.
/// For Conv: M = output pixels, N = output channels per group, K = input channels per group ×
/// kernel area, G = groups. For MatMul: G = the leading (head) axes, which the batch multiplies.
struct GemmShape {
    double m = 0, n = 0, k = 0, groups = 1;
    bool batchScalesM = true; ///< batch multiplies M (Conv, Gemm) rather than G (batched MatMul)
};

struct OpCost {
    bool costed = true;              ///< false: the engine has no formula for this op (reported, never 0)
    bool view = false;               ///< no data moves (Reshape, Flatten, Identity)
    double macs = 0;                 ///< per sample, on the matrix engine
    double vectorMacs = 0;           ///< per sample, MACs done on vector units (depthwise conv)
    double vectorFlops = 0;          ///< per sample, non-MAC FLOPs (activations, norms, softmax, pools)
    std::int64_t params = 0;         ///< parameter elements this op owns
    double weightReadElems = 0;      ///< batch-independent weight elements read from memory
    double quantizedWeightElems = 0; ///< those stored at the weight precision (quantizedWeight())
    double gatherElems = 0;          ///< per sample table elements read (embedding rows)
    std::optional<GemmShape> gemm;
    // Mixture-of-experts routing (ExpertGemm): tokens per sample, experts, top-k, imbalance.
    double expertTokens = 0;
    double experts = 0, topK = 0, imbalance = 1;
    // Collectives (AllReduce, AllGather, AllToAll): per sample, the elements of the tensor every
    // device ends up with (an all-to-all: the elements each device sends, top-k copies of its
    // tokens), the devices that exchange it, and the busiest device's share over the mean.
    double collectiveElems = 0;
    double collectiveDevices = 0;
    OpKind collective = OpKind::Unknown; ///< the collective's kind when collectiveDevices > 0
    double collectiveImbalance = 1;
};

/// Cost of one op of `g`. Throws GraphError if the shapes are inconsistent for the op kind.
OpCost costOf(const Graph& g, const Op& op);

/// Whether weight `tensor` of `op` is stored at a quantization scheme's weight precision: the
/// matrices (rank ≥ 2) of GEMMs, convolutions and experts, as AWQ, GPTQ and FP8 checkpoints
/// quantize them. Biases, norms and embedding tables stay at the activation precision, and so does
/// the layer that writes the model's output (the LM head, a classifier), which those schemes keep.
bool quantizedWeight(const Graph& g, const Op& op, int tensor);

/// Non-MAC FLOPs per output element charged for elementwise kinds (documented in docs/MODEL.md).
double flopsPerElement(OpKind kind);

/// Kernels an eager framework launches for one op when nothing fuses it (fusion `none`): 1, or
/// more for a composite that the model's reference code writes as several tensor operations
/// (Hugging Face's LlamaRMSNorm, apply_rotary_pos_emb; docs/MODEL.md §2).
int eagerKernels(OpKind kind);

/// Bytes those kernels move per element of the op's output beyond the one read and one write of a
/// single kernel, at `activationBytes` per activation element (their intermediates are full-size
/// tensors, RMSNorm's in float32).
double eagerExtraBytesPerElem(OpKind kind, double activationBytes);

} // namespace bs
