#include "onnx/OnnxImport.h"

#include "onnx/OnnxImporter.h"
#include "onnx/OnnxOps.h"

#include <algorithm>
#include <climits>
#include <csignal>
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
#include <unordered_map>
#include <unordered_set>

namespace bs {

using namespace onnximport;

namespace {

[[noreturn]] void fail(const std::string& file, const std::string& what) {
    importFail(file, what);
}

/// Clears the bytes of every initializer of `g` and its subgraphs that the shape evaluator will not
/// read: their dims are all the importer and the inference worker use.
void dropWeightBytesIn(onnx::GraphProto& g) {
    for (auto& t : *g.mutable_initializer()) {
        if (valuesReadable(t)) continue;
        t.clear_raw_data();
        t.clear_float_data();
        t.clear_double_data();
        t.clear_int32_data();
        t.clear_int64_data();
        t.clear_uint64_data();
        t.clear_string_data();
    }
    for (auto& n : *g.mutable_node())
        for (auto& a : *n.mutable_attribute()) {
            if (a.has_g()) dropWeightBytesIn(*a.mutable_g());
            for (auto& sub : *a.mutable_graphs())
                dropWeightBytesIn(sub);
        }
}

std::string crashWhat(const InferenceResult& r) {
    return r.crashSignal != 0 ? "signal " + std::to_string(r.crashSignal)
                              : "exit status " + std::to_string(r.crashExitCode);
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
} // namespace

} // namespace bs

namespace bs::onnximport {

[[noreturn]] void importFail(const std::string& file, const std::string& what) {
    throw OnnxError(file + ": " + what);
}

OnnxModel Importer::run(google::protobuf::io::ZeroCopyInputStream& in, std::uint64_t size) {
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

void Importer::stage(int step, const char* name) const {
    if (opt_.cancel && opt_.cancel->load()) fail("import cancelled");
    if (opt_.progress) opt_.progress(step, 4, name);
}

void Importer::parse(google::protobuf::io::ZeroCopyInputStream& in, std::uint64_t size) {
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
        fail("the graph has " + std::to_string(model_.graph().node_size()) + " nodes, over the limit of " +
             std::to_string(opt_.maxNodes));
}

void Importer::dropWeightBytes() {
    dropWeightBytesIn(*model_.mutable_graph());
}

void Importer::readHeader() {
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
        if (model_.ir_version() >= 3) fail("no opset is declared (opset_import is missing: truncated file?)");
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
                                    " is newer than this ONNX library reads (" + std::to_string(kNewestIr) +
                                    ")");
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
        summary_.warnings.push_back(std::to_string(summary_.externalInitializers) +
                                    " initializers are stored as external data; only their dims are read");
}

void Importer::sortNodes() {
    const auto& nodes = model_.graph().node();
    const int n = nodes.size();
    std::unordered_map<std::string, int> producer;
    for (int i = 0; i < n; ++i)
        for (const auto& out : nodes[i].output()) {
            if (out.empty()) continue;
            if (initializers_.count(out) || graphInputs_.count(out))
                fail(nodeLabel(nodes[i], i) + " writes '" + out + "', which is a graph input or initializer");
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

// Binds the symbolic input dimensions to the --dim values (the batch axis to one sample), or
// fails naming every one that has no value; then writes the values into the graph's shapes.
void Importer::bindDims() {
    const DimScan scan = scanInputDims();
    checkDimOptions(scan);
    if (!scan.unbound.empty()) {
        std::string list;
        for (const auto& u : scan.unbound)
            list += (list.empty() ? "" : ", ") + u;
        throw OnnxUnboundDimsError(
            file_ + ": " + (scan.unbound.size() > 1 ? "symbolic dimensions " : "symbolic dimension ") + list +
                (scan.unbound.size() > 1 ? " have" : " has") +
                " no value; set it with --dim NAME=VALUE (an unnamed axis: --dim INPUT:AXIS=VALUE)",
            scan.unboundNames);
    }
    recordDims(scan);
    applyDims(scan);
    summarizeInputs();
}

DimScan Importer::scanInputDims() {
    DimScan scan;
    for (const auto& in : model_.graph().input()) {
        if (!graphInputs_.count(in.name())) continue;
        const auto& type = in.type();
        if (!type.has_tensor_type())
            fail("input '" + in.name() +
                 "' is not a tensor (sequence, map or optional inputs are not supported)");
        if (!type.tensor_type().has_shape()) fail("input '" + in.name() + "' has no shape in the file");
        for (int axis = 0; axis < type.tensor_type().shape().dim_size(); ++axis)
            scanDim(in, axis, scan);
    }
    return scan;
}

void Importer::scanDim(const onnx::ValueInfoProto& in, int axis, DimScan& scan) {
    const auto& d = in.type().tensor_type().shape().dim(axis);
    if (d.has_dim_value()) {
        if (d.dim_value() <= 0)
            fail("input '" + in.name() + "' axis " + std::to_string(axis) + " has size " +
                 std::to_string(d.dim_value()));
        if (axis == 0 && !scan.fixedLeading) scan.fixedLeading = d.dim_value();
        return;
    }
    const std::string name = d.has_dim_param() ? d.dim_param() : std::string();
    if (axis == 0 && summary_.batchDim.empty() && !name.empty()) summary_.batchDim = name;
    if (name.empty() && axis == 0) return; // an unnamed leading axis is a batch axis
    if (name.empty()) {
        // No name to give --dim: the user names it INPUT:AXIS instead.
        const std::string key = in.name() + ":" + std::to_string(axis);
        scan.seen.insert(key);
        auto it = opt_.dims.find(key);
        if (it == opt_.dims.end()) {
            scan.unboundNames.push_back(key);
            scan.unbound.push_back("'" + key + "' (input '" + in.name() + "' axis " + std::to_string(axis) +
                                   ", unnamed)");
        } else {
            scan.unnamedBind[{in.name(), axis}] = it->second;
        }
        return;
    }
    if (scan.seen.insert(name).second && name != summary_.batchDim) {
        auto it = opt_.dims.find(name);
        if (it == opt_.dims.end()) {
            scan.unboundNames.push_back(name);
            scan.unbound.push_back("'" + name + "' (input '" + in.name() + "' axis " + std::to_string(axis) +
                                   ")");
        } else {
            scan.bind[name] = it->second;
        }
    }
}

// Every --dim names a symbolic dimension of an input, not the batch axis, with a positive value.
void Importer::checkDimOptions(const DimScan& scan) const {
    for (const auto& [name, value] : opt_.dims) {
        if (name == summary_.batchDim && !name.empty())
            fail("--dim " + name + ": '" + name +
                 "' is the batch axis; the batch comes from --batch/--batches");
        if (!scan.seen.count(name)) {
            std::string known;
            for (const auto& s : scan.seen)
                known += (known.empty() ? "" : ", ") + s;
            fail("--dim " + name + ": no input has a dimension named '" + name + "'" +
                 (known.empty() ? std::string(" (all input shapes are fixed)")
                                : " (symbolic dims: " + known + ")"));
        }
        if (value <= 0) fail("--dim " + name + ": the value must be a positive integer");
    }
}

void Importer::recordDims(const DimScan& scan) {
    summary_.dims = scan.bind;
    summary_.dims.erase(summary_.batchDim);
    for (const auto& [where, value] : scan.unnamedBind)
        summary_.dims[where.first + ":" + std::to_string(where.second)] = value;
    if (summary_.batchDim.empty() && scan.fixedLeading && *scan.fixedLeading > 1)
        summary_.warnings.push_back("the inputs have fixed shapes with a leading dimension of " +
                                    std::to_string(*scan.fixedLeading) +
                                    ": one evaluated sample runs the graph as stored");
}

// The bound values into every input, output and value_info shape (the batch axis is 1).
void Importer::applyDims(const DimScan& scan) {
    std::map<std::string, std::int64_t> bind = scan.bind;
    if (!summary_.batchDim.empty()) bind[summary_.batchDim] = 1;
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
                auto it = scan.unnamedBind.find({v.name(), axis});
                if (it != scan.unnamedBind.end()) d->set_dim_value(it->second);
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
}

void Importer::summarizeInputs() {
    for (const auto& in : model_.graph().input()) {
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

NodeRewrites Importer::opsetFallbacks() {
    NodeRewrites out;
    static const std::unordered_set<std::string> sameShape{"Gelu", "GroupNormalization", "Mish",
                                                           "BitwiseNot"};
    static const std::unordered_set<std::string> axesBecameInput{
        "ReduceMean", "ReduceMax",    "ReduceMin",       "ReduceProd",     "ReduceL1",
        "ReduceL2",   "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"};
    static const char* droppedAttrs[] = {"num_outputs", "saturate", "block_size", "output_dtype"};
    const std::int64_t opset = summary_.opsets.count(std::string()) ? summary_.opsets.at(std::string()) : 1;
    const auto& nodes = model_.graph().node();
    for (int i = 0; i < nodes.size(); ++i) {
        const auto& n = nodes[i];
        if (!isStandardDomain(n.domain())) continue;
        const std::string& t = n.op_type();
        if (sameShape.count(t) && n.input_size() > 0 && (t != "GroupNormalization" || opset > kNewestOpset)) {
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
                    noteFallback(t, std::string("attribute '") + attr + "' (opset 18+) ignored for shapes");
                }
        if (changed) out.emplace(i, std::move(c));
    }
    return out;
}

void Importer::inferShapes() {
    // Each pass infers from what the file declares, not from the previous pass: a control-flow
    // node replaced since then may give a tensor another rank than before.
    *model_.mutable_graph()->mutable_value_info() = fileValueInfo_;
    *model_.mutable_graph()->mutable_output() = fileOutputs_;
    const NodeRewrites rewrites = opsetFallbacks();
    InferenceResult r = inferShapesIsolated(model_, opt_.cancel, dataPropagation_, &rewrites);
    const bool crashed = (r.crashSignal != 0 && r.crashSignal != SIGALRM) || r.crashExitCode != 0;
    if (crashed && dataPropagation_) {
        // libonnx 1.12's data propagation crashes on some graphs that its plain inference
        // handles (a Shape of a squeezed LSTM state); the shape evaluator propagates values.
        dataPropagation_ = false;
        summary_.warnings.push_back("libonnx's data propagation crashed (" + crashWhat(r) +
                                    ") on this graph; shapes were inferred without it");
        r = inferShapesIsolated(model_, opt_.cancel, false, &rewrites);
    }
    if (r.cancelled) fail("import cancelled");
    if (!r.startError.empty()) fail(r.startError);
    if (r.timedOut || r.crashSignal == SIGALRM)
        fail("ONNX shape inference did not finish in " + std::to_string(kInferenceSeconds) +
             " s (a very large graph, or a node that makes libonnx loop); the import was stopped");
    if (r.crashSignal != 0 || r.crashExitCode != 0)
        fail("ONNX shape inference crashed (" + crashWhat(r) +
             ") on this file: a node's attributes or inputs are malformed");
    if (!r.fatalError.empty()) fail("shape inference failed: " + r.fatalError);
    inferenceError_ = r.strictError;
    auto* g = model_.mutable_graph();
    onnx::GraphProto inferred = r.inferred;
    g->mutable_value_info()->Swap(inferred.mutable_value_info());
    g->mutable_output()->Swap(inferred.mutable_output());
}

void Importer::collectShapes() {
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

} // namespace bs::onnximport

namespace bs {

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
