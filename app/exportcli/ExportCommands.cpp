#include "exportcli/ExportCommands.h"

#include "base/EngineError.h"
#include "base/Format.h"
#include "charts/ChartSupport.h"
#include "cli/ScenarioOptions.h"
#include "export/ChartExport.h"
#include "export/Report.h"
#include "hardware/PresetLoader.h"
#include "model/CsvExport.h"
#include "model/Explorer.h"
#include "model/ScenarioListModel.h"
#include "model/Session.h"
#include "onnx/OnnxImport.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <algorithm>
#include <cmath>
#include <map>
#include <ostream>

namespace bs::cli {

namespace {

std::vector<SnapshotInput> scenariosFromSession(const std::string& file, int* selected, int* batch,
                                                std::optional<double>* budget_s, ServingSettings* serving) {
    const QString path = QFileInfo(qs(file)).absoluteFilePath();
    SessionData data;
    try {
        data = readSessionFile(path);
    } catch (const SessionError& e) {
        throw EngineError(e.message().toStdString());
    }
    // The session's own copy of a user preset wins: it is what the session was saved with.
    std::map<QString, std::shared_ptr<const HardwarePreset>> embedded;
    for (const auto& [id, json] : data.userPresets) {
        PresetLoadResult r =
            parsePreset(QJsonDocument(json).toJson().toStdString(), file + ": presets." + id.toStdString());
        if (!r.ok()) {
            std::string why = file + ": presets." + id.toStdString() + " is invalid";
            for (const PresetIssue& issue : r.issues)
                if (!issue.warning) {
                    why = issue.str();
                    break;
                }
            throw EngineError(why);
        }
        embedded[id] = std::make_shared<const HardwarePreset>(std::move(*r.preset));
    }
    const PresetLibrary lib = PresetLibrary::shipped();
    std::vector<SnapshotInput> out;
    *selected = -1;
    for (std::size_t i = 0; i < data.scenarios.size(); ++i) {
        const SessionRow& sc = data.scenarios[i];
        if (!sc.spec.visible) continue;
        const std::string where = file + ": scenarios[" + std::to_string(i) + "]";
        SnapshotInput r{sc.spec, nullptr};
        if (const auto it = embedded.find(sc.spec.presetId); it != embedded.end()) {
            r.hardware = it->second;
        } else if (const HardwarePreset* p = lib.find(sc.spec.presetId.toStdString())) {
            r.hardware = std::make_shared<const HardwarePreset>(*p);
        } else {
            throw EngineError(where + ": preset '" + sc.spec.presetId.toStdString() +
                              "' is neither shipped nor in the session");
        }
        if (sc.spec.isOnnx()) {
            const QString found = locateSessionOnnx(sc, path);
            if (found.isEmpty())
                throw EngineError(where + ": " + sc.spec.onnxPath.toStdString() +
                                  " not found (also looked next to the session)");
            r.row.onnxPath = found;
        }
        if (static_cast<int>(i) == data.selectedScenario) *selected = static_cast<int>(out.size());
        out.push_back(std::move(r));
    }
    if (out.empty()) throw EngineError(file + ": the session has no visible scenario");
    *batch = data.batch;
    *budget_s = data.latencyBudget_ms ? std::optional<double>(*data.latencyBudget_ms / 1e3) : std::nullopt;
    *serving = data.serving;
    return out;
}

const char* kSourceHelp = R"(Scenarios (one of):
  --session FILE        a .batchscope session: its visible scenarios, batch, budget
                        and selection; user presets it embeds are used as saved
  --scenario SPEC       one comparison (repeat for more), SPEC = comma-separated
                        key=value: model=ID|FILE.onnx, hardware=ID|FILE.json,
                        runtime=ID|FILE (default ideal), precision=P (default:
                        the preset's), seq=N, resolution=N|WxH,
                        and any other KNOB=V of a built-in model (see 'batchscope
                        models') or, for an ONNX file, a symbolic dimension NAME=N
                        (paths in SPEC cannot contain commas)
  --batch N             current batch (default: the session's, else 64)
  --latency-budget-ms X latency budget for the recommended batch (0: none;
                        default: the session's, else none)
  --input-len N         the serving charts' prompt tokens per sequence (decoder
                        LLMs; default: the session's, else 1024)
  --output-len N        their generated tokens per sequence (default: the
                        session's, else 256)
  --ttft-ms X           time-to-first-token target (0: none; default: the
                        session's, else none)
  --tpot-ms Y           time-per-output-token target (likewise)
)";

// A target in milliseconds from `name` (0: none), else `current`.
std::optional<double> targetFromOptions(const Options& o, const char* name, std::optional<double> current) {
    if (!o.has(name)) return current;
    const std::optional<double> ms = parseNumber(o.value(name));
    if (!ms || !(*ms >= 0) || !std::isfinite(*ms))
        throw EngineError(std::string("--") + name + " '" + o.value(name) +
                          "' is not a number of milliseconds ≥ 0");
    return *ms > 0 ? std::optional<double>(*ms / 1e3) : std::nullopt;
}

// ---- export ----------------------------------------------------------------------------------

QSize sizeFromOptions(const Options& o) {
    const std::string v = o.value("size", "800x480");
    const auto x = v.find('x');
    if (x == std::string::npos) throw EngineError("--size '" + v + "' must be WIDTHxHEIGHT, e.g. 800x480");
    const int w = parsePositive(v.substr(0, x), "--size width"),
              h = parsePositive(v.substr(x + 1), "--size height");
    if (w < kMinExportSize.width() || h < kMinExportSize.height() || w > 8000 || h > 8000)
        throw EngineError("--size '" + v + "' must be between " + std::to_string(kMinExportSize.width()) +
                          "x" + std::to_string(kMinExportSize.height()) + " and 8000x8000");
    return {w, h};
}

int runExport(const Options& o, std::ostream& out) {
    if (!o.has("out")) throw EngineError("--out FILE is required (.png, .svg, .pdf or .csv)");
    const QString path = qs(o.value("out"));
    const std::string chartName = o.value("chart", "all");
    std::optional<ChartKind> kind;
    const bool serving = chartName == "serving";
    if (chartName != "all" && !serving) {
        kind = chartKindFromName(qs(chartName));
        if (!kind)
            throw EngineError("--chart '" + chartName +
                              "' is not roofline, utilization, tradeoff, energy, all, interactivity, ttft, "
                              "tpot, serving-memory or serving");
    }
    const auto isServing = [](ChartKind k) {
        const auto& v = servingChartKinds();
        return std::find(v.begin(), v.end(), k) != v.end();
    };
    const bool servingChart = serving || (kind && isServing(*kind));
    const QString suffix = QFileInfo(path).suffix().toLower();
    const bool csv = suffix == QLatin1String("csv");
    if (!csv && exportFormat(path) == ExportFormat::Unknown)
        throw EngineError("--out '" + path.toStdString() +
                          "': unknown format (use .png, .svg, .pdf or .csv)");
    double scale = exportScaleFromName(path);
    if (o.has("scale")) {
        const std::string v = o.value("scale");
        if (v != "1" && v != "2") throw EngineError("--scale '" + v + "' is not 1 or 2");
        scale = v == "2" ? 2 : 1;
    }
    const QSize size = sizeFromOptions(o);
    const ExplorerSnapshot snap = snapshotFromOptions(o);
    if (servingChart && !hasServing(snap))
        throw EngineError("--chart " + chartName +
                          ": no scenario is a decoder LLM (the llm model or a config.json), so there is no "
                          "generation to draw");

    QString error;
    bool ok = false;
    if (csv) {
        const Table t = kind == ChartKind::Roofline ? allLayersCsvTable(snap)
                        : servingChart              ? servingCsvTable(snap)
                                                    : sweepCsvTable(snap);
        ok = writeTextFile(t.toCsv(), path, &error);
    } else {
        std::vector<std::unique_ptr<SnapshotChart>> charts;
        for (ChartKind k : servingChart ? servingChartKinds() : allChartKinds())
            if (!kind || *kind == k)
                charts.push_back(makePrintChart(k, snap, size, o.has("energy-breakdown")));
        if (kind) {
            ok = exportChart(charts.front().get(), path, scale, &error);
        } else {
            std::vector<SnapshotChart*> raw;
            for (const auto& c : charts)
                raw.push_back(c.get());
            ok = exportAllCharts(raw, path, scale, &error);
        }
    }
    if (!ok) throw EngineError(error.toStdString());
    out << "wrote " << path.toStdString() << " (" << chartName << ", batch " << snap.batch << ", "
        << snap.scenarios.size() << " scenario" << (snap.scenarios.size() == 1 ? "" : "s") << ")\n";
    return 0;
}

// ---- report ----------------------------------------------------------------------------------

int runReport(const Options& o, std::ostream& out) {
    if (!o.has("out")) throw EngineError("--out FILE is required (.pdf or .html)");
    const QString path = qs(o.value("out"));
    if (reportFormat(path) == ReportFormat::Unknown)
        throw EngineError("--out '" + path.toStdString() + "': unknown format (use .pdf or .html)");
    ReportOptions ro;
    if (o.has("title")) ro.title = qs(o.value("title"));
    ro.topLayers = o.positiveInt("top-layers", ro.topLayers);
    ro.energyBreakdown = o.has("energy-breakdown");
    const ExplorerSnapshot snap = snapshotFromOptions(o);
    QString error;
    int pages = 0;
    if (!writeReport(snap, path, ro, &error, &pages)) throw EngineError(error.toStdString());
    out << "wrote " << path.toStdString() << " (" << pages << " page" << (pages == 1 ? "" : "s") << ", "
        << snap.scenarios.size() << " scenario" << (snap.scenarios.size() == 1 ? "" : "s") << ", batch "
        << snap.batch << ")\n";
    return 0;
}

} // namespace

SnapshotInput parseScenarioOption(const std::string& text, int index) {
    SnapshotInput in;
    try {
        HardwarePreset hardware;
        static_cast<Scenario&>(in.row) =
            resolveScenario(scenarioFieldsFromText(text), PresetLibrary::shipped(), &hardware);
        in.hardware = std::make_shared<const HardwarePreset>(std::move(hardware));
    } catch (const std::exception& e) {
        throw EngineError("--scenario '" + text + "': " + e.what());
    }
    if (in.row.isOnnx()) in.row.onnxPath = QFileInfo(in.row.onnxPath).absoluteFilePath();
    in.row.color = ScenarioListModel::paletteColor(index);
    return in;
}

ExplorerSnapshot snapshotFromOptions(const Options& o) {
    const bool session = o.has("session"), scenarios = o.has("scenario");
    if (session == scenarios)
        throw EngineError(session ? "give --session or --scenario, not both"
                                  : "--session FILE or at least one --scenario is required");
    std::vector<SnapshotInput> list;
    int selected = -1, batch = 64;
    std::optional<double> budget_s;
    ServingSettings serving;
    if (session) {
        list = scenariosFromSession(o.value("session"), &selected, &batch, &budget_s, &serving);
    } else {
        int index = 0;
        for (const std::string& s : o.values("scenario"))
            list.push_back(parseScenarioOption(s, index++));
        selected = 0;
    }
    batch = o.positiveInt("batch", batch);
    if (batch > kMaxBatch)
        throw EngineError("--batch " + std::to_string(batch) + " is above " + std::to_string(kMaxBatch));
    if (o.has("latency-budget-ms")) budget_s = latencyBudgetFromOptions(o);
    serving.lengths = {o.positiveInt("input-len", serving.lengths.input),
                       o.positiveInt("output-len", serving.lengths.output)};
    serving.ttft_s = targetFromOptions(o, "ttft-ms", serving.ttft_s);
    serving.tpot_s = targetFromOptions(o, "tpot-ms", serving.tpot_s);
    ExplorerSnapshot snap = buildSnapshot(list, batch, budget_s, sweepGrid(), selected, serving);
    for (std::size_t i = 0; i < snap.scenarios.size(); ++i)
        if (!snap.scenarios[i].error.isEmpty())
            throw EngineError("scenario " + std::to_string(i + 1) + " (" +
                              snap.scenarios[i].label.toStdString() +
                              "): " + snap.scenarios[i].error.toStdString());
    return snap;
}

std::vector<Command> exportCommands() {
    const std::vector<OptionSpec> source{{"session", true, false},
                                         {"scenario", true, true},
                                         {"batch", true, false},
                                         {"latency-budget-ms", true, false},
                                         {"energy-breakdown", false, false},
                                         {"out", true, false},
                                         {"input-len", true, false},
                                         {"output-len", true, false},
                                         {"ttft-ms", true, false},
                                         {"tpot-ms", true, false}};
    std::vector<Command> c;
    std::vector<OptionSpec> exportOptions = source;
    exportOptions.insert(exportOptions.end(),
                         {{"chart", true, false}, {"size", true, false}, {"scale", true, false}});
    c.push_back(
        {"export",
         std::string("Usage: batchscope export (--session FILE | --scenario SPEC ...) [--chart NAME]\n"
                     "                         [--batch N] --out FILE.png|.svg|.pdf|.csv\n\n"
                     "Draws the explorer's charts without a window, in the export theme (legend, and a\n"
                     "caption naming the batch and every scenario), or writes the data behind them.\n\n") +
             kSourceHelp +
             "Export options:\n"
             "  --chart NAME          roofline, utilization, tradeoff (latency vs throughput),\n"
             "                        energy, or all (default): all four as one 2x2 picture, or a\n"
             "                        4-page PDF; the serving view's (decoder LLMs): interactivity\n"
             "                        (output tokens/s per device vs per user), ttft, tpot,\n"
             "                        serving-memory, or serving: those four together\n"
             "  --out FILE            .png, .svg or .pdf: the chart(s); a name ending in @2x.png\n"
             "                        is drawn at twice the pixels. .csv: --chart roofline writes\n"
             "                        every scenario's layers at the batch (the columns of\n"
             "                        'batchscope layers', led by scenario, model, hardware,\n"
             "                        precision); any other --chart writes the sweep of every\n"
             "                        scenario over the window's 80-batch grid (the columns of\n"
             "                        'batchscope sweep', led by the same four); a serving chart\n"
             "                        writes every decoder scenario's generation over that grid\n"
             "                        (the columns of 'batchscope generate', then meets_targets\n"
             "                        and recommended)\n"
             "  --size WxH            logical size of each chart (default 800x480, at least\n"
             "                        720x450 so that the legend and title fit)\n"
             "  --scale 1|2           PNG pixels per logical pixel (default 1, or 2 for @2x.png)\n"
             "  --energy-breakdown    the energy chart splits the first (or the session's\n"
             "                        selected) scenario into static, compute, DRAM and on-chip\n\n"
             "Files are written atomically: a failed export leaves an existing file intact.\n",
         exportOptions, runExport});
    std::vector<OptionSpec> reportOptions = source;
    reportOptions.insert(reportOptions.end(), {{"title", true, false}, {"top-layers", true, false}});
    c.push_back(
        {"report",
         std::string(
             "Usage: batchscope report (--session FILE | --scenario SPEC ...) --out FILE.pdf|.html\n\n"
             "Writes one document to send after a meeting: the scenarios with their numbers\n"
             "and story at the batch, the recommendations (highest throughput within the\n"
             "latency budget, max throughput, min energy per scenario), the four charts, the\n"
             "top layers by time per scenario, and every preset used with its numbers and\n"
             "sources. PDF: A4 pages with page numbers. HTML: one self-contained file with\n"
             "inline SVG charts.\n\n") +
             kSourceHelp +
             "Report options:\n"
             "  --out FILE            .pdf or .html\n"
             "  --title TEXT          the report's title (default \"Batchscope report\")\n"
             "  --top-layers N        layers per scenario in \"Top layers by time\" (default 10)\n"
             "  --energy-breakdown    split the energy chart of the first (selected) scenario\n",
         reportOptions, runReport});
    return c;
}

} // namespace bs::cli
