#include "eval/Generation.h"

#include "base/EngineError.h"
#include "zoo/ZooModels.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace bs {

namespace {

std::shared_ptr<const PreparedModel> buildPhase(const ModelDescriptor& model, KnobValues knobs, int phase,
                                                const char* lengthKnob, int length,
                                                const Sharding& sharding) {
    knobs["phase"] = phase;
    knobs[lengthKnob] = length;
    return std::make_shared<const PreparedModel>(ModelZoo::build(model.id, knobs, sharding));
}

// A decode step over `tokens` new tokens per sequence (speculative verification).
std::shared_ptr<const PreparedModel> buildVerify(const DecoderSpec& spec, int context, int tokens,
                                                 const Sharding& sharding) {
    return std::make_shared<const PreparedModel>(zoo::llmDecoderStep(spec, context, tokens, sharding));
}

// The KV lengths the decode steps read (the prompt plus the tokens generated so far: input …
// input + output − 2) and their weights in the mean step. Few steps: every one. Otherwise
// composite Simpson over 4 intervals, exact for a step time quadratic in the KV length (it is
// close to linear: the KV reads grow with it).
std::vector<std::pair<int, double>> decodeContexts(GenerationLengths l) {
    const int steps = l.output - 1;
    std::vector<std::pair<int, double>> out;
    if (steps <= 0) return {{l.input, 0.0}}; // no decode step: the prompt's KV for memory only
    if (steps <= 5) {
        for (int j = 0; j < steps; ++j)
            out.emplace_back(l.input + j, 1.0 / steps);
        return out;
    }
    const double first = l.input, last = l.input + steps - 1, h = (last - first) / 4;
    const double simpson[] = {1, 4, 2, 4, 1};
    for (int i = 0; i < 5; ++i)
        out.emplace_back(static_cast<int>(std::lround(first + i * h)), simpson[i] / 12);
    return out;
}

EvalInput with(const EvalInput& on, const PreparedModel& m) {
    EvalInput in = on;
    in.model = &m;
    return in;
}

// Peak live activations per sequence of `m` as the runtime fuses it, in bytes, less `kvElems`:
// the prefill's K/V outputs stay live to its end (docs/MODEL.md §4), and they are the prompt's
// part of the KV cache, which is counted on its own.
double activationBytesPerSequence(const EvalInput& on, const PreparedModel& m, double kvElems = 0) {
    const double live = with(on, m).fusedModel().peakLiveElemsPerSample();
    return std::max(0.0, live - kvElems) * bytesPerElement(on.precision);
}

std::string gb(double bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f GB", bytes / 1e9);
    return buf;
}

} // namespace

GenerationModels::GenerationModels(const ModelDescriptor& model, const KnobValues& knobs,
                                   GenerationLengths lengths, int stepTokens, int prefillChunk,
                                   const Sharding& sharding)
    : lengths_(lengths), stepTokens_(stepTokens), sharding_(sharding) {
    if (!model.isDecoder())
        throw EngineError("generation runs a decoder LLM (the 'llm' model or a config.json); '" + model.id +
                          "' is not one");
    for (const char* k : {"phase", "seq", "context"})
        if (knobs.count(k))
            throw EngineError(std::string("generation sets '") + k +
                              "' itself from the input and output lengths; leave it out");
    if (lengths.input < 1 || lengths.output < 1)
        throw EngineError("generation needs input and output lengths of at least 1 token");
    spec_ = model.decoder(ModelZoo::resolve(model, knobs));
    if (stepTokens < 1 || stepTokens > 64) throw EngineError("tokens per decode step must be in 1..64");
    prefill_ = buildPhase(model, knobs, 0, "seq", lengths.input, sharding);
    if (prefillChunk > 0) chunk_ = buildPhase(model, knobs, 0, "seq", prefillChunk, sharding);
    for (const auto& [context, weight] : decodeContexts(lengths))
        samples_.push_back({context, weight,
                            stepTokens == 1 ? buildPhase(model, knobs, 1, "context", context, sharding)
                                            : buildVerify(spec_, context, stepTokens, sharding)});
}

double GenerationModels::kvBytesPerSequence(double bytesPerElement) const {
    return spec_.kvCacheElemsPerDevice(lengths_.input + lengths_.output, sharding_.tp) * bytesPerElement;
}

double GenerationModels::activationBytesPerSequence(const EvalInput& on) const {
    return std::max(bs::activationBytesPerSequence(on, *prefill_,
                                                   spec_.kvCacheElemsPerDevice(lengths_.input, sharding_.tp)),
                    bs::activationBytesPerSequence(on, lastDecode()));
}

double expectedTokensPerStep(double acceptance, int draftTokens) {
    if (acceptance >= 1) return draftTokens + 1;
    return (1 - std::pow(acceptance, draftTokens + 1)) / (1 - acceptance);
}

namespace {

// The mean decode step of `models` at `batch`: time and energy, weighted over the KV lengths.
Totals meanStep(const GenerationModels& models, const EvalInput& on, int batch, Totals* last = nullptr) {
    Totals mean;
    for (const GenerationModels::DecodeSample& s : models.decodeSamples()) {
        const Totals t = evaluateTotals(with(on, *s.model), batch);
        // Steps follow each other: a pipeline keeps its micro-batches in flight between them.
        mean.latency_s += s.weight * t.stepInterval_s;
        mean.energy.static_j += s.weight * t.energy.static_j;
        mean.energy.compute_j += s.weight * t.energy.compute_j;
        mean.energy.dram_j += s.weight * t.energy.dram_j;
        mean.energy.sram_j += s.weight * t.energy.sram_j;
        if (last) *last = t;
    }
    return mean;
}

// The memory columns: the model's weights, KV cache and activations added to what `p` holds (a
// draft model's), and whether they fit.
void addMemory(GenerationPoint& p, const GenerationModels& models, const EvalInput& on) {
    p.weightBytes += weightMemoryBytes(with(on, models.prefill()));
    const DeviceLayout& l = on.layout;
    p.kvCacheBytes +=
        p.batch * models.kvBytesPerSequence(kvBytesPerElement(on.quant, on.precision)) * l.stateShare();
    p.activationBytes =
        std::max(p.activationBytes, p.batch * models.activationBytesPerSequence(on) * l.activationShare());
    p.peakMemoryBytes = p.weightBytes + p.kvCacheBytes + p.activationBytes;
    p.fitsMemory = p.peakMemoryBytes <= on.hardware->dramCapacityBytes();
}

} // namespace

GenerationPoint evaluateGeneration(const GenerationModels& models, const EvalInput& on, int batch,
                                   const Speculation* speculation) {
    GenerationPoint p;
    p.batch = batch;
    const GenerationLengths& l = models.lengths();
    p.prefill = evaluateTotals(with(on, models.prefill()), batch);
    p.ttft_s = p.prefill.latency_s;
    const Totals step = meanStep(models, on, batch, &p.lastDecode);
    double step_s = step.latency_s, step_j = step.energy.total(), prefill_j = p.prefill.energy.total();
    double tokensPerStep = 1;
    if (speculation) {
        // k draft decode steps, then the target verifies k + 1 tokens: E tokens per sequence.
        const GenerationModels& draft = *speculation->draft;
        if (models.stepTokens() != speculation->draftTokens + 1)
            throw EngineError("internal: the target's verification pass must take draft tokens + 1");
        const Totals draftStep = meanStep(draft, on, batch);
        const Totals draftPrefill = evaluateTotals(with(on, draft.prefill()), batch);
        step_s += speculation->draftTokens * draftStep.latency_s;
        step_j += speculation->draftTokens * draftStep.energy.total();
        tokensPerStep = expectedTokensPerStep(speculation->acceptance, speculation->draftTokens);
        p.ttft_s += draftPrefill.latency_s; // the draft needs the prompt's KV cache too
        prefill_j += draftPrefill.energy.total();
        addMemory(p, draft, on);
    }
    p.tpot_s = step_s / tokensPerStep;
    const int steps = l.output - 1;
    p.e2e_s = p.ttft_s + steps * p.tpot_s;
    p.outputTokensPerS = static_cast<double>(batch) * l.output / p.e2e_s;
    p.outputTokensPerSPerUser = p.tpot_s > 0 ? 1 / p.tpot_s : 0;
    p.usdPerMillionTokens =
        usdPerMillion(on.hardware->usdPerDeviceHour.value, on.layout.devices(), p.outputTokensPerS);
    const double energy_j = prefill_j + steps / tokensPerStep * step_j;
    p.energyPerToken_j = energy_j / (static_cast<double>(batch) * l.output);
    p.power_w = energy_j / p.e2e_s;
    addMemory(p, models, on);
    return p;
}

ContinuousPoint evaluateContinuous(const GenerationModels& models, const EvalInput& on, int batch) {
    if (!models.chunk()) throw EngineError("internal: continuous batching needs the prefill chunk model");
    const GenerationLengths& l = models.lengths();
    const double chunk = models.chunk()->graph().sampleUnit.tokensPerSample;
    ContinuousPoint c;
    GenerationPoint& p = c.point;
    p.batch = batch;
    p.prefill = evaluateTotals(with(on, *models.chunk()), 1);
    const Totals decode = meanStep(models, on, batch, &p.lastDecode);
    // The chunk rides in the decode step and shares its weight stream: what it adds per prompt
    // token is its time and energy beyond reading the weights once, ÷ its tokens.
    const double weights = weightMemoryBytes(with(on, *models.chunk()));
    const double weight_s = weights / on.hardware->dramBytesPerS();
    const double weight_j = weights * on.hardware->dram.pjPerByte.value * 1e-12;
    const double perToken_s = std::max(0.0, p.prefill.latency_s - weight_s) / chunk;
    const double perToken_j = std::max(0.0, p.prefill.energy.total() - weight_j) / chunk;
    c.prefillTokensPerStep = static_cast<double>(batch) * l.input / l.output;
    c.sustainable = c.prefillTokensPerStep <= chunk;
    const double step_s = decode.latency_s + c.prefillTokensPerStep * perToken_s;
    const double step_j = decode.energy.total() + c.prefillTokensPerStep * perToken_j;
    // Steady state: every step makes one token of every sequence, and a prompt is prefilled in
    // ⌈input ÷ chunk⌉ steps (queueing at the arrival is not modelled).
    p.tpot_s = step_s;
    p.ttft_s = std::ceil(l.input / chunk) * step_s;
    p.e2e_s = p.ttft_s + (l.output - 1) * step_s;
    p.outputTokensPerS = batch / step_s;
    p.outputTokensPerSPerUser = 1 / step_s;
    p.usdPerMillionTokens =
        usdPerMillion(on.hardware->usdPerDeviceHour.value, on.layout.devices(), p.outputTokensPerS);
    p.energyPerToken_j = step_j / batch;
    p.power_w = step_j / step_s;
    c.requestRate_per_s = batch / (l.output * step_s);
    addMemory(p, models, on);
    return c;
}

std::optional<long long> largestGenerationBatch(const GenerationModels& models, const EvalInput& on,
                                                const GenerationModels* draft) {
    double fixed = 0, perSequence = 0;
    for (const GenerationModels* m : {&models, draft}) {
        if (!m) continue;
        fixed += weightMemoryBytes(with(on, m->prefill()));
        perSequence +=
            m->kvBytesPerSequence(kvBytesPerElement(on.quant, on.precision)) * on.layout.stateShare() +
            m->activationBytesPerSequence(on) * on.layout.activationShare();
    }
    return largestBatchWithin(fixed, perSequence, on.hardware->dramCapacityBytes());
}

std::string memoryVerdict(const GenerationPoint& p, double capacityBytes) {
    if (p.fitsMemory) return {};
    char gib[48];
    std::snprintf(gib, sizeof gib, " (%.0f GiB)", capacityBytes / (1024.0 * 1024 * 1024));
    return "does not fit: needs " + gb(p.peakMemoryBytes) + " of " + gb(capacityBytes) + gib + " (weights " +
           gb(p.weightBytes) + ", KV cache " + gb(p.kvCacheBytes) + ", activations " + gb(p.activationBytes) +
           "); " + gb(p.peakMemoryBytes - capacityBytes) + " over";
}

bool meetsTargets(const GenerationPoint& p, std::optional<double> ttft_s, std::optional<double> tpot_s) {
    return (!ttft_s || p.ttft_s <= *ttft_s) && (!tpot_s || p.tpot_s <= *tpot_s);
}

std::optional<int> bestBatchWithinTargets(const std::vector<GenerationPoint>& points,
                                          std::optional<double> ttft_s, std::optional<double> tpot_s) {
    std::optional<int> best;
    double bestRate = 0;
    for (const GenerationPoint& p : points)
        if (p.fitsMemory && meetsTargets(p, ttft_s, tpot_s) && p.outputTokensPerS > bestRate)
            best = p.batch, bestRate = p.outputTokensPerS;
    return best;
}

const ModelDescriptor* decoderModel(const std::string& idOrPath) {
    const ModelDescriptor* m =
        ModelZoo::isConfigPath(idOrPath) ? &ModelZoo::loadConfig(idOrPath) : ModelZoo::find(idOrPath);
    return m && m->isDecoder() ? m : nullptr;
}

KnobValues generationKnobs(KnobValues knobs) {
    for (const char* k : {"phase", "seq", "context"})
        knobs.erase(k);
    return knobs;
}

std::vector<GenerationPoint> sweepGeneration(const GenerationModels& models, const EvalInput& on,
                                             const std::vector<int>& batches) {
    std::vector<GenerationPoint> out;
    out.reserve(batches.size());
    for (int b : batches)
        out.push_back(evaluateGeneration(models, on, b));
    return out;
}

} // namespace bs
