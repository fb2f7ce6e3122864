#pragma once
// `batchscope export` and `batchscope report`: the window's chart, CSV and report exports without a
// window, for scripts and CI. The scenarios come from a session file (--session) or from repeated
// --scenario model=ID|FILE,hardware=ID|FILE[,precision=P][,seq=N][,resolution=R][,KNOB=V]...
// Both draw Qt Charts, so they need a QApplication (main() makes one on the offscreen platform).
#include "cli/Commands.h"
#include "model/SnapshotBuilder.h"

#include <string>
#include <vector>

namespace bs::cli {

/// The export and report entries of the command table.
std::vector<Command> exportCommands();

/// Parses one --scenario value; `index` (0-based) picks its colour. Throws EngineError naming the
/// scenario and the key at fault.
SnapshotInput parseScenarioOption(const std::string& text, int index);

/// The snapshot the options describe (--session or --scenario, --batch, --latency-budget-ms), every
/// scenario evaluated. Throws EngineError when a scenario cannot be evaluated, naming it.
ExplorerSnapshot snapshotFromOptions(const Options& o);

} // namespace bs::cli
