// batchscope: no arguments opens the explorer window; a command runs headless (see Cli.h).
#include "cli/Cli.h"
#include "exportcli/CommandLine.h"
#include "window/MainWindow.h"
#include "window/SessionController.h"

#include <QApplication>
#include <QCoreApplication>
#include <iostream>

int main(int argc, char** argv) {
    QStringList args;
    for (int i = 1; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    if (bs::cli::needsGuiApplication(args)) {
        // Charts are widgets, but a headless export must not need a display.
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
        QApplication app(argc, argv);
        QApplication::setApplicationVersion(QStringLiteral(BATCHSCOPE_VERSION));
        return bs::cli::runCommandLine(args, std::cout, std::cerr);
    }
    if (bs::cli::isCommandLine(args)) {
        QCoreApplication app(argc, argv);
        return bs::cli::runCommandLine(args, std::cout, std::cerr);
    }
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Batchscope"));
    QApplication::setApplicationName(QStringLiteral("batchscope"));
    QApplication::setApplicationDisplayName(QStringLiteral("Batchscope"));
    QApplication::setApplicationVersion(QStringLiteral(BATCHSCOPE_VERSION));
    bs::MainWindow w;
    if (w.geometry().width() < 800) w.resize(1600, 1000);
    w.show();
    w.session()->startAutosave(); // after show(): a crash recovery question needs a visible parent
    return QApplication::exec();
}
