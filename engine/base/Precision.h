#pragma once
// Numeric precisions a scenario can run at. Each has a storage size in bytes (weights and
// activations are stored at the compute precision; tf32 is stored as fp32) and a canonical
// lower-case name used in presets, on the command line and in exports.
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace bs {

enum class Precision { FP32, TF32, FP16, BF16, FP8, INT8 };

inline constexpr std::array<Precision, 6> kAllPrecisions = {
    Precision::FP32, Precision::TF32, Precision::FP16, Precision::BF16, Precision::FP8, Precision::INT8};

/// Bytes one element occupies in memory at this precision.
double bytesPerElement(Precision p);
std::string_view precisionName(Precision p);
std::optional<Precision> parsePrecision(std::string_view name);
/// "fp32, tf32, fp16, bf16, fp8, int8" — for error messages and --help.
std::string precisionList();

} // namespace bs
