#include "validation/Validation.h"

#include "base/EngineError.h"
#include "eval/Generation.h"
#include "scenario/Pipeline.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStringList>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <sstream>

namespace bs {

namespace {

// One evaluable point: its scenario's prepared model, preset and runtime, and where it came from.
struct Case {
    std::size_t dataset = 0, point = 0;
    std::shared_ptr<const PreparedModel> model;
    std::shared_ptr<const HardwarePreset> hardware; ///< as the row resolved it (id or preset file)
    Precision precision = Precision::FP32;
    Quantization quant;
    const Runtime* runtime = nullptr;
    std::string fitKey; ///< runtime id + class: the constants a fit changes
    /// A generation row (input_len/output_len): its prefill and decode models; `model` unused.
    std::shared_ptr<const GenerationModels> generation;
    Scenario scenario; ///< for its parallel layout (a row's tp: its node's link)
};

ScenarioFields fieldsOf(const MeasuredPoint& p) {
    ScenarioFields f;
    f.model = p.model;
    f.hardware = p.hardware;
    f.runtime = p.runtime;
    if (!p.precision.empty()) f.precision = p.precision;
    if (!p.weights.empty()) f.weights = p.weights;
    if (!p.kv.empty()) f.kv = p.kv;
    if (p.groupSize) f.groupSize = std::to_string(*p.groupSize);
    if (p.tp) f.parallel = "tp=" + std::to_string(*p.tp);
    if (p.seq) f.seq = std::to_string(*p.seq);
    if (p.resolution) f.resolution = std::to_string(*p.resolution);
    f.knobs = parseParams(p.params);
    f.prefix = "";
    return f;
}

// The presets of `base` plus the preset files beside the datasets (measured machines).
PresetLibrary withDatasetPresets(const PresetLibrary& base, const std::vector<std::string>& files) {
    PresetLibrary lib = base;
    std::vector<std::string> dirs;
    for (const std::string& f : files) {
        const std::string dir = QFileInfo(QString::fromStdString(f)).absolutePath().toStdString();
        if (std::find(dirs.begin(), dirs.end(), dir) == dirs.end()) dirs.push_back(dir);
    }
    for (const std::string& d : dirs) {
        PresetLibrary extra;
        extra.loadDirectory(d);
        for (const HardwarePreset& p : extra.presets())
            if (!lib.find(p.id)) lib.add(p);
    }
    return lib;
}

// The constants a fit moves, applied to a copy of the profile.
RuntimeClassProfile fitted(const RuntimeClassProfile& p, const RuntimeFit& f) {
    RuntimeClassProfile out = p;
    // A zero overhead constant has nothing to scale: the fit then moves it from 1 µs.
    if (p.overlap == LaunchOverlap::Graph)
        out.perInferenceUs.value = std::max(p.perInferenceUs.value, 1.0) * f.overheadScale;
    else
        out.hostUsPerOp.value = std::max(p.hostUsPerOp.value, 1.0) * f.overheadScale;
    out.gemmEfficiency.value = f.gemmEfficiency;
    return out;
}

// What the model says for a case: the batch's time (a generation's end to end), average board
// power, and energy per inference (per output token for a generation).
struct Outcome {
    double latency_s = 0, power_w = 0, energy_j = 0;
};

Outcome modelOutcome(const Case& c, const RuntimeClassProfile& profile, int batch) {
    const EvalInput in =
        withParallel({c.model.get(), c.hardware.get(), c.precision, &profile, c.quant}, c.scenario);
    if (c.generation) {
        const GenerationPoint g = evaluateGeneration(*c.generation, in, batch);
        return {g.e2e_s, g.power_w, g.energyPerToken_j};
    }
    const Totals t = evaluateTotals(in, batch);
    return {t.latency_s, t.power_w, t.energyPerInference.total()};
}

double modelTime(const Case& c, const RuntimeClassProfile& profile, int batch) {
    return modelOutcome(c, profile, batch).latency_s;
}

// Median |log(model ÷ measured)| of the cases under a fit.
double fitLoss(const std::vector<const Case*>& cases, const std::vector<ValidationDataset>& data,
               const RuntimeFit& f) {
    std::vector<double> err;
    err.reserve(cases.size());
    for (const Case* c : cases) {
        const RuntimeClassProfile p = fitted(*c->runtime->forClass(c->hardware->archClass), f);
        const MeasuredPoint& m = data[c->dataset].points[c->point].measured;
        err.push_back(std::abs(std::log(modelTime(*c, p, m.batch) / m.latency_s)));
    }
    return median(err);
}

// The grid: overhead × 2^(i/2) for i in [kOverheadStepMin, kOverheadStepMax] (× 1/16 … 256, 25
// steps: host and per-call costs across the datasets' stacks and harnesses span two orders of
// magnitude, 19 µs per op to 5 ms per call, docs/VALIDATION.md), GEMM efficiency j/10 for j in
// [kGemmStepMin, 10] (0.2 … 1.0, 9 steps).
constexpr int kOverheadStepMin = -8, kOverheadStepMax = 16, kGemmStepMin = 2;

RuntimeFit fitCases(const std::vector<const Case*>& cases, const std::vector<ValidationDataset>& data) {
    RuntimeFit best;
    double bestLoss = std::numeric_limits<double>::infinity();
    for (int i = kOverheadStepMin; i <= kOverheadStepMax; ++i)
        for (int j = kGemmStepMin; j <= 10; ++j) {
            const RuntimeFit f{std::pow(2.0, i / 2.0), j / 10.0};
            const double loss = fitLoss(cases, data, f);
            if (loss < bestLoss) bestLoss = loss, best = f;
        }
    return best;
}

// Each usable row of each dataset becomes a case; the others are listed as skipped.
std::vector<Case> loadCases(ValidationReport& report, const std::vector<std::string>& files,
                            const PresetLibrary& lib, const RuntimeLibrary& runtimes) {
    std::vector<Case> cases;
    std::map<std::string, std::shared_ptr<const PreparedModel>> models;
    for (std::size_t di = 0; di < files.size(); ++di) {
        ValidationDataset d;
        d.file = files[di];
        const MeasuredSet set = readMeasuredFile(files[di]);
        for (const MeasuredPoint& p : set.points) {
            const std::string where = "line " + std::to_string(p.line) + ": ";
            try {
                if (!p.runtime.empty() && !runtimes.find(p.runtime))
                    throw EngineError("runtime '" + p.runtime + "' has no shipped profile");
                HardwarePreset hw;
                const Scenario s = resolveScenario(fieldsOf(p), lib, &hw);
                Case c;
                c.dataset = report.datasets.size();
                c.point = d.points.size();
                c.hardware = std::make_shared<const HardwarePreset>(hw);
                c.precision = s.precision;
                c.quant = s.quant;
                c.scenario = s;
                c.runtime = runtimes.find(s.runtimeId.toStdString());
                runtimeProfileFor(*c.runtime, hw);
                if (p.inputLen) {
                    d.generation = true;
                    const ModelDescriptor* model =
                        s.isOnnx() ? nullptr : ModelZoo::find(s.modelId.toStdString());
                    if (!model || !model->isDecoder())
                        throw EngineError(
                            "a generation row (input_len, output_len) needs a decoder LLM model");
                    c.generation = std::make_shared<const GenerationModels>(
                        *model, s.knobs, GenerationLengths{*p.inputLen, *p.outputLen}, 1, 0,
                        s.parallel.sharding());
                } else {
                    auto& m = models[s.modelKey().toStdString()];
                    if (!m) m = prepareModel(s).model;
                    c.model = m;
                }
                c.fitKey = c.runtime->id + "/" + std::string(archClassName(hw.archClass));
                cases.push_back(c);
                if (!d.hardware.empty() &&
                    (", " + d.hardware + ", ").find(", " + hw.id + ", ") == std::string::npos)
                    d.hardware += ", " + hw.id;
                if (d.runtime.empty())
                    d.runtime = c.runtime->id, d.hardware = hw.id, d.cls = archClassName(hw.archClass);
                if (std::find(d.models.begin(), d.models.end(), p.model) == d.models.end())
                    d.models.push_back(p.model);
                d.points.push_back({p, 0, 0, 0, std::nullopt, std::nullopt});
            } catch (const std::exception& e) {
                d.skipped.push_back(where + e.what());
            }
        }
        report.datasets.push_back(std::move(d));
    }
    return cases;
}

// Whether the profile file's text names `dataset` (also as "stem-{a,b,c}.csv").
bool profileCites(const std::string& profileFile, const std::string& dataset) {
    QFile f(QString::fromStdString(profileFile));
    if (profileFile.empty() || !f.open(QIODevice::ReadOnly)) return false;
    const QString text = QString::fromUtf8(f.readAll());
    const QString name = QFileInfo(QString::fromStdString(dataset)).fileName();
    if (text.contains(name)) return true;
    static const QRegularExpression braces(QStringLiteral("([\\w.-]*)\\{([\\w,-]+)\\}([\\w.-]*\\.csv)"));
    for (auto it = braces.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        for (const QString& part : m.captured(2).split(QLatin1Char(',')))
            if (m.captured(1) + part + m.captured(3) == name) return true;
    }
    return false;
}

// What a fit moved, for the report.
FittedConstants describeFit(const Case& c, const std::vector<const Case*>& group, const RuntimeFit& f) {
    const RuntimeClassProfile& p = *c.runtime->forClass(c.hardware->archClass);
    FittedConstants out;
    out.runtime = c.runtime->id;
    out.cls = archClassName(c.hardware->archClass);
    std::vector<std::size_t> sets;
    for (const Case* g : group)
        if (std::find(sets.begin(), sets.end(), g->dataset) == sets.end()) sets.push_back(g->dataset);
    out.datasets = static_cast<int>(sets.size());
    out.points = static_cast<int>(group.size());
    const bool graph = p.overlap == LaunchOverlap::Graph;
    out.overheadField = graph ? "per_inference_us" : "host_us_per_op";
    out.overheadShipped_us = graph ? p.perInferenceUs.value : p.hostUsPerOp.value;
    out.fit = f;
    out.gemmShipped = p.gemmEfficiency.value;
    const double lo = std::pow(2.0, kOverheadStepMin / 2.0), hi = std::pow(2.0, kOverheadStepMax / 2.0);
    out.atGridEdge = f.overheadScale <= lo * 1.0001 || f.overheadScale >= hi * 0.9999 ||
                     f.gemmEfficiency <= kGemmStepMin / 10.0 + 1e-9;
    return out;
}

} // namespace

double FittedConstants::overheadFitted_us() const {
    return std::max(overheadShipped_us, 1.0) * fit.overheadScale;
}

std::string ValidationReport::family(const std::string& runtime, const std::string& cls) {
    if (cls == "cpu") return "cpu";
    if (runtime == "pytorch-eager" || runtime == "tensorflow") return "eager";
    // Graph-launched framework stacks: torch.compile, XLA, and eager kernels replayed as a CUDA
    // graph (no per-op host cost either; its kernels are eager's).
    if (runtime == "pytorch-compiled" || runtime == "pytorch-cudagraph" || runtime == "xla")
        return "compiled";
    return "fused";
}

ValidationReport runValidation(const std::vector<std::string>& files, const PresetLibrary& presets,
                               const RuntimeLibrary& runtimes, bool fit) {
    ValidationReport report;
    const PresetLibrary lib = withDatasetPresets(presets, files);
    const std::vector<Case> cases = loadCases(report, files, lib, runtimes);
    for (ValidationDataset& d : report.datasets)
        if (const Runtime* rt = runtimes.find(d.runtime))
            d.informsShippedProfile = profileCites(rt->file, d.file);
    for (const Case& c : cases) {
        ValidationPoint& v = report.datasets[c.dataset].points[c.point];
        const Outcome o = modelOutcome(c, *c.runtime->forClass(c.hardware->archClass), v.measured.batch);
        v.shipped_s = o.latency_s;
        v.shippedPower_w = o.power_w;
        v.shippedEnergy_j = o.energy_j;
    }
    if (!fit) return report;
    std::map<std::string, std::vector<const Case*>> byKey;
    for (const Case& c : cases)
        if (!c.generation) byKey[c.fitKey].push_back(&c);
    for (const auto& [key, group] : byKey) {
        const RuntimeFit all = fitCases(group, report.datasets);
        report.fits.push_back(describeFit(*group.front(), group, all));
        std::vector<std::size_t> sets;
        for (const Case* c : group)
            if (std::find(sets.begin(), sets.end(), c->dataset) == sets.end()) sets.push_back(c->dataset);
        for (std::size_t held : sets) {
            std::vector<const Case*> train, test;
            for (const Case* c : group)
                (c->dataset == held ? test : train).push_back(c);
            const bool outOfSample = !train.empty();
            const RuntimeFit out = outOfSample ? fitCases(train, report.datasets) : RuntimeFit{};
            for (const Case* c : test) {
                ValidationPoint& v = report.datasets[c->dataset].points[c->point];
                const RuntimeClassProfile& base = *c->runtime->forClass(c->hardware->archClass);
                v.inSample_s = modelTime(*c, fitted(base, all), v.measured.batch);
                if (outOfSample) v.outOfSample_s = modelTime(*c, fitted(base, out), v.measured.batch);
            }
        }
    }
    return report;
}

std::vector<std::string> shippedValidationFiles() {
    const QString presets = QString::fromStdString(shippedPresetDir());
    QString dir = presets + QStringLiteral("/measured");
    if (!QDir(dir).exists()) dir = presets + QStringLiteral("/../measured");
    std::vector<std::string> files;
    for (const QString& d : QStringList{dir, dir + QStringLiteral("/public")})
        for (const QFileInfo& fi : QDir(d).entryInfoList({QStringLiteral("*.csv")}, QDir::Files, QDir::Name))
            files.push_back(QDir::cleanPath(fi.filePath()).toStdString());
    return files;
}

std::vector<const ValidationPoint*>
pointsOf(const ValidationReport& r, const std::function<bool(const ValidationDataset&)>& in, int maxBatch) {
    std::vector<const ValidationPoint*> out;
    for (const ValidationDataset& d : r.datasets)
        if (in(d))
            for (const ValidationPoint& p : d.points)
                if (p.measured.batch <= maxBatch) out.push_back(&p);
    return out;
}

std::optional<double> mdapePct(const std::vector<const ValidationPoint*>& pts, int which, int maxBatch) {
    std::vector<double> err;
    for (const ValidationPoint* p : pts) {
        if (p->measured.batch > maxBatch) continue;
        const std::optional<double> model = which == 0   ? std::optional<double>(p->shipped_s)
                                            : which == 1 ? p->outOfSample_s
                                                         : p->inSample_s;
        if (model) err.push_back(std::abs(*model / p->measured.latency_s - 1) * 100);
    }
    if (err.empty()) return std::nullopt;
    return median(err);
}

std::optional<double> powerMdapePct(const std::vector<const ValidationPoint*>& pts, bool energy) {
    std::vector<double> err;
    for (const ValidationPoint* p : pts) {
        const std::optional<double> measured = energy ? p->measured.energy_j : p->measured.power_w;
        const double model = energy ? p->shippedEnergy_j : p->shippedPower_w;
        if (measured && model > 0) err.push_back(std::abs(model / *measured - 1) * 100);
    }
    if (err.empty()) return std::nullopt;
    return median(err);
}

} // namespace bs

namespace bs {

namespace {

std::string pct(const std::optional<double>& v) {
    if (!v) return "—";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f %%", *v);
    return buf;
}

std::string fileName(const std::string& path) {
    return QFileInfo(QString::fromStdString(path)).fileName().toStdString();
}

std::vector<const ValidationPoint*> pointsOf(const ValidationDataset& d) {
    std::vector<const ValidationPoint*> out;
    for (const ValidationPoint& p : d.points)
        out.push_back(&p);
    return out;
}

// One summary row per group of datasets: points, datasets, and the three scores.
void groupTable(std::ostringstream& md, const ValidationReport& r, const char* title,
                const std::function<std::string(const ValidationDataset&)>& groupOf, int maxBatch) {
    std::map<std::string, int> datasets;
    for (const ValidationDataset& d : r.datasets)
        if (!d.points.empty() && !groupOf(d).empty()) ++datasets[groupOf(d)];
    md << "| " << title
       << " | datasets | points | MdAPE shipped | MdAPE fitted, out of sample | MdAPE fitted, in sample |\n"
       << "|---|---|---|---|---|---|\n";
    for (const auto& [group, sets] : datasets) {
        const std::string& g = group; // a structured binding cannot be captured before C++20 in clang
        const auto pts = pointsOf(
            r, [&](const ValidationDataset& d) { return groupOf(d) == g; }, maxBatch);
        md << "| " << g << " | " << sets << " | " << pts.size() << " | " << pct(mdapePct(pts, 0)) << " | "
           << pct(mdapePct(pts, 1)) << " | " << pct(mdapePct(pts, 2)) << " |\n";
    }
    md << "\n";
}

// Generation points by runtime and tensor-parallel degree (1 for rows without tp): what the
// interconnect model adds, against the same runtime's single-device error.
void tensorParallelTable(std::ostringstream& md, const ValidationReport& r) {
    std::map<std::pair<std::string, int>, std::vector<const ValidationPoint*>> groups;
    for (const ValidationDataset& d : r.datasets) {
        if (!d.generation) continue;
        for (const ValidationPoint* p : pointsOf(d))
            groups[{d.runtime, p->measured.tp.value_or(1)}].push_back(p);
    }
    md << "### LLM generation by tensor-parallel degree (shipped profiles; tp > 1 on the node's link)\n\n"
       << "| runtime | tp | points | MdAPE shipped |\n|---|---|---|---|\n";
    for (const auto& [key, pts] : groups)
        md << "| " << key.first << " | " << key.second << " | " << pts.size() << " | "
           << pct(mdapePct(pts, 0)) << " |\n";
    md << "\n";
}

// The in-sample fits: what the two constants became against what the profile ships.
void fitsTable(std::ostringstream& md, const ValidationReport& r) {
    if (r.fits.empty()) return;
    md << "### Fitted constants (in sample: all of the runtime's datasets on the chip class)\n\n"
       << "| runtime | datasets | points | host overhead | shipped | fitted | GEMM efficiency shipped → "
          "fitted |\n"
       << "|---|---|---|---|---|---|---|\n";
    for (const FittedConstants& f : r.fits) {
        char buf[160];
        const double us = f.overheadFitted_us();
        char fitted[48];
        std::snprintf(fitted, sizeof fitted, us >= 100 ? "%.0f" : "%.3g", us);
        std::snprintf(buf, sizeof buf, "%g µs | %s µs (×%.3g) | %.2f → %.1f", f.overheadShipped_us, fitted,
                      f.fit.overheadScale, f.gemmShipped, f.fit.gemmEfficiency);
        md << "| " << f.runtime << " (" << f.cls << ") | " << f.datasets << " | " << f.points << " | `"
           << f.overheadField << "` | " << buf << (f.atGridEdge ? " ²" : "") << " |\n";
    }
    md << "\n² A constant at the end of its grid (overhead × 1/16 or × 256, GEMM efficiency 0.2): the "
          "fit wanted to go further.\n\n";
}

// Board power and energy per inference, shipped presets (no fit: no preset energy constant is
// derived from these datasets), for every dataset that measured them, and all of them together.
void powerTable(std::ostringstream& md, const ValidationReport& r) {
    md << "### Energy and power (shipped presets)\n\n"
       << "| dataset | hardware | points with power | MdAPE board power | points with energy | MdAPE "
          "energy per inference |\n"
       << "|---|---|---|---|---|---|\n";
    std::vector<const ValidationPoint*> all;
    for (const ValidationDataset& d : r.datasets) {
        const auto pts = pointsOf(d);
        int withPower = 0, withEnergy = 0;
        for (const ValidationPoint* p : pts)
            withPower += p->measured.power_w ? 1 : 0, withEnergy += p->measured.energy_j ? 1 : 0;
        if (withPower + withEnergy == 0) continue;
        all.insert(all.end(), pts.begin(), pts.end());
        md << "| `" << fileName(d.file) << "` | " << d.hardware << " | " << withPower << " | "
           << pct(powerMdapePct(pts, false)) << " | " << withEnergy << " | " << pct(powerMdapePct(pts, true))
           << " |\n";
    }
    md << "| all | | | " << pct(powerMdapePct(all, false)) << " | | " << pct(powerMdapePct(all, true))
       << " |\n\n";
}

} // namespace

std::string validationMarkdown(const ValidationReport& r) {
    std::ostringstream md;
    md << "### Per dataset\n\n"
       << "| dataset | hardware | runtime | models | points | skipped rows | MdAPE shipped | MdAPE fitted, "
          "out of "
          "sample | MdAPE fitted, in sample |\n"
       << "|---|---|---|---|---|---|---|---|---|\n";
    bool anyCited = false;
    for (const ValidationDataset& d : r.datasets) {
        std::string models;
        for (const std::string& m : d.models)
            models += (models.empty() ? "" : ", ") + m;
        const auto pts = pointsOf(d);
        md << "| `" << fileName(d.file) << "` | " << (d.hardware.empty() ? "—" : d.hardware) << " | "
           << (d.runtime.empty() ? "—" : d.runtime) << " | " << (models.empty() ? "—" : models) << " | "
           << d.points.size() << " | " << d.skipped.size() << " | " << pct(mdapePct(pts, 0))
           << (d.informsShippedProfile ? " ¹" : "") << " | " << pct(mdapePct(pts, 1)) << " | "
           << pct(mdapePct(pts, 2)) << " |\n";
    }
    for (const ValidationDataset& d : r.datasets)
        anyCited = anyCited || d.informsShippedProfile;
    if (anyCited)
        md << "\n¹ The runtime's profile cites this dataset as a source of one of its numbers: its shipped "
              "score is "
              "in sample.\n";
    md << "\n### Per runtime family\n\n";
    groupTable(
        md, r, "family",
        [](const ValidationDataset& d) {
            return d.generation ? std::string() : ValidationReport::family(d.runtime, d.cls);
        },
        1 << 30);
    md << "### Per runtime and chip class\n\n";
    groupTable(
        md, r, "runtime",
        [](const ValidationDataset& d) {
            return d.generation ? std::string() : d.runtime + " (" + d.cls + ")";
        },
        1 << 30);
    fitsTable(md, r);
    md << "### Fused runtimes at batch 1–4\n\n";
    groupTable(
        md, r, "family",
        [](const ValidationDataset& d) {
            return !d.generation && ValidationReport::family(d.runtime, d.cls) == "fused"
                       ? std::string("fused")
                       : std::string();
        },
        4);
    md << "### LLM generation (static batching, end-to-end time of the batch; shipped profiles)\n\n";
    groupTable(
        md, r, "runtime on hardware",
        [](const ValidationDataset& d) {
            return d.generation ? d.runtime + " on " + d.hardware : std::string();
        },
        1 << 30);
    tensorParallelTable(md, r);
    powerTable(md, r);
    md << "### Rows not evaluated\n\n";
    bool any = false;
    for (const ValidationDataset& d : r.datasets) {
        std::map<std::string, int> reasons;
        for (const std::string& s : d.skipped)
            ++reasons[s.substr(s.find(": ") + 2)];
        for (const auto& [why, n] : reasons) {
            md << "- `" << fileName(d.file) << "`: " << n << " row" << (n == 1 ? "" : "s") << ": " << why
               << "\n";
            any = true;
        }
    }
    if (!any) md << "None.\n";
    return md.str();
}

} // namespace bs
