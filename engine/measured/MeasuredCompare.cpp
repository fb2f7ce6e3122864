// Matching measured rows to a scenario (selectPoints) and comparing them with the model: error per
// point and the anomalies that depart from their neighbours' trend (docs/MEASURED.md).
#include "measured/Measured.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>

namespace bs {

namespace {

// A row's weights or kv at its own precision is no scheme (written out for clarity in some files).
bool sameScheme(const MeasuredPoint& p, const SchemeKeys& scheme) {
    const auto key = [&](const std::string& k) { return k == p.precision ? std::string() : k; };
    return key(p.weights) == scheme.weights && key(p.kv) == scheme.kv &&
           p.groupSize.value_or(0) == scheme.groupSize;
}

} // namespace

std::vector<MeasuredPoint> selectPoints(const MeasuredSet& set, const std::string& model,
                                        const std::string& hardware, const std::string& precision,
                                        std::optional<int> seq, std::optional<int> resolution,
                                        const SchemeKeys& scheme,
                                        const std::function<bool(const MeasuredPoint&)>& keep) {
    std::string wanted = precision; // rows store precisions lower-cased
    for (char& c : wanted)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::vector<MeasuredPoint> out;
    for (const MeasuredPoint& p : set.points) {
        if (!p.model.empty() && !model.empty() && p.model != model) continue;
        if (!p.hardware.empty() && !hardware.empty() && p.hardware != hardware) continue;
        if (!p.precision.empty() && !precision.empty() && p.precision != wanted) continue;
        if (p.seq && seq && *p.seq != *seq) continue;
        if (p.resolution && resolution && *p.resolution != *resolution) continue;
        // A generation row times prefill and decode steps, not one forward pass of a scenario:
        // `batchscope validate` scores it (docs/MEASURED.md).
        if (p.inputLen) continue;
        if (!sameScheme(p, scheme)) continue;
        if (p.tp && *p.tp > 1) continue; // several devices: not one scenario's single device
        if (keep && !keep(p)) continue;
        out.push_back(p);
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const MeasuredPoint& a, const MeasuredPoint& b) { return a.batch < b.batch; });
    for (std::size_t i = 1; i < out.size(); ++i)
        if (out[i].batch == out[i - 1].batch)
            throw MeasuredError(set.file + ": lines " + std::to_string(out[i - 1].line) + " and " +
                                std::to_string(out[i].line) + " both measure batch " +
                                std::to_string(out[i].batch) +
                                " of this scenario with different keys; give model/hardware/seq columns to "
                                "tell them apart");
    return out;
}

namespace {

// How far point i departs from its nearest neighbours on each side that are not flagged yet
// (geometric interpolation in log batch): from the measured trend, and measured ÷ model from its
// neighbours' ratio.
struct Departures {
    std::optional<double> trend;
    double model = 0;
};

Departures departuresAt(const Comparison& c, const std::vector<double>& ratios,
                        const std::vector<bool>& flagged, std::size_t i) {
    const std::size_t n = c.points.size();
    Departures d;
    std::optional<std::size_t> l, r;
    for (std::size_t j = i; j-- > 0;)
        if (!flagged[j]) {
            l = j;
            break;
        }
    for (std::size_t j = i + 1; j < n; ++j)
        if (!flagged[j]) {
            r = j;
            break;
        }
    if (l && r) {
        const double a = std::log(c.points[*l].measured.batch), b = std::log(c.points[*r].measured.batch);
        const double t = (std::log(c.points[i].measured.batch) - a) / (b - a);
        auto interpolate = [&](double vl, double vr) {
            return std::exp((1 - t) * std::log(vl) + t * std::log(vr));
        };
        d.trend = c.points[i].measured.perSample_s() /
                      interpolate(c.points[*l].measured.perSample_s(), c.points[*r].measured.perSample_s()) -
                  1;
        // What the model expects here relative to the same neighbours: measured ÷ model against
        // its neighbours' ratio, so a bias (constant or slowly varying) is not a departure.
        d.model = ratios[i] / interpolate(ratios[*l], ratios[*r]) - 1;
    } else if (l || r) {
        d.model = ratios[i] / ratios[l ? *l : *r] - 1;
    }
    return d;
}

// Flags the largest departure first, then looks again without it: a spike flagged first no longer
// drags its neighbours' trend, so they are not flagged in its shadow.
void flagAnomalies(Comparison& c, const std::vector<double>& ratios, double threshold) {
    const std::size_t n = c.points.size();
    std::vector<bool> flagged(n, false);
    auto isAnomaly = [&](const Departures& d) {
        return d.trend && std::abs(*d.trend) > threshold && std::abs(d.model) > threshold &&
               (*d.trend > 0) == (d.model > 0);
    };
    while (true) {
        std::optional<std::size_t> worst;
        double worstSize = 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (flagged[i]) continue;
            const Departures d = departuresAt(c, ratios, flagged, i);
            if (isAnomaly(d) && std::abs(*d.trend) > worstSize) worst = i, worstSize = std::abs(*d.trend);
        }
        if (!worst) break;
        // A flagged point keeps the departures it was flagged with.
        const Departures d = departuresAt(c, ratios, flagged, *worst);
        c.points[*worst].trendDeparture = d.trend;
        c.points[*worst].modelDeparture = d.model;
        flagged[*worst] = true;
    }
    for (std::size_t i = 0; i < n; ++i) {
        PointComparison& pc = c.points[i];
        pc.anomaly = flagged[i];
        c.anomalies += pc.anomaly ? 1 : 0;
        if (pc.anomaly) continue;
        const Departures d = departuresAt(c, ratios, flagged, i);
        pc.trendDeparture = d.trend;
        pc.modelDeparture = d.model;
    }
}

} // namespace

Comparison compareMeasured(const EvalInput& s, const std::vector<MeasuredPoint>& points, double threshold) {
    Comparison c;
    std::vector<double> ratios, absErr;
    for (const MeasuredPoint& m : points) {
        PointComparison pc;
        pc.measured = m;
        const Totals t = evaluateTotals(s, m.batch);
        if (!(t.latency_s > 0))
            throw MeasuredError("the model's latency at batch " + std::to_string(m.batch) +
                                " is 0 (no work and no dispatch time): nothing to compare with");
        pc.model_s = t.latency_s;
        pc.modelUtilization = t.utilization;
        pc.error = pc.model_s / m.latency_s - 1;
        ratios.push_back(m.latency_s / pc.model_s);
        absErr.push_back(std::abs(pc.error));
        c.points.push_back(pc);
    }
    c.mdape = median(absErr);
    c.medianRatio = ratios.empty() ? 1 : median(ratios);
    flagAnomalies(c, ratios, threshold);
    return c;
}

} // namespace bs
