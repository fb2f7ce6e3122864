#pragma once
// The command table: each command's name, --help text, accepted options and implementation.
#include "CliOptions.h"
#include "Table.h"

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

const Command* findCommand(const QString& name);
/// Writes `t` as --format asks: csv (default) or json; another value is an error.
void writeTable(const Table& t, const Options& o, std::ostream& out);
const std::vector<Command>& commands();

} // namespace bs::cli
