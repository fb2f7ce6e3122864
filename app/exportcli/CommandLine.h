#pragma once
// The whole command line: the headless commands (app/cli) and the ones that draw charts (export,
// report). main() and the app suites run commands through here.
#include "cli/Commands.h"

#include <QStringList>
#include <iosfwd>
#include <vector>

namespace bs::cli {

/// Every command, in the order --help lists them.
const std::vector<Command>& allCommands();
/// Runs the command `args` name; returns the process exit code.
int runCommandLine(const QStringList& args, std::ostream& out, std::ostream& err);

} // namespace bs::cli
