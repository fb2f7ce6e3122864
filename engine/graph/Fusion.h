#pragma once
// Fusion: groups operators into the layers a runtime would launch as one kernel. An elementwise
// tail (BatchNorm, activation, bias/residual Add, Mul) joins the layer that produced its input when
// that input has no other consumer, so the intermediate never leaves the chip (Conv+BN+ReLU,
// Gemm+bias+GELU, Add+ReLU). Views (Reshape/Flatten, strided Transposes) join their producer and
// cost nothing. A fused attention kernel the model calls (OpAttrs::fusedAttention) is one layer
// under every policy.
#include "graph/Graph.h"
#include "graph/OpCost.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace bs {

/// How far a runtime fuses the graph (a runtime profile's `fusion`; docs/MODEL.md §2):
///   None        one kernel per op (eager frameworks);
///   Elementwise elementwise tails join their producer (cuDNN/TensorRT-class conv+bn+relu);
///   Attention   Elementwise, and Softmax joins the score MatMul whose scores then never leave
///               the chip (flash attention: the S×S scores are not written to memory);
///   Block       Attention, and normalisations (LayerNorm, RMSNorm) join their producer too
///               (XLA, Inductor).
enum class FusionPolicy { None, Elementwise, Attention, Block };
inline constexpr std::size_t kFusionPolicyCount = 4;
std::string_view fusionPolicyName(FusionPolicy f);

/// Which elementwise tails a weight GEMM or convolution kernel takes into its epilogue (a runtime
/// profile's `epilogue`; docs/MODEL.md §2). The tails it leaves out start their own kernel, which
/// takes the tails after them as the fusion policy allows:
///   All            BatchNorm folded into the weights, bias, activation and residual add in the
///                  epilogue (TensorRT, ONNX Runtime, OpenVINO, XLA on TPU);
///   BiasActivation bias/residual add and activation only: a BatchNorm (a per-channel scale of the
///                  output, which a library epilogue does not take) and the tails after it run
///                  as one more kernel (TensorFlow's remapper, XLA:GPU's cuDNN/cuBLASLt fusions);
///   None           nothing: the library call writes its output and every tail runs after it
///                  (TorchInductor's extern cuBLAS/cuDNN calls; eager frameworks).
enum class EpiloguePolicy { All, BiasActivation, None };
inline constexpr std::size_t kEpiloguePolicyCount = 3;
std::string_view epiloguePolicyName(EpiloguePolicy e);

/// A runtime's fusion: how far it fuses, and what its GEMM/convolution kernels absorb.
struct FusionRules {
    FusionPolicy policy = FusionPolicy::Elementwise;
    EpiloguePolicy epilogue = EpiloguePolicy::All;
    bool operator==(const FusionRules&) const = default;
    /// 0 … kCount-1: a dense index for caches keyed by rules.
    std::size_t index() const {
        return static_cast<std::size_t>(policy) * kEpiloguePolicyCount + static_cast<std::size_t>(epilogue);
    }
    static constexpr std::size_t kCount = kFusionPolicyCount * kEpiloguePolicyCount;
};

struct Layer {
    std::string name;     ///< the anchor op's name
    std::string opTypes;  ///< e.g. "Conv+BatchNormalization+Relu"
    std::vector<int> ops; ///< op ids, anchor first
    int anchor = -1;
    OpCost anchorCost; ///< the anchor's GEMM view and routing
    // Per-sample sums over the layer's ops.
    double macs = 0, vectorMacs = 0, vectorFlops = 0, weightReadElems = 0, gatherElems = 0;
    double quantizedWeightElems = 0; ///< of weightReadElems, those at the weight precision
    std::int64_t params = 0;
    std::vector<int> inputs;  ///< external non-weight tensors read (activations, graph inputs, state)
    std::vector<int> outputs; ///< tensors consumed by later layers or written as graph outputs
    int primaryInput = -1;    ///< the anchor's first non-weight input (the GEMM's A operand)
    int secondOperand = -1;   ///< MatMul: the other activation operand (B), else -1
    bool view = false;        ///< only views: no kernel, no time
    /// Kernels launched: 1, or under fusion `none` the eager kernels of a composite anchor
    /// (eagerKernels(): RMSNorm, rotary embedding), which also move eagerExtraBytesPerElem().
    int kernels = 1;
    std::vector<std::string> notCosted; ///< op types in this layer with no cost formula
    double flopsPerSample() const { return 2 * (macs + vectorMacs) + vectorFlops; }
};

/// Fuses the graph (visited in topological order) into layers under `rules`.
std::vector<Layer> fuseLayers(const Graph& g, const std::vector<int>& topoOrder, FusionRules rules = {});

} // namespace bs
