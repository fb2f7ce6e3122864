#pragma once
// Internal to the ONNX importer (OnnxImport.h is the interface): the Importer's state and steps.
// Its methods live in three files by stage:
//   OnnxImport.cpp        parse, header, node order, dims, the inference passes, the public API;
//   OnnxImportShapes.cpp  shape-tensor evaluation, control flow, where weights come from;
//   OnnxImportGraph.cpp   constant folding, the engine Graph, op mapping, error reasons.
#include "onnx/OnnxImport.h"
#include "onnx/OnnxInference.h"
#include "onnx/OnnxShapeEval.h"

#include <cstdint>
#include <google/protobuf/io/zero_copy_stream.h>
#include <map>
#include <onnx/onnx_pb.h>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace bs::onnximport {

constexpr std::size_t kMaxRank = 32;

constexpr std::int64_t kNewestOpset = 17; // what libonnx 1.12's schemas know
constexpr std::int64_t kNewestIr = 8;
/// Inference and shape-tensor evaluation alternate until no new value appears; real exporters
/// need two or three rounds (a padded size feeds a Resize whose output feeds the next Pad).
constexpr int kMaxShapePasses = 32;
/// Unrolled Loop and Scan bodies stop here: a recurrent model over thousands of steps would
/// otherwise become millions of ops.
constexpr std::int64_t kMaxUnrolledNodes = 20'000;

/// Throws OnnxError("FILE: what").
[[noreturn]] void importFail(const std::string& file, const std::string& what);

/// What the graph inputs say about their dimensions, against the --dim values given.
struct DimScan {
    std::map<std::string, std::int64_t> bind;                        ///< named dim → value
    std::map<std::pair<std::string, int>, std::int64_t> unnamedBind; ///< (input, axis) → value
    std::vector<std::string> unbound, unboundNames;                  ///< message parts, and the names to set
    std::set<std::string> seen;                                      ///< every symbolic name (and INPUT:AXIS)
    std::optional<std::int64_t> fixedLeading;                        ///< a fixed leading (batch-like) size
};

class Importer {
  public:
    Importer(std::string file, const OnnxImportOptions& options) : file_(std::move(file)), opt_(options) {}

    /// `in` holds the serialized model, `size` bytes of it.
    OnnxModel run(google::protobuf::io::ZeroCopyInputStream& in, std::uint64_t size);

  private:
    std::string file_;
    const OnnxImportOptions& opt_;
    onnx::ModelProto model_;
    OnnxSummary summary_;
    Graph graph_;
    std::unordered_set<std::string> initializers_, graphInputs_;
    std::unordered_map<std::string, int> producer_; ///< tensor → node index (after sorting)
    std::unordered_map<std::string, Shape> shapes_;
    std::unordered_map<std::string, int> elemType_;
    std::unordered_set<std::string> constant_; ///< initializers and folded values
    /// Initializers, the file's Constant nodes, and what is computed from them: where parameters
    /// come from. Zeros made by ConstantOfShape or Expand at load time are not parameters.
    std::unordered_set<std::string> weightSource_;
    std::unordered_map<std::string, ConstValue> values_; ///< shape tensors whose values are known
    std::unordered_map<std::string, int> initializerIndex_;
    std::unordered_set<std::string> turnedConstant_; ///< outputs of nodes the evaluator made Constant
    std::vector<std::string> pendingIfs_;            ///< prefixes of Ifs inlined with both branches
    std::int64_t unrolledNodes_ = 0;
    bool dataPropagation_ = true;
    google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> fileValueInfo_, fileOutputs_;
    /// Weights of If branches not costed: still loaded, so still parameters (name → tensor).
    std::map<std::string, onnx::TensorProto> droppedWeights_;
    std::vector<bool> folded_;
    std::string inferenceError_; ///< the first node error strict shape inference reported

    [[noreturn]] void fail(const std::string& what) const { importFail(file_, what); }

    void stage(int step, const char* name) const;

    /// Parses from a stream (a file is never read into a buffer of its own: peak memory is the
    /// parsed model, not the file twice).
    void parse(google::protobuf::io::ZeroCopyInputStream& in, std::uint64_t size);

    /// Only weights' dims are used: their bytes go as soon as the header is read, except for the
    /// small tensors the shape evaluator may read (OnnxShapeEval.h's limits).
    void dropWeightBytes();

    void readHeader();

    /// Orders the nodes so producers come first (keeping the file's order where it already is) and
    /// rejects duplicate outputs, undefined inputs and cycles.
    void sortNodes();

    void markWeightSources();
    std::size_t indexedInitializers_ = 0;

    const ConstValue* knownValue(const std::string& name);

    /// Evaluates the shape arithmetic that the shapes inferred so far make constant, and turns each
    /// node so computed into a Constant node, for the next inference pass to read. Returns how many
    /// nodes it turned.
    int evaluateShapeTensors();

    std::string prefixOf(const onnx::NodeProto& n, int index) const;

    /// Replaces control-flow nodes with plain nodes where that is possible now: an If whose
    /// condition is known, a Loop with a known trip count, a Scan over a known length. With
    /// `runtimeConditions`, an If whose condition is known only at run time gets both branches
    /// (resolvePendingIfs keeps the costlier). Returns how many nodes it replaced.
    int resolveControlFlow(bool runtimeConditions);

    /// After inlining: producers by index, and where weights come from for the new nodes.
    void reindexNodes();

    std::optional<std::int64_t> loopTrips(const onnx::NodeProto& n, int index);

    std::optional<std::int64_t> scanLength(const onnx::NodeProto& n, int index);

    /// Within the unrolling budget; otherwise a warning (once per node) and the node stays.
    bool unrollable(const onnx::NodeProto& n, int index, std::int64_t times, const onnx::GraphProto& body);

    /// MACs of a node from the shapes inferred so far (Conv, ConvTranspose, MatMul, Gemm): enough
    /// to tell the costlier of two branches.
    double macsOf(const onnx::NodeProto& n) const;

    /// The weights a dropped node reads, stores (a Constant) or holds in its subgraphs, by dims.
    using InitializersByName = std::unordered_map<std::string, const onnx::TensorProto*>;
    void keepWeightsOf(const onnx::NodeProto& n, const InitializersByName& initializers);

    /// Every initializer and Constant tensor of `g` and its nested subgraphs.
    void keepWeightsIn(const onnx::GraphProto& g);

    /// For each If inlined with both branches: the costlier branch (in MACs, then in nodes) is
    /// kept, its outputs become the If's, the other's nodes are dropped, and a warning says so.
    int resolvePendingIfs();

    /// The batch axis binds to 1 (a graph holds one sample); other symbolic dims take --dim values.
    void bindDims();
    DimScan scanInputDims();
    void scanDim(const onnx::ValueInfoProto& in, int axis, DimScan& scan);
    void checkDimOptions(const DimScan& scan) const;
    void recordDims(const DimScan& scan);
    void applyDims(const DimScan& scan);
    void summarizeInputs();

    /// Ops that opsets 18–21 added or changed, sent to inference in the form libonnx 1.12 knows:
    /// reductions whose axes became an input (18) get them back as the attribute; Split's
    /// num_outputs (18) and the saturate (19) / block_size and output_dtype (21) attributes go;
    /// shape-preserving ops ONNX 1.12 has no schema for (Gelu 20, GroupNormalization 18, Mish 18)
    /// infer as Identity of their first input. Costs still come from the original nodes, and the
    /// summary says which ops used a fallback.
    NodeRewrites opsetFallbacks();

    std::map<std::string, std::string> fallbacks_; ///< op type → the opset-17 rule it used

    void noteFallback(const std::string& op, const std::string& rule) { fallbacks_.emplace(op, rule); }

    void inferShapes();

    void collectShapes();

    /// Constant subgraphs (Constant nodes, Shape/Size, anything computed only from initializers)
    /// are folded as any runtime does at load time: their outputs become constant weights.
    void foldConstants();

    int elemTypeOf(const std::string& name) const;

    /// For a convolution or pooling window longer than its (padded) input: which axis, and why the
    /// output length would be negative. Empty when that is not the reason.
    std::string windowTooLarge(const onnx::NodeProto& n) const;
    /// kernel_shape, or for a convolution without it (ONNX: "inferred from W") the weight's
    /// spatial dims; empty when neither is known.
    std::vector<std::int64_t> kernelOf(const onnx::NodeProto& n) const;

    std::string missingShapeReason(const std::string& tensor) const;

    int tensorFor(const std::string& name, const onnx::NodeProto& consumer, int inputIndex);

    std::int64_t checkedElements(const std::string& name, const Shape& s) const;

    std::unordered_map<std::string, int> tensorIds_;

    void buildGraph();

    std::unordered_set<int> qdqFused_; ///< Quantize/DequantizeLinear nodes of activation QDQ pairs

    /// A QuantizeLinear whose live outputs only DequantizeLinear nodes read, and those Dequantize
    /// nodes, are the QDQ format's marks of where int8 runs: a runtime fuses them into the int8
    /// op they surround (TensorRT, onnxruntime), so they are costed as views. Also sums up how the
    /// file is quantized for the summary.
    void markQdqPairs();

    void mapOp(const onnx::NodeProto& n, int index, Op& op);
};

} // namespace bs::onnximport
