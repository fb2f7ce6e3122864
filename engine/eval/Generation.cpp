#include "eval/Generation.h"

#include "base/EngineError.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace bs {

namespace {

std::shared_ptr<const PreparedModel> buildPhase(const ModelDescriptor& model, KnobValues knobs, int phase,
                                                const char* lengthKnob, int length) {
    knobs["phase"] = phase;
    knobs[lengthKnob] = length;
    return std::make_shared<const PreparedModel>(ModelZoo::build(model.id, knobs));
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
                                   GenerationLengths lengths)
    : lengths_(lengths) {
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
    prefill_ = buildPhase(model, knobs, 0, "seq", lengths.input);
    for (const auto& [context, weight] : decodeContexts(lengths))
        samples_.push_back({context, weight, buildPhase(model, knobs, 1, "context", context)});
}

double GenerationModels::kvBytesPerSequence(double bytesPerElement) const {
    return spec_.kvCacheElems(lengths_.input + lengths_.output) * bytesPerElement;
}

double GenerationModels::activationBytesPerSequence(const EvalInput& on) const {
    return std::max(bs::activationBytesPerSequence(on, *prefill_, spec_.kvCacheElems(lengths_.input)),
                    bs::activationBytesPerSequence(on, lastDecode()));
}

GenerationPoint evaluateGeneration(const GenerationModels& models, const EvalInput& on, int batch) {
    GenerationPoint p;
    p.batch = batch;
    const GenerationLengths& l = models.lengths();
    p.prefill = evaluateTotals(with(on, models.prefill()), batch);
    p.ttft_s = p.prefill.latency_s;
    double stepEnergy_j = 0;
    for (const GenerationModels::DecodeSample& s : models.decodeSamples()) {
        const Totals t = evaluateTotals(with(on, *s.model), batch);
        p.tpot_s += s.weight * t.latency_s;
        stepEnergy_j += s.weight * t.energy.total();
        p.lastDecode = t;
    }
    const int steps = l.output - 1;
    p.e2e_s = p.ttft_s + steps * p.tpot_s;
    p.outputTokensPerS = static_cast<double>(batch) * l.output / p.e2e_s;
    p.outputTokensPerSPerUser = p.tpot_s > 0 ? 1 / p.tpot_s : 0;
    const double energy_j = p.prefill.energy.total() + steps * stepEnergy_j;
    p.energyPerToken_j = energy_j / (static_cast<double>(batch) * l.output);
    p.power_w = energy_j / p.e2e_s;

    p.weightBytes = weightMemoryBytes(with(on, models.prefill()));
    p.kvCacheBytes = batch * models.kvBytesPerSequence(kvBytesPerElement(on.quant, on.precision));
    p.activationBytes = batch * models.activationBytesPerSequence(on);
    p.peakMemoryBytes = p.weightBytes + p.kvCacheBytes + p.activationBytes;
    p.fitsMemory = p.peakMemoryBytes <= on.hardware->dramCapacityBytes();
    return p;
}

std::optional<long long> largestGenerationBatch(const GenerationModels& models, const EvalInput& on) {
    const double fixed = weightMemoryBytes(with(on, models.prefill()));
    const double perSequence = models.kvBytesPerSequence(kvBytesPerElement(on.quant, on.precision)) +
                               models.activationBytesPerSequence(on);
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

} // namespace bs
