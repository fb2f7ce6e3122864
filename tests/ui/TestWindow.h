#pragma once
// Options for a main window in a test: its own settings file and user preset directory under
// `dir` (never the user's), and no restored geometry.
#include "window/MainWindow.h"

#include <QTemporaryDir>

namespace bs::test {

inline MainWindowOptions testWindowOptions(const QTemporaryDir& dir,
                                           const QString& presets = QStringLiteral("presets")) {
    MainWindowOptions o;
    o.settingsFile = dir.filePath(QStringLiteral("settings.ini"));
    o.userPresetDir = dir.filePath(presets);
    o.restoreWindowState = false;
    return o;
}

} // namespace bs::test
