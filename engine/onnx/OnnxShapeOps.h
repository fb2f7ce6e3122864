#pragma once
// Internal to the shape evaluator (OnnxShapeEval.cpp): small dense tensors and the operations on
// them that are more than a line (layout changes, gathers, slices, concatenation, reductions),
// and the conversion between ConstValue and TensorProto. Indices are row-major int64.
#include "onnx/OnnxShapeEval.h"

#include <climits>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

namespace bs::onnximport::shapeops {

using TP = onnx::TensorProto;
using Values = std::vector<ConstValue>;
using Result = std::optional<Values>;

inline bool isRealType(int t) {
    return t == TP::FLOAT || t == TP::DOUBLE || t == TP::FLOAT16 || t == TP::BFLOAT16;
}

inline std::int64_t count(const Shape& s) {
    std::int64_t n = 1;
    for (auto d : s) {
        if (d < 0 || (d > 0 && n > kMaxEvalElems / d)) return kMaxEvalElems + 1;
        n *= d;
    }
    return n;
}

inline ConstValue make(int type, Shape dims) {
    ConstValue v;
    v.elemType = type;
    v.dims = std::move(dims);
    const auto n = static_cast<std::size_t>(count(v.dims));
    if (v.isReal())
        v.reals.assign(n, 0.0);
    else
        v.ints.assign(n, 0);
    return v;
}

/// A double as int64, saturating (a cast of an out-of-range double is undefined behaviour).
inline std::int64_t toInt(double x) {
    if (std::isnan(x)) return 0;
    if (x >= 9.2e18) return INT64_MAX;
    if (x <= -9.2e18) return INT64_MIN;
    return static_cast<std::int64_t>(x);
}

inline void set(ConstValue& v, std::int64_t i, double x) {
    if (v.isReal())
        v.reals[static_cast<std::size_t>(i)] = x;
    else
        v.ints[static_cast<std::size_t>(i)] = toInt(x);
}

/// Integer elements as int64 exactly (doubles lose precision past 2^53).
inline std::int64_t intAt(const ConstValue& v, std::int64_t i) {
    return v.isReal() ? toInt(v.reals[static_cast<std::size_t>(i)]) : v.ints[static_cast<std::size_t>(i)];
}

inline std::vector<std::int64_t> asInts(const ConstValue& v) {
    std::vector<std::int64_t> out;
    for (std::int64_t i = 0; i < v.size(); ++i)
        out.push_back(intAt(v, i));
    return out;
}

inline Shape stridesOf(const Shape& dims) {
    Shape s(dims.size(), 1);
    for (std::size_t i = dims.size(); i-- > 1;)
        s[i - 1] = s[i] * dims[i];
    return s;
}

/// Row-major multi-index of flat index `flat` in `dims`.
inline Shape unflatten(std::int64_t flat, const Shape& dims) {
    Shape idx(dims.size(), 0);
    for (std::size_t i = dims.size(); i-- > 0;) {
        idx[i] = dims[i] == 0 ? 0 : flat % dims[i];
        flat = dims[i] == 0 ? 0 : flat / dims[i];
    }
    return idx;
}

/// Flat index into `dims` of the output multi-index `idx` under numpy broadcasting.
inline std::int64_t broadcastIndex(const Shape& idx, const Shape& dims) {
    std::int64_t flat = 0, stride = 1;
    const std::size_t offset = idx.size() - dims.size();
    for (std::size_t i = dims.size(); i-- > 0;) {
        if (dims[i] != 1) flat += idx[i + offset] * stride;
        stride *= dims[i];
    }
    return flat;
}

inline std::optional<Shape> broadcastShape(const std::vector<const Shape*>& shapes) {
    std::size_t rank = 0;
    for (const Shape* s : shapes)
        rank = std::max(rank, s->size());
    Shape out(rank, 1);
    for (const Shape* s : shapes)
        for (std::size_t i = 0; i < s->size(); ++i) {
            std::int64_t& o = out[rank - s->size() + i];
            const std::int64_t d = (*s)[i];
            if (d == o || d == 1) continue;
            if (o != 1) return std::nullopt;
            o = d;
        }
    return out;
}

inline std::int64_t normAxis(std::int64_t axis, std::size_t rank) {
    return axis < 0 ? axis + static_cast<std::int64_t>(rank) : axis;
}

/// Copies elements of `a` into a new shape (Reshape, Squeeze, Unsqueeze, Flatten, Identity).
ConstValue reshaped(const ConstValue& a, Shape dims);

/// PyTorch's F.pad exports reshape the pads to [-1, 2], flip and transpose them.
Result transpose(const ConstValue& a, std::vector<std::int64_t> perm);

Result reshape(const ConstValue& a, const std::vector<std::int64_t>& target, bool allowZero);

/// Gathers along `axis` with `indices` (negative ones count from the end).
Result gather(const ConstValue& data, const ConstValue& indices, std::int64_t axisAttr);

Result concat(const std::vector<const ConstValue*>& in, std::int64_t axisAttr);

/// ONNX Slice: clamped bounds, negative steps; empty axes/steps mean all axes / step 1.
Result slice(const ConstValue& data, std::vector<std::int64_t> starts, std::vector<std::int64_t> ends,
             std::vector<std::int64_t> axes, std::vector<std::int64_t> steps);

/// ReduceProd/Sum/Min/Max/Mean over `axes` (all when empty, unless noopWithEmptyAxes).
Result reduce(const std::string& op, const ConstValue& a, std::vector<std::int64_t> axes, bool keepDims,
              bool noopWithEmptyAxes);

} // namespace bs::onnximport::shapeops
