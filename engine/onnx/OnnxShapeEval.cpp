#include "onnx/OnnxShapeEval.h"

#include "onnx/OnnxOps.h"
#include "onnx/OnnxShapeOps.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>

namespace bs::onnximport {

namespace {

using namespace shapeops;

const onnx::AttributeProto* attr(const onnx::NodeProto& n, const char* name) {
    for (const auto& a : n.attribute())
        if (a.name() == name) return &a;
    return nullptr;
}

/// Elementwise with broadcasting; `type` is the output type, `f` works on doubles or int64.
template <typename F> Result elementwise(const std::vector<const ConstValue*>& in, int type, F f) {
    std::vector<const Shape*> shapes;
    for (const ConstValue* v : in)
        shapes.push_back(&v->dims);
    const auto dims = broadcastShape(shapes);
    if (!dims || count(*dims) > kMaxEvalElems) return std::nullopt;
    ConstValue out = make(type, *dims);
    for (std::int64_t i = 0; i < out.size(); ++i) {
        const Shape idx = unflatten(i, *dims);
        std::vector<std::int64_t> at;
        for (const ConstValue* v : in)
            at.push_back(broadcastIndex(idx, v->dims));
        set(out, i, f(at));
    }
    return Values{std::move(out)};
}

/// Integer arithmetic in int64, exact; nothing on overflow or division by zero.
std::optional<std::int64_t> intBinary(const std::string& op, std::int64_t x, std::int64_t y, bool fmod) {
    std::int64_t r = 0;
    if (op == "Add") return __builtin_add_overflow(x, y, &r) ? std::nullopt : std::optional(r);
    if (op == "Sub") return __builtin_sub_overflow(x, y, &r) ? std::nullopt : std::optional(r);
    if (op == "Mul") return __builtin_mul_overflow(x, y, &r) ? std::nullopt : std::optional(r);
    if (op == "Div" || op == "Mod") {
        if (y == 0 || (x == INT64_MIN && y == -1)) return std::nullopt;
        if (op == "Div") return x / y; // C truncation, as onnxruntime
        const std::int64_t m = x % y;  // fmod=0: the sign of the divisor, as Python's %
        return fmod || m == 0 || (m < 0) == (y < 0) ? m : m + y;
    }
    if (op == "Equal") return x == y;
    if (op == "Less") return x < y;
    if (op == "Greater") return x > y;
    if (op == "LessOrEqual") return x <= y;
    if (op == "GreaterOrEqual") return x >= y;
    if (op == "And") return x && y;
    if (op == "Or") return x || y;
    if (op == "Min") return std::min(x, y);
    if (op == "Max") return std::max(x, y);
    return std::nullopt;
}

std::optional<double> realBinary(const std::string& op, double x, double y, bool fmod) {
    if (op == "Add") return x + y;
    if (op == "Sub") return x - y;
    if (op == "Mul") return x * y;
    if (op == "Div") return x / y;
    if (op == "Pow") return std::pow(x, y);
    if (op == "Mod") return fmod ? std::fmod(x, y) : x - y * std::floor(x / y);
    if (op == "Equal") return x == y;
    if (op == "Less") return x < y;
    if (op == "Greater") return x > y;
    if (op == "LessOrEqual") return x <= y;
    if (op == "GreaterOrEqual") return x >= y;
    if (op == "Min") return std::min(x, y);
    if (op == "Max") return std::max(x, y);
    return std::nullopt;
}

Result binary(const std::string& op, const onnx::NodeProto& n, const ConstValue& a, const ConstValue& b) {
    if (a.isReal() != b.isReal() && op != "Pow") return std::nullopt; // ONNX types must match
    const bool compare = op == "Equal" || op == "Less" || op == "Greater" || op == "LessOrEqual" ||
                         op == "GreaterOrEqual" || op == "And" || op == "Or";
    const bool fmod = intAttr(n, "fmod").value_or(0) != 0;
    std::vector<const Shape*> shapes{&a.dims, &b.dims};
    const auto dims = broadcastShape(shapes);
    if (!dims || count(*dims) > kMaxEvalElems) return std::nullopt;
    ConstValue out = make(compare ? int(TP::BOOL) : a.elemType, *dims);
    for (std::int64_t i = 0; i < out.size(); ++i) {
        const Shape idx = unflatten(i, *dims);
        const std::int64_t ia = broadcastIndex(idx, a.dims), ib = broadcastIndex(idx, b.dims);
        if (a.isReal()) {
            const auto r = realBinary(op, a.at(ia), b.at(ib), fmod);
            if (!r) return std::nullopt;
            set(out, i, *r);
        } else {
            const auto r = intBinary(op, intAt(a, ia), intAt(b, ib), fmod);
            if (!r) return std::nullopt;
            out.ints[static_cast<std::size_t>(i)] = *r;
        }
    }
    return Values{std::move(out)};
}

Result unary(const std::string& op, const ConstValue& a) {
    ConstValue out = a;
    if (op == "Not") out.elemType = TP::BOOL;
    for (std::int64_t i = 0; i < a.size(); ++i) {
        if (!a.isReal()) {
            const std::int64_t x = a.ints[static_cast<std::size_t>(i)];
            std::int64_t& y = out.ints[static_cast<std::size_t>(i)];
            if (x == INT64_MIN && (op == "Neg" || op == "Abs")) return std::nullopt;
            if (op == "Neg")
                y = -x;
            else if (op == "Abs")
                y = x < 0 ? -x : x;
            else if (op == "Relu")
                y = std::max<std::int64_t>(0, x);
            else if (op == "Sign")
                y = (x > 0) - (x < 0);
            else if (op == "Not")
                y = x == 0;
            else if (op == "Sqrt" || op == "Reciprocal")
                return std::nullopt; // float-only ops
            continue;                // Floor, Ceil, Round: integers are whole already
        }
        const double x = a.reals[static_cast<std::size_t>(i)];
        double& y = out.reals[static_cast<std::size_t>(i)];
        if (op == "Neg")
            y = -x;
        else if (op == "Abs")
            y = std::abs(x);
        else if (op == "Floor")
            y = std::floor(x);
        else if (op == "Ceil")
            y = std::ceil(x);
        else if (op == "Round")
            y = std::nearbyint(x);
        else if (op == "Sqrt")
            y = std::sqrt(x);
        else if (op == "Reciprocal")
            y = 1 / x;
        else if (op == "Relu")
            y = std::max(0.0, x);
        else if (op == "Sign")
            y = (x > 0) - (x < 0);
        else if (op == "Not")
            return std::nullopt; // Not takes bool
    }
    return Values{std::move(out)};
}

Result castTo(const ConstValue& a, int to) {
    ConstValue out = make(to, a.dims);
    for (std::int64_t i = 0; i < a.size(); ++i) {
        if (to == TP::BOOL)
            out.ints[static_cast<std::size_t>(i)] = a.at(i) != 0;
        else if (out.isReal())
            out.reals[static_cast<std::size_t>(i)] = a.at(i);
        else
            out.ints[static_cast<std::size_t>(i)] = intAt(a, i);
    }
    return Values{std::move(out)};
}

/// Axes from the attribute (older opsets) or from input `k` (newer ones).
std::optional<std::vector<std::int64_t>> axesOf(const onnx::NodeProto& n, const EvalInputs& in, int k) {
    if (attr(n, "axes")) return intsAttr(n, "axes");
    if (k < n.input_size() && !n.input(k).empty()) {
        const ConstValue* v = in.value(n.input(k));
        if (!v) return std::nullopt;
        return asInts(*v);
    }
    return std::vector<std::int64_t>{};
}

Result squeezeOrUnsqueeze(const onnx::NodeProto& n, const EvalInputs& in, const ConstValue& a) {
    const auto axes = axesOf(n, in, 1);
    if (!axes) return std::nullopt;
    const bool unsq = n.op_type() == "Unsqueeze";
    if (unsq) {
        const std::size_t rank = a.dims.size() + axes->size();
        std::vector<bool> isNew(rank, false);
        for (auto ax : *axes) {
            const std::int64_t k = normAxis(ax, rank);
            if (k < 0 || k >= static_cast<std::int64_t>(rank)) return std::nullopt;
            isNew[static_cast<std::size_t>(k)] = true;
        }
        Shape dims;
        std::size_t src = 0;
        for (std::size_t d = 0; d < rank; ++d)
            dims.push_back(isNew[d] ? 1 : (src < a.dims.size() ? a.dims[src++] : 1));
        return Values{reshaped(a, dims)};
    }
    std::vector<bool> drop(a.dims.size(), axes->empty());
    for (auto ax : *axes) {
        const std::int64_t k = normAxis(ax, a.dims.size());
        if (k < 0 || k >= static_cast<std::int64_t>(a.dims.size())) return std::nullopt;
        drop[static_cast<std::size_t>(k)] = true;
    }
    Shape dims;
    for (std::size_t d = 0; d < a.dims.size(); ++d)
        if (!(drop[d] && a.dims[d] == 1)) dims.push_back(a.dims[d]);
    return Values{reshaped(a, dims)};
}

Result constantNode(const onnx::NodeProto& n) {
    for (const auto& a : n.attribute()) {
        if (a.name() == "value" && a.has_t()) {
            auto v = constFromTensor(a.t());
            if (!v) return std::nullopt;
            return Values{*v};
        }
        ConstValue v;
        if (a.name() == "value_int")
            v.ints = {a.i()};
        else if (a.name() == "value_ints")
            v.ints.assign(a.ints().begin(), a.ints().end()), v.dims = {a.ints_size()};
        else if (a.name() == "value_float")
            v.elemType = TP::FLOAT, v.reals = {a.f()};
        else if (a.name() == "value_floats")
            v.elemType = TP::FLOAT, v.reals.assign(a.floats().begin(), a.floats().end()),
            v.dims = {a.floats_size()};
        else
            continue;
        return Values{v};
    }
    return std::nullopt;
}

bool allInputs(const std::vector<const ConstValue*>& v) {
    return std::all_of(v.begin(), v.end(), [](const ConstValue* p) { return p != nullptr; });
}

// The first `k` inputs are known.
bool needInputs(const std::vector<const ConstValue*>& v, std::size_t k) {
    return v.size() >= k && std::all_of(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k),
                                        [](const ConstValue* p) { return p != nullptr; });
}

// Shape (with start/end) and Size need only the input's shape, not its values.
Result shapeNode(const onnx::NodeProto& n, const EvalInputs& in) {
    const std::string& op = n.op_type();
    const Shape* s = n.input_size() > 0 ? in.shape(n.input(0)) : nullptr;
    if (!s) return std::nullopt;
    if (op == "Size") {
        ConstValue out;
        out.ints = {elementCount(*s)};
        return Values{out};
    }
    const auto rank = static_cast<std::int64_t>(s->size());
    std::int64_t start = intAttr(n, "start").value_or(0), end = intAttr(n, "end").value_or(rank);
    start = std::clamp<std::int64_t>(start < 0 ? start + rank : start, 0, rank);
    end = std::clamp<std::int64_t>(end < 0 ? end + rank : end, 0, rank);
    ConstValue out;
    out.ints.assign(s->begin() + start, s->begin() + std::max(start, end));
    out.dims = {static_cast<std::int64_t>(out.ints.size())};
    return Values{out};
}

Result constantOfShape(const onnx::NodeProto& n, const std::vector<const ConstValue*>& v) {
    if (!needInputs(v, 1)) return std::nullopt;
    const Shape dims = asInts(*v[0]);
    if (count(dims) > kMaxEvalElems) return std::nullopt;
    ConstValue fill;
    fill.elemType = TP::FLOAT;
    fill.reals = {0.0};
    if (const auto* a = attr(n, "value"); a && a->has_t()) {
        auto f = constFromTensor(a->t());
        if (!f || f->size() != 1) return std::nullopt;
        fill = *f;
    }
    ConstValue out = make(fill.elemType, dims);
    for (std::int64_t i = 0; i < out.size(); ++i)
        fill.isReal() ? void(out.reals[static_cast<std::size_t>(i)] = fill.reals[0])
                      : void(out.ints[static_cast<std::size_t>(i)] = fill.ints[0]);
    return Values{std::move(out)};
}

Result range(const std::vector<const ConstValue*>& v) {
    if (!needInputs(v, 3)) return std::nullopt;
    const double start = v[0]->at(0), limit = v[1]->at(0), delta = v[2]->at(0);
    if (delta == 0) return std::nullopt;
    const double steps = std::max(0.0, std::ceil((limit - start) / delta));
    if (steps > kMaxEvalElems) return std::nullopt;
    ConstValue out = make(v[0]->elemType, {static_cast<std::int64_t>(steps)});
    for (std::int64_t i = 0; i < out.size(); ++i) {
        if (out.isReal())
            out.reals[static_cast<std::size_t>(i)] = start + static_cast<double>(i) * delta;
        else
            out.ints[static_cast<std::size_t>(i)] = toInt(start + static_cast<double>(i) * delta);
    }
    return Values{std::move(out)};
}

// Slice: starts/ends/axes as attributes before opset 10, as inputs (steps too) after.
Result sliceNode(const onnx::NodeProto& n, const EvalInputs& in, const std::vector<const ConstValue*>& v) {
    const ConstValue& a = *v[0];
    if (in.opset < 10 || attr(n, "starts"))
        return slice(a, intsAttr(n, "starts"), intsAttr(n, "ends"), intsAttr(n, "axes"), {});
    if (!needInputs(v, 3)) return std::nullopt;
    for (std::size_t k = 3; k < v.size(); ++k)
        if (!n.input(static_cast<int>(k)).empty() && !v[k]) return std::nullopt;
    return slice(a, asInts(*v[1]), asInts(*v[2]),
                 v.size() > 3 && v[3] ? asInts(*v[3]) : std::vector<std::int64_t>{},
                 v.size() > 4 && v[4] ? asInts(*v[4]) : std::vector<std::int64_t>{});
}

Result expandOrTile(const std::string& op, const ConstValue& a, const std::vector<const ConstValue*>& v) {
    if (!needInputs(v, 2)) return std::nullopt;
    const Shape arg = asInts(*v[1]);
    Shape dims;
    if (op == "Expand") {
        const auto b = broadcastShape({&a.dims, &arg});
        if (!b) return std::nullopt;
        dims = *b;
    } else {
        if (arg.size() != a.dims.size()) return std::nullopt;
        for (std::size_t d = 0; d < arg.size(); ++d)
            dims.push_back(a.dims[d] * arg[d]);
    }
    if (count(dims) > kMaxEvalElems) return std::nullopt;
    ConstValue out = make(a.elemType, dims);
    for (std::int64_t i = 0; i < out.size(); ++i) {
        Shape idx = unflatten(i, dims);
        if (op == "Tile")
            for (std::size_t d = 0; d < idx.size(); ++d)
                idx[d] %= a.dims[d];
        const std::int64_t src = op == "Tile" ? [&] {
            std::int64_t s = 0;
            const Shape st = stridesOf(a.dims);
            for (std::size_t d = 0; d < idx.size(); ++d)
                s += idx[d] * st[d];
            return s;
        }() : broadcastIndex(idx, a.dims);
        if (out.isReal())
            out.reals[static_cast<std::size_t>(i)] = a.reals[static_cast<std::size_t>(src)];
        else
            out.ints[static_cast<std::size_t>(i)] = a.ints[static_cast<std::size_t>(src)];
    }
    return Values{std::move(out)};
}

// Min, Max and Sum over any number of inputs, folded pairwise.
Result variadic(const std::string& op, const onnx::NodeProto& n, const std::vector<const ConstValue*>& v) {
    Values acc{*v[0]};
    for (std::size_t k = 1; k < v.size(); ++k) {
        auto r = binary(op == "Sum" ? "Add" : op, n, acc[0], *v[k]);
        if (!r) return std::nullopt;
        acc = *r;
    }
    return acc;
}

Result evaluate(const onnx::NodeProto& n, const EvalInputs& in, const std::vector<const ConstValue*>& v) {
    const std::string& op = n.op_type();
    auto all = [&] { return allInputs(v); };
    auto need = [&](std::size_t k) { return needInputs(v, k); };
    if (op == "Constant") return constantNode(n);
    if (op == "Shape" || op == "Size") return shapeNode(n, in);
    if (op == "ConstantOfShape") return constantOfShape(n, v);
    if (op == "Range") return range(v);
    if (v.empty() || !v[0]) return std::nullopt;
    const ConstValue& a = *v[0];
    if (op == "Identity") return Values{a};
    if (op == "Cast") {
        const auto to = intAttr(n, "to");
        return to ? castTo(a, static_cast<int>(*to)) : std::nullopt;
    }
    if (op == "Reshape") {
        if (!need(2)) return std::nullopt;
        return reshape(a, asInts(*v[1]), intAttr(n, "allowzero").value_or(0) != 0);
    }
    if (op == "Flatten") {
        const std::int64_t axis = normAxis(intAttr(n, "axis").value_or(1), a.dims.size());
        std::int64_t outer = 1;
        for (std::int64_t d = 0; d < axis; ++d)
            outer *= a.dims[static_cast<std::size_t>(d)];
        return Values{reshaped(a, {outer, outer == 0 ? 0 : a.size() / outer})};
    }
    if (op == "Squeeze" || op == "Unsqueeze") return squeezeOrUnsqueeze(n, in, a);
    if (op == "Transpose") return transpose(a, intsAttr(n, "perm"));
    if (op == "Gather") {
        if (!need(2)) return std::nullopt;
        return gather(a, *v[1], intAttr(n, "axis").value_or(0));
    }
    if (op == "Slice") return sliceNode(n, in, v);
    if (op == "Concat") return all() ? concat(v, intAttr(n, "axis").value_or(0)) : std::nullopt;
    if (op == "Expand" || op == "Tile") return expandOrTile(op, a, v);
    if (op.rfind("Reduce", 0) == 0 && (op == "ReduceProd" || op == "ReduceSum" || op == "ReduceMin" ||
                                       op == "ReduceMax" || op == "ReduceMean")) {
        // Axes became an input in opset 13 (ReduceSum) and 18 (the others).
        const bool axesInput = !attr(n, "axes") && n.input_size() > 1;
        const auto axes = axesInput ? axesOf(n, in, 1) : std::optional(intsAttr(n, "axes"));
        if (!axes) return std::nullopt;
        return reduce(op, a, *axes, intAttr(n, "keepdims").value_or(1) != 0,
                      intAttr(n, "noop_with_empty_axes").value_or(0) != 0);
    }
    if (op == "Where") {
        if (!need(3)) return std::nullopt;
        if (v[1]->isReal() != v[2]->isReal()) return std::nullopt;
        return elementwise({v[0], v[1], v[2]}, v[1]->elemType, [&](const std::vector<std::int64_t>& at) {
            return intAt(*v[0], at[0]) != 0 ? v[1]->at(at[1]) : v[2]->at(at[2]);
        });
    }
    if (op == "Not" || op == "Neg" || op == "Abs" || op == "Floor" || op == "Ceil" || op == "Round" ||
        op == "Sqrt" || op == "Reciprocal" || op == "Relu" || op == "Sign")
        return unary(op, a);
    if ((op == "Min" || op == "Max" || op == "Sum") && all()) return variadic(op, n, v);
    static const char* binaries[] = {
        "Add", "Sub", "Mul", "Div", "Mod", "Pow", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual",
        "And", "Or"};
    if (std::find_if(std::begin(binaries), std::end(binaries), [&](const char* b) { return op == b; }) !=
            std::end(binaries) &&
        need(2))
        return binary(op, n, a, *v[1]);
    return std::nullopt;
}

} // namespace

std::optional<std::vector<ConstValue>> evaluateNode(const onnx::NodeProto& n, const EvalInputs& in) {
    if (!isStandardDomain(n.domain()) || isControlFlow(n)) return std::nullopt;
    std::vector<const ConstValue*> v;
    for (const auto& name : n.input())
        v.push_back(name.empty() ? nullptr : in.value(name));
    try {
        auto r = evaluate(n, in, v);
        if (!r || static_cast<int>(r->size()) < 1) return std::nullopt;
        for (const ConstValue& out : *r)
            if (count(out.dims) != out.size() || out.size() > kMaxEvalElems) return std::nullopt;
        return r;
    } catch (const std::exception&) {
        return std::nullopt; // a malformed node: inference will say what is wrong with it
    }
}

} // namespace bs::onnximport
