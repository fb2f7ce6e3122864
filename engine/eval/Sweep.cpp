#include "eval/Sweep.h"

#include "base/EngineError.h"
#include "base/Parse.h"

#include <cmath>
#include <iomanip>
#include <sstream>

namespace bs {

namespace {
int parsePositive(const std::string& item, const std::string& whole) {
    if (const auto v = parsePositiveInt(item)) return *v;
    throw EngineError("bad batch list '" + whole + "': '" + item + "' is not an integer in 1..1000000");
}
} // namespace

std::vector<int> parseBatchList(const std::string& text) {
    std::vector<int> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        const auto dots = item.find("..");
        if (dots == std::string::npos) {
            out.push_back(parsePositive(item, text));
            continue;
        }
        std::string hi = item.substr(dots + 2);
        int factor = 0;
        if (const auto star = hi.find('*'); star != std::string::npos) {
            factor = parsePositive(hi.substr(star + 1), text);
            if (factor < 2) throw EngineError("bad batch list '" + text + "': step factor must be ≥ 2");
            hi = hi.substr(0, star);
        }
        const int a = parsePositive(item.substr(0, dots), text), b = parsePositive(hi, text);
        if (b < a) throw EngineError("bad batch list '" + text + "': range '" + item + "' is empty");
        for (long v = a; v <= b; v = factor ? v * factor : v + 1) {
            out.push_back(static_cast<int>(v));
            if (out.size() > 1'000'000)
                throw EngineError("batch list '" + text + "' has more than 1,000,000 entries");
        }
    }
    if (out.empty()) throw EngineError("empty batch list");
    return out;
}

std::vector<SweepPoint> sweepBatches(const EvalInput& s, const std::vector<int>& batches) {
    std::vector<SweepPoint> out;
    out.reserve(batches.size());
    for (int b : batches)
        out.push_back({evaluateTotals(s, b), static_cast<double>(b)});
    return out;
}

std::vector<SweepPoint> sweepKnob(const std::string& modelId, const KnobValues& base,
                                  const std::string& knobName, const std::vector<int>& values,
                                  const EvalInput& on, int batch) {
    return sweepRebuilt(
        [&](int v) {
            KnobValues k = base;
            if (knobName == "resolution")
                k["height"] = k["width"] = v;
            else
                k[knobName] = v;
            return ModelZoo::build(modelId, k);
        },
        values, on, batch);
}

std::vector<SweepPoint> sweepRebuilt(const std::function<Graph(int)>& build, const std::vector<int>& values,
                                     const EvalInput& on, int batch) {
    std::vector<SweepPoint> out;
    for (int v : values) {
        const PreparedModel model(build(v));
        EvalInput in = on;
        in.model = &model;
        out.push_back({evaluateTotals(in, batch), static_cast<double>(v)});
    }
    return out;
}

std::vector<Recommendation> recommend(const std::vector<SweepPoint>& sweep,
                                      std::optional<double> latencyBudget_s) {
    const SweepPoint* bestBudget = nullptr;
    const SweepPoint* bestThroughput = nullptr;
    const SweepPoint* bestEnergy = nullptr;
    int fitting = 0;
    for (const SweepPoint& p : sweep) {
        if (!p.totals.fitsMemory) continue;
        ++fitting;
        if (!bestThroughput || p.totals.throughput_per_s > bestThroughput->totals.throughput_per_s)
            bestThroughput = &p;
        if (!bestEnergy ||
            p.totals.energyPerInference.total() < bestEnergy->totals.energyPerInference.total())
            bestEnergy = &p;
        if (latencyBudget_s && p.totals.latency_s <= *latencyBudget_s &&
            (!bestBudget || p.totals.throughput_per_s > bestBudget->totals.throughput_per_s))
            bestBudget = &p;
    }
    auto make = [](std::string what, const SweepPoint* p, std::string reason) {
        Recommendation r{std::move(what), std::nullopt, std::move(reason), {}};
        if (p) {
            r.batch = p->totals.batch;
            r.totals = p->totals;
        }
        return r;
    };
    std::vector<Recommendation> out;
    const std::string noneFits = fitting == 0 ? "no batch in the sweep fits in device memory" : "";
    if (latencyBudget_s) {
        std::ostringstream why;
        if (bestBudget)
            why << "highest throughput with latency ≤ " << *latencyBudget_s * 1e3 << " ms";
        else if (fitting)
            why << "no batch meets the " << *latencyBudget_s * 1e3 << " ms latency budget";
        else
            why << noneFits;
        out.push_back(make("latency budget", bestBudget, why.str()));
    }
    out.push_back(make("max throughput", bestThroughput,
                       bestThroughput ? "highest inferences per second among batches that fit" : noneFits));
    const SweepPoint* knee = kneePoint(sweep);
    std::string kneeWhy = noneFits;
    if (knee) {
        std::ostringstream why;
        why << "smallest batch at ≥ " << kKneeShare * 100 << " % of the max throughput";
        if (knee != bestThroughput)
            why << "; the last " << std::setprecision(3)
                << 100 * (1 - knee->totals.throughput_per_s / bestThroughput->totals.throughput_per_s)
                << " % (batch " << bestThroughput->totals.batch << ") costs "
                << bestThroughput->totals.latency_s / knee->totals.latency_s << "× the latency";
        kneeWhy = why.str();
    }
    out.push_back(make("knee", knee, kneeWhy));
    out.push_back(make("min energy", bestEnergy,
                       bestEnergy ? "lowest energy per inference among batches that fit" : noneFits));
    return out;
}

} // namespace bs

namespace bs {

const std::vector<int>& sweepGrid() {
    static const std::vector<int> grid = [] {
        std::vector<int> g;
        for (int b = 1; b <= 16; ++b)
            g.push_back(b);
        for (int k = 33; k <= 96; ++k) { // 2^(33/8) ≈ 17 .. 2^(96/8) = 4096
            const int b = static_cast<int>(std::lround(std::exp2(k / 8.0)));
            if (b > g.back()) g.push_back(b);
        }
        return g;
    }();
    return grid;
}

const SweepPoint* kneePoint(const std::vector<SweepPoint>& sweep, double share) {
    double best = 0;
    for (const SweepPoint& p : sweep)
        if (p.totals.fitsMemory) best = std::max(best, p.totals.throughput_per_s);
    const SweepPoint* knee = nullptr;
    for (const SweepPoint& p : sweep)
        if (p.totals.fitsMemory && p.totals.throughput_per_s >= share * best &&
            (!knee || p.totals.batch < knee->totals.batch))
            knee = &p;
    return knee;
}

std::optional<int> recommendedBatch(const std::vector<SweepPoint>& sweep, std::optional<double> budget_s) {
    if (sweep.empty()) return std::nullopt;
    const std::string want = budget_s ? "latency budget" : "knee";
    for (const Recommendation& r : recommend(sweep, budget_s))
        if (r.what == want) return r.batch;
    return std::nullopt;
}

} // namespace bs
