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
    /// `stepTokens` > 1: the decode samples process that many new tokens per sequence (a
    /// speculative verification pass). `prefillChunk` > 0: a prefill over that many tokens is also
    /// built (continuous batching's chunk).
    /// A `sharding` over several devices: every graph is one device's (ModelZoo::build), and
    /// memory is per device.
    GenerationModels(const ModelDescriptor& model, const KnobValues& knobs, GenerationLengths lengths,
                     int stepTokens = 1, int prefillChunk = 0, const Sharding& sharding = {});

    const GenerationLengths& lengths() const { return lengths_; }
    const PreparedModel& prefill() const { return *prefill_; }
    /// The prefill over `prefillChunk` tokens (null when none was asked for).
    const PreparedModel* chunk() const { return chunk_.get(); }
    int stepTokens() const { return stepTokens_; }
    const Sharding& sharding() const { return sharding_; }
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
    std::shared_ptr<const PreparedModel> prefill_, chunk_;
    int stepTokens_ = 1;
    Sharding sharding_;
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
    /// What a million output tokens cost on the replica's devices at the preset's price (0: no price).
    double usdPerMillionTokens = 0;
    double energyPerToken_j = 0; ///< (prefill + every decode step) ÷ (batch · output)
    double power_w = 0;          ///< average board power over e2e
    double weightBytes = 0;      ///< parameters in device memory
    double kvCacheBytes = 0;     ///< batch · KV per sequence at prompt + output tokens
    double activationBytes = 0;  ///< the larger of the prefill's and the last decode step's
    double peakMemoryBytes = 0;  ///< weights + KV cache + activations
    bool fitsMemory = true;
    Totals prefill;    ///< the prefill of the batch
    Totals lastDecode; ///< the last decode step (longest context)
};

/// Speculative decoding: a draft model proposes `draftTokens` tokens per sequence, one decode step
/// each, and the target verifies them in one pass over draftTokens + 1 tokens; each proposal is
/// accepted with probability `acceptance` (docs/MODEL.md §11).
struct Speculation {
    const GenerationModels* draft = nullptr; ///< built with stepTokens 1
    int draftTokens = 4;
    double acceptance = 0.7;
};
/// Expected tokens one target pass yields: (1 − α^(k+1)) / (1 − α), k + 1 at α = 1 (Leviathan et
/// al. 2023, eq. 1).
double expectedTokensPerStep(double acceptance, int draftTokens);

/// Evaluates the generation at `batch` on the chip, precision and runtime of `on` (its model is not
/// used). With `speculation`, `models` must have been built with stepTokens = draftTokens + 1.
GenerationPoint evaluateGeneration(const GenerationModels& models, const EvalInput& on, int batch,
                                   const Speculation* speculation = nullptr);

/// Continuous batching in steady state (docs/MODEL.md §11): `batch` sequences decode together
/// while the prompts of arriving requests are prefilled in chunks of up to `models.chunk()`
/// tokens in the same steps. The point's TPOT is the mixed step's time, TTFT the steps a prompt
/// takes, and `requestRate_per_s` the arrivals that keep `batch` sequences in flight.
struct ContinuousPoint {
    GenerationPoint point; ///< its `prefill` is the chunk's (at batch 1), not a whole prompt batch's
    double prefillTokensPerStep = 0; ///< batch · input ÷ output: the arrivals' prompts per step
    double requestRate_per_s = 0;    ///< batch ÷ (output · step time)
    bool sustainable = true;         ///< the prefill demand fits in the chunk
};
ContinuousPoint evaluateContinuous(const GenerationModels& models, const EvalInput& on, int batch);

/// The largest batch whose weights, KV cache and activations fit the device memory (0: not even
/// batch 1; nullopt: nothing grows with the batch).
/// With a speculation `draft`, its weights and per-sequence memory count too.
std::optional<long long> largestGenerationBatch(const GenerationModels& models, const EvalInput& on,
                                                const GenerationModels* draft = nullptr);

/// "does not fit: needs 145.2 GB of 85.9 GB (weights 137.9 GB, KV cache 6.4 GB, activations
/// 0.9 GB); 59.3 GB over" for a point that does not fit, else "".
std::string memoryVerdict(const GenerationPoint& p, double capacityBytes);

/// The decoder LLM `idOrPath` names: a built-in or shipped id, or a config.json (read with
/// ModelZoo::loadConfig, which throws FileError naming the file and field); nullptr when the model
/// is not a decoder (an ONNX file, a CNN).
const ModelDescriptor* decoderModel(const std::string& idOrPath);
/// `knobs` without the ones a generation sets itself from its lengths (phase, seq, context).
KnobValues generationKnobs(KnobValues knobs);
/// evaluateGeneration() at each of `batches`, in order (static batching).
std::vector<GenerationPoint> sweepGeneration(const GenerationModels& models, const EvalInput& on,
                                             const std::vector<int>& batches);

/// The highest-throughput batch whose TTFT and TPOT are within the targets (either may be absent)
/// among the points that fit; nullopt when none qualifies.
std::optional<int> bestBatchWithinTargets(const std::vector<GenerationPoint>& points,
                                          std::optional<double> ttft_s, std::optional<double> tpot_s);
/// Whether `p` meets the targets (absent targets are met).
bool meetsTargets(const GenerationPoint& p, std::optional<double> ttft_s, std::optional<double> tpot_s);

} // namespace bs
