#include "eval/Story.h"

#include "base/Format.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>

namespace bs {

namespace {

// Thresholds of the limiter rules (Story.h, docs/MODEL.md §16).
constexpr double kSecondaryShare = 0.25;  // a runner-up class this large is named too
constexpr double kCollectiveShare = 0.05; // collectives this large are always named
constexpr double kOnChipMajority = 0.5;   // share of memory-bound time in on-chip-bound layers
constexpr double kAtPeak = 0.8;           // of the achievable peak: the chip's limit
constexpr double kPlateau = 0.95;         // throughput within 5 % of its best

std::string printf1(const char* fmt, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, v);
    return buf;
}

// Whole number with thousands separators ("44,371").
std::string grouped(double v) {
    const long long n = std::llround(v);
    std::string digits = std::to_string(n < 0 ? -n : n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return n < 0 ? "-" + out : out;
}

// Three significant digits ("1.54", "33.8", "5"), grouped from 1000 up.
std::string sig3(double v) {
    if (!std::isfinite(v)) return "∞";
    if (std::abs(v) >= 999.5) return grouped(v);
    return printf1("%.3g", v);
}

std::string scaled(double v, const char* const* units, double step, int count) {
    int i = 0;
    while (i + 1 < count && std::abs(v) >= step - 0.5) {
        v /= step;
        ++i;
    }
    return sig3(v) + " " + units[i];
}

std::string fmtTime(double s) {
    static const char* const units[] = {"µs", "ms", "s"};
    return scaled(s * 1e6, units, 1000, 3);
}
std::string fmtEnergy(double j) {
    static const char* const units[] = {"µJ", "mJ", "J"};
    return scaled(j * 1e6, units, 1000, 3);
}
std::string fmtBytes(double b) {
    static const char* const units[] = {"B", "kB", "MB", "GB", "TB"};
    return scaled(b, units, 1000, 5);
}
// Below 10 % one decimal, so a small utilization does not read as zero.
std::string pct(double fraction) {
    return formatPercent(fraction).toStdString();
}
// Memory sizes the way capacities are quoted (binary units), so "needs" and "has" compare directly.
std::string fmtCapacity(double bytes) {
    static const char* const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    return scaled(bytes, units, 1024, 5);
}
std::string rate(double perS) {
    return perS >= 100 ? grouped(perS) : sig3(perS);
}

// "132 SMs", "8 MXUs": the preset's unit name without its parenthesised detail, in the plural.
std::string unitsLabel(const HardwarePreset& hw) {
    std::string n = hw.unitName.empty() ? std::string("unit") : hw.unitName;
    if (const auto paren = n.find(" ("); paren != std::string::npos) n.resize(paren);
    if (hw.units() != 1 && n.back() != 's') n += 's';
    return grouped(hw.units()) + " " + n;
}

enum class Klass { Compute, Memory, Power, Overhead, Interconnect };

// Same tie rule as a layer's bound and the CLI's sweep column.
Klass dominant(const Totals& t) {
    switch (dominantTimeBound(t)) {
    case Bound::Compute:
        return Klass::Compute;
    case Bound::Memory:
        return Klass::Memory;
    case Bound::Power:
        return Klass::Power;
    case Bound::Interconnect:
        return Klass::Interconnect;
    default:
        return Klass::Overhead;
    }
}

const char* klassName(Klass k) {
    switch (k) {
    case Klass::Compute:
        return "compute-bound";
    case Klass::Memory:
        return "memory-bound";
    case Klass::Power:
        return "power-limited";
    case Klass::Overhead:
        return "overhead-bound";
    case Klass::Interconnect:
        return "interconnect-bound";
    }
    return "";
}

std::vector<const SweepPoint*> sortedSweep(const StoryInput& in) {
    std::vector<const SweepPoint*> out;
    if (!in.sweep) return out;
    for (const SweepPoint& p : *in.sweep)
        out.push_back(&p);
    std::stable_sort(out.begin(), out.end(), [](const SweepPoint* a, const SweepPoint* b) {
        return a->totals.batch < b->totals.batch;
    });
    return out;
}

// Throughput in the model's units: inferences, or tokens for an LLM ("45,000 tokens/s").
std::string unitRate(const StoryInput& in, double samplesPerS) {
    const SampleUnit& u = in.model->graph().sampleUnit;
    return rate(samplesPerS * u.perSample()) + " " + u.rateName();
}

// " at 1.44 ms", " at 25.9 ms per token" (a decode step), ", 91 ms to the first token".
std::string latencyWords(const SampleUnit& u, double latency_s) {
    switch (u.kind) {
    case SampleUnit::Kind::DecodeToken:
        return " at " + fmtTime(latency_s) + " per token";
    case SampleUnit::Kind::PrefillTokens:
        return ", " + fmtTime(latency_s) + " to the first token (prompts of " + grouped(u.tokensPerSample) +
               " tokens)";
    case SampleUnit::Kind::Inference:
        break;
    }
    return " at " + fmtTime(latency_s);
}

// An LLM's memory wall, said where it is read first: the KV cache at this batch and the largest
// batch that fits.
std::string memoryWords(const StoryInput& in) {
    const Totals& t = in.current->totals;
    std::string s;
    if (t.stateBytes > 0) s += "KV cache " + fmtBytes(t.stateBytes);
    const auto largest = largestFittingBatch({in.model, in.hardware, in.precision});
    if (largest)
        s += (s.empty() ? "" : ", ") + (*largest > 0
                                            ? "fits up to batch " + grouped(static_cast<double>(*largest))
                                            : std::string("batch 1 does not fit"));
    return s;
}

// Without a budget the recommendation is the knee: what the batches past it buy and cost.
std::string kneeWords(const StoryInput& in) {
    if (!in.sweep) return {};
    const SweepPoint* knee = kneePoint(*in.sweep);
    const SweepPoint* best = nullptr;
    for (const SweepPoint& p : *in.sweep)
        if (p.totals.fitsMemory && (!best || p.totals.throughput_per_s > best->totals.throughput_per_s))
            best = &p;
    if (!knee || !best || knee == best || knee->totals.latency_s <= 0) return {};
    return " (the knee: " + pct(kKneeShare) + " of the max throughput; the last " +
           pct(1 - knee->totals.throughput_per_s / best->totals.throughput_per_s) + ", at batch " +
           grouped(best->totals.batch) + ", costs " + sig3(best->totals.latency_s / knee->totals.latency_s) +
           "× the latency)";
}

std::string headline(const StoryInput& in) {
    const Totals& t = in.current->totals;
    const SampleUnit& u = in.model->graph().sampleUnit;
    std::string s = "batch " + std::to_string(t.batch) + ": " + unitRate(in, t.throughput_per_s) +
                    latencyWords(u, t.latency_s) + ", " + pct(t.utilization) + " utilization, " +
                    fmtEnergy(t.energyPerInference.total() / u.perSample()) + "/" + u.name() + " at " +
                    sig3(t.power_w) + " W";
    if (u.tokens())
        if (const std::string memory = memoryWords(in); !memory.empty()) s += " (" + memory + ")";
    if (in.latencyBudget_s)
        s += (t.latency_s <= *in.latencyBudget_s ? ", within the " : ", over the ") +
             fmtTime(*in.latencyBudget_s) + " budget";
    if (in.recommendedBatch)
        s += *in.recommendedBatch == t.batch ? "; this is the recommended batch"
                                             : "; recommended batch " + std::to_string(*in.recommendedBatch);
    if (!in.latencyBudget_s) s += kneeWords(in);
    return s;
}

std::string regime(const StoryInput& in, const std::vector<const SweepPoint*>& grid) {
    std::vector<std::string> parts;
    // Runs of the dominant bound over the grid.
    if (!grid.empty()) {
        std::string runs;
        std::size_t i = 0;
        while (i < grid.size()) {
            const Klass k = dominant(grid[i]->totals);
            std::size_t j = i;
            while (j + 1 < grid.size() && dominant(grid[j + 1]->totals) == k)
                ++j;
            const int a = grid[i]->totals.batch, b = grid[j]->totals.batch;
            std::string where;
            if (i == 0 && j + 1 == grid.size())
                where = a == b ? " at batch " + std::to_string(a)
                               : " at every batch (" + std::to_string(a) + "–" + std::to_string(b) + ")";
            else if (j + 1 == grid.size() && i != j)
                where = " from " + std::string(i == 0 ? "batch " : "") + std::to_string(a);
            else
                where = std::string(i == 0 ? " at batch " : " at ") +
                        (a == b ? std::to_string(a) : std::to_string(a) + "–" + std::to_string(b));
            runs += (runs.empty() ? "" : ", ") + std::string(klassName(k)) + where;
            i = j + 1;
        }
        runs[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(runs[0])));
        parts.push_back(runs);

        // Throughput plateau among batches that fit.
        const SweepPoint* best = nullptr;
        for (const SweepPoint* p : grid)
            if (p->totals.fitsMemory && (!best || p->totals.throughput_per_s > best->totals.throughput_per_s))
                best = p;
        if (best) {
            const SweepPoint* first = nullptr;
            const SweepPoint* lastFit = nullptr;
            for (const SweepPoint* p : grid) {
                if (!p->totals.fitsMemory) continue;
                if (!first && p->totals.throughput_per_s >= kPlateau * best->totals.throughput_per_s)
                    first = p;
                lastFit = p;
            }
            std::string s = "throughput within 5 % of its best (" +
                            unitRate(in, best->totals.throughput_per_s) + " at batch " +
                            std::to_string(best->totals.batch) + ") from batch " +
                            std::to_string(first->totals.batch);
            if (lastFit->totals.throughput_per_s < kPlateau * best->totals.throughput_per_s)
                s += ", falling to " + unitRate(in, lastFit->totals.throughput_per_s) + " by batch " +
                     std::to_string(lastFit->totals.batch);
            parts.push_back(s);
        } else {
            parts.push_back("no batch of the grid fits in device memory");
        }
        for (const SweepPoint* p : grid)
            if (!p->totals.fitsMemory) {
                if (best)
                    parts.push_back("does not fit in " + fmtCapacity(in.hardware->dramCapacityBytes()) +
                                    " from batch " + std::to_string(p->totals.batch));
                break;
            }
    }
    const Totals& t = in.current->totals;
    if (std::isfinite(t.criticalBatch))
        parts.push_back("model critical batch ≈ " + sig3(t.criticalBatch) + " at batch " +
                        std::to_string(t.batch));
    else
        parts.push_back("no critical batch at batch " + std::to_string(t.batch) +
                        " (DRAM traffic grows with the batch as fast as FLOPs)");
    std::string out;
    for (const std::string& p : parts)
        out += (out.empty() ? "" : "; ") + p;
    return out;
}

struct Cause {
    Limiter kind = Limiter::None;
    std::string text;
};

Cause overheadCause(const StoryInput& in) {
    const ScenarioResult& r = *in.current;
    const Totals& t = r.totals;
    const double host_s = t.host_s + t.fixed_s;
    if (host_s > t.launch_s) {
        const std::string who = in.runtimeName.empty() ? std::string("the runtime") : in.runtimeName;
        return {Limiter::HostOverhead,
                "host overhead is " + pct(host_s / t.latency_s) + " of batch-" + std::to_string(t.batch) +
                    " time: " + who + " spends " + fmtTime(t.host_s) + " on the host beyond what its " +
                    std::to_string(t.kernels) + " kernels hide, plus " + fmtTime(t.fixed_s) +
                    " per call; a graph launch (CUDA graphs, XLA, TensorRT) or a bigger batch hides it"};
    }
    double dispatch_s = 0;
    int kernels = 0;
    for (const LayerPlacement& p : r.layers)
        if (p.launch_s > 0) {
            dispatch_s += p.launch_s;
            ++kernels;
        }
    const double share = t.latency_s > 0 ? dispatch_s / t.latency_s : 0;
    return {Limiter::Dispatch, "dispatch overhead: " + std::to_string(kernels) + " kernels × " +
                                   fmtTime(in.hardware->dispatchUs.value * 1e-6) + " = " + pct(share) +
                                   " of latency; a bigger batch amortises it"};
}

Cause memoryCause(const StoryInput& in, const std::vector<const SweepPoint*>& grid) {
    const ScenarioResult& r = *in.current;
    const Totals& t = r.totals;
    const auto& layers = in.model->layers();
    double onchip_s = 0;
    std::map<std::string, double> byOps;
    for (const LayerPlacement& p : r.layers) {
        if (p.bound != Bound::Memory) continue;
        if (p.memoryBoundOnChip) onchip_s += p.latency_s;
        byOps[layers[static_cast<std::size_t>(p.index)].opTypes] += p.latency_s;
    }
    const double share = t.latency_s > 0 ? t.memory_s / t.latency_s : 0;
    std::string where = pct(share) + " of time in memory-bound layers";
    if (!byOps.empty()) {
        const auto top = std::max_element(byOps.begin(), byOps.end(),
                                          [](const auto& a, const auto& b) { return a.second < b.second; });
        where +=
            ", most in " + top->first + " (" + pct(t.memory_s > 0 ? top->second / t.memory_s : 0) + " of it)";
    }
    if (t.memory_s > 0 && onchip_s > kOnChipMajority * t.memory_s)
        return {Limiter::OnChipBandwidth, "on-chip bandwidth: " + pct(onchip_s / t.latency_s) +
                                              " of time in layers bound by the " + in.hardware->onchip.name +
                                              " level (" + where + ")"};

    const double dram = std::max(t.dramBytes, 1.0);
    const double spill = t.spilledBytes, weights = t.weightBytes;
    const double other = std::max(0.0, t.dramBytes - spill - weights);
    if (spill >= weights && spill >= other) {
        std::string s = "spill: " + fmtBytes(spill) + " of activations to DRAM in " +
                        std::to_string(t.layersSpilling) + " layers (" + pct(spill / dram) +
                        " of DRAM traffic; " + where + ")";
        int noSpillUpTo = 0;
        for (const SweepPoint* p : grid) {
            if (p->totals.spilledBytes > 0) break;
            noSpillUpTo = p->totals.batch;
        }
        if (noSpillUpTo > 0) s += "; no spill up to batch " + std::to_string(noSpillUpTo);
        return {Limiter::Spill, s};
    }
    if (weights >= other) {
        std::string s =
            "weight reads: weights are " + pct(weights / dram) + " of DRAM traffic (" + where + ")";
        if (std::isfinite(t.criticalBatch) && t.criticalBatch > t.batch)
            s += "; a bigger batch amortises them, compute catches up near batch " + sig3(t.criticalBatch);
        return {Limiter::Weights, s};
    }
    std::string s =
        "DRAM traffic other than weights and spill (inputs, outputs, KV cache, re-streamed operands): " +
        pct(other / dram) + " of DRAM bytes";
    if (t.stateBytes > 0) s += ", KV cache " + fmtBytes(t.stateBytes);
    return {Limiter::OtherTraffic, s + " (" + where + ")"};
}

Cause computeCause(const StoryInput& in) {
    const ScenarioResult& r = *in.current;
    const HardwarePreset& hw = *in.hardware;
    double flops = 0, time_s = 0, unitTime = 0, computeLatency = 0;
    for (const LayerPlacement& p : r.layers) {
        if (p.bound != Bound::Compute) continue;
        flops += p.arithmeticFlops; // a Winograd layer is charged the multiplies it does
        time_s += p.compute_s;
        computeLatency += p.latency_s;
        if (p.unitsTotal > 0) unitTime += p.latency_s * p.unitsAllocated / p.unitsTotal;
    }
    const double peak = r.totals.peakFlops;
    const double efficiency = time_s > 0 && peak > 0 ? flops / (time_s * peak) : 0;
    const double achievable = hw.gemmFraction(in.precision);
    const double units = computeLatency > 0 ? unitTime / computeLatency : 0;
    const std::string layers = "compute-bound layers (" +
                               pct(r.totals.latency_s > 0 ? computeLatency / r.totals.latency_s : 0) +
                               " of time)";
    if (efficiency >= kAtPeak * achievable)
        return {Limiter::ComputePeak, "the chip's compute: " + layers + " run at " + pct(efficiency) +
                                          " of peak (achievable " + pct(achievable) +
                                          "); only a faster chip or a lower precision speeds them up"};
    // What is left once the compute fraction and the idle units are accounted for: padding to
    // tiles, partial waves, vector work. The larger loss (smaller factor) names the limiter.
    const double residual = units > 0 && achievable > 0 ? efficiency / (achievable * units) : 1;
    if (units < residual)
        return {Limiter::WaveQuantization, "wave quantization: " + layers + " keep on average " + pct(units) +
                                               " of " + unitsLabel(hw) + " busy and reach " +
                                               pct(efficiency) + " of peak"};
    return {Limiter::Padding, "tile padding and partial waves: " + layers + " reach " + pct(efficiency) +
                                  " of peak with " + pct(units) + " of " + unitsLabel(hw) +
                                  " allocated (work padded to whole tiles and waves, non-matrix work at the "
                                  "vector rate)"};
}

// The board's power limit: the run at the boost clock would draw more than the limit, so its
// clock drops to the share that draws exactly the limit (docs/MODEL.md §8).
Cause powerCause(const StoryInput& in) {
    const Totals& t = in.current->totals;
    const double boost_ghz = in.hardware->clockGhz.value;
    std::string s = "power-limited: runs at " + sig3(t.powerClockFactor) + "× boost clock";
    if (boost_ghz > 0) s += " (" + sig3(t.powerClockFactor * boost_ghz) + " of " + sig3(boost_ghz) + " GHz)";
    return {Limiter::PowerLimit, s + " to stay within " + sig3(t.powerLimit_w) + " W; " +
                                     pct(t.latency_s > 0 ? t.power_s / t.latency_s : 0) +
                                     " of time in layers the lower clock slows; less energy per "
                                     "operation (lower precision) or a higher limit speeds them up"};
}

// The kinds of collectives among the layers: "all-reduce, all-gather".
std::string collectiveKinds(const StoryInput& in) {
    std::string kinds;
    for (OpKind k : {OpKind::AllReduce, OpKind::AllGather, OpKind::AllToAll}) {
        const bool present =
            std::any_of(in.current->layers.begin(), in.current->layers.end(), [&](const LayerPlacement& p) {
                return in.model->layers()[static_cast<std::size_t>(p.index)].anchorCost.collective == k;
            });
        if (!present) continue;
        const char* name = k == OpKind::AllReduce   ? "all-reduce"
                           : k == OpKind::AllGather ? "all-gather"
                                                    : "all-to-all";
        kinds += (kinds.empty() ? "" : ", ") + std::string(name);
    }
    return kinds;
}

// Collectives and pipeline sends of a replica's devices: their share of the time, over which link.
Cause interconnectCause(const StoryInput& in) {
    const Totals& t = in.current->totals;
    const std::string kinds = collectiveKinds(in);
    std::string what =
        std::to_string(t.collectives) + " collectives" + (kinds.empty() ? "" : " (" + kinds + ")");
    if (t.send_s > 0) what += t.collectives > 0 ? " and the stages' sends" : "the stages' sends";
    return {Limiter::Interconnect, "interconnect: " + what + " are " +
                                       pct(t.latency_s > 0 ? t.collective_s / t.latency_s : 0) +
                                       " of the time" + (in.layout.empty() ? "" : " at " + in.layout) +
                                       (in.linkName.empty() ? "" : " over " + in.linkName) +
                                       "; a faster link or fewer devices per replica shorten them"};
}

// A pipeline's fill and drain: stages idle while the first micro-batch arrives and the last leaves.
Cause bubbleCause(const StoryInput& in) {
    const Totals& t = in.current->totals;
    return {Limiter::PipelineBubble, "pipeline bubble: filling and draining the stages is " +
                                         pct(t.latency_s > 0 ? t.bubble_s / t.latency_s : 0) +
                                         " of the batch's time with " + std::to_string(t.microBatches) +
                                         " micro-batches of " + std::to_string(t.microBatch) +
                                         (in.layout.empty() ? "" : " at " + in.layout) +
                                         "; more micro-batches (mb) or fewer stages shrink it"};
}

Cause causeOf(Klass k, const StoryInput& in, const std::vector<const SweepPoint*>& grid) {
    switch (k) {
    case Klass::Interconnect:
        return interconnectCause(in);
    case Klass::Power:
        return powerCause(in);
    case Klass::Overhead:
        return overheadCause(in);
    case Klass::Memory:
        return memoryCause(in, grid);
    case Klass::Compute:
        return computeCause(in);
    }
    return {};
}

} // namespace

std::string Story::text() const {
    std::string s = headline;
    if (!regime.empty()) s += ". " + regime;
    if (!limiter.empty()) s += ". Limiter: " + limiter;
    return s.empty() ? s : s + ".";
}

Story tellStory(const StoryInput& in) {
    Story story;
    if (!in.model || !in.hardware || !in.current) return story;
    const std::vector<const SweepPoint*> grid = sortedSweep(in);
    const Totals& t = in.current->totals;
    story.headline = headline(in);
    story.regime = regime(in, grid);

    // Rule 2: classes ranked by their share of the latency; the stable sort keeps dominant()'s tie
    // order (compute, memory, power, overhead).
    std::vector<std::pair<double, Klass>> ranked = {{t.compute_s, Klass::Compute},
                                                    {t.memory_s, Klass::Memory},
                                                    {t.power_s, Klass::Power},
                                                    {t.overhead_s, Klass::Overhead},
                                                    {t.collective_s, Klass::Interconnect}};
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });

    std::vector<Cause> causes;
    if (!t.fitsMemory) { // rule 1
        std::string s = "does not fit: needs " + fmtCapacity(t.peakMemoryBytes) + " at batch " +
                        std::to_string(t.batch) + ", the chip has " +
                        fmtCapacity(in.hardware->dramCapacityBytes());
        int largest = 0;
        for (const SweepPoint* p : grid)
            if (p->totals.fitsMemory) largest = p->totals.batch;
        s += largest > 0 ? " (largest batch of the grid that fits: " + std::to_string(largest) + ")"
                         : " (no batch of the grid fits)";
        causes.push_back({Limiter::NotFitting, s});
    }
    causes.push_back(causeOf(ranked[0].second, in, grid));
    if (t.fitsMemory && t.latency_s > 0) {
        for (std::size_t i = 1; i < ranked.size(); ++i)
            if (ranked[i].second != ranked[0].second && ranked[i].first >= kSecondaryShare * t.latency_s) {
                causes.push_back(causeOf(ranked[i].second, in, grid));
                break;
            }
    }
    // Collectives are named whenever they take 5 % of the step, even behind other classes:
    // their share is what a tp choice changes (docs/MODEL.md §19).
    const bool named = std::any_of(causes.begin(), causes.end(),
                                   [](const Cause& c) { return c.kind == Limiter::Interconnect; });
    if (!named && t.latency_s > 0 && t.collective_s >= kCollectiveShare * t.latency_s)
        causes.push_back(interconnectCause(in));
    if (t.latency_s > 0 && t.bubble_s >= kCollectiveShare * t.latency_s) causes.push_back(bubbleCause(in));
    story.primary = causes[0].kind;
    story.limiter = causes[0].text;
    for (std::size_t i = 1; i < causes.size(); ++i) {
        if (i == 1) story.secondary = causes[1].kind;
        story.limiter += "; also " + causes[i].text;
    }
    return story;
}

} // namespace bs
