#include "cli/Cli.h"

#include "cli/CliOptions.h"
#include "cli/Commands.h"
#include "onnx/OnnxImport.h"

#include <ostream>

namespace bs::cli {

namespace {

const char* kUsage = R"(batchscope — what does batch size do to this model on this chip, and why?

Usage:
  batchscope                      open the explorer window
  batchscope <command> [options]  run headless

Commands:
  presets     list hardware presets (id, name, class, power limit and modes)
  models      list built-in models and their knobs
  runtimes    list software runtime profiles (fusion, host costs, efficiencies)
  sweep       evaluate a scenario over batch sizes (or sequence lengths / resolutions)
  layers      per-layer roofline placement at one batch size
  recommend   best batch under a latency budget, max-throughput, knee and min-energy batches
  explore     vary preset fields (SRAM, bandwidth, units...): one row per design point
  generate    LLM generation per batch: TTFT, TPOT, tokens/s, energy per token, KV cache, fit
  import      import an ONNX file and summarise it (opset, nodes, layers, params, GMACs)
  export      charts to PNG/SVG/PDF, or their data to CSV, from a session or --scenario list
  report      one PDF or HTML report: scenarios, recommendations, charts, top layers, presets
  compare     a measured batch sweep against the model: error per point, anomalies
  calibrate   fit a preset's efficiency knobs to measured sweeps; save a calibrated preset
  measure-machine  probe this machine (FMA peak, GEMM, bandwidth, caches); write a CPU preset
  validate    error of the model against every measured dataset (MdAPE), shipped and fitted

Run 'batchscope <command> --help' for the options of a command.
Presets are read from $BATCHSCOPE_PRESET_DIR if set, else the installed or source presets/.
)";

} // namespace

bool isCommandLine(const QStringList& args) {
    return !args.isEmpty();
}

bool needsGuiApplication(const QStringList& args) {
    return !args.isEmpty() &&
           (args.front() == QStringLiteral("export") || args.front() == QStringLiteral("report"));
}

int run(const QStringList& args, const std::vector<Command>& table, std::ostream& out, std::ostream& err) {
    if (args.isEmpty() || args.front() == QStringLiteral("--help") || args.front() == QStringLiteral("-h") ||
        args.front() == QStringLiteral("help")) {
        out << kUsage;
        return 0;
    }
    if (args.front() == QStringLiteral("--version")) {
        out << "batchscope " << BATCHSCOPE_VERSION << "\n";
        const std::string worker = onnxShapeWorkerPath();
        out << "onnx shape-inference worker: " << (worker.empty() ? std::string("not found") : worker)
            << "\n";
        return 0;
    }
    const QString command = args.front();
    const Command* cmd = findCommand(table, command);
    if (!cmd) {
        err << "batchscope: unknown command '" << command.toStdString() << "' (try 'batchscope --help')\n";
        return 2;
    }
    try {
        const Options opts = Options::parse(*cmd, args.mid(1));
        if (opts.help) {
            out << cmd->help;
            return 0;
        }
        return cmd->run(opts, out);
    } catch (const std::exception& e) {
        err << "batchscope " << command.toStdString() << ": " << e.what() << "\n";
        return 2;
    }
}

} // namespace bs::cli
