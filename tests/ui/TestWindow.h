#pragma once
// Options for a main window in a test: its own settings file and user preset directory under
// `dir` (never the user's), and no restored geometry; and the screenshot the suites save.
#include "model/Explorer.h"
#include "window/MainWindow.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

namespace bs::test {

/// Grabs `w` into BATCHSCOPE_SCREENSHOT_DIR/`name` (the README links some of them).
inline void saveShot(QWidget* w, const QString& name) {
    QDir().mkpath(QStringLiteral(BATCHSCOPE_SCREENSHOT_DIR));
    const QString path = QStringLiteral(BATCHSCOPE_SCREENSHOT_DIR "/") + name;
    QVERIFY2(w->grab().save(path), qPrintable(path));
}

inline MainWindowOptions testWindowOptions(const QTemporaryDir& dir,
                                           const QString& presets = QStringLiteral("presets")) {
    MainWindowOptions o;
    o.settingsFile = dir.filePath(QStringLiteral("settings.ini"));
    o.userPresetDir = dir.filePath(presets);
    o.restoreWindowState = false;
    return o;
}

/// testWindowOptions, with or without the default scenarios.
inline MainWindowOptions testWindowOptions(const QTemporaryDir& dir, bool defaultScenarios) {
    MainWindowOptions o = testWindowOptions(dir);
    o.defaultScenarios = defaultScenarios;
    return o;
}

/// Waits until the window's explorer has no evaluation or import in flight.
inline void waitIdle(MainWindow& w, int timeoutMs = 60000) {
    QTRY_VERIFY_WITH_TIMEOUT(!w.explorer()->isBusy(), timeoutMs);
    QCoreApplication::processEvents();
}

/// A shown 1600×1000 window with no scenarios, on its own settings and presets (testWindowOptions).
struct EmptyWindow {
    QTemporaryDir dir;
    MainWindow w;
    EmptyWindow() : w(options(dir)) {
        w.resize(1600, 1000);
        w.show();
    }

  private:
    static MainWindowOptions options(const QTemporaryDir& d) {
        MainWindowOptions o = testWindowOptions(d);
        o.defaultScenarios = false;
        return o;
    }
};

} // namespace bs::test
