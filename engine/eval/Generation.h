#pragma once
// LLM generation as a scenario (static batching): a batch of sequences with the same prompt
// length is prefilled in one pass, then decoded one token per sequence per step while the KV
// cache grows from the prompt to prompt + output. Built on a decoder zoo model in its two phases
// and on evaluate(); the formulas are in docs/MODEL.md §11.
#include "eval/Evaluator.h"
#include "zoo/ModelZoo.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bs {

/// Prompt and output lengths of every sequence in the batch.
struct GenerationLengths {
    int input = 512;  ///< prompt tokens
    int output = 128; ///< generated tokens (the first one comes from the prefill)
};

/// The models a generation evaluates, built once for all batches: the prefill over the prompt and
/// the decode step at the KV lengths the mean step time is integrated over.
class GenerationModels {
  public:
    /// `model`: a decoder LLM (ModelDescriptor::isDecoder(): `llm` or a config) at `knobs`; phase,
    /// seq and context are set here (giving them is an EngineError naming them). Throws
    /// EngineError for another model, ZooError for invalid knobs.
    GenerationModels(const ModelDescriptor& model, const KnobValues& knobs, GenerationLengths lengths);

    const GenerationLengths& lengths() const { return lengths_; }
    const PreparedModel& prefill() const { return *prefill_; }
    /// Decode steps at these KV lengths, with the weights of their share of the output − 1 steps.
    struct DecodeSample {
        int context = 0;
        double weight = 0; ///< sums to 1 over the samples
        std::shared_ptr<const PreparedModel> model;
    };
    const std::vector<DecodeSample>& decodeSamples() const { return samples_; }
    /// The decode step at the longest context (the last step): what memory must hold.
    const PreparedModel& lastDecode() const { return *samples_.back().model; }
    /// KV-cache bytes per sequence once all tokens are generated, at `bytesPerElement`.
    double kvBytesPerSequence(double bytesPerElement) const;
    /// Peak activations per sequence on `on`'s runtime and precision: the larger of the prefill's
    /// (less the prompt's K/V, which the KV cache counts) and the last decode step's.
    double activationBytesPerSequence(const EvalInput& on) const;

  private:
    GenerationLengths lengths_;
    std::shared_ptr<const PreparedModel> prefill_;
    std::vector<DecodeSample> samples_;
    DecoderSpec spec_;
};

/// One batch of a generation on a chip.
struct GenerationPoint {
    int batch = 1;
    double ttft_s = 0;                  ///< time to first token: the batch's prefill
    double tpot_s = 0;                  ///< time per output token: the mean decode step
    double e2e_s = 0;                   ///< ttft + (output − 1) · tpot
    double outputTokensPerS = 0;        ///< batch · output / e2e (the device's)
    double outputTokensPerSPerUser = 0; ///< 1 / tpot (one sequence's decode speed)
    double energyPerToken_j = 0;        ///< (prefill + every decode step) ÷ (batch · output)
    double power_w = 0;                 ///< average board power over e2e
    double weightBytes = 0;             ///< parameters in device memory
    double kvCacheBytes = 0;            ///< batch · KV per sequence at prompt + output tokens
    double activationBytes = 0;         ///< the larger of the prefill's and the last decode step's
    double peakMemoryBytes = 0;         ///< weights + KV cache + activations
    bool fitsMemory = true;
    Totals prefill;    ///< the prefill of the batch
    Totals lastDecode; ///< the last decode step (longest context)
};

/// Evaluates the generation at `batch` on the chip, precision and runtime of `on` (its model is not
/// used).
GenerationPoint evaluateGeneration(const GenerationModels& models, const EvalInput& on, int batch);

/// The largest batch whose weights, KV cache and activations fit the device memory (0: not even
/// batch 1; nullopt: nothing grows with the batch).
std::optional<long long> largestGenerationBatch(const GenerationModels& models, const EvalInput& on);

/// "does not fit: needs 145.2 GB of 85.9 GB (weights 137.9 GB, KV cache 6.4 GB, activations
/// 0.9 GB); 59.3 GB over" for a point that does not fit, else "".
std::string memoryVerdict(const GenerationPoint& p, double capacityBytes);

/// The highest-throughput batch whose TTFT and TPOT are within the targets (either may be absent)
/// among the points that fit; nullopt when none qualifies.
std::optional<int> bestBatchWithinTargets(const std::vector<GenerationPoint>& points,
                                          std::optional<double> ttft_s, std::optional<double> tpot_s);
/// Whether `p` meets the targets (absent targets are met).
bool meetsTargets(const GenerationPoint& p, std::optional<double> ttft_s, std::optional<double> tpot_s);

} // namespace bs
