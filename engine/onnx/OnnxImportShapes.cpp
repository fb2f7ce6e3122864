// The Importer's shape-tensor evaluation, control flow, and where weights come from
// (OnnxImporter.h).
#include "graph/OpCost.h"
#include "onnx/OnnxControlFlow.h"
#include "onnx/OnnxImporter.h"
#include "onnx/OnnxOps.h"

#include <algorithm>
#include <cstdio>
#include <set>

namespace bs::onnximport {

void Importer::markWeightSources() {
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
        bool fromWeights = isStandardDomain(n.domain()) && n.op_type() == "Constant" && n.output_size() > 0 &&
                           !turnedConstant_.count(n.output(0));
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

const ConstValue* Importer::knownValue(const std::string& name) {
    auto it = values_.find(name);
    if (it != values_.end()) return &it->second;
    auto init = initializerIndex_.find(name);
    if (init == initializerIndex_.end()) return nullptr;
    auto v = constFromTensor(model_.graph().initializer(init->second));
    initializerIndex_.erase(init); // decoded (or found not decodable) once
    if (!v) return nullptr;
    return &values_.emplace(name, std::move(*v)).first->second;
}

int Importer::evaluateShapeTensors() {
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

std::string Importer::prefixOf(const onnx::NodeProto& n, int index) const {
    return (n.name().empty() ? n.op_type() + "_" + std::to_string(index) : n.name()) + "/";
}

int Importer::resolveControlFlow(bool runtimeConditions) {
    const auto& nodes = model_.graph().node();
    const std::int64_t opset = summary_.opsets.count(std::string()) ? summary_.opsets.at(std::string()) : 1;
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
            if (auto length = scanLength(n, i)) plans.emplace_back(i, unrollScan(n, *length, prefix, opset));
        }
        if (!plans.empty() && plans.back().first == i && plans.back().second.nodes.empty()) plans.pop_back();
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

void Importer::reindexNodes() {
    producer_.clear();
    for (int i = 0; i < model_.graph().node_size(); ++i)
        for (const auto& out : model_.graph().node(i).output())
            if (!out.empty()) producer_[out] = i;
    markWeightSources();
}

std::optional<std::int64_t> Importer::loopTrips(const onnx::NodeProto& n, int index) {
    const ConstValue* m = n.input_size() > 0 && !n.input(0).empty() ? knownValue(n.input(0)) : nullptr;
    const ConstValue* cond = n.input_size() > 1 && !n.input(1).empty() ? knownValue(n.input(1)) : nullptr;
    const bool condTrue =
        n.input_size() < 2 || n.input(1).empty() || (cond && cond->size() == 1 && cond->at(0) != 0);
    const onnx::GraphProto* body = subgraph(n, "body");
    if (!m || m->size() != 1 || !condTrue || !body || !loopRunsAllTrips(n)) return std::nullopt;
    const std::int64_t trips = std::max<std::int64_t>(0, static_cast<std::int64_t>(m->at(0)));
    return unrollable(n, index, trips, *body) ? std::optional(trips) : std::nullopt;
}

std::optional<std::int64_t> Importer::scanLength(const onnx::NodeProto& n, int index) {
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

bool Importer::unrollable(const onnx::NodeProto& n, int index, std::int64_t times,
                          const onnx::GraphProto& body) {
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

double Importer::macsOf(const onnx::NodeProto& n) const {
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

void Importer::keepWeightsOf(const onnx::NodeProto& n, const InitializersByName& initializers) {
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
        auto t = initializers.find(n.input(k));
        if (!bnStatistics && t != initializers.end()) keep(*t->second);
    }
    for (const auto& a : n.attribute()) {
        if (a.has_g()) keepWeightsIn(a.g());
        for (const auto& sg : a.graphs())
            keepWeightsIn(sg);
    }
}

void Importer::keepWeightsIn(const onnx::GraphProto& g) {
    for (const auto& t : g.initializer())
        droppedWeights_.emplace(t.name(), t);
    for (const auto& sub : g.node())
        for (const auto& a : sub.attribute()) {
            if (a.name() == "value" && a.has_t() && sub.op_type() == "Constant" && sub.output_size() > 0) {
                onnx::TensorProto t = a.t();
                t.set_name(sub.output(0));
                droppedWeights_.emplace(t.name(), t);
            }
            if (a.has_g()) keepWeightsIn(a.g());
            for (const auto& sg : a.graphs())
                keepWeightsIn(sg);
        }
}

int Importer::resolvePendingIfs() {
    if (pendingIfs_.empty()) return 0;
    auto* g = model_.mutable_graph();
    InitializersByName initializers;
    for (const auto& t : g->initializer())
        initializers.emplace(t.name(), &t);
    for (const std::string& prefix : pendingIfs_) {
        double macs[2] = {0, 0};
        int count[2] = {0, 0};
        const std::string branch[2] = {prefix + "then/", prefix + "else/"};
        bool inferred[2] = {true, true}; // every output of the branch has a shape
        for (const auto& n : g->node()) {
            for (int b = 0; b < 2; ++b)
                if (n.name().rfind(branch[b], 0) == 0) macs[b] += macsOf(n), ++count[b];
            if (n.op_type() == "Where" && n.name().rfind(prefix + "select", 0) == 0 && n.input_size() == 3)
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
                keepWeightsOf(n, initializers);
                continue;
            }
            if (n.op_type() == "Where" && n.name().rfind(prefix + "select", 0) == 0 && n.input_size() == 3) {
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
            (inferred[1 - keep] ? gmacs(macs[1 - keep]) + ", " + std::to_string(count[1 - keep]) + " nodes)"
                                : std::string("whose shapes cannot be inferred with these dims)")));
    }
    const int resolved = static_cast<int>(pendingIfs_.size());
    pendingIfs_.clear();
    reindexNodes();
    return resolved;
}

} // namespace bs::onnximport
