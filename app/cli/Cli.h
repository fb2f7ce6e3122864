#pragma once
// The headless command line: `batchscope <command> [options]`. Results go to stdout as CSV or
// JSON; problems go to stderr as one line naming the bad value, with exit code 2.
#include <QStringList>
#include <iosfwd>
#include <vector>

namespace bs::cli {

/// True if `args` (without the program name) ask for a command rather than the window.
bool isCommandLine(const QStringList& args);
/// True for the commands that draw charts (export, report): they need a QApplication, which main()
/// creates on the offscreen platform unless QT_QPA_PLATFORM says otherwise.
bool needsGuiApplication(const QStringList& args);
struct Command;

/// Runs the command of `table` that `args` name; returns the process exit code.
int run(const QStringList& args, const std::vector<Command>& table, std::ostream& out, std::ostream& err);

} // namespace bs::cli
