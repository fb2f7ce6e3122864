#pragma once
// CSV export of what the explorer shows, in the command line's columns (engine/ResultTables.h) so
// that a file saved from the window and `batchscope sweep` / `batchscope layers` read alike:
// - the sweep: every visible scenario that could be evaluated, one row per swept batch, led by
//   columns naming the scenario (label, model, hardware preset id, precision);
// - the layer table: the selected scenario at the current batch, exactly the columns and rows of
//   `batchscope layers` (view layers left out, as without --all).
// Files are RFC 4180 (header row, CRLF) and written atomically; errors name the path.
#include "base/Table.h"
#include "model/ExplorerTypes.h"

#include <QString>

namespace bs {

/// The four scenario columns the sweep export puts before the CLI's sweep columns.
std::vector<QString> scenarioColumns();
Table sweepCsvTable(const ExplorerSnapshot& s);
/// Every decoder scenario's generation over the sweep grid, led by the scenario columns, in the
/// columns of `batchscope generate` plus meets_targets and recommended (the data behind the
/// serving charts; `batchscope export --chart interactivity --out FILE.csv`).
Table servingCsvTable(const ExplorerSnapshot& s);
/// Every visible scenario's layer table at the current batch, led by the scenario columns (the
/// data behind the roofline; `batchscope export --chart roofline --out FILE.csv`).
Table allLayersCsvTable(const ExplorerSnapshot& s);
/// Why the layer table cannot be exported (no scenario selected, or it was not evaluated), or "".
QString layerCsvProblem(const ExplorerSnapshot& s);
/// The selected scenario's layer table; empty (header only) when layerCsvProblem() says why.
Table layerCsvTable(const ExplorerSnapshot& s);

bool exportSweepCsv(const ExplorerSnapshot& s, const QString& path, QString* error);
bool exportLayerCsv(const ExplorerSnapshot& s, const QString& path, QString* error);
/// Writes `text` (UTF-8) to `path` atomically.
bool writeTextFile(const QString& text, const QString& path, QString* error);

} // namespace bs
