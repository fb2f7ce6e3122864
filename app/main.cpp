// batchscope: no arguments opens the explorer window; a command runs headless (see Cli.h).
#include "Cli.h"
#include "MainWindow.h"

#include <QApplication>
#include <QCoreApplication>
#include <iostream>

int main(int argc, char** argv) {
    QStringList args;
    for (int i = 1; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    if (bs::cli::isCommandLine(args)) {
        QCoreApplication app(argc, argv);
        return bs::cli::run(args, std::cout, std::cerr);
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Batchscope"));
    bs::MainWindow w;
    w.resize(1200, 640);
    w.show();
    return QApplication::exec();
}
