#pragma once
// Runs the command line in-process, as the app suites drive it.
#include "exportcli/CommandLine.h"

#include <QString>
#include <QStringList>
#include <sstream>
#include <string>

namespace bs::test {

struct CliRun {
    int code;
    std::string out, err;
};

inline CliRun runCli(const QStringList& args) {
    std::ostringstream out, err;
    const int code = bs::cli::runCommandLine(args, out, err);
    return {code, out.str(), err.str()};
}

/// Splits on spaces; "@DATA@" stands for the test models' directory (BATCHSCOPE_TEST_DATA_DIR).
inline QStringList splitArgs(const QString& s) {
    QString text = s;
    text.replace(QStringLiteral("@DATA@"), QStringLiteral(BATCHSCOPE_TEST_DATA_DIR));
    return text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

} // namespace bs::test
