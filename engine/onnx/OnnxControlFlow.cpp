#include "onnx/OnnxControlFlow.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace bs::onnximport {

namespace {

using Renames = std::unordered_map<std::string, std::string>;

/// Renames references to outer names inside a nested subgraph, except where the subgraph defines
/// the same name itself (its own scope shadows ours).
void renameOuterReferences(onnx::GraphProto& g, Renames outer) {
    for (const auto& v : g.input())
        outer.erase(v.name());
    for (const auto& t : g.initializer())
        outer.erase(t.name());
    for (const auto& n : g.node())
        for (const auto& o : n.output())
            outer.erase(o);
    if (outer.empty()) return;
    for (auto& n : *g.mutable_node()) {
        for (auto& in : *n.mutable_input()) {
            auto it = outer.find(in);
            if (it != outer.end()) in = it->second;
        }
        for (auto& a : *n.mutable_attribute()) {
            if (a.has_g()) renameOuterReferences(*a.mutable_g(), outer);
            for (auto& sub : *a.mutable_graphs())
                renameOuterReferences(sub, outer);
        }
    }
}

onnx::NodeProto makeNode(const std::string& type, const std::string& name, std::vector<std::string> in,
                         std::vector<std::string> out) {
    onnx::NodeProto n;
    n.set_op_type(type);
    n.set_name(name);
    for (auto& i : in)
        n.add_input(i);
    for (auto& o : out)
        n.add_output(o);
    return n;
}

void intAttribute(onnx::NodeProto& n, const char* name, std::int64_t v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
}

onnx::NodeProto constantInt(const std::string& name, std::int64_t v, bool isBool, bool scalar) {
    onnx::NodeProto n = makeNode("Constant", name, {}, {name});
    auto* a = n.add_attribute();
    a->set_name("value");
    a->set_type(onnx::AttributeProto::TENSOR);
    auto* t = a->mutable_t();
    t->set_name(name);
    if (!scalar) t->add_dims(1);
    if (isBool) {
        t->set_data_type(onnx::TensorProto::BOOL);
        t->add_int32_data(static_cast<std::int32_t>(v));
    } else {
        t->set_data_type(onnx::TensorProto::INT64);
        t->add_int64_data(v);
    }
    return n;
}

/// Copies the nodes of `body` under `prefix`: names it defines are renamed (through `renames`,
/// which the caller may seed, e.g. body inputs → the values they take); outer names stay.
/// `prefix` + `name`, without doubling the slash of names exporters start with "/" (PyTorch).
std::string under(const std::string& prefix, const std::string& name) {
    return prefix + (!name.empty() && name.front() == '/' ? name.substr(1) : name);
}

void appendBody(const onnx::GraphProto& body, const std::string& prefix, Renames& renames, Inlined& out) {
    for (const auto& n : body.node())
        for (const auto& o : n.output())
            if (!o.empty()) renames[o] = under(prefix, o);
    int index = 0;
    for (const auto& src : body.node()) {
        onnx::NodeProto n = src;
        n.set_name(
            under(prefix, src.name().empty() ? src.op_type() + "_" + std::to_string(index) : src.name()));
        ++index;
        for (auto& in : *n.mutable_input()) {
            auto it = renames.find(in);
            if (it != renames.end()) in = it->second;
        }
        for (auto& o : *n.mutable_output())
            if (!o.empty()) o = renames[o];
        for (auto& a : *n.mutable_attribute()) {
            if (a.has_g()) renameOuterReferences(*a.mutable_g(), renames);
            for (auto& sub : *a.mutable_graphs())
                renameOuterReferences(sub, renames);
        }
        out.nodes.push_back(std::move(n));
    }
}

/// The body's initializers, once, under `prefix` (an unrolled loop shares its weights).
void appendInitializers(const onnx::GraphProto& body, const std::string& prefix, Renames& renames,
                        Inlined& out) {
    for (const auto& t : body.initializer()) {
        renames[t.name()] = under(prefix, t.name());
        onnx::TensorProto c = t;
        c.set_name(under(prefix, t.name()));
        out.initializers.push_back(std::move(c));
    }
}

std::string renamed(const Renames& r, const std::string& name) {
    auto it = r.find(name);
    return it == r.end() ? name : it->second;
}

std::vector<std::int64_t> intsOf(const onnx::NodeProto& n, const char* name) {
    for (const auto& a : n.attribute())
        if (a.name() == name) return {a.ints().begin(), a.ints().end()};
    return {};
}

/// Stacks per-iteration tensors on a new axis: Unsqueeze each, then Concat.
void stack(const std::vector<std::string>& parts, std::int64_t axis, const std::string& output,
           const std::string& prefix, std::int64_t opset, Inlined& out) {
    std::vector<std::string> unsqueezed;
    const std::string axes = prefix + "stack_axes_" + output;
    if (opset >= 13) {
        onnx::NodeProto c = constantInt(axes, axis, false, false);
        out.nodes.push_back(std::move(c));
    }
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const std::string u = prefix + "stack" + std::to_string(i) + "_" + output;
        onnx::NodeProto n = makeNode(
            "Unsqueeze", u,
            opset >= 13 ? std::vector<std::string>{parts[i], axes} : std::vector<std::string>{parts[i]}, {u});
        if (opset < 13) {
            auto* a = n.add_attribute();
            a->set_name("axes");
            a->set_type(onnx::AttributeProto::INTS);
            a->add_ints(axis);
        }
        out.nodes.push_back(std::move(n));
        unsqueezed.push_back(u);
    }
    onnx::NodeProto cat = makeNode("Concat", prefix + "stack_" + output, unsqueezed, {output});
    intAttribute(cat, "axis", axis);
    out.nodes.push_back(std::move(cat));
}

} // namespace

const onnx::GraphProto* subgraph(const onnx::NodeProto& n, const char* name) {
    for (const auto& a : n.attribute())
        if (a.name() == name && a.has_g()) return &a.g();
    return nullptr;
}

std::int64_t nodeCount(const onnx::GraphProto& g) {
    std::int64_t count = g.node_size();
    for (const auto& n : g.node())
        for (const auto& a : n.attribute()) {
            if (a.has_g()) count += nodeCount(a.g());
            for (const auto& sub : a.graphs())
                count += nodeCount(sub);
        }
    return count;
}

Inlined inlineIfBranch(const onnx::NodeProto& ifNode, const char* branch, const std::string& prefix) {
    Inlined out;
    const onnx::GraphProto* g = subgraph(ifNode, branch);
    if (!g) return out;
    Renames renames;
    appendInitializers(*g, prefix, renames, out);
    appendBody(*g, prefix, renames, out);
    for (int k = 0; k < ifNode.output_size() && k < g->output_size(); ++k)
        if (!ifNode.output(k).empty())
            out.nodes.push_back(makeNode("Identity", prefix + "out" + std::to_string(k),
                                         {renamed(renames, g->output(k).name())}, {ifNode.output(k)}));
    return out;
}

Inlined inlineBothBranches(const onnx::NodeProto& ifNode, const std::string& prefix) {
    Inlined out;
    const onnx::GraphProto* then = subgraph(ifNode, "then_branch");
    const onnx::GraphProto* other = subgraph(ifNode, "else_branch");
    if (!then || !other) return out;
    Renames rt, re;
    appendInitializers(*then, prefix + "then/", rt, out);
    appendBody(*then, prefix + "then/", rt, out);
    appendInitializers(*other, prefix + "else/", re, out);
    appendBody(*other, prefix + "else/", re, out);
    for (int k = 0; k < ifNode.output_size() && k < then->output_size() && k < other->output_size(); ++k)
        if (!ifNode.output(k).empty())
            out.nodes.push_back(makeNode(
                "Where", prefix + "select" + std::to_string(k),
                {ifNode.input(0), renamed(rt, then->output(k).name()), renamed(re, other->output(k).name())},
                {ifNode.output(k)}));
    return out;
}

bool loopRunsAllTrips(const onnx::NodeProto& loop) {
    if (loop.input_size() < 2 || loop.input(1).empty()) return true;
    const onnx::GraphProto* body = subgraph(loop, "body");
    if (!body || body->input_size() < 2 || body->output_size() < 1) return false;
    // Follow Identity nodes back from the condition output.
    std::string cond = body->output(0).name();
    for (bool moved = true; moved;) {
        moved = false;
        for (const auto& n : body->node())
            if (n.op_type() == "Identity" && n.output_size() == 1 && n.output(0) == cond &&
                n.input_size() == 1) {
                cond = n.input(0);
                moved = true;
            }
    }
    return cond == body->input(1).name();
}

Inlined unrollLoop(const onnx::NodeProto& loop, std::int64_t trips, const std::string& prefix,
                   std::int64_t opset) {
    Inlined out;
    const onnx::GraphProto* body = subgraph(loop, "body");
    if (!body || body->input_size() < 2) return out;
    const int carried = body->input_size() - 2;
    const int scans = body->output_size() - 1 - carried;
    if (scans < 0 || loop.input_size() < 2 + carried) return out;
    Renames shared;
    appendInitializers(*body, prefix + "weights/", shared, out);
    std::vector<std::string> state;
    for (int j = 0; j < carried; ++j)
        state.push_back(loop.input(2 + j));
    std::vector<std::vector<std::string>> scanParts(static_cast<std::size_t>(scans));
    for (std::int64_t i = 0; i < trips; ++i) {
        const std::string p = prefix + "iter" + std::to_string(i) + "/";
        Renames r = shared;
        out.nodes.push_back(constantInt(p + "iteration", i, false, true));
        out.nodes.push_back(constantInt(p + "cond", 1, true, true));
        r[body->input(0).name()] = p + "iteration";
        r[body->input(1).name()] = p + "cond";
        for (int j = 0; j < carried; ++j)
            r[body->input(2 + j).name()] = state[static_cast<std::size_t>(j)];
        appendBody(*body, p, r, out);
        for (int j = 0; j < carried; ++j)
            state[static_cast<std::size_t>(j)] = renamed(r, body->output(1 + j).name());
        for (int k = 0; k < scans; ++k)
            scanParts[static_cast<std::size_t>(k)].push_back(
                renamed(r, body->output(1 + carried + k).name()));
    }
    for (int j = 0; j < carried && j < loop.output_size(); ++j)
        if (!loop.output(j).empty())
            out.nodes.push_back(makeNode("Identity", prefix + "final" + std::to_string(j),
                                         {state[static_cast<std::size_t>(j)]}, {loop.output(j)}));
    for (int k = 0; k < scans && carried + k < loop.output_size(); ++k)
        if (!loop.output(carried + k).empty() && trips > 0)
            stack(scanParts[static_cast<std::size_t>(k)], 0, loop.output(carried + k), prefix, opset, out);
    return out;
}

Inlined unrollScan(const onnx::NodeProto& scan, std::int64_t length, const std::string& prefix,
                   std::int64_t opset) {
    Inlined out;
    const onnx::GraphProto* body = subgraph(scan, "body");
    std::int64_t numScanInputs = -1;
    for (const auto& a : scan.attribute())
        if (a.name() == "num_scan_inputs") numScanInputs = a.i();
    if (!body || numScanInputs < 1 || opset < 9) return out;
    const int states = body->input_size() - static_cast<int>(numScanInputs);
    const int scanOuts = body->output_size() - states;
    if (states < 0 || scanOuts < 0 || scan.input_size() != body->input_size()) return out;
    const auto inAxes = intsOf(scan, "scan_input_axes"), inDirs = intsOf(scan, "scan_input_directions");
    const auto outAxes = intsOf(scan, "scan_output_axes"), outDirs = intsOf(scan, "scan_output_directions");
    auto at = [](const std::vector<std::int64_t>& v, int i) {
        return i < static_cast<int>(v.size()) ? v[static_cast<std::size_t>(i)] : 0;
    };
    Renames shared;
    appendInitializers(*body, prefix + "weights/", shared, out);
    std::vector<std::string> state;
    for (int j = 0; j < states; ++j)
        state.push_back(scan.input(j));
    std::vector<std::vector<std::string>> parts(static_cast<std::size_t>(scanOuts));
    for (std::int64_t t = 0; t < length; ++t) {
        const std::string p = prefix + "step" + std::to_string(t) + "/";
        Renames r = shared;
        for (int j = 0; j < states; ++j)
            r[body->input(j).name()] = state[static_cast<std::size_t>(j)];
        for (int s = 0; s < numScanInputs; ++s) {
            const std::int64_t index = at(inDirs, s) == 1 ? length - 1 - t : t;
            const std::string idx = p + "index" + std::to_string(s), slice = p + "slice" + std::to_string(s);
            out.nodes.push_back(constantInt(idx, index, false, true));
            onnx::NodeProto g = makeNode("Gather", slice, {scan.input(states + s), idx}, {slice});
            intAttribute(g, "axis", at(inAxes, s));
            out.nodes.push_back(std::move(g));
            r[body->input(states + s).name()] = slice;
        }
        appendBody(*body, p, r, out);
        for (int j = 0; j < states; ++j)
            state[static_cast<std::size_t>(j)] = renamed(r, body->output(j).name());
        for (int k = 0; k < scanOuts; ++k)
            parts[static_cast<std::size_t>(k)].push_back(renamed(r, body->output(states + k).name()));
    }
    for (int j = 0; j < states && j < scan.output_size(); ++j)
        if (!scan.output(j).empty())
            out.nodes.push_back(makeNode("Identity", prefix + "final" + std::to_string(j),
                                         {state[static_cast<std::size_t>(j)]}, {scan.output(j)}));
    for (int k = 0; k < scanOuts && states + k < scan.output_size(); ++k) {
        if (scan.output(states + k).empty() || length == 0) continue;
        auto& v = parts[static_cast<std::size_t>(k)];
        if (at(outDirs, k) == 1) std::reverse(v.begin(), v.end());
        stack(v, at(outAxes, k), scan.output(states + k), prefix, opset, out);
    }
    return out;
}

} // namespace bs::onnximport
