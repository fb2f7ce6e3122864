#pragma once
// The command table: each command's name, --help text, accepted options and implementation.
#include "base/Table.h"
#include "cli/CliOptions.h"

#include <iosfwd>
#include <string>
#include <vector>

namespace bs::cli {

struct Command {
    std::string name;
    std::string help;
    std::vector<OptionSpec> options;
    int (*run)(const Options&, std::ostream&);
    const char* positional = nullptr; ///< option a bare argument fills (import FILE), or none
};

/// The command of `table` called `name`, or null.
const Command* findCommand(const std::vector<Command>& table, const QString& name);
/// Writes `t` as --format asks: csv (default) or json; another value is an error.
void writeTable(const Table& t, const Options& o, std::ostream& out);
/// The commands that draw nothing (presets, models, sweep, layers, recommend, import, compare,
/// calibrate, measure-machine): this library links the engine and Qt Core only. The commands that
/// draw charts (export, report) live in app/exportcli and link the widgets.
const std::vector<Command>& headlessCommands();
/// `extra` after the scenario options every scenario command takes (cli/ScenarioOptions.h).
std::vector<OptionSpec> withScenario(std::vector<OptionSpec> extra);
/// The --help text of those options.
extern const char* kScenarioHelp;

} // namespace bs::cli
