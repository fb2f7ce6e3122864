#pragma once
// The model graph: operators (vertices of a Boost.Graph) connected by tensors. Shapes are stored
// per sample: activations carry a leading batch axis of 1 and the evaluator scales them by the
// batch being evaluated, so one graph serves every batch size. Weights are batch-independent.
// State tensors (a decoder's KV cache) are per-sample too but live in device memory between calls.
#include <boost/graph/adjacency_list.hpp>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace bs {

using Shape = std::vector<std::int64_t>;

/// Number of elements of a shape; throws std::overflow_error if it does not fit in int64.
std::int64_t elementCount(const Shape& shape);
std::string shapeString(const Shape& shape);

enum class TensorKind {
    Input,      ///< graph input (read from device memory), per sample
    Activation, ///< produced by an op, per sample
    Weight,     ///< parameter, batch-independent
    State,      ///< per-sample state resident in device memory (KV cache)
};

struct Tensor {
    std::string name;
    Shape shape; ///< activations/inputs/state: leading batch axis of 1
    TensorKind kind = TensorKind::Activation;
    bool graphOutput = false; ///< written back to device memory (model output, KV-cache append)
    /// The KV cache (a State tensor, or a K/V append among the outputs): stored at the scenario's
    /// KV-cache precision (docs/MODEL.md §18).
    bool kvCache = false;
    /// Weights only: counts as a model parameter. False for constants that are not learned
    /// (BatchNorm running statistics, index tables, scalar constants of an imported graph).
    bool parameter = true;
    /// Weights only: loaded although no op reads it (the branch of an imported If that is not
    /// costed), so it counts as a parameter without a consumer.
    bool resident = false;
    std::int64_t elements() const { return elementCount(shape); }
};

enum class OpKind {
    Conv,
    ConvTranspose,
    Gemm,       ///< activation × weight (+ bias): Linear / fully connected
    MatMul,     ///< activation × activation (attention scores, context)
    ExpertGemm, ///< mixture-of-experts grouped GEMM; weight [experts, K, N]
    Add,
    Sub,
    Mul,
    Div,
    Relu,
    LeakyRelu,
    Clip, ///< ReLU6
    Sigmoid,
    Tanh,
    Gelu,
    Silu,
    HardSwish,
    BatchNorm,
    LayerNorm,
    RmsNorm,
    /// Rotary position embedding of Q and K (inputs and outputs in that order; x·cos +
    /// rotate_half(x)·sin, RoFormer): pointwise, 3 FLOPs per element; the cos/sin table (head_dim per
    /// token) is not counted, under 1/heads of the tensors.
    Rotary,
    Softmax,
    MaxPool,
    AvgPool,
    GlobalAvgPool,
    Resize,
    Concat,
    Split,
    Slice,
    Transpose,
    Reshape,
    Flatten,
    Identity,
    Gather,       ///< embedding lookup: reads only the rows it gathers
    Elementwise,  ///< any other pointwise op: OpAttrs::flopsPerElement FLOPs per output element
    Reduce,       ///< reduction (ReduceMean, ArgMax...): OpAttrs::flopsPerElement per input element
    DataMovement, ///< copies or rearranges data without arithmetic (Pad, Expand, Tile, DepthToSpace)
    /// Collectives over the devices of a tensor-parallel group (OpAttrs::groups devices): the sum of
    /// every device's tensor (AllReduce), or every device's shard concatenated (AllGather; the
    /// output is the whole tensor). Costed on the interconnect, docs/MODEL.md §19.
    AllReduce,
    AllGather,
    /// Expert-parallel exchange over OpAttrs::groups devices: each token's hidden state goes to
    /// the devices of its OpAttrs::topK experts (dispatch) or comes back (combine); the busiest
    /// device receives OpAttrs::imbalance × the mean. Output shape = input shape.
    AllToAll,
    Unknown ///< an op the engine cannot cost: reported as "not costed"
};

std::string_view opKindName(OpKind kind);

struct OpAttrs {
    std::vector<std::int64_t> kernel;    ///< spatial kernel (Conv, pools)
    std::vector<std::int64_t> strides;   ///< spatial strides
    std::vector<std::int64_t> pads;      ///< begin pads then end pads, ONNX order
    std::vector<std::int64_t> dilations; ///< spatial dilations
    std::int64_t groups = 1;
    std::int64_t axis = -1;
    bool transB = false;
    // ExpertGemm routing
    std::int64_t experts = 1;
    std::int64_t topK = 1;
    double imbalance = 1.0; ///< busiest expert's load ÷ mean load (≥ 1)
    /// Expert parallelism: the experts are spread over this many devices and the weight holds one
    /// device's experts ÷ expertShards of them); each device's expert GEMM sees the tokens of all.
    std::int64_t expertShards = 1;
    double flopsPerElement = 1.0; ///< Elementwise and Reduce only
    /// Transpose only: a strided view its consumer reads in place (a fused attention kernel reading
    /// the heads of a [B, T, H, hd] tensor): no copy, no time.
    bool strided = false;
    /// MatMul and Softmax only: part of one fused attention kernel the model calls (PyTorch's
    /// scaled_dot_product_attention): one layer under every fusion policy, scores kept on chip.
    bool fusedAttention = false;
};

struct Op {
    std::string name;
    std::string type; ///< ONNX op_type or builder name, shown to the user
    OpKind kind = OpKind::Unknown;
    std::vector<int> inputs;  ///< tensor ids
    std::vector<int> outputs; ///< tensor ids
    OpAttrs attrs;
};

class GraphError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Operators and tensors. Vertices of `topology()` are op indices; an edge u→v means op v
/// consumes a tensor op u produces.
/// What one sample of the batch stands for, so that results are said in the units a user thinks
/// in: an image or a sequence ("inference"), or an LLM's tokens. Prefill: a sample is a prompt of
/// `tokensPerSample` tokens processed at once, its latency the time to the first token. Decode: a
/// sample is one new token of one sequence, so a batch step's latency is the time per token.
struct SampleUnit {
    enum class Kind { Inference, PrefillTokens, DecodeToken };
    Kind kind = Kind::Inference;
    double tokensPerSample = 1;

    bool tokens() const { return kind != Kind::Inference; }
    /// Units per sample: throughput in units/s = samples/s × this; energy per unit = ÷ this.
    double perSample() const { return tokens() ? tokensPerSample : 1; }
    const char* name() const { return tokens() ? "token" : "inference"; }    ///< "mJ per token"
    const char* rateName() const { return tokens() ? "tokens/s" : "inf/s"; } ///< short throughput unit
    const char* longRateName() const { return tokens() ? "tokens/s" : "inferences/s"; } ///< in tooltips
};

class Graph {
  public:
    using Topology = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS>;

    int addTensor(Tensor t);
    int addOp(Op op);

    const std::vector<Op>& ops() const { return ops_; }
    const std::vector<Tensor>& tensors() const { return tensors_; }
    const Op& op(int i) const { return ops_.at(static_cast<std::size_t>(i)); }
    const Tensor& tensor(int i) const { return tensors_.at(static_cast<std::size_t>(i)); }
    Tensor& tensor(int i) { return tensors_.at(static_cast<std::size_t>(i)); }
    /// An op's attributes, to refine after adding it (they change no edge of the topology).
    OpAttrs& attrs(int op) { return ops_.at(static_cast<std::size_t>(op)).attrs; }

    /// Producer op of each tensor (-1 for inputs, weights, state).
    int producer(int tensorId) const;
    /// Ops consuming each tensor.
    const std::vector<int>& consumers(int tensorId) const;

    /// Ops in an order where every producer precedes its consumers (Boost topological_sort).
    /// Throws GraphError naming an op on the cycle if the graph is not a DAG.
    std::vector<int> topologicalOrder() const;
    Topology topology() const;

    /// Elements of the weight tensors marked `parameter` that some op reads, each counted once.
    std::int64_t parameterCount() const;
    /// parameterCount() with each mixture-of-experts weight counted for the top-k of its experts a
    /// token runs (the "active" parameters model cards quote).
    std::int64_t activeParameterCount() const;

    std::string name;
    SampleUnit sampleUnit; ///< set by builders whose samples are tokens (the LLM)

  private:
    std::vector<Op> ops_;
    std::vector<Tensor> tensors_;
    std::vector<int> producer_;
    std::vector<std::vector<int>> consumers_;
};

} // namespace bs
