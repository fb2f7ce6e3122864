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
    }
    return "fp32";
}

std::optional<Precision> parsePrecision(std::string_view name) {
    for (Precision p : kAllPrecisions)
        if (precisionName(p) == name) return p;
    return std::nullopt;
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
