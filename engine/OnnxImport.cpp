#include "OnnxImport.h"

#include "OnnxControlFlow.h"
#include "OnnxInference.h"
#include "OnnxOps.h"
#include "OnnxShapeEval.h"
#include "OpCost.h"

#include <algorithm>
#include <climits>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <functional>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/stubs/logging.h>
#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>
#include <optional>
#include <queue>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

namespace bs {

using namespace onnximport;

namespace {

constexpr std::size_t kMaxRank = 32;

constexpr std::int64_t kNewestOpset = 17; // what libonnx 1.12's schemas know
constexpr std::int64_t kNewestIr = 8;
/// Inference and shape-tensor evaluation alternate until no new value appears; real exporters
/// need two or three rounds (a padded size feeds a Resize whose output feeds the next Pad).
constexpr int kMaxShapePasses = 32;
/// Unrolled Loop and Scan bodies stop here: a recurrent model over thousands of steps would
/// otherwise become millions of ops.
constexpr std::int64_t kMaxUnrolledNodes = 20'000;

[[noreturn]] void fail(const std::string& file, const std::string& what) {
    throw OnnxError(file + ": " + what);
}

std::string tooLarge(std::uint64_t bytes) {
    return std::to_string(bytes >> 20) +
           " MiB is over protobuf's 2 GiB limit for one message; "
           "save large models with external data (onnx.save(..., save_as_external_data=True))";
}

/// Silences protobuf's own stderr logging: every parse failure becomes our one-line message.
void quietProtobuf() {
    static const bool once = [] {
        google::protobuf::SetLogHandler(
            [](google::protobuf::LogLevel, const char*, int, const std::string&) {});
        return true;
    }();
    (void)once;
}

class Importer {
  public:
    Importer(std::string file, const OnnxImportOptions& options) : file_(std::move(file)), opt_(options) {}

    /// `in` holds the serialized model, `size` bytes of it.
    OnnxModel run(google::protobuf::io::ZeroCopyInputStream& in, std::uint64_t size) {
        stage(0, "parsing");
        parse(in, size);
        readHeader();
        dropWeightBytes();
        sortNodes();
        markWeightSources();
        bindDims();
        fileValueInfo_ = model_.graph().value_info();
        fileOutputs_ = model_.graph().output();
        stage(1, "inferring shapes");
        for (int pass = 1;; ++pass) {
            inferShapes();
            collectShapes();
            if (pass == kMaxShapePasses) {
                resolvePendingIfs(); // the shapes are as good as they get
                break;
            }
            int changed = evaluateShapeTensors() + resolveControlFlow(false);
            // Only when nothing else moves: a branch's cost needs the shapes its nested control
            // flow and shape arithmetic give.
            if (changed == 0) changed = resolvePendingIfs();
            if (changed == 0) changed = resolveControlFlow(true); // conditions known only at run time
            if (changed == 0) break;
        }
        for (const auto& [op, rule] : fallbacks_)
            summary_.warnings.push_back(op + ": " + rule);
        stage(2, "folding constants");
        foldConstants();
        stage(3, "building the graph");
        buildGraph();
        return {std::move(graph_), std::move(summary_)};
    }

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

    [[noreturn]] void fail(const std::string& what) const { bs::fail(file_, what); }

    void stage(int step, const char* name) const {
        if (opt_.cancel && opt_.cancel->load()) fail("import cancelled");
        if (opt_.progress) opt_.progress(step, 4, name);
    }

    /// Parses from a stream (a file is never read into a buffer of its own: peak memory is the
    /// parsed model, not the file twice).
    void parse(google::protobuf::io::ZeroCopyInputStream& in, std::uint64_t size) {
        if (size > opt_.maxFileBytes) fail(tooLarge(size));
        if (size == 0) fail("the file is empty");
        quietProtobuf();
        google::protobuf::io::CodedInputStream coded(&in);
        coded.SetTotalBytesLimit(INT_MAX);
        if (!model_.ParseFromCodedStream(&coded) || !coded.ConsumedEntireMessage())
            fail("not an ONNX model: the protobuf cannot be parsed (truncated, corrupt or another format)");
        if (!model_.has_graph()) fail("not an ONNX model: no graph in the protobuf");
        if (model_.graph().node_size() == 0) fail("the graph has no nodes");
        if (model_.graph().node_size() > opt_.maxNodes)
            fail("the graph has " + std::to_string(model_.graph().node_size()) +
                 " nodes, over the limit of " + std::to_string(opt_.maxNodes));
    }

    /// Only weights' dims are used: their bytes go as soon as the header is read, except for the
    /// small tensors the shape evaluator may read (OnnxShapeEval.h's limits).
    void dropWeightBytes() {
        for (auto& t : *model_.mutable_graph()->mutable_initializer()) {
            std::int64_t elems = 1;
            for (auto d : t.dims())
                elems = d >= 0 && elems <= kMaxEvalElems ? elems * d : kMaxEvalElems + 1;
            const bool real = isFloatType(t.data_type());
            if (elems <= (real ? kMaxEvalRealElems : kMaxEvalElems)) continue;
            t.clear_raw_data();
            t.clear_float_data();
            t.clear_double_data();
            t.clear_int32_data();
            t.clear_int64_data();
            t.clear_uint64_data();
            t.clear_string_data();
        }
    }

    void readHeader() {
        summary_.file = file_;
        summary_.irVersion = model_.ir_version();
        summary_.producer = model_.producer_name();
        if (!model_.producer_version().empty()) summary_.producer += " " + model_.producer_version();
        summary_.nodes = model_.graph().node_size();
        for (const auto& o : model_.opset_import())
            summary_.opsets[o.domain() == "ai.onnx" ? std::string() : o.domain()] = o.version();
        auto def = summary_.opsets.find(std::string());
        if (def == summary_.opsets.end() && !summary_.opsets.empty()) {
            summary_.warnings.push_back("no ai.onnx opset is declared, only other domains");
        } else if (def == summary_.opsets.end()) {
            if (model_.ir_version() >= 3)
                fail("no opset is declared (opset_import is missing: truncated file?)");
            summary_.warnings.push_back("IR version " + std::to_string(model_.ir_version()) +
                                        " declares no opset; opset 1 assumed");
            model_.add_opset_import()->set_version(1);
            summary_.opsets[std::string()] = 1;
        } else if (def->second > kNewestOpset) {
            summary_.warnings.push_back("opset " + std::to_string(def->second) +
                                        " is newer than this ONNX library knows (" +
                                        std::to_string(kNewestOpset) + "): shapes follow opset-" +
                                        std::to_string(kNewestOpset) + " rules");
        }
        // ONNX refuses a graph whose nodes use an undeclared domain; declare it and say so.
        std::set<std::string> undeclared;
        for (const auto& n : model_.graph().node()) {
            const std::string d = n.domain() == "ai.onnx" ? std::string() : n.domain();
            if (!summary_.opsets.count(d)) undeclared.insert(d);
        }
        for (const std::string& d : undeclared) {
            auto* o = model_.add_opset_import();
            o->set_domain(d);
            o->set_version(1);
            summary_.warnings.push_back("nodes use domain '" + (d.empty() ? std::string("ai.onnx") : d) +
                                        "', which the file does not declare; version 1 assumed");
        }
        if (model_.ir_version() > kNewestIr)
            summary_.warnings.push_back("IR version " + std::to_string(model_.ir_version()) +
                                        " is newer than this ONNX library reads (" +
                                        std::to_string(kNewestIr) + ")");
        for (const auto& init : model_.graph().initializer()) {
            if (init.name().empty()) fail("an initializer has no name");
            initializers_.insert(init.name());
            for (auto d : init.dims())
                if (d < 0) fail("initializer '" + init.name() + "' has a negative dimension");
            const bool external = init.data_location() == onnx::TensorProto::EXTERNAL;
            if (external)
                ++summary_.externalInitializers;
            else if (!init.has_raw_data() && init.float_data_size() == 0 && init.int32_data_size() == 0 &&
                     init.int64_data_size() == 0 && init.double_data_size() == 0 &&
                     init.uint64_data_size() == 0 && init.string_data_size() == 0)
                ++summary_.initializersWithoutData;
        }
        for (const auto& in : model_.graph().input())
            if (!initializers_.count(in.name())) graphInputs_.insert(in.name());
        if (summary_.externalInitializers > 0)
            summary_.warnings.push_back(
                std::to_string(summary_.externalInitializers) +
                " initializers are stored as external data; only their dims are read");
    }

    /// Orders the nodes so producers come first (keeping the file's order where it already is) and
    /// rejects duplicate outputs, undefined inputs and cycles.
    void sortNodes() {
        const auto& nodes = model_.graph().node();
        const int n = nodes.size();
        std::unordered_map<std::string, int> producer;
        for (int i = 0; i < n; ++i)
            for (const auto& out : nodes[i].output()) {
                if (out.empty()) continue;
                if (initializers_.count(out) || graphInputs_.count(out))
                    fail(nodeLabel(nodes[i], i) + " writes '" + out +
                         "', which is a graph input or initializer");
                auto [it, fresh] = producer.emplace(out, i);
                if (!fresh)
                    fail(nodeLabel(nodes[i], i) + " writes '" + out + "', which " +
                         nodeLabel(nodes[it->second], it->second) + " also writes");
            }
        std::vector<std::vector<int>> users(static_cast<std::size_t>(n));
        std::vector<int> pending(static_cast<std::size_t>(n), 0);
        for (int i = 0; i < n; ++i)
            for (const auto& in : nodes[i].input()) {
                if (in.empty()) continue;
                auto it = producer.find(in);
                if (it == producer.end()) {
                    if (initializers_.count(in) || graphInputs_.count(in)) continue;
                    fail(nodeLabel(nodes[i], i) + " reads '" + in +
                         "', which no node, graph input or initializer defines");
                }
                users[static_cast<std::size_t>(it->second)].push_back(i);
                ++pending[static_cast<std::size_t>(i)];
            }
        std::priority_queue<int, std::vector<int>, std::greater<>> ready;
        for (int i = 0; i < n; ++i)
            if (pending[static_cast<std::size_t>(i)] == 0) ready.push(i);
        std::vector<int> order;
        order.reserve(static_cast<std::size_t>(n));
        while (!ready.empty()) {
            const int i = ready.top();
            ready.pop();
            order.push_back(i);
            for (int u : users[static_cast<std::size_t>(i)])
                if (--pending[static_cast<std::size_t>(u)] == 0) ready.push(u);
        }
        if (static_cast<int>(order.size()) < n) {
            // Walk back through unfinished producers until a node repeats: it lies on a cycle.
            int at = 0;
            while (pending[static_cast<std::size_t>(at)] == 0)
                ++at;
            std::vector<bool> seen(static_cast<std::size_t>(n), false);
            while (!seen[static_cast<std::size_t>(at)]) {
                seen[static_cast<std::size_t>(at)] = true;
                for (const auto& in : nodes[at].input()) {
                    auto it = producer.find(in);
                    if (it != producer.end() && pending[static_cast<std::size_t>(it->second)] > 0) {
                        at = it->second;
                        break;
                    }
                }
            }
            fail("the graph has a cycle through " + nodeLabel(nodes[at], at));
        }
        bool sorted = true;
        for (int i = 0; i < n; ++i)
            sorted = sorted && order[static_cast<std::size_t>(i)] == i;
        if (!sorted) {
            google::protobuf::RepeatedPtrField<onnx::NodeProto> reordered;
            auto* mutableNodes = model_.mutable_graph()->mutable_node();
            for (int i : order)
                reordered.Add()->Swap(mutableNodes->Mutable(i));
            mutableNodes->Swap(&reordered);
            summary_.warnings.push_back("nodes were not in topological order; sorted");
        }
        for (int i = 0; i < n; ++i)
            for (const auto& out : model_.graph().node(i).output())
                if (!out.empty()) producer_[out] = i;
    }

    void markWeightSources() {
        static const std::unordered_set<std::string> generators{"Shape",
                                                                "Size",
                                                                "ConstantOfShape",
                                                                "Range",
                                                                "EyeLike",
                                                                "Expand",
                                                                "Tile",
                                                                "RandomNormalLike",
                                                                "RandomUniformLike",
                                                                "RandomNormal",
                                                                "RandomUniform"};
        weightSource_.insert(initializers_.begin(), initializers_.end());
        for (const auto& n : model_.graph().node()) {
            bool fromWeights = isStandardDomain(n.domain()) && n.op_type() == "Constant" &&
                               n.output_size() > 0 && !turnedConstant_.count(n.output(0));
            if (!generators.count(n.op_type()) || !isStandardDomain(n.domain()))
                for (const auto& in : n.input())
                    fromWeights = fromWeights || weightSource_.count(in) > 0;
            if (fromWeights)
                for (const auto& out : n.output())
                    weightSource_.insert(out);
        }
        for (int i = static_cast<int>(indexedInitializers_); i < model_.graph().initializer_size(); ++i)
            initializerIndex_[model_.graph().initializer(i).name()] = i;
        indexedInitializers_ = static_cast<std::size_t>(model_.graph().initializer_size());
    }
    std::size_t indexedInitializers_ = 0;

    const ConstValue* knownValue(const std::string& name) {
        auto it = values_.find(name);
        if (it != values_.end()) return &it->second;
        auto init = initializerIndex_.find(name);
        if (init == initializerIndex_.end()) return nullptr;
        auto v = constFromTensor(model_.graph().initializer(init->second));
        initializerIndex_.erase(init); // decoded (or found not decodable) once
        if (!v) return nullptr;
        return &values_.emplace(name, std::move(*v)).first->second;
    }

    /// Evaluates the shape arithmetic that the shapes inferred so far make constant, and turns each
    /// node so computed into a Constant node, for the next inference pass to read. Returns how many
    /// nodes it turned.
    int evaluateShapeTensors() {
        EvalInputs in;
        in.value = [&](const std::string& name) { return knownValue(name); };
        in.shape = [&](const std::string& name) -> const Shape* {
            auto it = shapes_.find(name);
            return it == shapes_.end() ? nullptr : &it->second;
        };
        in.opset = summary_.opsets.count(std::string()) ? summary_.opsets.at(std::string()) : 1;
        int turned = 0;
        auto* nodes = model_.mutable_graph()->mutable_node();
        for (int i = 0; i < nodes->size(); ++i) {
            onnx::NodeProto& n = *nodes->Mutable(i);
            if (n.output_size() == 0 || values_.count(n.output(0))) continue;
            auto r = evaluateNode(n, in);
            if (!r) continue;
            for (int k = 0; k < n.output_size() && k < static_cast<int>(r->size()); ++k)
                if (!n.output(k).empty()) values_[n.output(k)] = (*r)[static_cast<std::size_t>(k)];
            if (n.op_type() == "Constant" || n.output_size() != 1) continue;
            onnx::NodeProto c;
            c.set_name(n.name());
            c.set_op_type("Constant");
            c.add_output(n.output(0));
            auto* value = c.add_attribute();
            value->set_name("value");
            value->set_type(onnx::AttributeProto::TENSOR);
            *value->mutable_t() = tensorFromConst(r->front(), n.output(0));
            n.Swap(&c);
            turnedConstant_.insert(n.output(0));
            ++turned;
        }
        return turned;
    }

    std::string prefixOf(const onnx::NodeProto& n, int index) const {
        return (n.name().empty() ? n.op_type() + "_" + std::to_string(index) : n.name()) + "/";
    }

    /// Replaces control-flow nodes with plain nodes where that is possible now: an If whose
    /// condition is known, a Loop with a known trip count, a Scan over a known length. With
    /// `runtimeConditions`, an If whose condition is known only at run time gets both branches
    /// (resolvePendingIfs keeps the costlier). Returns how many nodes it replaced.
    int resolveControlFlow(bool runtimeConditions) {
        const auto& nodes = model_.graph().node();
        const std::int64_t opset =
            summary_.opsets.count(std::string()) ? summary_.opsets.at(std::string()) : 1;
        std::vector<std::pair<int, Inlined>> plans;
        for (int i = 0; i < nodes.size(); ++i) {
            const auto& n = nodes[i];
            if (!isStandardDomain(n.domain())) continue;
            const std::string prefix = prefixOf(n, i);
            if (n.op_type() == "If" && n.input_size() == 1) {
                const ConstValue* cond = knownValue(n.input(0));
                if (cond && cond->size() == 1) {
                    const bool taken = cond->at(0) != 0;
                    // The branch not taken is dead code, but a runtime loads its weights all the same.
                    if (const onnx::GraphProto* other = subgraph(n, taken ? "else_branch" : "then_branch"))
                        keepWeightsIn(*other);
                    plans.emplace_back(i, inlineIfBranch(n, taken ? "then_branch" : "else_branch",
                                                         prefix + (taken ? "then/" : "else/")));
                } else if (runtimeConditions && plans.empty()) {
                    // One at a time: its branches may hold what decides the conditions of others.
                    plans.emplace_back(i, inlineBothBranches(n, prefix));
                    pendingIfs_.push_back(prefix);
                }
            } else if (n.op_type() == "Loop") {
                if (auto trips = loopTrips(n, i)) plans.emplace_back(i, unrollLoop(n, *trips, prefix, opset));
            } else if (n.op_type() == "Scan") {
                if (auto length = scanLength(n, i))
                    plans.emplace_back(i, unrollScan(n, *length, prefix, opset));
            }
            if (!plans.empty() && plans.back().first == i && plans.back().second.nodes.empty())
                plans.pop_back();
        }
        if (plans.empty()) return 0;
        auto* g = model_.mutable_graph();
        google::protobuf::RepeatedPtrField<onnx::NodeProto> rebuilt;
        std::size_t next = 0;
        for (int i = 0; i < g->node_size(); ++i) {
            if (next < plans.size() && plans[next].first == i) {
                for (auto& n : plans[next].second.nodes)
                    rebuilt.Add()->Swap(&n);
                for (auto& t : plans[next].second.initializers) {
                    initializers_.insert(t.name());
                    g->add_initializer()->Swap(&t);
                }
                ++next;
                continue;
            }
            rebuilt.Add()->Swap(g->mutable_node(i));
        }
        g->mutable_node()->Swap(&rebuilt);
        reindexNodes();
        return static_cast<int>(plans.size());
    }

    /// After inlining: producers by index, and where weights come from for the new nodes.
    void reindexNodes() {
        producer_.clear();
        for (int i = 0; i < model_.graph().node_size(); ++i)
            for (const auto& out : model_.graph().node(i).output())
                if (!out.empty()) producer_[out] = i;
        markWeightSources();
    }

    std::optional<std::int64_t> loopTrips(const onnx::NodeProto& n, int index) {
        const ConstValue* m = n.input_size() > 0 && !n.input(0).empty() ? knownValue(n.input(0)) : nullptr;
        const ConstValue* cond = n.input_size() > 1 && !n.input(1).empty() ? knownValue(n.input(1)) : nullptr;
        const bool condTrue =
            n.input_size() < 2 || n.input(1).empty() || (cond && cond->size() == 1 && cond->at(0) != 0);
        const onnx::GraphProto* body = subgraph(n, "body");
        if (!m || m->size() != 1 || !condTrue || !body || !loopRunsAllTrips(n)) return std::nullopt;
        const std::int64_t trips = std::max<std::int64_t>(0, static_cast<std::int64_t>(m->at(0)));
        return unrollable(n, index, trips, *body) ? std::optional(trips) : std::nullopt;
    }

    std::optional<std::int64_t> scanLength(const onnx::NodeProto& n, int index) {
        const onnx::GraphProto* body = subgraph(n, "body");
        const auto numScan = intAttr(n, "num_scan_inputs");
        if (!body || !numScan || *numScan < 1 || *numScan > body->input_size()) return std::nullopt;
        const int first = body->input_size() - static_cast<int>(*numScan);
        if (first >= n.input_size()) return std::nullopt;
        auto s = shapes_.find(n.input(first));
        if (s == shapes_.end() || s->second.empty()) return std::nullopt;
        const auto axes = intsAttr(n, "scan_input_axes");
        std::int64_t axis = axes.empty() ? 0 : axes[0];
        if (axis < 0) axis += static_cast<std::int64_t>(s->second.size());
        if (axis < 0 || axis >= static_cast<std::int64_t>(s->second.size())) return std::nullopt;
        const std::int64_t length = s->second[static_cast<std::size_t>(axis)];
        return unrollable(n, index, length, *body) ? std::optional(length) : std::nullopt;
    }

    /// Within the unrolling budget; otherwise a warning (once per node) and the node stays.
    bool unrollable(const onnx::NodeProto& n, int index, std::int64_t times, const onnx::GraphProto& body) {
        const std::int64_t nodes = nodeCount(body);
        if (times <= kMaxUnrolledNodes && times * nodes <= kMaxUnrolledNodes - unrolledNodes_) {
            unrolledNodes_ += times * nodes;
            return true;
        }
        const std::string w = nodeLabel(n, index) + ": " + std::to_string(times) + " iterations of " +
                              std::to_string(nodes) + " nodes exceed the unrolling budget of " +
                              std::to_string(kMaxUnrolledNodes) + " nodes; not costed";
        if (std::find(summary_.warnings.begin(), summary_.warnings.end(), w) == summary_.warnings.end())
            summary_.warnings.push_back(w);
        return false;
    }

    /// MACs of a node from the shapes inferred so far (Conv, ConvTranspose, MatMul, Gemm): enough
    /// to tell the costlier of two branches.
    double macsOf(const onnx::NodeProto& n) const {
        auto shape = [&](int k) -> const Shape* {
            if (k >= n.input_size() && k >= 0) return nullptr;
            auto it = shapes_.find(k < 0 ? n.output(0) : n.input(k));
            return it == shapes_.end() ? nullptr : &it->second;
        };
        const Shape* out = n.output_size() > 0 ? shape(-1) : nullptr;
        if (!out) return 0;
        double outElems = 1;
        for (auto d : *out)
            outElems *= static_cast<double>(d);
        const std::string& t = n.op_type();
        if ((t == "Conv" || t == "ConvTranspose") && shape(0) && shape(1) && shape(1)->size() >= 2) {
            double perOut = 1;
            for (std::size_t d = 1; d < shape(1)->size(); ++d)
                perOut *= static_cast<double>((*shape(1))[d]);
            if (t == "Conv") return outElems * perOut;
            double inElems = 1;
            for (auto d : *shape(0))
                inElems *= static_cast<double>(d);
            return inElems * perOut;
        }
        if ((t == "MatMul" || t == "Gemm") && shape(0) && !shape(0)->empty()) {
            const bool transA = t == "Gemm" && intAttr(n, "transA").value_or(0) != 0;
            return outElems * static_cast<double>(transA ? shape(0)->front() : shape(0)->back());
        }
        return 0;
    }

    /// The weights a dropped node reads, stores (a Constant) or holds in its subgraphs, by dims.
    void keepWeightsOf(const onnx::NodeProto& n) {
        auto keep = [&](const onnx::TensorProto& t) { droppedWeights_.emplace(t.name(), t); };
        if (n.op_type() == "Constant")
            for (const auto& a : n.attribute())
                if (a.name() == "value" && a.has_t() && n.output_size() > 0 &&
                    !turnedConstant_.count(n.output(0))) {
                    onnx::TensorProto t = a.t();
                    t.set_name(n.output(0));
                    keep(t);
                }
        for (int k = 0; k < n.input_size(); ++k) {
            const bool bnStatistics = n.op_type() == "BatchNormalization" && k >= 3;
            if (!bnStatistics && initializers_.count(n.input(k)))
                for (const auto& t : model_.graph().initializer())
                    if (t.name() == n.input(k)) keep(t);
        }
        for (const auto& a : n.attribute()) {
            if (a.has_g()) keepWeightsIn(a.g());
            for (const auto& sg : a.graphs())
                keepWeightsIn(sg);
        }
    }

    /// Every initializer and Constant tensor of `g` and its nested subgraphs.
    void keepWeightsIn(const onnx::GraphProto& g) {
        for (const auto& t : g.initializer())
            droppedWeights_.emplace(t.name(), t);
        for (const auto& sub : g.node())
            for (const auto& a : sub.attribute()) {
                if (a.name() == "value" && a.has_t() && sub.op_type() == "Constant" &&
                    sub.output_size() > 0) {
                    onnx::TensorProto t = a.t();
                    t.set_name(sub.output(0));
                    droppedWeights_.emplace(t.name(), t);
                }
                if (a.has_g()) keepWeightsIn(a.g());
                for (const auto& sg : a.graphs())
                    keepWeightsIn(sg);
            }
    }

    /// For each If inlined with both branches: the costlier branch (in MACs, then in nodes) is
    /// kept, its outputs become the If's, the other's nodes are dropped, and a warning says so.
    int resolvePendingIfs() {
        if (pendingIfs_.empty()) return 0;
        auto* g = model_.mutable_graph();
        for (const std::string& prefix : pendingIfs_) {
            double macs[2] = {0, 0};
            int count[2] = {0, 0};
            const std::string branch[2] = {prefix + "then/", prefix + "else/"};
            bool inferred[2] = {true, true}; // every output of the branch has a shape
            for (const auto& n : g->node()) {
                for (int b = 0; b < 2; ++b)
                    if (n.name().rfind(branch[b], 0) == 0) macs[b] += macsOf(n), ++count[b];
                if (n.op_type() == "Where" && n.name().rfind(prefix + "select", 0) == 0 &&
                    n.input_size() == 3)
                    for (int b = 0; b < 2; ++b)
                        inferred[b] = inferred[b] && shapes_.count(n.input(1 + b)) > 0;
            }
            // A branch that cannot run with these dims (the 8 kHz path of a VAD fed 16 kHz frames)
            // is not the one taken; otherwise the costlier one is the bound.
            const int keep = inferred[0] != inferred[1]
                                 ? (inferred[1] ? 1 : 0)
                                 : (macs[1] > macs[0] || (macs[1] == macs[0] && count[1] > count[0]) ? 1 : 0);
            google::protobuf::RepeatedPtrField<onnx::NodeProto> kept;
            std::string cond;
            for (int i = 0; i < g->node_size(); ++i) {
                onnx::NodeProto& n = *g->mutable_node(i);
                if (n.name().rfind(branch[1 - keep], 0) == 0) {
                    keepWeightsOf(n);
                    continue;
                }
                if (n.op_type() == "Where" && n.name().rfind(prefix + "select", 0) == 0 &&
                    n.input_size() == 3) {
                    cond = n.input(0);
                    const std::string chosen = n.input(1 + keep);
                    n.set_op_type("Identity");
                    n.clear_input();
                    n.add_input(chosen);
                }
                kept.Add()->Swap(&n);
            }
            g->mutable_node()->Swap(&kept);
            auto gmacs = [](double m) {
                char buf[32];
                std::snprintf(buf, sizeof buf, "%.3g GMACs", m / 1e9);
                return std::string(buf);
            };
            summary_.warnings.push_back(
                "node '" + prefix.substr(0, prefix.size() - 1) + "' (If): condition '" + cond +
                "' is known only at run time; costed the " + (keep ? "else" : "then") + " branch (" +
                gmacs(macs[keep]) + ", " + std::to_string(count[keep]) + " nodes) over the " +
                (keep ? "then" : "else") + " branch (" +
                (inferred[1 - keep]
                     ? gmacs(macs[1 - keep]) + ", " + std::to_string(count[1 - keep]) + " nodes)"
                     : std::string("whose shapes cannot be inferred with these dims)")));
        }
        const int resolved = static_cast<int>(pendingIfs_.size());
        pendingIfs_.clear();
        reindexNodes();
        return resolved;
    }

    /// The batch axis binds to 1 (a graph holds one sample); other symbolic dims take --dim values.
    void bindDims() {
        std::map<std::string, std::int64_t> bind;
        std::vector<std::string> unbound, unboundNames;
        std::set<std::string> seen;
        std::map<std::pair<std::string, int>, std::int64_t> unnamedBind; ///< (input, axis) → size
        std::optional<std::int64_t> fixedLeading;
        for (const auto& in : model_.graph().input()) {
            if (!graphInputs_.count(in.name())) continue;
            const auto& type = in.type();
            if (!type.has_tensor_type())
                fail("input '" + in.name() +
                     "' is not a tensor (sequence, map or optional inputs are not supported)");
            if (!type.tensor_type().has_shape()) fail("input '" + in.name() + "' has no shape in the file");
            const auto& dims = type.tensor_type().shape().dim();
            for (int axis = 0; axis < dims.size(); ++axis) {
                const auto& d = dims[axis];
                if (d.has_dim_value()) {
                    if (d.dim_value() <= 0)
                        fail("input '" + in.name() + "' axis " + std::to_string(axis) + " has size " +
                             std::to_string(d.dim_value()));
                    if (axis == 0 && !fixedLeading) fixedLeading = d.dim_value();
                    continue;
                }
                const std::string name = d.has_dim_param() ? d.dim_param() : std::string();
                if (axis == 0 && summary_.batchDim.empty() && !name.empty()) summary_.batchDim = name;
                if (name.empty() && axis == 0) continue; // an unnamed leading axis is a batch axis
                if (name.empty()) {
                    // No name to give --dim: the user names it INPUT:AXIS instead.
                    const std::string key = in.name() + ":" + std::to_string(axis);
                    seen.insert(key);
                    auto it = opt_.dims.find(key);
                    if (it == opt_.dims.end()) {
                        unboundNames.push_back(key);
                        unbound.push_back("'" + key + "' (input '" + in.name() + "' axis " +
                                          std::to_string(axis) + ", unnamed)");
                    } else {
                        unnamedBind[{in.name(), axis}] = it->second;
                    }
                    continue;
                }
                if (seen.insert(name).second && name != summary_.batchDim) {
                    auto it = opt_.dims.find(name);
                    if (it == opt_.dims.end()) {
                        unboundNames.push_back(name);
                        unbound.push_back("'" + name + "' (input '" + in.name() + "' axis " +
                                          std::to_string(axis) + ")");
                    } else {
                        bind[name] = it->second;
                    }
                }
            }
        }
        for (const auto& [name, value] : opt_.dims) {
            if (name == summary_.batchDim && !name.empty())
                fail("--dim " + name + ": '" + name +
                     "' is the batch axis; the batch comes from --batch/--batches");
            if (!seen.count(name)) {
                std::string known;
                for (const auto& s : seen)
                    known += (known.empty() ? "" : ", ") + s;
                fail("--dim " + name + ": no input has a dimension named '" + name + "'" +
                     (known.empty() ? std::string(" (all input shapes are fixed)")
                                    : " (symbolic dims: " + known + ")"));
            }
            if (value <= 0) fail("--dim " + name + ": the value must be a positive integer");
        }
        if (!unbound.empty()) {
            std::string list;
            for (const auto& u : unbound)
                list += (list.empty() ? "" : ", ") + u;
            throw OnnxUnboundDimsError(
                file_ + ": " + (unbound.size() > 1 ? "symbolic dimensions " : "symbolic dimension ") + list +
                    (unbound.size() > 1 ? " have" : " has") +
                    " no value; set it with --dim NAME=VALUE (an unnamed axis: --dim INPUT:AXIS=VALUE)",
                unboundNames);
        }
        if (!summary_.batchDim.empty()) bind[summary_.batchDim] = 1;
        summary_.dims = bind;
        summary_.dims.erase(summary_.batchDim);
        for (const auto& [where, value] : unnamedBind)
            summary_.dims[where.first + ":" + std::to_string(where.second)] = value;
        if (summary_.batchDim.empty() && fixedLeading && *fixedLeading > 1)
            summary_.warnings.push_back("the inputs have fixed shapes with a leading dimension of " +
                                        std::to_string(*fixedLeading) +
                                        ": one evaluated sample runs the graph as stored");

        auto apply = [&](onnx::ValueInfoProto& v, bool isInput) {
            if (!v.type().has_tensor_type() || !v.type().tensor_type().has_shape()) return;
            auto* dims = v.mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim();
            for (int axis = 0; axis < dims->size(); ++axis) {
                auto* d = dims->Mutable(axis);
                if (d->has_dim_param()) {
                    auto it = bind.find(d->dim_param());
                    if (it != bind.end()) d->set_dim_value(it->second);
                } else if (isInput && axis == 0 && !d->has_dim_value()) {
                    d->set_dim_value(1);
                } else if (isInput && !d->has_dim_value()) {
                    auto it = unnamedBind.find({v.name(), axis});
                    if (it != unnamedBind.end()) d->set_dim_value(it->second);
                }
            }
        };
        auto* g = model_.mutable_graph();
        for (auto& v : *g->mutable_input())
            apply(v, graphInputs_.count(v.name()) > 0);
        for (auto& v : *g->mutable_output())
            apply(v, false);
        for (auto& v : *g->mutable_value_info())
            apply(v, false);
        for (const auto& in : g->input()) {
            if (!graphInputs_.count(in.name())) continue;
            const auto s = shapeOf(in.type());
            try {
                if (s)
                    summary_.inputs.push_back(in.name() + " " + shapeString(*s) + " (" +
                                              std::to_string(elementCount(*s)) + " elements)");
            } catch (const std::overflow_error&) {
                fail("input '" + in.name() + "' shape " + shapeString(*s) +
                     " has more elements than int64 can count");
            }
        }
    }

    /// Ops that opsets 18–21 added or changed, sent to inference in the form libonnx 1.12 knows:
    /// reductions whose axes became an input (18) get them back as the attribute; Split's
    /// num_outputs (18) and the saturate (19) / block_size and output_dtype (21) attributes go;
    /// shape-preserving ops ONNX 1.12 has no schema for (Gelu 20, GroupNormalization 18, Mish 18)
    /// infer as Identity of their first input. Costs still come from the original nodes, and the
    /// summary says which ops used a fallback.
    NodeRewrites opsetFallbacks() {
        NodeRewrites out;
        static const std::unordered_set<std::string> sameShape{"Gelu", "GroupNormalization", "Mish",
                                                               "BitwiseNot"};
        static const std::unordered_set<std::string> axesBecameInput{
            "ReduceMean", "ReduceMax",    "ReduceMin",       "ReduceProd",     "ReduceL1",
            "ReduceL2",   "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"};
        static const char* droppedAttrs[] = {"num_outputs", "saturate", "block_size", "output_dtype"};
        const std::int64_t opset =
            summary_.opsets.count(std::string()) ? summary_.opsets.at(std::string()) : 1;
        const auto& nodes = model_.graph().node();
        for (int i = 0; i < nodes.size(); ++i) {
            const auto& n = nodes[i];
            if (!isStandardDomain(n.domain())) continue;
            const std::string& t = n.op_type();
            if (sameShape.count(t) && n.input_size() > 0 &&
                (t != "GroupNormalization" || opset > kNewestOpset)) {
                onnx::NodeProto c;
                c.set_name(n.name());
                c.set_op_type("Identity");
                c.add_input(n.input(0));
                c.add_output(n.output_size() > 0 ? n.output(0) : std::string());
                out.emplace(i, std::move(c));
                noteFallback(t, "shape-preserving op unknown to ONNX 1.12: inferred as Identity");
                continue;
            }
            if (opset <= kNewestOpset) continue;
            onnx::NodeProto c = n;
            bool changed = false;
            if (axesBecameInput.count(t) && n.input_size() >= 2 && !n.input(1).empty()) {
                const ConstValue* axes = knownValue(n.input(1));
                if (!axes) continue; // known after a later pass, or never: inference reports it
                c.mutable_input()->RemoveLast();
                auto* a = c.add_attribute();
                a->set_name("axes");
                a->set_type(onnx::AttributeProto::INTS);
                for (std::int64_t k = 0; k < axes->size(); ++k)
                    a->add_ints(static_cast<std::int64_t>(axes->at(k)));
                changed = true;
                noteFallback(t, "axes input read as the opset-17 attribute");
            }
            for (const char* attr : droppedAttrs)
                for (int k = c.attribute_size(); k-- > 0;)
                    if (c.attribute(k).name() == attr) {
                        c.mutable_attribute()->DeleteSubrange(k, 1);
                        changed = true;
                        noteFallback(t,
                                     std::string("attribute '") + attr + "' (opset 18+) ignored for shapes");
                    }
            if (changed) out.emplace(i, std::move(c));
        }
        return out;
    }

    std::map<std::string, std::string> fallbacks_; ///< op type → the opset-17 rule it used

    void noteFallback(const std::string& op, const std::string& rule) { fallbacks_.emplace(op, rule); }

    void inferShapes() {
        // Each pass infers from what the file declares, not from the previous pass: a control-flow
        // node replaced since then may give a tensor another rank than before.
        *model_.mutable_graph()->mutable_value_info() = fileValueInfo_;
        *model_.mutable_graph()->mutable_output() = fileOutputs_;
        const NodeRewrites rewrites = opsetFallbacks();
        InferenceResult r = inferShapesIsolated(model_, opt_.cancel, dataPropagation_, &rewrites);
        if (r.crashSignal != 0 && r.crashSignal != SIGALRM && dataPropagation_) {
            // libonnx 1.12's data propagation crashes on some graphs that its plain inference
            // handles (a Shape of a squeezed LSTM state); the shape evaluator propagates values.
            dataPropagation_ = false;
            summary_.warnings.push_back("libonnx's data propagation crashed (signal " +
                                        std::to_string(r.crashSignal) +
                                        ") on this graph; shapes were inferred without it");
            r = inferShapesIsolated(model_, opt_.cancel, false, &rewrites);
        }
        if (r.cancelled) fail("import cancelled");
        if (!r.startError.empty()) fail(r.startError);
        if (r.timedOut || r.crashSignal == SIGALRM)
            fail("ONNX shape inference did not finish in " + std::to_string(kInferenceSeconds) +
                 " s (a very large graph, or a node that makes libonnx loop); the import was stopped");
        if (r.crashSignal != 0)
            fail("ONNX shape inference crashed (signal " + std::to_string(r.crashSignal) +
                 ") on this file: a node's attributes or inputs are malformed");
        if (!r.fatalError.empty()) fail("shape inference failed: " + r.fatalError);
        inferenceError_ = r.strictError;
        auto* g = model_.mutable_graph();
        onnx::GraphProto inferred = r.inferred;
        g->mutable_value_info()->Swap(inferred.mutable_value_info());
        g->mutable_output()->Swap(inferred.mutable_output());
    }

    void collectShapes() {
        const auto& g = model_.graph();
        shapes_.clear();
        elemType_.clear();
        // More axes than any network uses: a malformed or hostile file, refused before it costs.
        auto checkRank = [&](const std::string& name, std::size_t rank) {
            if (rank > kMaxRank)
                fail("tensor '" + name + "' has " + std::to_string(rank) + " axes (at most " +
                     std::to_string(kMaxRank) + ")");
        };
        auto take = [&](const onnx::ValueInfoProto& v) {
            if (v.type().has_tensor_type()) elemType_[v.name()] = v.type().tensor_type().elem_type();
            if (auto s = shapeOf(v.type())) {
                checkRank(v.name(), s->size());
                shapes_[v.name()] = *s;
            }
        };
        for (const auto& v : g.value_info())
            take(v);
        for (const auto& v : g.output())
            take(v);
        for (const auto& v : g.input())
            take(v);
        for (const auto& init : g.initializer()) {
            checkRank(init.name(), static_cast<std::size_t>(init.dims_size()));
            shapes_[init.name()] = Shape(init.dims().begin(), init.dims().end());
            elemType_[init.name()] = init.data_type();
        }
    }

    /// Constant subgraphs (Constant nodes, Shape/Size, anything computed only from initializers)
    /// are folded as any runtime does at load time: their outputs become constant weights.
    void foldConstants() {
        const auto& nodes = model_.graph().node();
        constant_ = initializers_;
        folded_.assign(static_cast<std::size_t>(nodes.size()), false);
        for (int i = 0; i < nodes.size(); ++i) {
            const auto& n = nodes[i];
            if (isControlFlow(n) || !isOnnxDomain(n.domain())) continue;
            // An embedding lookup reads rows of its table at run time even when the indices are
            // constant (position ids): folding it would count the rows as the parameters.
            if (isStandardDomain(n.domain()) && n.op_type() == "Gather" && n.input_size() > 0 &&
                initializers_.count(n.input(0)) && isFloatType(elemTypeOf(n.input(0))))
                continue;
            bool allConstant = true;
            for (int k : dataInputs(n))
                allConstant = allConstant && constant_.count(n.input(k)) > 0;
            if (!allConstant) continue;
            folded_[static_cast<std::size_t>(i)] = true;
            ++summary_.foldedNodes;
            for (const auto& out : n.output())
                if (!out.empty()) constant_.insert(out);
        }
    }

    int elemTypeOf(const std::string& name) const {
        auto it = elemType_.find(name);
        return it == elemType_.end() ? 0 : it->second;
    }

    /// For a convolution or pooling window longer than its (padded) input: which axis, and why the
    /// output length would be negative. Empty when that is not the reason.
    std::string windowTooLarge(const onnx::NodeProto& n) const {
        const std::string& t = n.op_type();
        const bool conv = t == "Conv" || t == "ConvInteger" || t == "QLinearConv";
        if (!conv && t != "MaxPool" && t != "AveragePool" && t != "LpPool") return {};
        auto in = n.input_size() > 0 ? shapes_.find(n.input(0)) : shapes_.end();
        if (in == shapes_.end() || in->second.size() < 3) return {};
        std::vector<std::int64_t> kernel = intsAttr(n, "kernel_shape");
        const int weightInput = t == "QLinearConv" ? 3 : 1;
        if (kernel.empty() && conv && n.input_size() > weightInput) {
            auto w = shapes_.find(n.input(weightInput));
            if (w != shapes_.end() && w->second.size() == in->second.size())
                kernel.assign(w->second.begin() + 2, w->second.end());
        }
        const std::size_t spatial = in->second.size() - 2;
        if (kernel.size() != spatial) return {};
        const auto pads = intsAttr(n, "pads"), dil = intsAttr(n, "dilations");
        for (std::size_t a = 0; a < spatial; ++a) {
            const std::int64_t len = in->second[a + 2];
            const std::int64_t padded = len + (pads.size() == 2 * spatial ? pads[a] + pads[a + spatial] : 0);
            const std::int64_t reach = (kernel[a] - 1) * (dil.size() == spatial ? dil[a] : 1) + 1;
            if (padded < reach)
                return "input axis " + std::to_string(a + 2) + " has length " + std::to_string(len) +
                       (padded != len ? " (" + std::to_string(padded) + " padded)" : std::string()) +
                       ", shorter than the window of " + std::to_string(reach) +
                       ": the output length would be negative; give the input larger --dim values";
        }
        return {};
    }

    std::string missingShapeReason(const std::string& tensor) const {
        auto it = producer_.find(tensor);
        if (it == producer_.end()) return "'" + tensor + "' has no known shape";
        const auto& n = model_.graph().node(it->second);
        std::string why =
            nodeLabel(n, it->second) + ": the shape of its output '" + tensor + "' cannot be inferred";
        std::string runtimeInput;
        for (const auto& in : n.input())
            if (!in.empty() && !constant_.count(in) && !shapes_.count(in)) runtimeInput = in;
        for (int i = 0; i < n.input_size() && runtimeInput.empty(); ++i) {
            const std::vector<int> data = dataInputs(n);
            const bool steering = std::find(data.begin(), data.end(), i) == data.end();
            if (steering && !n.input(i).empty() && !constant_.count(n.input(i))) runtimeInput = n.input(i);
        }
        if (const std::string tooShort = windowTooLarge(n); !tooShort.empty())
            why += " (" + tooShort + ")";
        else if (!isOnnxDomain(n.domain()))
            why += " (custom domain '" + n.domain() + "' is unknown to ONNX shape inference)";
        else if (isControlFlow(n))
            why += " (control flow, or a sequence/optional output)";
        else if (!runtimeInput.empty())
            why += " (it depends on the values of '" + runtimeInput + "', known only at run time)";
        else if (!inferenceError_.empty())
            why += " (" + inferenceError_ + ")";
        else
            why += " (ONNX shape inference cannot resolve it and the file declares no value_info for it)";
        return why;
    }

    int tensorFor(const std::string& name, const onnx::NodeProto& consumer, int inputIndex) {
        auto known = tensorIds_.find(name);
        if (known != tensorIds_.end()) return known->second;
        auto s = shapes_.find(name);
        if (s == shapes_.end()) fail(missingShapeReason(name));
        Tensor t;
        t.name = name;
        t.shape = s->second;
        if (constant_.count(name)) {
            t.kind = TensorKind::Weight;
            const int type = elemTypeOf(name);
            const bool bnStatistics = consumer.op_type() == "BatchNormalization" && inputIndex >= 3;
            const std::int64_t elems = checkedElements(name, t.shape);
            t.parameter = !bnStatistics && weightSource_.count(name) > 0 &&
                          ((isFloatType(type) && elems > 1) || (isQuantType(type) && t.shape.size() >= 2));
        } else if (graphInputs_.count(name)) {
            t.kind = TensorKind::Input;
        } else {
            fail(missingShapeReason(name)); // produced by a live node whose output had no shape
        }
        const int id = graph_.addTensor(std::move(t));
        tensorIds_[name] = id;
        return id;
    }

    std::int64_t checkedElements(const std::string& name, const Shape& s) const {
        try {
            return elementCount(s);
        } catch (const std::overflow_error&) {
            auto it = producer_.find(name);
            const std::string where =
                it == producer_.end()
                    ? "'" + name + "'"
                    : nodeLabel(model_.graph().node(it->second), it->second) + ": output '" + name + "'";
            fail(where + " shape " + shapeString(s) + " has more elements than int64 can count");
        }
    }

    std::unordered_map<std::string, int> tensorIds_;

    void buildGraph() {
        const auto& g = model_.graph();
        graph_.name = g.name().empty() ? std::filesystem::path(file_).stem().string() : g.name();
        std::unordered_set<std::string> consumedLive, graphOutputs;
        for (int i = 0; i < g.node_size(); ++i)
            if (!folded_[static_cast<std::size_t>(i)])
                for (int k : dataInputs(g.node(i)))
                    consumedLive.insert(g.node(i).input(k));
        for (const auto& o : g.output())
            graphOutputs.insert(o.name());
        markQdqPairs();
        std::set<std::string> usedNames;
        int live = 0;
        for (int i = 0; i < g.node_size(); ++i) {
            if (folded_[static_cast<std::size_t>(i)]) continue;
            const auto& n = g.node(i);
            ++live;
            Op op;
            op.type = opTypeOf(n);
            op.name = n.name().empty() ? n.op_type() + "_" + std::to_string(i) : n.name();
            if (!usedNames.insert(op.name).second) op.name += "#" + std::to_string(i);
            std::vector<int> idx = dataInputs(n);
            for (int k : idx)
                op.inputs.push_back(tensorFor(n.input(k), n, k));
            bool emptyOutput = false;
            for (const auto& out : n.output()) {
                if (out.empty()) continue;
                const bool needed = consumedLive.count(out) || graphOutputs.count(out);
                auto s = shapes_.find(out);
                if (s == shapes_.end()) {
                    if (needed) fail(missingShapeReason(out));
                    continue; // an unused optional output (Dropout mask, TopK indices)
                }
                Tensor t;
                t.name = out;
                t.shape = s->second;
                t.kind = TensorKind::Activation;
                t.graphOutput = graphOutputs.count(out) > 0;
                emptyOutput = emptyOutput || checkedElements(out, t.shape) == 0;
                const int id = graph_.addTensor(std::move(t));
                tensorIds_[out] = id;
                op.outputs.push_back(id);
            }
            if (op.outputs.empty()) continue; // nothing downstream reads it
            mapOp(n, i, op);
            if (emptyOutput && op.kind != OpKind::Unknown) {
                summary_.warnings.push_back(nodeLabel(n, i) + " produces an empty tensor; not costed");
                op.kind = OpKind::Unknown;
            }
            if (op.kind != OpKind::Unknown) {
                try {
                    (void)costOf(graph_, op);
                } catch (const std::exception& e) {
                    summary_.warnings.push_back(nodeLabel(n, i) + ": " + e.what() + "; not costed");
                    op.kind = OpKind::Unknown;
                }
            }
            if (op.kind == OpKind::Unknown) ++summary_.notCosted[op.type];
            graph_.addOp(std::move(op));
        }
        // An If branch not costed is still loaded: its weights count, read by no op.
        for (const auto& [name, t] : droppedWeights_) {
            if (tensorIds_.count(name)) continue;
            Tensor w;
            w.name = name;
            w.shape = Shape(t.dims().begin(), t.dims().end());
            w.kind = TensorKind::Weight;
            w.resident = true;
            const std::int64_t elems = checkedElements(name, w.shape);
            w.parameter = (isFloatType(t.data_type()) && elems > 1) ||
                          (isQuantType(t.data_type()) && w.shape.size() >= 2);
            tensorIds_[name] = graph_.addTensor(std::move(w));
        }
        // Each tensor's count fits in int64 (checkedElements); their sum must too.
        std::int64_t params = 0;
        for (const Tensor& t : graph_.tensors())
            if (t.kind == TensorKind::Weight && t.parameter &&
                __builtin_add_overflow(params, t.elements(), &params))
                fail("the parameters together have more elements than int64 can count");
        if (live == 0)
            fail("nothing to cost: every node computes from constants or input shapes alone, not input data");
    }

    std::unordered_set<int> qdqFused_; ///< Quantize/DequantizeLinear nodes of activation QDQ pairs

    /// A QuantizeLinear whose live outputs only DequantizeLinear nodes read, and those Dequantize
    /// nodes, are the QDQ format's marks of where int8 runs: a runtime fuses them into the int8
    /// op they surround (TensorRT, onnxruntime), so they are costed as views. Also sums up how the
    /// file is quantized for the summary.
    void markQdqPairs() {
        const auto& g = model_.graph();
        std::unordered_map<std::string, std::vector<int>> readers;
        std::map<std::string, int> quantOps;
        for (int i = 0; i < g.node_size(); ++i) {
            if (folded_[static_cast<std::size_t>(i)]) continue;
            for (const auto& in : g.node(i).input())
                readers[in].push_back(i);
            const std::string& t = g.node(i).op_type();
            if (t.rfind("QLinear", 0) == 0 || t == "MatMulInteger" || t == "ConvInteger" ||
                t == "DynamicQuantizeLinear")
                ++quantOps[t];
        }
        int pairs = 0;
        for (int i = 0; i < g.node_size(); ++i) {
            const auto& n = g.node(i);
            if (folded_[static_cast<std::size_t>(i)] || n.op_type() != "QuantizeLinear" ||
                n.output_size() < 1)
                continue;
            const auto& r = readers[n.output(0)];
            const bool onlyDequantized = !r.empty() && std::all_of(r.begin(), r.end(), [&](int k) {
                return g.node(k).op_type() == "DequantizeLinear";
            });
            if (!onlyDequantized) continue;
            qdqFused_.insert(i);
            qdqFused_.insert(r.begin(), r.end());
            ++pairs;
        }
        std::string ops;
        for (const auto& [t, k] : quantOps)
            ops += (ops.empty() ? "" : ", ") + t + " x" + std::to_string(k);
        if (pairs > 0)
            summary_.quantization =
                "int8 QDQ: " + std::to_string(pairs) +
                " QuantizeLinear/DequantizeLinear pairs on activations, fused into the ops "
                "they surround (costed as views)";
        if (!ops.empty())
            summary_.quantization +=
                (summary_.quantization.empty() ? std::string() : "; ") +
                (quantOps.count("DynamicQuantizeLinear") ? "dynamic uint8: " : "int8 QOperator: ") + ops;
        if (!summary_.quantization.empty())
            summary_.quantization += "; evaluate it at --precision int8 for int8 bytes and rates";
    }

    void mapOp(const onnx::NodeProto& n, int index, Op& op) {
        auto isConst = [&](int k) { return k < n.input_size() && constant_.count(n.input(k)) > 0; };
        if (!isOnnxDomain(n.domain())) {
            op.kind = OpKind::Unknown;
            summary_.warnings.push_back(nodeLabel(n, index) + ": custom domain '" + n.domain() +
                                        "'; not costed");
            return;
        }
        if (!isStandardDomain(n.domain())) {
            op.kind = OpKind::Unknown; // ai.onnx.ml and training ops: listed as not costed
            return;
        }
        if (isControlFlow(n)) {
            op.kind = OpKind::Unknown;
            summary_.warnings.push_back(nodeLabel(n, index) + ": control flow; its subgraphs are not costed");
            return;
        }
        if (qdqFused_.count(index)) {
            op.kind = OpKind::Identity;
            return;
        }
        auto it = opTable().find(n.op_type());
        if (it == opTable().end()) {
            op.kind = OpKind::Unknown;
            return;
        }
        op.kind = it->second.kind;
        op.attrs.flopsPerElement = it->second.flops;
        op.attrs.kernel = intsAttr(n, "kernel_shape");
        op.attrs.strides = intsAttr(n, "strides");
        op.attrs.pads = intsAttr(n, "pads");
        op.attrs.dilations = intsAttr(n, "dilations");
        op.attrs.groups = intAttr(n, "group").value_or(1);
        op.attrs.axis = intAttr(n, "axis").value_or(-1);
        op.attrs.transB = intAttr(n, "transB").value_or(0) != 0;
        const std::string& type = n.op_type();
        if (type == "MatMul" || type == "MatMulInteger") {
            if (isConst(1)) op.kind = OpKind::Gemm; // activation × weight: a Linear layer
        } else if (type == "QLinearMatMul") {
            if (isConst(3)) op.kind = OpKind::Gemm;
        } else if (type == "Gemm") {
            if (!isConst(1)) op.kind = OpKind::MatMul;
        } else if (type == "Gather") {
            if (!isConst(0)) op.kind = OpKind::DataMovement; // gathering from activations
        } else if (op.kind == OpKind::Conv || op.kind == OpKind::ConvTranspose) {
            if (!isConst(type == "QLinearConv" ? 3 : 1)) {
                op.kind = OpKind::Unknown;
                summary_.warnings.push_back(nodeLabel(n, index) +
                                            ": the convolution weight is computed at run time; not costed");
            }
        }
        if ((op.kind == OpKind::MaxPool || op.kind == OpKind::AvgPool) && op.attrs.kernel.empty()) {
            op.kind = OpKind::Unknown;
            summary_.warnings.push_back(nodeLabel(n, index) + ": pooling without kernel_shape; not costed");
        }
    }
};

} // namespace

namespace {

OnnxModel importStream(google::protobuf::io::ZeroCopyInputStream& in, std::uint64_t size,
                       const std::string& displayName, const OnnxImportOptions& options) {
    Importer importer(displayName, options);
    try {
        return importer.run(in, size);
    } catch (const OnnxError&) {
        throw;
    } catch (const std::bad_alloc&) {
        fail(displayName, "out of memory while importing");
    } catch (const std::exception& e) {
        fail(displayName, oneLine(e.what()));
    }
}

} // namespace

OnnxModel importOnnxBytes(const std::string& bytes, const std::string& displayName,
                          const OnnxImportOptions& options) {
    if (bytes.size() > static_cast<std::size_t>(INT_MAX)) fail(displayName, tooLarge(bytes.size()));
    google::protobuf::io::ArrayInputStream in(bytes.data(), static_cast<int>(bytes.size()));
    return importStream(in, bytes.size(), displayName, options);
}

OnnxModel importOnnxFile(const std::string& path, const OnnxImportOptions& options) {
    std::error_code ec;
    const std::filesystem::path p(path);
    if (!std::filesystem::exists(p, ec)) fail(path, "no such file");
    if (std::filesystem::is_directory(p, ec)) fail(path, "is a directory, not an ONNX file");
    const auto size = std::filesystem::file_size(p, ec);
    if (ec) fail(path, "cannot read the file size: " + ec.message());
    if (size > options.maxFileBytes) fail(path, tooLarge(size));
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail(path, "cannot open the file");
    google::protobuf::io::FileInputStream in(fd, 1 << 20);
    in.SetCloseOnDelete(true);
    return importStream(in, size, path, options);
}

std::string onnxShapeWorkerPath() {
    return onnxWorkerPath();
}

bool looksLikeModelFile(const std::string& model) {
    const std::string ext = ".onnx";
    return model.find('/') != std::string::npos ||
           (model.size() > ext.size() && model.compare(model.size() - ext.size(), ext.size(), ext) == 0);
}

} // namespace bs
