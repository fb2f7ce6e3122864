#include "explore/DesignSpace.h"

#include "base/EngineError.h"
#include "hardware/PresetLoader.h"
#include "hardware/PresetSchema.h"
#include "measured/Measured.h"

#include <QJsonDocument>
#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace bs {

namespace {

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

// A preset format path that holds a number: a Number field or one precision of a per-precision map.
bool isNumberPath(const std::string& path) {
    const PresetField* f = presetField(qs(path));
    if (!f) return false;
    if (f->kind == PresetFieldKind::Number) return true;
    return f->kind == PresetFieldKind::PerPrecision && path != f->path;
}

std::vector<std::string> split(const std::string& text, char sep) {
    std::vector<std::string> out;
    std::string item;
    std::istringstream in(text);
    while (std::getline(in, item, sep))
        out.push_back(item);
    return out;
}

std::string fmt(double v) {
    std::ostringstream o;
    o << v;
    return o.str();
}

} // namespace

namespace {

double axisNumber(const std::string& path, const std::string& item) {
    const std::optional<double> v = parseNumber(item);
    if (!v || !std::isfinite(*v)) throw EngineError("--vary " + path + ": '" + item + "' is not a number");
    return *v;
}

// "LO..HI" (steps of 1), "LO..HI:N" (N values evenly spaced) or "LO..HI*F" (×F each step).
void appendRange(DesignAxis& a, const std::string& item, std::size_t dots) {
    const double lo = axisNumber(a.path, item.substr(0, dots));
    std::string rest = item.substr(dots + 2);
    const std::size_t colon = rest.find(':'), star = rest.find('*');
    const std::size_t cut = std::min(colon, star);
    const double hi = axisNumber(a.path, rest.substr(0, cut));
    if (hi < lo) throw EngineError("--vary " + a.path + ": range '" + item + "' is empty");
    if (colon != std::string::npos) {
        const double n = axisNumber(a.path, rest.substr(colon + 1));
        if (n < 2 || n != std::floor(n) || n > 4096)
            throw EngineError("--vary " + a.path + ": '" + item + "': the count after ':' must be 2..4096");
        for (int i = 0; i < static_cast<int>(n); ++i)
            a.values.push_back(lo + (hi - lo) * i / (n - 1));
    } else if (star != std::string::npos) {
        const double f = axisNumber(a.path, rest.substr(star + 1));
        if (!(f > 1) || !(lo > 0))
            throw EngineError("--vary " + a.path + ": '" + item + "': a factor range needs LO > 0 and F > 1");
        for (double v = lo; v <= hi * (1 + 1e-12) && a.values.size() <= 4096; v *= f)
            a.values.push_back(v);
    } else {
        for (double v = lo; v <= hi && a.values.size() <= 4096; v += 1)
            a.values.push_back(v);
    }
}

} // namespace

bool DesignAxis::isModelKnob() const {
    return path.rfind(kModelAxisPrefix, 0) == 0;
}

std::string DesignAxis::knobName() const {
    return isModelKnob() ? path.substr(std::string(kModelAxisPrefix).size()) : std::string();
}

bool DesignAxis::changesGemmMapping() const {
    const std::string mapping = "mapping.";
    return path == "compute_units" || (path.rfind(mapping, 0) == 0 && path != "mapping.vector_grain_elems");
}

DesignAxis parseDesignAxis(const std::string& text) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0)
        throw EngineError("--vary '" + text + "' is not PATH=LIST (e.g. memory.onchip.capacity_mib=8,16,32)");
    DesignAxis a;
    a.path = text.substr(0, eq);
    const std::string list = text.substr(eq + 1);
    if (a.isModelKnob() ? a.knobName().empty()
                        : !isNumberPath(a.path) || a.path.rfind("power_modes.", 0) == 0)
        throw EngineError(
            "--vary " + a.path +
            ": not a number field of the preset format (docs/PRESETS.md; e.g. "
            "memory.dram.bandwidth_gb_s, memory.onchip.capacity_mib, compute_units, clock_ghz, "
            "peak_tflops.bf16, energy.tdp_watts) nor a model knob (model.seq, model.resolution)");
    for (const std::string& item : split(list, ',')) {
        if (const auto dots = item.find(".."); dots != std::string::npos)
            appendRange(a, item, dots);
        else
            a.values.push_back(axisNumber(a.path, item));
    }
    if (a.values.empty()) throw EngineError("--vary " + a.path + ": no values");
    if (a.values.size() > 4096) throw EngineError("--vary " + a.path + ": more than 4096 values");
    return a;
}

std::string variedId(const std::string& baseId, const std::vector<DesignAxis>& axes,
                     const std::vector<double>& values) {
    std::string id = baseId;
    for (std::size_t i = 0; i < axes.size(); ++i)
        id += "-" + axes[i].path + "-" + fmt(values[i]);
    // Preset ids are lower-case letters, digits and '-': "h100-sxm-memory-dram-bandwidth-gb-s-2000".
    for (char& c : id)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) c = '-';
    return id;
}

QJsonObject variedPresetJson(const QJsonObject& base, const std::vector<DesignAxis>& axes,
                             const std::vector<double>& values) {
    QJsonObject o = base;
    const QString id = base.value(QStringLiteral("id")).toString();
    std::vector<DesignAxis> presetAxes;
    std::vector<double> presetValues;
    for (std::size_t i = 0; i < axes.size(); ++i) {
        if (axes[i].isModelKnob()) continue;
        presetAxes.push_back(axes[i]);
        presetValues.push_back(values[i]);
        const QString path = qs(axes[i].path);
        const double v = values[i];
        // The peaks are units × FLOP/clock × clock: a design with more units or a faster clock
        // has proportionally higher peaks (docs/MODEL.md §20).
        if (path == QLatin1String("compute_units") || path == QLatin1String("clock_ghz")) {
            const double old = presetValueAt(o, path + QStringLiteral(".value")).toDouble();
            const QJsonObject peaks = o.value(QStringLiteral("peak_tflops")).toObject();
            if (old > 0 && v > 0)
                for (auto it = peaks.begin(); it != peaks.end(); ++it) {
                    const double peak = it.value().toObject().value(QStringLiteral("value")).toDouble();
                    o = withSourcedValue(o, QStringLiteral("peak_tflops.") + it.key(), peak * v / old,
                                         QStringLiteral("scaled with %1 by explore").arg(path));
                }
        }
        o = withSourcedValue(o, path, v, QStringLiteral("varied by batchscope explore"));
    }
    o[QStringLiteral("id")] = qs(variedId(id.toStdString(), presetAxes, presetValues));
    o[QStringLiteral("derived_from")] = id;
    return o;
}

HardwarePreset variedPreset(const QJsonObject& base, const std::vector<DesignAxis>& axes,
                            const std::vector<double>& values, const std::string& file) {
    const QJsonObject o = variedPresetJson(base, axes, values);
    PresetLoadResult r = parsePreset(QJsonDocument(o).toJson().toStdString(), file);
    if (!r.preset || hasErrors(r.issues)) {
        std::string where;
        for (std::size_t i = 0; i < axes.size(); ++i)
            where += (i ? "," : "") + axes[i].path + "=" + fmt(values[i]);
        std::string lines = errorLines(r.issues);
        while (!lines.empty() && lines.back() == '\n')
            lines.pop_back();
        throw EngineError("--vary " + where + ": " + lines);
    }
    return std::move(*r.preset);
}

std::vector<std::vector<double>> designPoints(const std::vector<DesignAxis>& axes) {
    std::vector<std::vector<double>> out{{}};
    for (const DesignAxis& a : axes) {
        std::vector<std::vector<double>> next;
        next.reserve(out.size() * a.values.size());
        for (const auto& prefix : out)
            for (double v : a.values) {
                next.push_back(prefix);
                next.back().push_back(v);
            }
        out = std::move(next);
    }
    return out;
}

std::string_view objectiveName(Objective o) {
    switch (o) {
    case Objective::Throughput:
        return "throughput";
    case Objective::Latency:
        return "latency";
    case Objective::Energy:
        return "energy";
    case Objective::Cost:
        return "cost";
    }
    return "throughput";
}

Objective parseObjective(const std::string& text) {
    for (Objective o : kAllObjectives)
        if (text == objectiveName(o)) return o;
    throw EngineError("--objective '" + text + "' is not throughput, latency, energy or cost");
}

namespace {

// Energy and cost: the fitting batch (within the budget, when one is set) with the least per inference.
void pickLowest(DesignSummary& s, const std::vector<SweepPoint>& sweep, Objective objective,
                std::optional<double> latencyBudget_s) {
    const auto per = [&](const Totals& t) {
        return objective == Objective::Energy ? t.energyPerInference.total() : t.usdPerMillion;
    };
    const SweepPoint* best = nullptr;
    bool fits = false;
    for (const SweepPoint& p : sweep) {
        fits = fits || p.totals.fitsMemory;
        if (p.totals.fitsMemory && (!latencyBudget_s || p.totals.latency_s <= *latencyBudget_s) &&
            (!best || per(p.totals) < per(best->totals)))
            best = &p;
    }
    if (best && objective == Objective::Cost && !(best->totals.usdPerMillion > 0)) {
        s.reason = "the preset gives no price (cost.usd_per_device_hour)";
        return;
    }
    if (best) {
        s.batch = best->totals.batch;
        s.totals = best->totals;
    } else {
        s.reason =
            !fits ? "no batch in the sweep fits in device memory" : "no batch meets the latency budget";
    }
}

} // namespace

DesignSummary summarise(const std::vector<SweepPoint>& sweep, Objective objective,
                        std::optional<double> latencyBudget_s) {
    DesignSummary s;
    const SweepPoint* knee = kneePoint(sweep);
    if (knee) s.kneeBatch = knee->totals.batch;
    for (const SweepPoint& p : sweep)
        if (p.totals.fitsMemory)
            s.maxThroughput_per_s = std::max(s.maxThroughput_per_s, p.totals.throughput_per_s);
    if (objective == Objective::Energy || objective == Objective::Cost) {
        pickLowest(s, sweep, objective, latencyBudget_s);
        return s;
    }
    const char* want = latencyBudget_s ? "latency budget" : "knee";
    for (const Recommendation& r : recommend(sweep, latencyBudget_s))
        if (r.what == want) {
            s.batch = r.batch;
            if (r.batch)
                s.totals = r.totals;
            else
                s.reason = r.reason;
        }
    return s;
}

std::vector<bool> paretoFront(const std::vector<std::pair<double, double>>& points) {
    // Sorted by the first coordinate (then the second), a point is on the front when its second
    // coordinate is below every earlier one's: O(n log n).
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < points.size(); ++i)
        if (!std::isnan(points[i].first) && !std::isnan(points[i].second)) order.push_back(i);
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return points[a] < points[b]; });
    std::vector<bool> front(points.size(), false);
    double best = std::numeric_limits<double>::infinity();
    std::pair<double, double> last{std::numeric_limits<double>::quiet_NaN(), 0};
    for (std::size_t i : order) {
        if (points[i] == last) { // a duplicate of a front point is on the front too
            front[i] = true;
            continue;
        }
        if (points[i].second < best) {
            front[i] = true;
            best = points[i].second;
            last = points[i];
        }
    }
    return front;
}

} // namespace bs
