#pragma once
// What the session suites (tst_session, tst_autosave) share: a scratch folder with fresh
// subfolders, window options that never touch the user's settings, presets or autosave, a
// controller whose dialogs answer without a modal loop, and comparisons of scenario lists.
#include "TestWindow.h" // waitIdle
#include "model/Explorer.h"
#include "model/ScenarioRow.h"
#include "window/MainWindow.h"
#include "window/SessionController.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>
#include <vector>

namespace bs::test {

inline const QString kCopy = QStringLiteral("h100-sxm-copy");

inline void compareSpecs(const std::vector<ScenarioRow>& a, const std::vector<ScenarioRow>& b) {
    QCOMPARE(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        QCOMPARE(a[i].modelId, b[i].modelId);
        QVERIFY(a[i].knobs == b[i].knobs);
        QCOMPARE(a[i].onnxPath, b[i].onnxPath);
        QVERIFY(a[i].dims == b[i].dims);
        QCOMPARE(a[i].presetId, b[i].presetId);
        QCOMPARE(a[i].precision, b[i].precision);
        QCOMPARE(a[i].color, b[i].color);
        QCOMPARE(a[i].visible, b[i].visible);
    }
}

inline QStringList snapshotLabels(MainWindow& w) {
    QStringList labels;
    for (const EvaluatedScenario& e : w.explorer()->snapshot().scenarios)
        labels << e.label;
    return labels;
}

class SessionFixture {
  protected:
    QTemporaryDir tmp_;
    int n_ = 0;

    QString fresh(const QString& name) {
        const QString dir = tmp_.filePath(QStringLiteral("%1-%2").arg(name).arg(++n_));
        QDir().mkpath(dir);
        return dir;
    }

    MainWindowOptions options(const QString& presetDir, bool defaults = false) {
        MainWindowOptions o;
        o.settingsFile = tmp_.filePath(QStringLiteral("settings-%1.ini").arg(++n_));
        o.userPresetDir = presetDir;
        o.defaultScenarios = defaults;
        o.restoreWindowState = false;
        return o;
    }

    // Warnings go to a string instead of a modal box; recovery must not be offered unless a test says.
    static void quiet(SessionController& c, QString* warning = nullptr) {
        c.showWarning = [warning](const QString& m) {
            if (warning) *warning = m;
        };
        c.askRecover = [](const QString& q) {
            qWarning("unexpected recovery offer: %s", qPrintable(q));
            return false;
        };
        c.confirmDiscard = [](const QString&) { return true; };
        c.chooseFile = [](bool) { return QString(); };
    }

    /// Each test autosaves into its own folder, never the user's.
    void useFreshAutosaveDir() {
        qputenv("BATCHSCOPE_AUTOSAVE_DIR", fresh(QStringLiteral("autosave")).toLocal8Bit());
    }
};

} // namespace bs::test
