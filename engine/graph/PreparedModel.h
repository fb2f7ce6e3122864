#pragma once
// A graph made ready for fast evaluation at any batch: fused layers, per-sample sizes of every
// tensor, and liveness over the layer order. Liveness gives (a) the peak of live activations per
// sample, so peak memory at batch B = params + B × peak, and (b) for every tensor the largest
// live set during its lifetime: at batch B the share 1 − budget ÷ (B × that × bytes) of the tensor
// spills to DRAM (none when it fits in the on-chip activation budget). Both scale linearly with B, so
// evaluate() does no graph walks.
#include "graph/Fusion.h"
#include "graph/Graph.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace bs {

struct TensorInfo {
    double elemsPerSample = 0;
    bool alwaysDram = false;     ///< graph input or state: lives in device memory
    bool graphOutput = false;    ///< written to device memory
    bool kvCache = false;        ///< the KV cache (state, K/V appends): at the KV-cache precision
    bool onChip = false;         ///< attention scores of a fused attention layer: never in DRAM
    int root = -1;               ///< tensor whose storage this one is (views alias their input)
    double maxLivePerSample = 0; ///< largest live activation set (elements) during its lifetime
};

class PreparedModel {
  public:
    /// Throws GraphError on a cycle or inconsistent shapes.
    explicit PreparedModel(Graph g, FusionRules fusion = {});

    FusionRules fusion() const { return fusion_; }
    /// The same graph fused under `rules`: this model when it already is, else a copy made on
    /// first use and kept (thread-safe; the window evaluates on a thread pool). What a runtime's
    /// fusion changes — layer count, liveness, spills — is all in the fused model.
    const PreparedModel& fusedAs(FusionRules rules) const;

    const Graph& graph() const { return graph_; }
    const std::vector<Layer>& layers() const { return layers_; }
    const TensorInfo& tensor(int id) const { return info_[static_cast<std::size_t>(id)]; }

    /// Parameter elements, each weight tensor once however many layers read it.
    std::int64_t params() const { return params_; }
    /// Of params(), the elements a quantization scheme stores at its weight precision
    /// (quantizedWeight(): GEMM, convolution and expert matrices but the output layer's).
    std::int64_t quantizedParams() const { return quantizedParams_; }
    double macsPerSample() const { return macs_; }
    double flopsPerSample() const { return flops_; }
    double peakLiveElemsPerSample() const { return peakLive_; }
    double stateElemsPerSample() const { return state_; }
    int opCount() const { return static_cast<int>(graph_.ops().size()); }
    int kernelLayerCount() const; ///< layers that launch work (views excluded)
    int kernelCount() const;      ///< kernels those layers launch (Layer::kernels: eager composites)
    /// Op types with no cost formula and how many times each occurs.
    const std::map<std::string, int>& notCosted() const { return notCosted_; }

  private:
    struct Variants {
        std::once_flag once[FusionRules::kCount];
        std::unique_ptr<const PreparedModel> model[FusionRules::kCount];
    };
    FusionRules fusion_;
    std::shared_ptr<Variants> variants_ = std::make_shared<Variants>();
    Graph graph_;
    std::vector<Layer> layers_;
    std::vector<TensorInfo> info_;
    std::int64_t params_ = 0, quantizedParams_ = 0;
    double macs_ = 0, flops_ = 0, peakLive_ = 0, state_ = 0;
    std::map<std::string, int> notCosted_;
};

} // namespace bs
