#include "base/Precision.h"

namespace bs {

double bytesPerElement(Precision p) {
    switch (p) {
    case Precision::FP32:
    case Precision::TF32:
        return 4.0;
    case Precision::FP16:
    case Precision::BF16:
        return 2.0;
    case Precision::FP8:
    case Precision::INT8:
        return 1.0;
    case Precision::INT4:
        return 0.5;
    }
    return 4.0;
}

std::string_view precisionName(Precision p) {
    switch (p) {
    case Precision::FP32:
        return "fp32";
    case Precision::TF32:
        return "tf32";
    case Precision::FP16:
        return "fp16";
    case Precision::BF16:
        return "bf16";
    case Precision::FP8:
        return "fp8";
    case Precision::INT8:
        return "int8";
    case Precision::INT4:
        return "int4";
    }
    return "fp32";
}

std::optional<Precision> parsePrecision(std::string_view name) {
    for (Precision p : kAllPrecisions)
        if (precisionName(p) == name) return p;
    return std::nullopt;
}

double weightBytesPerElement(const Quantization& q, Precision compute) {
    const double scales = q.groupSize > 0 ? 2.0 / q.groupSize : 0.0;
    return bytesPerElement(q.weights.value_or(compute)) + scales;
}

double kvBytesPerElement(const Quantization& q, Precision compute) {
    return bytesPerElement(q.kv.value_or(compute));
}

bool dequantizes(const Quantization& q, Precision compute) {
    return bytesPerElement(q.weights.value_or(compute)) < bytesPerElement(compute);
}

bool castsWeights(const Quantization& q, Precision compute) {
    return bytesPerElement(q.weights.value_or(compute)) > bytesPerElement(compute);
}

std::string quantizationLabel(const Quantization& q, Precision compute) {
    std::string out;
    if (q.weights && *q.weights != compute) out = "weights " + std::string(precisionName(*q.weights));
    if (q.groupSize > 0) out += (out.empty() ? "weights g" : " g") + std::to_string(q.groupSize);
    if (q.kv && *q.kv != compute) out += (out.empty() ? "kv " : ", kv ") + std::string(precisionName(*q.kv));
    return out;
}

std::string quantizationProblem(const Quantization& q, Precision compute) {
    if (q.groupSize < 0 || q.groupSize > 65536) return "group size must be in 1..65536";
    if (q.groupSize > 0 && !dequantizes(q, compute))
        return "a group size applies to weights narrower than the arithmetic (e.g. int4 weights at fp16)";
    return {};
}

std::string precisionList() {
    std::string out;
    for (Precision p : kAllPrecisions) {
        if (!out.empty()) out += ", ";
        out += precisionName(p);
    }
    return out;
}

} // namespace bs
