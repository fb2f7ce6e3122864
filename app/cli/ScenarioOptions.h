#pragma once
// The shared scenario options (--model ID|FILE, --hardware, --runtime, --power-mode, --precision,
// --seq, --resolution, --param, --dim) read into the engine's Scenario (Scenario.h) and prepared through its
// pipeline (Pipeline.h), with one-line errors for bad values.
#include "cli/CliOptions.h"
#include "scenario/Pipeline.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bs::cli {

/// The options every scenario command takes (and --format).
const std::vector<OptionSpec>& scenarioOptionSpecs();

/// The scenario options as the fields of a scenario; throws EngineError for a missing or
/// malformed option.
ScenarioFields scenarioFieldsFromOptions(const Options& o);
/// The scenario the options name, its model prepared and its preset resolved.
PreparedScenario prepareFromOptions(const Options& o);

/// --latency-budget-ms X in seconds; 0 or absent: no budget. Throws EngineError naming the value.
std::optional<double> latencyBudgetFromOptions(const Options& o);
/// Symbolic dimension values from --dim name=value (repeatable).
std::map<std::string, std::int64_t> dimsFromOptions(const Options& o);

} // namespace bs::cli
