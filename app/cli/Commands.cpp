#include "cli/Commands.h"

#include "base/EngineError.h"
#include "base/Format.h"
#include "cli/ExploreCommand.h"
#include "cli/GenerateCommand.h"
#include "cli/MeasuredCommands.h"
#include "cli/ScenarioOptions.h"
#include "eval/Evaluator.h"
#include "eval/Generation.h"
#include "eval/ResultTables.h"
#include "eval/Sweep.h"
#include "hardware/Node.h"
#include "hardware/PresetLoader.h"
#include "zoo/ModelZoo.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cmath>
#include <ostream>

namespace bs::cli {

std::vector<OptionSpec> withScenario(std::vector<OptionSpec> extra) {
    extra.insert(extra.begin(), scenarioOptionSpecs().begin(), scenarioOptionSpecs().end());
    return extra;
}

const char* kScenarioHelp = R"(Scenario options:
  --model ID|FILE       built-in model id (see 'batchscope models') or an .onnx file
  --dim NAME=N          ONNX files: value of a symbolic input dimension (repeatable),
                        e.g. --dim sequence=256; an unnamed axis is INPUT:AXIS,
                        e.g. --dim images:2=640; the batch axis follows the batch
  --hardware ID|FILE    preset id (see 'batchscope presets') or a preset JSON file
  --runtime ID|FILE     software runtime (see 'batchscope runtimes') or a runtime JSON
                        file; default ideal: the roofline bound, no framework costs
  --power-mode ID       a power mode of the preset (see the power_modes column of
                        'batchscope presets'), e.g. 30w on jetson-orin-agx: its power
                        limit, clock, powered units and memory clock; default: the
                        preset as written (its top mode)
  --precision P         fp32, tf32, fp16, bf16, fp8, int8 or int4 for weights, activations
                        and KV cache (default: the preset's default); a precision the
                        chip lacks is an error, never a silent substitute
  --weights P           quantization: GEMM/conv/expert weights stored at P (e.g. int4 for
                        W4A16; the output layer, embeddings and norms keep the activations');
                        wider than the arithmetic (fp32 under AMP autocast) they are cast
                        by a kernel of their own on every call
  --activations P       activations and arithmetic at P (instead of --precision)
  --kv P                KV cache stored at P (e.g. fp8)
  --group-size N        weights narrower than the arithmetic share an fp16 scale per N
                        (e.g. 128); each weight is dequantized in the kernel
  --parallel tp=N,pp=M,mb=K,ep=E,dp=D
                        spread the scenario over devices (docs/MODEL.md §19): tp devices
                        of one node split a decoder LLM's heads and MLP, with an
                        all-reduce over the node's link after each block half; pp
                        pipeline stages pass mb micro-batches (default pp) down the
                        layers, paying a fill-and-drain bubble; ep devices hold a
                        mixture of experts' experts, all-to-all around each MoE layer;
                        dp replicas multiply throughput. Latency and memory are per
                        replica and device, energy the replica's devices'
  --node ID             the node whose link the replica's devices use (see 'batchscope
                        nodes'; default: the first node of the preset's devices)
  --seq N               sequence length (transformer models)
  --resolution N|WxH    input resolution (image models), e.g. 416 or 1920x1088
  --param K=V           set any model knob (repeatable), e.g. --param depth=4 --param phase=decode
  --format csv|json     output format (default csv: RFC 4180 with a header row)
)";

namespace {

// ---- presets / models ------------------------------------------------------------------------

int runPresets(const Options& o, std::ostream& out) {
    const PresetLibrary lib = PresetLibrary::shipped();
    Table t({QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("class"), QStringLiteral("status"),
             QStringLiteral("default_precision"), QStringLiteral("precisions"), QStringLiteral("units"),
             QStringLiteral("dram_gb_s"), QStringLiteral("onchip_mib"), QStringLiteral("tdp_w"),
             QStringLiteral("power_modes"), QStringLiteral("usd_per_device_hour")});
    for (const HardwarePreset& p : lib.presets())
        t.addRow({qs(p.id), qs(p.name), qs(archClassName(p.archClass)), qs(p.status),
                  qs(precisionName(p.defaultPrecision)), qs(p.supportedPrecisions()), p.units(),
                  p.dram.bandwidthGBs.value, p.onchip.capacity.value, p.tdpWatts.value,
                  p.powerModes.empty() ? QString() : qs(p.powerModeList()),
                  costCell(p.usdPerDeviceHour.value)});
    writeTable(t, o, out);
    return 0;
}

// One row per runtime and chip class it runs on.
int runNodes(const Options& o, std::ostream& out) {
    const NodeLibrary& lib = NodeLibrary::shipped();
    std::optional<NodePreset> checked;
    if (o.has("check")) {
        NodeLoadResult r = loadNodeFile(o.value("check"));
        if (!r.node) throw EngineError(errorLines(r.issues));
        checked = std::move(r.node);
    }
    Table t({QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("device"),
             QStringLiteral("devices"), QStringLiteral("link"), QStringLiteral("topology"),
             QStringLiteral("bandwidth_gb_s"), QStringLiteral("efficiency"),
             QStringLiteral("base_latency_us"), QStringLiteral("step_latency_us")});
    auto row = [&](const NodePreset& n) {
        t.addRow({qs(n.id), qs(n.name), qs(n.device), n.devices.value, qs(n.link.name),
                  qs(topologyName(n.link.topology)), n.link.bandwidthGBps.value, n.link.efficiency.value,
                  n.link.baseLatencyUs.value, n.link.stepLatencyUs.value});
    };
    if (checked)
        row(*checked);
    else
        for (const NodePreset& n : lib.nodes())
            row(n);
    writeTable(t, o, out);
    if (!checked && hasErrors(lib.issues())) throw EngineError(errorLines(lib.issues()));
    return 0;
}

int runRuntimes(const Options& o, std::ostream& out) {
    const RuntimeLibrary& lib = RuntimeLibrary::shipped();
    std::optional<Runtime> checked;
    if (o.has("check")) {
        RuntimeLoadResult r = loadRuntimeFile(o.value("check"));
        if (!r.runtime) throw EngineError(errorLines(r.issues));
        checked = std::move(r.runtime);
    }
    Table t({QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("class"), QStringLiteral("fusion"),
             QStringLiteral("epilogue"), QStringLiteral("launch_overlap"), QStringLiteral("kv_update"),
             QStringLiteral("launch_us"), QStringLiteral("host_us_per_op"),
             QStringLiteral("per_inference_us"), QStringLiteral("gemm_efficiency"), QStringLiteral("gemm_k0"),
             QStringLiteral("depthwise_efficiency"), QStringLiteral("elementwise_bandwidth"),
             QStringLiteral("attention_efficiency"), QStringLiteral("winograd_speedup"),
             QStringLiteral("version")});
    auto rows = [&](const Runtime& r) {
        for (const auto& [cls, p] : r.classes)
            t.addRow({qs(r.id), qs(r.name), qs(archClassName(cls)), qs(fusionPolicyName(p.fusion)),
                      qs(epiloguePolicyName(p.epilogue)), qs(launchOverlapName(p.overlap)),
                      qs(kvUpdateName(p.kvUpdate)), p.launchUs.value, p.hostUsPerOp.value,
                      p.perInferenceUs.value, p.gemmEfficiency.value, p.gemmK0.value,
                      p.depthwiseEfficiency.value, p.elementwiseBandwidth.value, p.attentionEfficiency.value,
                      p.winogradSpeedup.value, qs(r.version)});
    };
    if (checked)
        rows(*checked);
    else
        for (const Runtime& r : lib.runtimes())
            rows(r);
    writeTable(t, o, out);
    if (!checked && hasErrors(lib.issues())) throw EngineError(errorLines(lib.issues()));
    return 0;
}

int runModels(const Options& o, std::ostream& out) {
    Table t({QStringLiteral("id"), QStringLiteral("description"), QStringLiteral("knobs")});
    for (const ModelDescriptor& m : ModelZoo::models()) {
        QString knobs;
        for (const Knob& k : m.knobs) {
            if (!knobs.isEmpty()) knobs += QLatin1Char(' ');
            knobs += qs(k.name) + QLatin1Char('=');
            if (!k.choices.empty()) {
                QStringList c;
                for (const std::string& s : k.choices)
                    c << qs(s);
                knobs += c.join(QLatin1Char('|'));
            } else {
                knobs += QString::number(k.value);
            }
        }
        t.addRow({qs(m.id), qs(m.description), knobs});
    }
    writeTable(t, o, out);
    return 0;
}

// ---- sweep -----------------------------------------------------------------------------------

// Sweep columns, led by the swept knob's column for --over seq|resolution.
std::vector<QString> sweepHeader(const QString& first) {
    std::vector<QString> h = sweepColumns();
    h.insert(h.begin(), first);
    return h;
}

int runSweep(const Options& o, std::ostream& out) {
    const PreparedScenario s = prepareFromOptions(o);
    const Scenario& sc = s.scenario;
    const std::string over = o.value("over", "batch");
    if (over == "batch") {
        if (o.has("batch")) throw EngineError("--batch applies to --over seq|resolution; use --batches");
        writeTable(sweepTable(sweepBatches(s.input(), parseBatchList(o.value("batches", "1..1024*2")))), o,
                   out);
        return 0;
    }
    if (!o.has("values")) throw EngineError("--over " + over + " needs --values, e.g. --values 128,256,512");
    const std::vector<int> values = parseBatchList(o.value("values"));
    const int batch = o.positiveInt("batch", 1);
    std::vector<SweepPoint> points;
    const std::string modelId = sc.isOnnx() ? sc.onnxPath.toStdString() : sc.modelId.toStdString();
    if (sc.isOnnx()) {
        if (!s.prepared.onnx->dims.count(over))
            throw EngineError("--over '" + over + "': " + modelId +
                              " has no symbolic dimension of that name" +
                              " (ONNX files sweep batch or one of their --dim names)");
        auto reimport = [&](int v) {
            OnnxImportOptions opt = OnnxImportOptions::withDims(sc.dims);
            opt.dims[over] = v;
            return importOnnxFile(modelId, opt).graph;
        };
        points = sweepRebuilt(reimport, values, s.input(), batch);
    } else {
        if (over != "seq" && over != "resolution")
            throw EngineError("--over '" + over + "' is not batch, seq or resolution");
        const ModelDescriptor* desc = ModelZoo::find(modelId);
        if (over == "seq" && desc->seqKnob.empty())
            throw EngineError("model '" + modelId + "' has no sequence length");
        if (over == "resolution" && !desc->hasResolution)
            throw EngineError("model '" + modelId + "' has no resolution");
        const std::string knobName = over == "seq" ? desc->seqKnob : "resolution";
        points = sweepKnob(modelId, ModelZoo::resolve(*desc, sc.knobs), knobName, values, s.input(), batch);
    }
    Table t(sweepHeader(qs(over)));
    for (const SweepPoint& p : points) {
        std::vector<Cell> row = sweepCells(p.totals);
        row.insert(row.begin(), p.value);
        t.addRow(row);
    }
    writeTable(t, o, out);
    return 0;
}

// ---- import ----------------------------------------------------------------------------------

int runImport(const Options& o, std::ostream& out) {
    const std::string file = o.value("file");
    if (file.empty())
        throw EngineError("import needs an ONNX file: batchscope import FILE [--dim NAME=N]...");
    OnnxModel imported = importOnnxFile(file, OnnxImportOptions::withDims(dimsFromOptions(o)));
    const OnnxSummary& s = imported.summary;
    const PreparedModel model(std::move(imported.graph));
    auto joined = [](const auto& map, const char* sep) {
        QStringList parts;
        for (const auto& [k, v] : map)
            parts << qs(k.empty() ? std::string("ai.onnx") : k) + QLatin1String(sep) + QString::number(v);
        return parts;
    };
    QStringList inputs, warnings;
    for (const std::string& i : s.inputs)
        inputs << qs(i);
    for (const std::string& w : s.warnings)
        warnings << qs(w);
    // One ordered list of fields serves both the text and the JSON form.
    const std::vector<std::pair<QString, QJsonValue>> fields{
        {QStringLiteral("file"), qs(s.file)},
        {QStringLiteral("producer"), qs(s.producer)},
        {QStringLiteral("ir_version"), static_cast<double>(s.irVersion)},
        {QStringLiteral("opsets"), QJsonArray::fromStringList(joined(s.opsets, " "))},
        {QStringLiteral("inputs"), QJsonArray::fromStringList(inputs)},
        {QStringLiteral("batch_dim"), s.batchDim.empty() ? QJsonValue() : QJsonValue(qs(s.batchDim))},
        {QStringLiteral("dims"), QJsonArray::fromStringList(joined(s.dims, "="))},
        {QStringLiteral("nodes"), s.nodes},
        {QStringLiteral("folded_nodes"), s.foldedNodes},
        {QStringLiteral("ops"), model.opCount()},
        {QStringLiteral("fused_layers"), model.kernelLayerCount()},
        {QStringLiteral("params"), static_cast<double>(model.params())},
        {QStringLiteral("gmacs_per_sample"), model.macsPerSample() / 1e9},
        {QStringLiteral("gflops_per_sample"), model.flopsPerSample() / 1e9},
        {QStringLiteral("initializers_without_data"), static_cast<double>(s.initializersWithoutData)},
        {QStringLiteral("external_initializers"), static_cast<double>(s.externalInitializers)},
        {QStringLiteral("not_costed"), QJsonArray::fromStringList(joined(s.notCosted, " x"))},
        {QStringLiteral("quantization"),
         s.quantization.empty() ? QJsonValue() : QJsonValue(qs(s.quantization))},
        {QStringLiteral("warnings"), QJsonArray::fromStringList(warnings)},
    };
    const std::string format = o.value("format", "text");
    if (format == "json") {
        QJsonObject obj;
        for (const auto& [k, v] : fields)
            obj.insert(k, v);
        out << QJsonDocument(obj).toJson(QJsonDocument::Indented).toStdString();
        return 0;
    }
    if (format != "text") throw EngineError("--format '" + format + "' is not text or json");
    for (const auto& [k, v] : fields) {
        QString text;
        if (v.isArray()) {
            QStringList items;
            for (const QJsonValue& item : v.toArray())
                items << item.toString();
            text = items.isEmpty() ? QStringLiteral("none")
                                   : items.join(k == QLatin1String("warnings") ? QStringLiteral("\n  ")
                                                                               : QStringLiteral(", "));
            if (k == QLatin1String("warnings") && !items.isEmpty()) text.prepend(QStringLiteral("\n  "));
        } else if (v.isDouble()) {
            const double d = v.toDouble();
            text = d == std::floor(d) && std::abs(d) < 1e15 ? QString::number(static_cast<qint64>(d))
                                                            : QString::number(d, 'f', 3);
        } else {
            text = v.isNull() ? (k == QLatin1String("batch_dim") ? QStringLiteral("none (fixed shapes)")
                                                                 : QStringLiteral("none (float)"))
                              : v.toString();
        }
        out << k.leftJustified(26).toStdString() << text.toStdString() << "\n";
    }
    return 0;
}

// ---- layers ----------------------------------------------------------------------------------

int runLayers(const Options& o, std::ostream& out) {
    const PreparedScenario s = prepareFromOptions(o);
    const int batch = o.positiveInt("batch", 1);
    const ScenarioResult r = evaluate(s.input(), batch);
    writeTable(layerTable(s.model(), r, o.has("all")), o, out);
    return 0;
}

// ---- recommend -------------------------------------------------------------------------------

int runRecommend(const Options& o, std::ostream& out) {
    const PreparedScenario s = prepareFromOptions(o);
    const std::optional<double> budget = latencyBudgetFromOptions(o);
    const auto sweep = sweepBatches(s.input(), parseBatchList(o.value("batches", "1..1024*2")));
    Table t({QStringLiteral("recommendation"), QStringLiteral("batch"), QStringLiteral("latency_ms"),
             QStringLiteral("throughput_per_s"), QStringLiteral("utilization"),
             QStringLiteral("energy_per_inference_mj"), QStringLiteral("peak_memory_mb"),
             QStringLiteral("reason")});
    for (const Recommendation& r : recommend(sweep, budget)) {
        if (r.batch)
            t.addRow({qs(r.what), static_cast<double>(*r.batch), r.totals.latency_s * 1e3,
                      r.totals.throughput_per_s, r.totals.utilization,
                      r.totals.energyPerInference.total() * 1e3, r.totals.peakMemoryBytes / 1e6,
                      qs(r.reason)});
        else
            t.addRow(
                {qs(r.what), QString(), QString(), QString(), QString(), QString(), QString(), qs(r.reason)});
    }
    writeTable(t, o, out);
    return 0;
}

std::vector<Command> makeCommands() {
    std::vector<Command> c;
    c.push_back(
        {"presets",
         "Usage: batchscope presets [--format csv|json]\n\nLists the shipped hardware presets: id, name, "
         "class (gpu, systolic, cpu, tile),\nstatus (datasheet or modelled), default precision, precisions "
         "with a peak,\ncompute units, DRAM bandwidth (GB/s), on-chip memory (MiB), the power limit (W)\n"
         "and the power modes a scenario can select with --power-mode.\n",
         {{"format", true, false}},
         runPresets});
    c.push_back({"runtimes",
                 "Usage: batchscope runtimes [--check FILE] [--format csv|json]\n\n"
                 "Lists the runtime profiles (presets/runtimes/*.json and the built-in ideal one), one\n"
                 "row per chip class each runs on: fusion (none | elementwise | attention | block),\n"
                 "epilogue (what a GEMM/convolution kernel absorbs: all, with BatchNorm folded |\n"
                 "bias_activation | none), launch_overlap (async: host time beyond the kernel's is exposed; "
                 "graph: one launch per\n"
                 "inference; serial: host time adds), kv_update (in_place | concat: a decode step copies\n"
                 "each layer's KV cache into a new one), launch_us and host_us_per_op (host time per\n"
                 "kernel and per graph op), per_inference_us, the kernel efficiencies by op class and\n"
                 "winograd_speedup (3x3 stride-1 convolutions on a GPU's fp32 SIMT path; 1: none)\n"
                 "(docs/RUNTIMES.md). Use an id with --runtime on any scenario command.\n\n"
                 "  --check FILE          validate one runtime profile and list it; every problem is\n"
                 "                        printed as 'file: field: message' and the exit status is 2\n"
                 "A shipped profile that does not load is reported the same way (exit 2).\n",
                 {{"format", true, false}, {"check", true, false}},
                 runRuntimes});
    c.push_back({"nodes",
                 "Usage: batchscope nodes [--check FILE] [--format csv|json]\n\n"
                 "Lists the node presets (presets/nodes/*.json): how many devices of which hardware\n"
                 "preset share which link, its per-device bandwidth per direction, the all-reduce\n"
                 "efficiency reached on it and the collective latencies (docs/MODEL.md §19). A scenario\n"
                 "with --parallel tp=N uses the node of its preset (or --node ID).\n\n"
                 "  --check FILE          validate one node preset and list it; every problem is\n"
                 "                        printed as 'file: field: message' and the exit status is 2\n",
                 {{"format", true, false}, {"check", true, false}},
                 runNodes});
    c.push_back({"models",
                 "Usage: batchscope models [--format csv|json]\n\nLists the built-in models and the shipped "
                 "LLM configs\n"
                 "(presets/models/*.json, Hugging Face config.json files) with their knobs and default\n"
                 "values. Set knobs with --param name=value (and --seq / --resolution). Any other\n"
                 "config.json is a model too: --model path/to/config.json.\n",
                 {{"format", true, false}},
                 runModels});
    c.push_back({"sweep",
                 std::string("Usage: batchscope sweep --model ID --hardware ID [options]\n\n"
                             "Evaluates the scenario at each batch size (or, with --over, at each sequence\n"
                             "length / resolution at one batch). One row per point.\n\n") +
                     kScenarioHelp +
                     "Sweep options:\n"
                     "  --batches LIST        batch sizes: 1,2,4 | 1..64 (every integer) | 1..1024*2\n"
                     "                        (geometric) or a mix; default 1..1024*2\n"
                     "  --over batch|seq|resolution|DIM   what to sweep (default batch); for an ONNX\n"
                     "                        file, DIM is one of its symbolic dimensions (re-imported)\n"
                     "  --values LIST         values of --over seq|resolution|DIM (same syntax)\n"
                     "  --batch N             batch for --over seq|resolution|DIM (default 1)\n\n"
                     "Columns: batch, latency_ms, throughput_per_s, utilization (FLOP-weighted: FLOPs ÷\n"
                     "(latency × dense peak)), bandwidth_utilization, energy_per_inference_mj and its\n"
                     "static/compute/dram/sram parts, peak_memory_mb, fits_memory, bound (where most\n"
                     "time goes), gflops (2 per MAC), dram_mb, spilled_mb (activations that did not fit\n"
                     "on chip), critical_batch (batch where compute time catches up with memory time),\n"
                     "launch_ms (kernel dispatch) and host_ms (the runtime's exposed host time and its\n"
                     "fixed cost per call), both included in latency_ms; power_w (average board power =\n"
                     "energy ÷ latency) and clock_factor (share of the boost clock the board's power\n"
                     "limit allows; 1 when it does not bind); interconnect_ms (time the node's link\n"
                     "bounds) and bubble_ms (a pipeline's fill and drain); usd_per_million (a million\n"
                     "inferences at the preset's price per device-hour; empty without one).\n",
                 withScenario({{"batches", true, false},
                               {"over", true, false},
                               {"values", true, false},
                               {"batch", true, false}}),
                 runSweep});
    c.push_back({"layers",
                 std::string("Usage: batchscope layers --model ID --hardware ID [--batch N] [options]\n\n"
                             "Places every fused layer on the chip's roofline at one batch size.\n\n") +
                     kScenarioHelp +
                     "Layer options:\n"
                     "  --batch N             batch size (default 1)\n"
                     "  --all                 include zero-cost view layers (reshape/flatten)\n\n"
                     "Columns: index, name, ops (fused op types), flops, macs, weight_bytes, dram_bytes,\n"
                     "sram_bytes, arithmetic_intensity (FLOPs per byte of the bounding memory level),\n"
                     "bound (compute | memory | memory-onchip | power | overhead), units_allocated,\n"
                     "units_total, compute_ms (at the run's clock), memory_ms, launch_ms (the chip's\n"
                     "dispatch per kernel), host_ms (the runtime's host time the device waits for),\n"
                     "latency_ms = max(compute, memory) + launch + host, power_w (static + the layer's\n"
                     "dynamic energy ÷ its latency), clock_factor (the run's share of the boost clock),\n"
                     "share of model latency, utilization, critical_batch, spills, not_costed.\n",
                 withScenario({{"batch", true, false}, {"all", false, false}}), runLayers});
    c.push_back(
        {"recommend",
         std::string("Usage: batchscope recommend --model ID --hardware ID [--latency-budget-ms X]\n\n"
                     "Sweeps batch sizes and picks: the highest-throughput batch within the latency\n"
                     "budget, the max-throughput batch, the knee (the smallest batch at >= 95 % of\n"
                     "the max throughput, with what the rest costs in latency) and the min-energy\n"
                     "batch (only batches that fit in device memory qualify).\n\n") +
             kScenarioHelp +
             "Recommend options:\n"
             "  --latency-budget-ms X latency budget in milliseconds (0: none)\n"
             "  --batches LIST        candidate batches (default 1..1024*2)\n",
         withScenario({{"latency-budget-ms", true, false}, {"batches", true, false}}), runRecommend});
    c.push_back(generateCommand());
    c.push_back(exploreCommand());
    c.push_back({"import",
                 "Usage: batchscope import FILE [--dim NAME=N]... [--format text|json]\n\n"
                 "Imports an ONNX file (with weights, weight-free, or with missing external data:\n"
                 "only dims are read) and prints: file, producer, IR version, opsets, inputs (per\n"
                 "sample), the batch dimension, bound dims, nodes, folded constant nodes, imported\n"
                 "ops, fused layers, params, GMACs and GFLOPs per sample, ops not costed (type x\n"
                 "count), quantization (QDQ, QOperator or dynamic) and warnings.\n\n"
                 "  --dim NAME=N          value of a symbolic input dimension (repeatable); an unnamed\n"
                 "                        axis is INPUT:AXIS (--dim images:2=640); the batch axis is\n"
                 "                        bound to 1 (one sample) and follows --batch elsewhere\n"
                 "  --format text|json    output format (default text)\n\n"
                 "Use the file anywhere a model id goes: batchscope sweep --model FILE --hardware ID.\n"
                 "Errors (not ONNX, truncated, cycles, shapes that cannot be inferred) exit 2.\n",
                 {{"file", true, false}, {"dim", true, true}, {"format", true, false}},
                 runImport,
                 "file"});
    for (Command& m : measuredCommands())
        c.push_back(std::move(m));
    return c;
}

} // namespace

void writeTable(const Table& t, const Options& o, std::ostream& out) {
    const std::string format = o.value("format", "csv");
    if (format == "csv")
        out << t.toCsv().toStdString();
    else if (format == "json")
        out << t.toJson().toStdString();
    else
        throw EngineError("--format '" + format + "' is not csv or json");
}

const std::vector<Command>& headlessCommands() {
    static const std::vector<Command> all = makeCommands();
    return all;
}

const Command* findCommand(const std::vector<Command>& table, const QString& name) {
    for (const Command& c : table)
        if (QString::fromStdString(c.name) == name) return &c;
    return nullptr;
}

} // namespace bs::cli
