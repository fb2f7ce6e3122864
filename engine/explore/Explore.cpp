#include "explore/Explore.h"

#include "base/EngineError.h"
#include "eval/EvalMemo.h"
#include "hardware/PresetLoader.h"
#include "hardware/PresetSchema.h"

#include <QFile>
#include <QJsonDocument>
#include <algorithm>
#include <limits>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

namespace bs {

namespace {

QJsonObject presetFileJson(const HardwarePreset& hw) {
    QFile f(QString::fromStdString(hw.file));
    if (hw.file.empty() || !f.open(QIODevice::ReadOnly))
        throw EngineError("explore varies a preset file's fields; " + hw.id + " has no readable file");
    return QJsonDocument::fromJson(f.readAll()).object();
}

// "memory.dram.bandwidth_gb_s=2000,model.seq=512": a design point in messages.
std::string pointText(const std::vector<DesignAxis>& axes, const std::vector<double>& values) {
    std::ostringstream o;
    for (std::size_t i = 0; i < axes.size(); ++i)
        o << (i ? "," : "") << axes[i].path << '=' << values[i];
    return o.str();
}

// The preset axes and their values, in the axes' order (knob axes left out).
std::pair<std::vector<DesignAxis>, std::vector<double>> presetPart(const std::vector<DesignAxis>& axes,
                                                                   const std::vector<double>& values) {
    std::pair<std::vector<DesignAxis>, std::vector<double>> out;
    for (std::size_t i = 0; i < axes.size(); ++i)
        if (!axes[i].isModelKnob()) {
            out.first.push_back(axes[i]);
            out.second.push_back(values[i]);
        }
    return out;
}

std::vector<double> knobPart(const std::vector<DesignAxis>& axes, const std::vector<double>& values) {
    std::vector<double> out;
    for (std::size_t i = 0; i < axes.size(); ++i)
        if (axes[i].isModelKnob()) out.push_back(values[i]);
    return out;
}

} // namespace

Scenario withKnobValues(const Scenario& s, const std::vector<DesignAxis>& axes,
                        const std::vector<double>& values) {
    Scenario sc = s;
    for (std::size_t i = 0; i < axes.size(); ++i) {
        const DesignAxis& a = axes[i];
        if (!a.isModelKnob()) continue;
        const std::string name = a.knobName();
        const ModelDescriptor* d = sc.isOnnx() ? nullptr : ModelZoo::find(sc.modelId.toStdString());
        if (!d)
            throw EngineError("--vary " + a.path +
                              ": an ONNX file's dims are not an explore axis (bind them with --dim)");
        const bool known =
            std::any_of(d->knobs.begin(), d->knobs.end(), [&](const Knob& kn) { return kn.name == name; });
        if (name == "resolution" && d->hasResolution) {
            sc.knobs["height"] = sc.knobs["width"] = values[i];
        } else if (known) {
            sc.knobs[name] = values[i];
        } else {
            std::string list;
            for (const Knob& kn : d->knobs)
                list += (list.empty() ? "" : ", ") + kn.name;
            throw EngineError("--vary " + a.path + ": " + d->id + " has no knob '" + name +
                              "' (knobs: " + list + (d->hasResolution ? ", resolution" : "") + ")");
        }
    }
    return sc;
}

namespace {

// The scenario's model with the knob axes at the point's `values`. Throws naming the axis.
std::shared_ptr<const PreparedModel> knobModel(const PreparedScenario& s, const std::vector<DesignAxis>& axes,
                                               const std::vector<double>& values) {
    const Scenario sc = withKnobValues(s.scenario, axes, values);
    try {
        return prepareModel(sc).model;
    } catch (const std::exception& e) {
        throw EngineError("--vary " + pointText(axes, values) + ": " + e.what());
    }
}

// One scenario made ready for its design points.
struct Plan {
    const PreparedScenario* scenario = nullptr;
    HardwarePreset base; ///< the preset file as written, validated
    /// Per axis, per value: the file with that one value, validated (empty for knob axes).
    std::vector<std::vector<HardwarePreset>> variants;
    /// Per combination of the knob axes' values: the prepared model (none without knob axes).
    std::map<std::vector<double>, std::shared_ptr<const PreparedModel>> models;
};

Plan makePlan(const PreparedScenario& s, const std::vector<DesignAxis>& axes,
              const std::vector<std::vector<double>>& points) {
    Plan p;
    p.scenario = &s;
    p.variants.resize(axes.size());
    const bool presetAxes =
        std::any_of(axes.begin(), axes.end(), [](const DesignAxis& a) { return !a.isModelKnob(); });
    if (presetAxes) {
        const QJsonObject json = presetFileJson(*s.hardware);
        p.base = variedPreset(json, {}, {}, s.hardware->file);
        for (std::size_t i = 0; i < axes.size(); ++i)
            if (!axes[i].isModelKnob())
                for (double v : axes[i].values)
                    p.variants[i].push_back(variedPreset(json, {axes[i]}, {v}, s.hardware->file));
    }
    for (const std::vector<double>& values : points) {
        const std::vector<double> knobs = knobPart(axes, values);
        if (!knobs.empty() && !p.models.count(knobs)) p.models[knobs] = knobModel(s, axes, values);
    }
    return p;
}

// The preset of design point `index` (one value index per axis): the first preset axis's variant
// with the second axis's member copied in, checked across fields, in the scenario's power mode.
HardwarePreset pointPreset(const Plan& p, const std::vector<DesignAxis>& axes,
                           const std::vector<std::size_t>& index, const std::vector<double>& values) {
    std::vector<std::size_t> presetAxes;
    for (std::size_t i = 0; i < axes.size(); ++i)
        if (!axes[i].isModelKnob()) presetAxes.push_back(i);
    if (presetAxes.empty()) return *p.scenario->hardware;
    HardwarePreset hw = p.variants[presetAxes[0]][index[presetAxes[0]]];
    if (presetAxes.size() == 2) {
        const DesignAxis& a = axes[presetAxes[1]];
        const HardwarePreset& other = p.variants[presetAxes[1]][index[presetAxes[1]]];
        *presetNumber(hw, a.path) = *presetNumber(other, a.path);
        if (a.path == "compute_units" || a.path == "clock_ghz") // both axes scale the peaks
            for (auto& [prec, peak] : hw.peakTflops)
                peak.value *= other.peakTflops.at(prec).value / p.base.peakTflops.at(prec).value;
        const auto [pa, pv] = presetPart(axes, values);
        hw.id = variedId(p.base.id, pa, pv);
        const std::vector<PresetIssue> issues = presetCrossChecks(hw, hw.file);
        if (hasErrors(issues)) {
            std::string lines = errorLines(issues);
            while (!lines.empty() && lines.back() == '\n')
                lines.pop_back();
            throw EngineError("--vary " + pointText(axes, values) + ": " + lines);
        }
    }
    const std::string mode = p.scenario->scenario.powerMode.toStdString();
    return mode.empty() ? hw : inPowerMode(hw, mode);
}

// The value index of each axis for design point `i` (the first axis outermost, as designPoints()).
std::vector<std::size_t> pointIndex(const std::vector<DesignAxis>& axes, std::size_t i) {
    std::vector<std::size_t> index(axes.size());
    for (std::size_t a = axes.size(); a-- > 0;) {
        index[a] = i % axes[a].values.size();
        i /= axes[a].values.size();
    }
    return index;
}

// The batch sweep a summary needs: a batch that does not fit in device memory is only marked
// (summarise() never picks one), not evaluated. `memos` holds one EvalMemo per batch.
std::vector<SweepPoint> fittingSweep(const EvalInput& in, const std::vector<int>& batches,
                                     std::vector<EvalMemo>& memos) {
    std::vector<SweepPoint> out(batches.size());
    memos.resize(batches.size());
    const double capacity = in.hardware->dramCapacityBytes();
    for (std::size_t i = 0; i < batches.size(); ++i) {
        out[i].value = batches[i];
        const double bytes = deviceMemoryBytes(in, batches[i]);
        if (bytes > capacity) {
            out[i].totals.batch = batches[i];
            out[i].totals.peakMemoryBytes = bytes;
            out[i].totals.fitsMemory = false;
            continue;
        }
        out[i].totals = evaluateTotals(in, batches[i], &memos[i]);
    }
    return out;
}

// What one worker keeps between design points: the traffic and mappings of the scenario and model
// it evaluated last, one memo per batch.
struct WorkerMemo {
    std::size_t scenario = std::numeric_limits<std::size_t>::max();
    const PreparedModel* model = nullptr;
    std::vector<EvalMemo> perBatch;
};

// Whether the field changes the on-chip level a layer's traffic depends on (EvalMemo::traffic).
bool changesTraffic(const DesignAxis& a) {
    return a.path == "memory.onchip.capacity_mib" || a.path == "efficiency.onchip_activation_fraction";
}

// The design point the `k`-th evaluation of a scenario handles. The memo keeps the traffic of one
// on-chip level, so when the inner axis changes it and the outer does not, the points are visited
// with the inner axis outermost; the rows keep designPoints() order.
std::size_t visitOrder(const std::vector<DesignAxis>& axes, std::size_t k) {
    if (axes.size() != 2 || !changesTraffic(axes[1]) || changesTraffic(axes[0])) return k;
    const std::size_t n0 = axes[0].values.size(), n1 = axes[1].values.size();
    return (k % n0) * n1 + k / n0;
}

} // namespace

std::vector<DesignRow> exploreDesignSpace(const std::vector<PreparedScenario>& scenarios,
                                          const ExploreRequest& r, const ExploreControl& c) {
    if (r.axes.empty() || r.axes.size() > 2) throw EngineError("explore needs one or two --vary PATH=LIST");
    if (r.axes.size() == 2 && r.axes[0].path == r.axes[1].path)
        throw EngineError("--vary " + r.axes[0].path + " is given twice");
    // A row holds a design point's totals (488 bytes and its values): 2^18 rows are about 130 MB.
    const std::size_t rowCount =
        r.axes[0].values.size() * (r.axes.size() == 2 ? r.axes[1].values.size() : 1) * scenarios.size();
    if (rowCount > kMaxDesignRows)
        throw EngineError("explore: " + std::to_string(rowCount) +
                          " design points × scenarios is more than " + std::to_string(kMaxDesignRows) +
                          "; use fewer values or scenarios");
    const std::vector<std::vector<double>> points = designPoints(r.axes);
    std::vector<Plan> plans;
    for (const PreparedScenario& s : scenarios)
        plans.push_back(makePlan(s, r.axes, points));
    const bool reuseMappings = std::none_of(r.axes.begin(), r.axes.end(),
                                            [](const DesignAxis& a) { return a.changesGemmMapping(); });

    const std::size_t total = plans.size() * points.size();
    std::vector<DesignRow> rows(total);
    std::atomic<std::size_t> next{0}, done{0};
    std::atomic<bool> failed{false};
    std::mutex mutex; // the first error and the progress callback
    std::size_t errorAt = std::numeric_limits<std::size_t>::max();
    std::string error;
    const auto stopped = [&] { return failed.load() || (c.cancel && c.cancel->load()); };
    const std::size_t chunk = 16;
    const std::size_t step = std::max<std::size_t>(chunk, total / 100);

    auto work = [&] {
        WorkerMemo memo;
        for (std::size_t begin; (begin = next.fetch_add(chunk)) < total && !stopped();) {
            for (std::size_t i = begin; i < std::min(total, begin + chunk); ++i) {
                const std::size_t scenario = i / points.size();
                const std::size_t point = visitOrder(r.axes, i % points.size());
                const Plan& p = plans[scenario];
                const std::vector<double>& values = points[point];
                try {
                    const HardwarePreset hw = pointPreset(p, r.axes, pointIndex(r.axes, point), values);
                    EvalInput in = p.scenario->input();
                    in.hardware = &hw;
                    in.runtime = &runtimeProfileFor(*p.scenario->runtime, hw);
                    if (!p.models.empty()) in.model = p.models.at(knobPart(r.axes, values)).get();
                    if (memo.scenario != scenario || memo.model != in.model || !reuseMappings)
                        memo = {scenario, in.model, {}};
                    rows[scenario * points.size() + point] = {
                        scenario, values,
                        summarise(fittingSweep(in, r.batches, memo.perBatch), r.objective, r.latencyBudget_s),
                        false};
                } catch (const std::exception& e) {
                    const std::lock_guard<std::mutex> lock(mutex);
                    if (i < errorAt) errorAt = i, error = e.what();
                    failed = true;
                    return;
                }
            }
            const std::size_t did = std::min(total, begin + chunk) - begin;
            const std::size_t n = done.fetch_add(did) + did;
            if (c.progress && (n - did) / step != n / step) {
                const std::lock_guard<std::mutex> lock(mutex);
                c.progress(n, total);
            }
        }
    };
    const int threads =
        c.threads > 0 ? c.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::thread> pool;
    for (int t = 1; t < std::min<int>(threads, static_cast<int>((total + chunk - 1) / chunk)); ++t)
        pool.emplace_back(work);
    work();
    for (std::thread& t : pool)
        t.join();
    if (failed) throw EngineError(error);
    if (c.cancel && c.cancel->load()) return {};
    if (c.progress) c.progress(total, total);

    std::vector<std::pair<double, double>> latencyEnergy;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (const DesignRow& row : rows) {
        const DesignSummary& d = row.summary;
        latencyEnergy.emplace_back(d.batch ? d.totals.latency_s : nan,
                                   d.batch ? d.totals.energyPerInference.total() : nan);
    }
    const std::vector<bool> front = paretoFront(latencyEnergy);
    for (std::size_t i = 0; i < rows.size(); ++i)
        rows[i].pareto = front[i];
    return rows;
}

HardwarePreset designPreset(const PreparedScenario& scenario, const std::vector<DesignAxis>& axes,
                            const std::vector<double>& values) {
    return variedPreset(presetFileJson(*scenario.hardware), axes, values, scenario.hardware->file);
}

} // namespace bs
