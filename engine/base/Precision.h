#pragma once
// Numeric precisions a scenario can run at. Each has a storage size in bytes (weights and
// activations are stored at the compute precision; tf32 is stored as fp32) and a canonical
// lower-case name used in presets, on the command line and in exports.
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace bs {

enum class Precision { FP32, TF32, FP16, BF16, FP8, INT8, INT4 };

inline constexpr std::array<Precision, 7> kAllPrecisions = {Precision::FP32, Precision::TF32, Precision::FP16,
                                                            Precision::BF16, Precision::FP8,  Precision::INT8,
                                                            Precision::INT4};

/// Bytes one element occupies in memory at this precision.
double bytesPerElement(Precision p);
std::string_view precisionName(Precision p);
std::optional<Precision> parsePrecision(std::string_view name);
/// "fp32, tf32, fp16, bf16, fp8, int8, int4" — for error messages and --help.
std::string precisionList();

/// A quantization scheme (docs/MODEL.md §18): the precisions weights and the KV cache are stored
/// at where they differ from the scenario's precision, which the activations and the arithmetic
/// use (the chip must have its peak). W4A16 with groups of 128 = {int4, none, 128} at fp16; W8A8
/// = int8 everywhere (no scheme, precision int8); fp8 KV cache = {none, fp8, 0}.
struct Quantization {
    std::optional<Precision> weights; ///< GEMM/conv/expert matrices (quantizedWeight()); none: as computed
    std::optional<Precision> kv;      ///< the KV cache; none: as computed
    int groupSize = 0; ///< weights share one fp16 scale per group of this many (0: per channel)
    bool any() const { return weights || kv || groupSize > 0; }
    bool operator==(const Quantization&) const = default;
};
/// Bytes per quantized weight element: the weight precision's, plus a 2-byte scale per group.
double weightBytesPerElement(const Quantization& q, Precision compute);
double kvBytesPerElement(const Quantization& q, Precision compute);
/// Weights narrower than the arithmetic are dequantized in the kernel (W4A16, fp8 weights at bf16).
bool dequantizes(const Quantization& q, Precision compute);
/// Weights wider than the arithmetic (fp32 master weights under mixed precision) are cast to it by
/// a kernel of their own on every call.
bool castsWeights(const Quantization& q, Precision compute);
/// "weights int4 g128, kv fp8" (only what differs from `compute`), "" for no scheme.
std::string quantizationLabel(const Quantization& q, Precision compute);
/// Why the scheme is not one the engine models ("" when it is): a group size without narrower
/// weights, or out of 1..65536.
std::string quantizationProblem(const Quantization& q, Precision compute);

} // namespace bs
