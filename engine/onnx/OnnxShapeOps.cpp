#include "onnx/OnnxShapeOps.h"

#include <algorithm>
#include <cstring>

namespace bs::onnximport {

namespace shapeops {

/// Copies elements of `a` into a new shape (Reshape, Squeeze, Unsqueeze, Flatten, Identity).
ConstValue reshaped(const ConstValue& a, Shape dims) {
    ConstValue out = a;
    out.dims = std::move(dims);
    return out;
}

/// PyTorch's F.pad exports reshape the pads to [-1, 2], flip and transpose them.
Result transpose(const ConstValue& a, std::vector<std::int64_t> perm) {
    const std::size_t rank = a.dims.size();
    if (perm.empty())
        for (std::size_t d = rank; d-- > 0;)
            perm.push_back(static_cast<std::int64_t>(d));
    if (perm.size() != rank) return std::nullopt;
    Shape dims;
    for (auto p : perm) {
        if (p < 0 || p >= static_cast<std::int64_t>(rank)) return std::nullopt;
        dims.push_back(a.dims[static_cast<std::size_t>(p)]);
    }
    ConstValue out = make(a.elemType, dims);
    const Shape src = stridesOf(a.dims);
    for (std::int64_t i = 0; i < out.size(); ++i) {
        const Shape idx = unflatten(i, dims);
        std::int64_t from = 0;
        for (std::size_t d = 0; d < rank; ++d)
            from += idx[d] * src[static_cast<std::size_t>(perm[d])];
        if (a.isReal())
            out.reals[static_cast<std::size_t>(i)] = a.reals[static_cast<std::size_t>(from)];
        else
            out.ints[static_cast<std::size_t>(i)] = a.ints[static_cast<std::size_t>(from)];
    }
    return Values{std::move(out)};
}

Result reshape(const ConstValue& a, const std::vector<std::int64_t>& target, bool allowZero) {
    Shape dims;
    std::int64_t known = 1, infer = -1;
    for (std::size_t i = 0; i < target.size(); ++i) {
        std::int64_t d = target[i];
        if (d == 0 && !allowZero) {
            if (i >= a.dims.size()) return std::nullopt;
            d = a.dims[i];
        }
        if (d == -1) {
            if (infer >= 0) return std::nullopt;
            infer = static_cast<std::int64_t>(i);
            dims.push_back(1);
            continue;
        }
        if (d < 0) return std::nullopt;
        known *= d;
        dims.push_back(d);
    }
    if (infer >= 0) {
        if (known == 0 || a.size() % known != 0) return std::nullopt;
        dims[static_cast<std::size_t>(infer)] = a.size() / known;
    }
    if (count(dims) != a.size()) return std::nullopt;
    return Values{reshaped(a, dims)};
}

/// Gathers along `axis` with `indices` (negative ones count from the end).
Result gather(const ConstValue& data, const ConstValue& indices, std::int64_t axisAttr) {
    const std::int64_t axis = normAxis(axisAttr, data.dims.size());
    if (axis < 0 || axis >= static_cast<std::int64_t>(data.dims.size())) return std::nullopt;
    const auto ax = static_cast<std::size_t>(axis);
    Shape dims(data.dims.begin(), data.dims.begin() + axis);
    dims.insert(dims.end(), indices.dims.begin(), indices.dims.end());
    dims.insert(dims.end(), data.dims.begin() + axis + 1, data.dims.end());
    if (count(dims) > kMaxEvalElems) return std::nullopt;
    ConstValue out = make(data.elemType, dims);
    const Shape dstr = stridesOf(data.dims);
    const std::size_t ir = indices.dims.size();
    for (std::int64_t i = 0; i < out.size(); ++i) {
        const Shape idx = unflatten(i, dims);
        Shape iidx(idx.begin() + axis, idx.begin() + axis + static_cast<std::int64_t>(ir));
        std::int64_t k = intAt(indices, ir == 0 ? 0 : broadcastIndex(iidx, indices.dims));
        if (k < 0) k += data.dims[ax];
        if (k < 0 || k >= data.dims[ax]) return std::nullopt;
        std::int64_t src = 0;
        for (std::size_t d = 0; d < data.dims.size(); ++d) {
            const std::int64_t at = d < ax ? idx[d] : d == ax ? k : idx[d - 1 + ir];
            src += at * dstr[d];
        }
        set(out, i, data.at(src));
        if (!data.isReal()) out.ints[static_cast<std::size_t>(i)] = intAt(data, src);
    }
    return Values{std::move(out)};
}

Result slice(const ConstValue& data, std::vector<std::int64_t> starts, std::vector<std::int64_t> ends,
             std::vector<std::int64_t> axes, std::vector<std::int64_t> steps) {
    const std::size_t rank = data.dims.size();
    if (axes.empty())
        for (std::size_t i = 0; i < starts.size(); ++i)
            axes.push_back(static_cast<std::int64_t>(i));
    if (steps.empty()) steps.assign(starts.size(), 1);
    if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size())
        return std::nullopt;
    Shape begin(rank, 0), step(rank, 1), dims = data.dims;
    for (std::size_t i = 0; i < axes.size(); ++i) {
        const std::int64_t a = normAxis(axes[i], rank);
        if (a < 0 || a >= static_cast<std::int64_t>(rank) || steps[i] == 0) return std::nullopt;
        const std::int64_t len = data.dims[static_cast<std::size_t>(a)];
        auto clampIdx = [&](std::int64_t v, bool isEnd) {
            if (v < 0) v += len;
            if (steps[i] > 0) return std::clamp<std::int64_t>(v, 0, len);
            return std::clamp<std::int64_t>(v, -1, len - 1) + (isEnd ? 0 : 0);
        };
        const std::int64_t s = clampIdx(starts[i], false), e = clampIdx(ends[i], true);
        const std::int64_t n = steps[i] > 0 ? std::max<std::int64_t>(0, (e - s + steps[i] - 1) / steps[i])
                                            : std::max<std::int64_t>(0, (s - e - steps[i] - 1) / -steps[i]);
        begin[static_cast<std::size_t>(a)] = s;
        step[static_cast<std::size_t>(a)] = steps[i];
        dims[static_cast<std::size_t>(a)] = n;
    }
    ConstValue out = make(data.elemType, dims);
    const Shape dstr = stridesOf(data.dims);
    for (std::int64_t i = 0; i < out.size(); ++i) {
        const Shape idx = unflatten(i, dims);
        std::int64_t src = 0;
        for (std::size_t d = 0; d < rank; ++d)
            src += (begin[d] + idx[d] * step[d]) * dstr[d];
        if (data.isReal())
            out.reals[static_cast<std::size_t>(i)] = data.reals[static_cast<std::size_t>(src)];
        else
            out.ints[static_cast<std::size_t>(i)] = data.ints[static_cast<std::size_t>(src)];
    }
    return Values{std::move(out)};
}

Result concat(const std::vector<const ConstValue*>& in, std::int64_t axisAttr) {
    if (in.empty()) return std::nullopt;
    const std::size_t rank = in[0]->dims.size();
    const std::int64_t axis = normAxis(axisAttr, rank);
    if (axis < 0 || axis >= static_cast<std::int64_t>(rank)) return std::nullopt;
    const auto ax = static_cast<std::size_t>(axis);
    Shape dims = in[0]->dims;
    dims[ax] = 0;
    for (const ConstValue* v : in) {
        if (v->dims.size() != rank || v->isReal() != in[0]->isReal()) return std::nullopt;
        for (std::size_t d = 0; d < rank; ++d)
            if (d != ax && v->dims[d] != in[0]->dims[d]) return std::nullopt;
        dims[ax] += v->dims[ax];
    }
    if (count(dims) > kMaxEvalElems) return std::nullopt;
    ConstValue out = make(in[0]->elemType, dims);
    for (std::int64_t i = 0; i < out.size(); ++i) {
        Shape idx = unflatten(i, dims);
        for (const ConstValue* v : in) {
            if (idx[ax] < v->dims[ax]) {
                const Shape s = stridesOf(v->dims);
                std::int64_t src = 0;
                for (std::size_t d = 0; d < rank; ++d)
                    src += idx[d] * s[d];
                if (out.isReal())
                    out.reals[static_cast<std::size_t>(i)] = v->reals[static_cast<std::size_t>(src)];
                else
                    out.ints[static_cast<std::size_t>(i)] = v->ints[static_cast<std::size_t>(src)];
                break;
            }
            idx[ax] -= v->dims[ax];
        }
    }
    return Values{std::move(out)};
}

Result reduce(const std::string& op, const ConstValue& a, std::vector<std::int64_t> axes, bool keepDims,
              bool noopWithEmptyAxes) {
    const std::size_t rank = a.dims.size();
    if (axes.empty()) {
        if (noopWithEmptyAxes) return Values{a};
        for (std::size_t i = 0; i < rank; ++i)
            axes.push_back(static_cast<std::int64_t>(i));
    }
    std::vector<bool> reduced(rank, false);
    for (auto ax : axes) {
        const std::int64_t n = normAxis(ax, rank);
        if (n < 0 || n >= static_cast<std::int64_t>(rank)) return std::nullopt;
        reduced[static_cast<std::size_t>(n)] = true;
    }
    Shape keep;
    for (std::size_t d = 0; d < rank; ++d)
        keep.push_back(reduced[d] ? 1 : a.dims[d]);
    ConstValue out = make(a.elemType, keep);
    std::vector<bool> seen(static_cast<std::size_t>(out.size()), false);
    for (std::int64_t i = 0; i < a.size(); ++i) {
        const std::int64_t o = broadcastIndex(unflatten(i, a.dims), keep);
        const auto oi = static_cast<std::size_t>(o);
        const double x = a.at(i), cur = out.at(o);
        double y = x;
        if (seen[oi]) {
            if (op == "ReduceProd")
                y = cur * x;
            else if (op == "ReduceSum" || op == "ReduceMean")
                y = cur + x;
            else if (op == "ReduceMin")
                y = std::min(cur, x);
            else if (op == "ReduceMax")
                y = std::max(cur, x);
        }
        seen[oi] = true;
        set(out, o, y);
    }
    if (op == "ReduceMean") {
        const std::int64_t per = out.size() == 0 ? 1 : a.size() / out.size();
        for (std::int64_t o = 0; o < out.size(); ++o)
            set(out, o, out.at(o) / static_cast<double>(per));
    }
    if (!keepDims) {
        Shape dims;
        for (std::size_t d = 0; d < rank; ++d)
            if (!reduced[d]) dims.push_back(a.dims[d]);
        out.dims = dims;
    }
    return Values{std::move(out)};
}

} // namespace shapeops

using namespace shapeops;

bool ConstValue::isReal() const {
    return isRealType(elemType);
}

std::int64_t ConstValue::size() const {
    return isReal() ? std::int64_t(reals.size()) : std::int64_t(ints.size());
}

bool valuesReadable(const onnx::TensorProto& t) {
    // Shape arithmetic is on integers and a few float scales; float weights are not decoded.
    std::int64_t n = 1;
    for (auto d : t.dims())
        n = d >= 0 && n <= kMaxEvalElems ? n * d : kMaxEvalElems + 1;
    return n <= kMaxEvalElems && !(isRealType(t.data_type()) && n > kMaxEvalRealElems);
}

std::optional<ConstValue> constFromTensor(const onnx::TensorProto& t) {
    if (t.data_location() == TP::EXTERNAL) return std::nullopt;
    ConstValue v;
    v.elemType = t.data_type();
    v.dims.assign(t.dims().begin(), t.dims().end());
    if (!valuesReadable(t)) return std::nullopt;
    const std::int64_t n = count(v.dims);
    const std::string& raw = t.raw_data();
    auto fromRaw = [&](auto sample, auto&& push) {
        using T = decltype(sample);
        if (raw.size() != static_cast<std::size_t>(n) * sizeof(T)) return false;
        for (std::int64_t i = 0; i < n; ++i) {
            T x;
            std::memcpy(&x, raw.data() + i * static_cast<std::int64_t>(sizeof(T)), sizeof(T));
            push(x);
        }
        return true;
    };
    auto pushInt = [&](auto x) { v.ints.push_back(static_cast<std::int64_t>(x)); };
    auto pushReal = [&](auto x) { v.reals.push_back(static_cast<double>(x)); };
    bool ok = true;
    const bool hasRaw = t.has_raw_data();
    switch (t.data_type()) {
    case TP::INT64:
        if (hasRaw)
            ok = fromRaw(std::int64_t{}, pushInt);
        else
            v.ints.assign(t.int64_data().begin(), t.int64_data().end());
        break;
    case TP::INT32:
    case TP::INT16:
    case TP::INT8:
    case TP::UINT8:
    case TP::UINT16:
    case TP::BOOL:
        if (hasRaw) {
            if (t.data_type() == TP::INT32)
                ok = fromRaw(std::int32_t{}, pushInt);
            else if (t.data_type() == TP::INT16)
                ok = fromRaw(std::int16_t{}, pushInt);
            else if (t.data_type() == TP::INT8)
                ok = fromRaw(std::int8_t{}, pushInt);
            else if (t.data_type() == TP::UINT16)
                ok = fromRaw(std::uint16_t{}, pushInt);
            else
                ok = fromRaw(std::uint8_t{}, pushInt);
        } else {
            v.ints.assign(t.int32_data().begin(), t.int32_data().end());
        }
        break;
    case TP::UINT32:
    case TP::UINT64:
        if (hasRaw)
            ok = t.data_type() == TP::UINT32 ? fromRaw(std::uint32_t{}, pushInt)
                                             : fromRaw(std::uint64_t{}, pushInt);
        else
            v.ints.assign(t.uint64_data().begin(), t.uint64_data().end());
        break;
    case TP::FLOAT:
        if (hasRaw)
            ok = fromRaw(float{}, pushReal);
        else
            v.reals.assign(t.float_data().begin(), t.float_data().end());
        break;
    case TP::DOUBLE:
        if (hasRaw)
            ok = fromRaw(double{}, pushReal);
        else
            v.reals.assign(t.double_data().begin(), t.double_data().end());
        break;
    default:
        return std::nullopt; // float16, strings, complex: not used for shapes
    }
    if (!ok || v.size() != n) return std::nullopt;
    return v;
}

onnx::TensorProto tensorFromConst(const ConstValue& v, const std::string& name) {
    TP t;
    t.set_name(name);
    t.set_data_type(v.elemType);
    for (auto d : v.dims)
        t.add_dims(d);
    switch (v.elemType) {
    case TP::INT64:
        for (auto x : v.ints)
            t.add_int64_data(x);
        break;
    case TP::UINT32:
    case TP::UINT64:
        for (auto x : v.ints)
            t.add_uint64_data(static_cast<std::uint64_t>(x));
        break;
    case TP::DOUBLE:
        for (auto x : v.reals)
            t.add_double_data(x);
        break;
    case TP::FLOAT:
        for (auto x : v.reals)
            t.add_float_data(static_cast<float>(x));
        break;
    default: // int32, int16, int8, uint8, uint16, bool
        for (auto x : v.ints)
            t.add_int32_data(static_cast<std::int32_t>(x));
    }
    return t;
}

} // namespace bs::onnximport
