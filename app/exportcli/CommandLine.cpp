#include "exportcli/CommandLine.h"

#include "cli/Cli.h"
#include "exportcli/ExportCommands.h"

namespace bs::cli {

const std::vector<Command>& allCommands() {
    static const std::vector<Command> all = [] {
        std::vector<Command> c = headlessCommands();
        // After import, before compare: where --help lists export and report.
        auto at = c.begin();
        while (at != c.end() && at->name != "compare")
            ++at;
        std::vector<Command> charts = exportCommands();
        c.insert(at, charts.begin(), charts.end());
        return c;
    }();
    return all;
}

int runCommandLine(const QStringList& args, std::ostream& out, std::ostream& err) {
    return run(args, allCommands(), out, err);
}

} // namespace bs::cli
