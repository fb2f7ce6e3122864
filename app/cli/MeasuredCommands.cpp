#include "cli/MeasuredCommands.h"

#include "base/AtomicWrite.h"
#include "base/EngineError.h"
#include "base/Format.h"
#include "base/Table.h"
#include "cli/ScenarioOptions.h"
#include "hardware/MachineProbe.h"
#include "hardware/PresetLoader.h"
#include "measured/Calibration.h"
#include "measured/Measured.h"
#include "validation/Validation.h"
#include "zoo/ModelZoo.h"

#include <QDate>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <cmath>
#include <iostream>
#include <ostream>

namespace bs::cli {

namespace {

// " with weights fp32" for a scenario with a quantization scheme, "" without.
std::string schemeText(const Scenario& s) {
    const std::string label = quantizationLabel(s.quant, s.precision);
    return label.empty() ? "" : " with " + label;
}

/// The measured points of the scenario; throws when the file has none for it.
std::vector<MeasuredPoint> pointsFor(const MeasuredSet& set, const PreparedScenario& s) {
    std::vector<MeasuredPoint> pts = measuredPointsFor(set, s.scenario, *s.hardware);
    if (pts.empty())
        throw EngineError(
            set.file + ": no points for model " + measuredModelName(s.scenario) + " on " + s.hardware->id +
            " at " + std::string(precisionName(s.scenario.precision)) + schemeText(s.scenario) +
            " under runtime " + s.scenario.runtimeId.toStdString() +
            " (the file's model/hardware/runtime/precision/seq/resolution columns must match or be empty, and"
            " its weights/kv/group_size columns must be the scenario's scheme and the knobs its params "
            "column names"
            " the scenario's values;"
            " generation rows, with input_len and output_len, are scored by 'batchscope validate')");
    return pts;
}

double threshold(const Options& o) {
    if (!o.has("threshold-pct")) return kAnomalyThreshold;
    const std::string v = o.value("threshold-pct");
    const double pct = parseNumber(v).value_or(0);
    if (!(pct > 0) || pct > 1000) throw EngineError("--threshold-pct '" + v + "' is not in (0, 1000]");
    return pct / 100;
}

MeasuredSet readMeasured(const Options& o) {
    if (!o.has("measured"))
        throw EngineError("--measured FILE is required (CSV or JSON lines, see docs/MEASURED.md)");
    try {
        MeasuredSet set = readMeasuredFile(o.value("measured"));
        for (const std::string& w : set.warnings)
            std::cerr << "batchscope: warning: " << w << "\n";
        return set;
    } catch (const MeasuredError& e) {
        throw EngineError(e.what());
    }
}

/// Validates `json` as any preset is validated (what is written must load) and writes it
/// atomically to `path`; throws EngineError naming the problem or the file.
void writePresetFile(const QJsonObject& json, const std::string& path) {
    const QByteArray bytes = QJsonDocument(json).toJson(QJsonDocument::Indented);
    const PresetLoadResult check = parsePreset(bytes.toStdString(), path);
    if (!check.ok())
        throw EngineError(check.issues.empty() ? path + ": the preset is invalid"
                                               : check.issues.front().str());
    QString error;
    if (!writeFileAtomically(qs(path), bytes, &error)) throw EngineError(error.toStdString());
}

// ---- compare ---------------------------------------------------------------------------------

int runCompare(const Options& o, std::ostream& out) {
    const PreparedScenario s = prepareFromOptions(o);
    const MeasuredSet set = readMeasured(o);
    const std::vector<MeasuredPoint> pts = pointsFor(set, s);
    const Comparison c = compareMeasured(s.input(), pts, threshold(o));
    if (o.has("summary")) {
        Table t({QStringLiteral("model"), QStringLiteral("hardware"), QStringLiteral("precision"),
                 QStringLiteral("points"), QStringLiteral("mdape_pct"),
                 QStringLiteral("median_measured_over_model"), QStringLiteral("anomalies")});
        t.addRow({qs(measuredModelName(s.scenario)), qs(s.hardware->id),
                  qs(std::string(precisionName(s.scenario.precision))), static_cast<double>(c.points.size()),
                  c.mdape * 100, c.medianRatio, static_cast<double>(c.anomalies)});
        writeTable(t, o, out);
        return 0;
    }
    Table t({QStringLiteral("batch"), QStringLiteral("runs"), QStringLiteral("measured_latency_ms"),
             QStringLiteral("model_latency_ms"), QStringLiteral("error_pct"),
             QStringLiteral("measured_per_sample_ms"), QStringLiteral("trend_departure_pct"),
             QStringLiteral("model_departure_pct"), QStringLiteral("anomaly"), QStringLiteral("line")});
    for (const PointComparison& p : c.points)
        t.addRow({static_cast<double>(p.measured.batch), static_cast<double>(p.measured.runs),
                  p.measured.latency_s * 1e3, p.model_s * 1e3, p.error * 100, p.measured.perSample_s() * 1e3,
                  p.trendDeparture ? Cell(*p.trendDeparture * 100) : Cell(QString()), p.modelDeparture * 100,
                  p.anomaly, static_cast<double>(p.measured.line)});
    writeTable(t, o, out);
    return 0;
}

// ---- calibrate -------------------------------------------------------------------------------

int runCalibrate(const Options& o, std::ostream& out) {
    if (!o.has("out")) throw EngineError("--out preset.json is required");
    if (!o.has("model")) throw EngineError("--model is required (repeat it for several sweeps)");
    const MeasuredSet set = readMeasured(o);
    CalibrationKnobs knobs;
    if (o.has("fit")) {
        knobs = {false, false, false};
        for (const QString& k : qs(o.value("fit")).split(QLatin1Char(','))) {
            if (k == QLatin1String("compute"))
                knobs.computeFraction = true;
            else if (k == QLatin1String("bandwidth"))
                knobs.bandwidthFraction = true;
            else if (k == QLatin1String("dispatch"))
                knobs.dispatch = true;
            else
                throw EngineError("--fit '" + k.toStdString() + "' is not compute, bandwidth or dispatch");
        }
    }
    // One scenario per --model, on the same hardware and precision options.
    std::vector<PreparedScenario> setups;
    std::vector<CalibrationSweep> sweeps;
    for (const std::string& model : o.values("model")) {
        Options one = o;
        one.set("model", model);
        setups.push_back(prepareFromOptions(one));
    }
    std::string fittedTo = QFileInfo(qs(set.file)).fileName().toStdString() + " (";
    for (std::size_t i = 0; i < setups.size(); ++i) {
        const PreparedScenario& s = setups[i];
        const std::string precision(precisionName(s.scenario.precision));
        CalibrationSweep sw{s.prepared.model.get(), s.scenario.precision, pointsFor(set, s),
                            measuredModelName(s.scenario) + " " + precision, s.input().runtime};
        fittedTo += (i ? ", " : "") + sw.label + " batch " + std::to_string(sw.points.front().batch) + "-" +
                    std::to_string(sw.points.back().batch);
        sweeps.push_back(std::move(sw));
    }
    fittedTo += ")";
    const HardwarePreset& base = *setups.front().hardware;
    const CalibrationResult r = calibrate(base, sweeps, knobs);

    QFile baseFile(qs(base.file));
    if (base.file.empty() || !baseFile.open(QIODevice::ReadOnly))
        throw EngineError("cannot read the preset file of '" + base.id + "' (" + base.file + ")");
    const QJsonObject baseJson = QJsonDocument::fromJson(baseFile.readAll()).object();
    const std::string id = o.value("id", base.id + "-calibrated");
    const QJsonObject json = calibratedPresetJson(baseJson, r, id, fittedTo,
                                                  QDate::currentDate().toString(Qt::ISODate).toStdString());
    writePresetFile(json, o.value("out"));

    Table t({QStringLiteral("quantity"), QStringLiteral("before"), QStringLiteral("after")});
    t.addRow({QStringLiteral("compute_fraction"), r.computeFraction[0], r.computeFraction[1]});
    t.addRow({QStringLiteral("bandwidth_fraction"), r.bandwidthFraction[0], r.bandwidthFraction[1]});
    t.addRow({QStringLiteral("dispatch_us"), r.dispatchUs[0], r.dispatchUs[1]});
    t.addRow({QStringLiteral("mdape_pct"), r.mdape[0] * 100, r.mdape[1] * 100});
    t.addRow({QStringLiteral("rms_log_error"), r.rmsLog[0], r.rmsLog[1]});
    t.addRow({QStringLiteral("points"), static_cast<double>(r.points), static_cast<double>(r.points)});
    writeTable(t, o, out);
    return 0;
}

// ---- measure-machine -------------------------------------------------------------------------

/// The test switches of measure-machine: where the facts are read, and the widest vector ISA.
FactOptions factOptions(const Options& o) {
    FactOptions f;
    if (o.has("sysfs-root")) f.sysfsRoot = o.value("sysfs-root");
    if (o.has("proc-root")) f.procRoot = o.value("proc-root");
    if (o.has("max-isa")) {
        const std::string v = o.value("max-isa");
        const std::optional<VectorIsa> isa = parseVectorIsa(v);
        if (!isa) throw EngineError("--max-isa '" + v + "' is not avx512, avx2 or scalar");
        f.maxIsa = *isa;
    }
    return f;
}

int runMeasureMachine(const Options& o, std::ostream& out) {
    if (!o.has("out")) throw EngineError("--out preset.json is required");
    const PresetLibrary lib = PresetLibrary::shipped();
    const HardwarePreset* templ = lib.find(o.value("template", "xeon-8490h"));
    if (!templ || templ->archClass != ArchClass::Cpu)
        throw EngineError("--template '" + o.value("template", "xeon-8490h") +
                          "' is not a shipped CPU preset");
    QFile tf(qs(templ->file));
    if (!tf.open(QIODevice::ReadOnly)) throw EngineError("cannot read " + templ->file);
    ProbeOptions po;
    if (o.has("seconds")) {
        const std::string v = o.value("seconds");
        const double sec = parseNumber(v).value_or(0);
        if (!(sec >= 0.05) || sec > 30) throw EngineError("--seconds '" + v + "' is not between 0.05 and 30");
        po.secondsPerProbe = sec;
    }
    po.facts = factOptions(o);
    if (o.has("max-triad-mib")) {
        const std::string v = o.value("max-triad-mib");
        const double mib = parseNumber(v).value_or(0);
        if (!(mib >= 1)) throw EngineError("--max-triad-mib '" + v + "' is not a size of at least 1 MiB");
        po.maxTriadMib = mib;
    }
    po.progress = [](int step, int steps, const std::string& what) {
        std::cerr << "batchscope: measuring " << step << "/" << steps << ": " << what << "\n";
    };
    const MachineMeasurement m = measureMachine(po);
    const QJsonObject json =
        machinePresetJson(m, QJsonDocument::fromJson(tf.readAll()).object(), o.value("id", "this-machine"));
    // Every fact no source reported has become an estimate, so the preset should always load; if
    // it does not (a bug), say so in one line rather than write a file the loader refuses.
    const PresetLoadResult check =
        parsePreset(QJsonDocument(json).toJson().toStdString(), o.value("id", "this-machine") + ".json");
    if (!check.ok())
        throw EngineError("the measured preset does not validate, nothing written: " +
                          (check.issues.empty() ? std::string("invalid") : check.issues.front().str()));
    writePresetFile(json, o.value("out"));
    const MachineFacts& f = m.facts;
    const QString measured = QStringLiteral("measured");
    Table t({QStringLiteral("quantity"), QStringLiteral("value"), QStringLiteral("unit"),
             QStringLiteral("source")});
    t.addRow({QStringLiteral("cpu"), qs(f.cpuName), QString(), qs(f.source.cpu)});
    t.addRow({QStringLiteral("cores"), static_cast<double>(f.cores), QString(), qs(f.source.cores)});
    t.addRow({QStringLiteral("isa"), qs(vectorIsaName(f.isa)), QString(), qs(f.source.isa)});
    t.addRow({QStringLiteral("clock"), m.clockGhz, QStringLiteral("GHz"),
              QStringLiteral("measured: dependent integer adds, one per clock")});
    t.addRow({QStringLiteral("os_clock"), f.clockGhz, QStringLiteral("GHz"), qs(f.source.clock)});
    t.addRow({QStringLiteral("fp32_peak"), m.fmaPeakGflops, QStringLiteral("GFLOP/s"), measured});
    t.addRow({QStringLiteral("gemm"), m.gemmGflops, QStringLiteral("GFLOP/s"), measured});
    t.addRow({QStringLiteral("dram_bandwidth"), m.dramGBs, QStringLiteral("GB/s"), measured});
    t.addRow({QStringLiteral("llc_bandwidth"), m.llcGBs, QStringLiteral("GB/s"), measured});
    t.addRow({QStringLiteral("llc"), f.llcMib, QStringLiteral("MiB"), qs(f.source.llc)});
    t.addRow({QStringLiteral("l2"), f.l2Kib, QStringLiteral("KiB"), qs(f.source.l2)});
    t.addRow({QStringLiteral("l1d"), f.l1dKib, QStringLiteral("KiB"), qs(f.source.l1d)});
    t.addRow({QStringLiteral("memory"), f.memoryGib, QStringLiteral("GiB"), qs(f.source.memory)});
    t.addRow({QStringLiteral("seconds"), m.seconds, QStringLiteral("s"), measured});
    writeTable(t, o, out);
    return 0;
}

const char* kMeasuredHelp =
    R"(Measured files (docs/MEASURED.md): CSV with a header naming batch and latency_ms
or throughput_per_s (optional: energy_mj, model, hardware, runtime, params,
precision, seq, resolution, source, covers; '#' lines are comments), or JSON lines as profilers write them
({"batch_size": 4, "forward_ms": 175.2}). Repeated runs of a batch: the median.
Rows whose model/hardware/precision/seq/resolution contradict the scenario are
left out, as are rows whose weights/kv/group_size are not the scenario's scheme,
rows whose params name a knob at another value than the scenario's (or any knob,
for an ONNX model), and with --runtime (other than ideal) rows of another runtime;
empty keys match. For an ONNX model the model column is its file name.
)";

} // namespace

// The Markdown between the markers of `doc` replaced by `tables`; throws when a marker is missing.
QByteArray withTables(const QByteArray& doc, const std::string& tables, const std::string& file) {
    const QByteArray begin = "<!-- validate:begin -->", end = "<!-- validate:end -->";
    const qsizetype b = doc.indexOf(begin), e = doc.indexOf(end);
    if (b < 0 || e < b)
        throw EngineError(file + ": no '" + begin.toStdString() + "' … '" + end.toStdString() + "' markers");
    return doc.left(b + begin.size()) + "\n" + QByteArray::fromStdString(tables) + doc.mid(e);
}

int runValidate(const Options& o, std::ostream& out) {
    std::vector<std::string> files = o.values("data");
    if (files.empty()) files = shippedValidationFiles();
    if (files.empty()) throw EngineError("no validation datasets found (give --data FILE)");
    const ValidationReport r =
        runValidation(files, PresetLibrary::shipped(), RuntimeLibrary::shipped(), !o.has("no-fit"));
    const std::string tables = validationMarkdown(r);
    out << tables;
    if (o.has("write")) {
        const std::string doc = o.value("write");
        QFile f(QString::fromStdString(doc));
        if (!f.open(QIODevice::ReadOnly))
            throw EngineError(doc + ": cannot read: " + f.errorString().toStdString());
        const QByteArray text = withTables(f.readAll(), tables, doc);
        f.close();
        QString error;
        if (!writeFileAtomically(QString::fromStdString(doc), text, &error))
            throw EngineError(error.toStdString());
    }
    return 0;
}

std::vector<Command> measuredCommands() {
    std::vector<Command> c;
    std::vector<OptionSpec> scenario = scenarioOptionSpecs();
    scenario.push_back({"measured", true, false});
    std::vector<OptionSpec> compare = scenario;
    compare.insert(compare.end(), {{"threshold-pct", true, false}, {"summary", false, false}});
    c.push_back(
        {"compare",
         std::string("Usage: batchscope compare --model ID --hardware ID --measured FILE [options]\n\n"
                     "Compares a measured batch sweep with the model, point by point.\n\n") +
             kMeasuredHelp +
             "\nOptions: the scenario options of 'batchscope sweep --help', and\n"
             "  --measured FILE       the measured sweep\n"
             "  --threshold-pct X     anomaly threshold (default 20)\n"
             "  --summary             one row: points, mdape_pct, median ratio, anomalies\n"
             "  --format csv|json\n\n"
             "Columns: batch, runs (timed runs behind the median), measured_latency_ms,\n"
             "model_latency_ms, error_pct = (model / measured - 1) x 100 (negative: the model is\n"
             "optimistic), measured_per_sample_ms, trend_departure_pct (per-sample time against\n"
             "the geometric interpolation of the neighbouring batches; empty at the ends),\n"
             "model_departure_pct ((measured / model) against the same interpolation of the\n"
             "neighbours' ratios, so a model bias that is constant or smooth in batch is not an\n"
             "anomaly), anomaly (both departures beyond the threshold, same sign), line (of the\n"
             "file's first row for the point).\n",
         compare, runCompare});
    std::vector<OptionSpec> cal = scenario;
    for (OptionSpec& s : cal)
        if (std::string(s.name) == "model") s.repeatable = true;
    cal.insert(cal.end(), {{"out", true, false}, {"id", true, false}, {"fit", true, false}});
    c.push_back(
        {"calibrate",
         std::string("Usage: batchscope calibrate --hardware ID --model ID [--model ID ...]\n"
                     "                            --measured FILE --out preset.json [options]\n\n"
                     "Fits the preset's achievable compute fraction, achievable bandwidth fraction\n"
                     "and dispatch overhead per layer to the measured sweeps of every --model by least\n"
                     "squares on log latency, and writes a user preset (status calibrated, derived_from\n"
                     "the preset, each fitted value's source saying what it was fitted to). The fit is\n"
                     "kept only if it lowers the error; otherwise the preset's values are kept.\n"
                     "Prints each knob and the errors before and after.\n\n") +
             kMeasuredHelp +
             "\nOptions: the scenario options of 'batchscope sweep --help', and\n"
             "  --model ID|FILE       repeat for several sweeps (same hardware and precision)\n"
             "  --out FILE            the calibrated preset (written atomically)\n"
             "  --id ID               its id (default: <hardware>-calibrated)\n"
             "  --fit LIST            knobs to fit: compute,bandwidth,dispatch (default all)\n",
         cal, runCalibrate});
    c.push_back({"measure-machine",
                 "Usage: batchscope measure-machine --out preset.json [--id ID] [--template ID]\n"
                 "                                  [--seconds S]\n\n"
                 "Probes this machine on all the cores this process may use (clock, fp32 FMA\n"
                 "peak, a 256x256 GEMM per core, triad bandwidth from memory and from the\n"
                 "last-level cache) and writes a CPU preset with the measured numbers, how and\n"
                 "when they were measured. The probes use the widest vector unit found at run\n"
                 "time: AVX-512F (16 fp32 lanes), else AVX2+FMA (8), else SSE2 (4). Energy and\n"
                 "dispatch figures that cannot be measured are copied from --template (default\n"
                 "xeon-8490h) and say so. The preset is validated before it is written. Takes\n"
                 "about 20 s; progress goes to stderr; the table names each fact's source.\n\n"
                 "Facts and where they come from (the first that reports one):\n"
                 "  cores         sched_getaffinity (taskset and container limits count)\n"
                 "  caches        sysfs cpuN/cache, else CPUID (leaf 4 Intel, 0x8000001D AMD),\n"
                 "                else sysconf; the last level is counted once per instance the\n"
                 "                cores share; none: 1 MiB per core (an estimate, said so)\n"
                 "  clock         measured (dependent integer adds, one per clock); the table's\n"
                 "                os_clock is /proc/cpuinfo 'cpu MHz' (mean), often a nominal rate\n"
                 "  memory        /proc/meminfo MemTotal, else sysconf; none: 1 GiB (estimate)\n"
                 "  cpu name      /proc/cpuinfo 'model name', else the CPUID brand string\n\n"
                 "  --out FILE            the preset (written atomically)\n"
                 "  --id ID               its id (default this-machine)\n"
                 "  --template ID         shipped CPU preset for what cannot be measured\n"
                 "  --seconds S           timed runs per probe take about S seconds (default 2)\n"
                 "  --format csv|json     the summary table\n\n"
                 "For testing:\n"
                 "  --sysfs-root DIR      read caches from DIR/cpuN/cache (default\n"
                 "                        /sys/devices/system/cpu; an empty DIR: no sysfs)\n"
                 "  --proc-root DIR       read DIR/cpuinfo and DIR/meminfo (default /proc)\n"
                 "  --max-isa ISA         avx512, avx2 or scalar: the widest ISA the probes use\n"
                 "  --max-triad-mib N     cap the bandwidth probes' arrays at N MiB\n",
                 {{"out", true, false},
                  {"id", true, false},
                  {"template", true, false},
                  {"format", true, false},
                  {"seconds", true, false},
                  {"sysfs-root", true, false},
                  {"proc-root", true, false},
                  {"max-isa", true, false},
                  {"max-triad-mib", true, false}},
                 runMeasureMachine});
    c.push_back({"validate",
                 "Usage: batchscope validate [--data FILE]... [--no-fit] [--write DOC]\n\n"
                 "Scores the model against the validation datasets (default: every .csv of the\n"
                 "shipped presets/measured/ and presets/measured/public/; each row names its model,\n"
                 "hardware, runtime, precision, batch, seq or resolution and source) and prints the\n"
                 "median absolute percentage error (MdAPE) per dataset, per runtime family (fused,\n"
                 "eager, compiled, cpu), per runtime and for fused runtimes at batch 1-4, as the\n"
                 "Markdown of docs/VALIDATION.md.\n\n"
                 "Three scores: the shipped runtime profiles (nothing fitted); two constants of the\n"
                 "runtime's profile (host overhead and GEMM efficiency) fitted to the runtime's other\n"
                 "datasets and scored on this one (out of sample, leave-one-dataset-out); and fitted\n"
                 "to all of them (in sample). Rows that cannot be evaluated (unknown hardware, a\n"
                 "runtime without a profile) are listed, never dropped silently.\n\n"
                 "  --data FILE           a dataset (repeatable) instead of the shipped ones\n"
                 "  --no-fit              only the shipped-profile score (fast)\n"
                 "  --write DOC           also replace the tables between the '<!-- validate:begin -->'\n"
                 "                        and '<!-- validate:end -->' markers of DOC\n",
                 {{"data", true, true}, {"no-fit", false, false}, {"write", true, false}},
                 runValidate});
    return c;
}

} // namespace bs::cli
