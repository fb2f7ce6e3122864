// `batchscope explore`: one or two preset fields varied over lists of values, every design point
// validated as a preset and swept over the batch grid, one row per design point and scenario at the
// batch the objective picks (docs/MODEL.md §20).
#include "cli/ExploreCommand.h"

#include "base/EngineError.h"
#include "base/Format.h"
#include "cli/ScenarioOptions.h"
#include "eval/ResultTables.h"
#include "explore/Explore.h"
#include "hardware/PresetLoader.h"

#include <iostream>
#include <ostream>

namespace bs::cli {

namespace {

// The scenarios: every --scenario SPEC, or the scenario options.
std::vector<PreparedScenario> scenariosFrom(const Options& o) {
    std::vector<PreparedScenario> out;
    for (const std::string& spec : o.values("scenario"))
        out.push_back(prepareScenario(scenarioFieldsFromText(spec), PresetLibrary::shipped()));
    if (out.empty()) out.push_back(prepareFromOptions(o));
    return out;
}

int runExplore(const Options& o, std::ostream& out) {
    ExploreRequest r;
    for (const std::string& v : o.values("vary"))
        r.axes.push_back(parseDesignAxis(v));
    r.objective = parseObjective(o.value("objective", "throughput"));
    r.latencyBudget_s = latencyBudgetFromOptions(o);
    r.batches = o.has("batches") ? parseBatchList(o.value("batches")) : sweepGrid();
    const std::vector<PreparedScenario> scenarios = scenariosFrom(o);
    ExploreControl control;
    if (o.has("progress"))
        control.progress = [](std::size_t done, std::size_t total) {
            std::cerr << "explore: " << done << " / " << total << " design points\n";
        };
    const std::vector<DesignRow> rows = exploreDesignSpace(scenarios, r, control);

    std::vector<QString> header{QStringLiteral("scenario")};
    for (const DesignAxis& a : r.axes)
        header.push_back(QString::fromStdString(a.path));
    for (const char* c :
         {"batch", "latency_ms", "throughput_per_s", "energy_per_inference_mj", "usd_per_million",
          "utilization", "peak_memory_mb", "bound", "max_throughput_per_s", "knee_batch", "pareto", "note"})
        header.push_back(QString::fromLatin1(c));
    Table t(header);
    for (const DesignRow& row : rows) {
        const DesignSummary& d = row.summary;
        const PreparedScenario& s = scenarios[row.scenario];
        // The label says the knob values the row ran with ("bert-base seq 512").
        std::vector<Cell> cells{withKnobValues(s.scenario, r.axes, row.values).label(s.hardware.get())};
        for (double v : row.values)
            cells.emplace_back(v);
        if (d.batch) {
            const Totals& x = d.totals;
            for (Cell c :
                 {Cell(static_cast<double>(*d.batch)), Cell(x.latency_s * 1e3), Cell(x.throughput_per_s),
                  Cell(x.energyPerInference.total() * 1e3), costCell(x.usdPerMillion), Cell(x.utilization),
                  Cell(x.peakMemoryBytes / 1e6), Cell(QString::fromLatin1(boundName(dominantTimeBound(x))))})
                cells.push_back(c);
        } else {
            for (int i = 0; i < 8; ++i)
                cells.emplace_back(QString());
        }
        cells.emplace_back(d.maxThroughput_per_s);
        cells.emplace_back(d.kneeBatch ? Cell(static_cast<double>(*d.kneeBatch)) : Cell(QString()));
        cells.emplace_back(row.pareto);
        cells.emplace_back(QString::fromStdString(d.reason));
        t.addRow(cells);
    }
    writeTable(t, o, out);
    return 0;
}

} // namespace

Command exploreCommand() {
    return {"explore",
            std::string(
                "Usage: batchscope explore (--scenario SPEC... | scenario options) --vary PATH=LIST\n"
                "                          [--vary PATH2=LIST] [--latency-budget-ms X]\n"
                "                          [--objective throughput|latency|energy|cost] [--batches LIST]\n"
                "                          [--progress]\n\n"
                "Design-space sweep (docs/MODEL.md §20): each PATH is a number field of the preset\n"
                "format (docs/PRESETS.md: memory.dram.bandwidth_gb_s, memory.onchip.capacity_mib,\n"
                "compute_units, clock_ghz, peak_tflops.bf16, energy.tdp_watts, ...) or a model knob\n"
                "(model.seq, model.resolution, model.layers, ...). Every design point (the product\n"
                "of the lists) is the scenario's preset with those values, validated as a preset\n"
                "file is, and its model with those knobs, swept over the batches on every core;\n"
                "varying compute_units or clock_ghz scales the peaks with it. One row per design\n"
                "point and scenario, at the batch the objective picks: throughput and latency, the\n"
                "highest-throughput batch within the budget (without one: the knee, the smallest\n"
                "batch at 95 % of the max throughput); energy and cost, the lowest energy or cost\n"
                "per inference within the budget.\n\n") +
                kScenarioHelp +
                "Explore options:\n"
                "  --scenario SPEC       a scenario as key=value pairs (model=..,hardware=..,...);\n"
                "                        repeat for more; instead of the scenario options\n"
                "  --vary PATH=LIST      a field and its values: 1,2,4 / 6..9 (steps of 1) /\n"
                "                        1000..4000:64 (64 values evenly spaced) / 16..256*2 (×2);\n"
                "                        repeat once for a second field\n"
                "  --objective O         throughput (default), latency, energy or cost (needs the\n"
                "                        preset's cost.usd_per_device_hour)\n"
                "  --latency-budget-ms X latency budget per batch (0: none)\n"
                "  --batches LIST        the batch grid (default: the window's 80 batches, 1..4096)\n"
                "  --progress            design points done, on stderr\n\n"
                "Columns: scenario, each varied field, batch, latency_ms, throughput_per_s,\n"
                "energy_per_inference_mj, usd_per_million (inferences; empty without a price),\n"
                "utilization, peak_memory_mb, bound, max_throughput_per_s (among batches that fit),\n"
                "knee_batch, pareto (no other row has both lower latency and lower energy per\n"
                "inference), note (why no batch was picked).\n"
                "A path that is neither a number field nor a knob of the model, or a value the\n"
                "preset validation or the model refuses, is one line naming it, exit 2.\n",
            withScenario({{"scenario", true, true},
                          {"vary", true, true},
                          {"objective", true, false},
                          {"latency-budget-ms", true, false},
                          {"batches", true, false},
                          {"progress", false, false}}),
            runExplore};
}

} // namespace bs::cli
