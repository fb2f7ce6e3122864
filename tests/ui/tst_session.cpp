// Session files: save → load → save gives identical bytes and the same window; an interrupted save
// leaves the previous file; newer, corrupt and incomplete files are refused with a message naming
// the file and field; moved ONNX files are found. (Autosave and crash recovery: tst_autosave.)
#include "FileChecks.h"
#include "SessionTestSupport.h"
#include "hardware/PresetSchema.h"
#include "model/Explorer.h"
#include "model/PresetStore.h"
#include "model/Session.h"
#include "window/BatchControls.h"
#include "window/DesignSpaceView.h"
#include "window/MainWindow.h"
#include "window/SessionController.h"

#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QTemporaryDir>
#include <QTest>

using namespace bs;
using bs::test::compareSpecs;
using bs::test::kCopy;
using bs::test::readAll;
using bs::test::snapshotLabels;
using bs::test::waitIdle;
using bs::test::writeAll;

class TstSession : public QObject, public test::SessionFixture {
    Q_OBJECT

    // Four scenarios: a built-in model with knobs, one on an edited user preset, an ONNX file with
    // dims, a hidden one; batch 100, a 10 ms budget, the ONNX scenario selected.
    static void buildFour(MainWindow& w, const QString& onnx) {
        PresetStore* presets = w.explorer()->presets();
        QString error;
        QCOMPARE(presets->duplicate(QStringLiteral("h100-sxm"), &error), kCopy);
        const QJsonObject json = withPresetValueAt(
            presets->json(kCopy), QStringLiteral("memory.dram.bandwidth_gb_s.value"), 2000.5);
        QVERIFY(presets->update(kCopy, json));

        ScenarioListModel* list = w.explorer()->scenarios();
        ScenarioRow a;
        a.modelId = QStringLiteral("resnet50");
        a.knobs = {{"height", 320}, {"width", 320}};
        a.presetId = QStringLiteral("h100-sxm");
        a.precision = Precision::FP16;
        list->add(a);
        ScenarioRow b;
        b.modelId = QStringLiteral("bert-base");
        b.knobs = {{"seq", 384}};
        b.presetId = kCopy;
        b.precision = Precision::BF16;
        b.color = QColor(0x12, 0x34, 0x56);
        list->add(b);
        ScenarioRow c;
        c.onnxPath = onnx;
        c.dims = {{"height", 224}, {"width", 224}};
        c.presetId = QStringLiteral("tpu-v4");
        c.precision = Precision::BF16;
        const int onnxId = list->add(c);
        ScenarioRow d;
        d.modelId = QStringLiteral("moe");
        d.knobs = {{"imbalance", 1.37}, {"top_k", 1}};
        d.presetId = QStringLiteral("a100-sxm4-80gb");
        d.precision = Precision::FP16;
        d.visible = false;
        list->add(d);
        w.batchControls()->setBatch(100);
        w.batchControls()->setLatencyBudget_s(0.01);
        w.selectScenario(onnxId);
        // The design-space tab set up as a user would: two axes, the heat map showing energy.
        DesignSpaceView* space = w.designSpaceView();
        space->configure(QStringLiteral("memory.onchip.capacity_mib"), QStringLiteral("8..64*2"),
                         QStringLiteral("compute_units"), QStringLiteral("66,132"));
        space->setMetric(DesignSpaceView::Metric::Energy);
        space->setPareto(DesignSpaceView::Pareto::CostThroughput);
    }

  private slots:
    void initTestCase() { QVERIFY(tmp_.isValid()); }
    void init() { useFreshAutosaveDir(); }

    void roundTripIsByteIdenticalAndRestoresTheWindow() {
        const QString dir = fresh(QStringLiteral("roundtrip"));
        const QString first = dir + QStringLiteral("/first.batchscope");
        const QString second = dir + QStringLiteral("/second.batchscope");
        MainWindow w(options(fresh(QStringLiteral("presets"))));
        SessionController c(w.sessionTarget());
        quiet(c);
        buildFour(w, QStringLiteral(BATCHSCOPE_TEST_DATA_DIR "/resnet50.onnx"));
        QVERIFY(c.isDirty());
        QVERIFY(c.saveSessionAs(first));
        QVERIFY(!c.isDirty());
        QCOMPARE(w.windowTitle(), QStringLiteral("first.batchscope — Batchscope"));

        const QJsonObject root = QJsonDocument::fromJson(readAll(first)).object();
        QCOMPARE(root[QStringLiteral("version")].toInt(), 1);
        QCOMPARE(root[QStringLiteral("batch")].toInt(), 100);
        QCOMPARE(root[QStringLiteral("latency_budget_ms")].toDouble(), 10.0);
        QCOMPARE(root[QStringLiteral("selected_scenario")].toInt(), 2);
        QCOMPARE(root[QStringLiteral("scenarios")].toArray().size(), 4);
        const QJsonObject space = root[QStringLiteral("design_space")].toObject();
        QCOMPARE(space[QStringLiteral("axes")].toArray().size(), 2);
        QCOMPARE(space[QStringLiteral("axes")].toArray()[0].toObject()[QStringLiteral("values")].toString(),
                 QStringLiteral("8..64*2"));
        QCOMPARE(space[QStringLiteral("metric")].toString(), QStringLiteral("energy"));
        QCOMPARE(space[QStringLiteral("pareto")].toString(), QStringLiteral("cost-throughput"));
        // Only the user preset is embedded, with its edit.
        const QJsonObject presets = root[QStringLiteral("presets")].toObject();
        QCOMPARE(presets.keys(), QStringList{kCopy});
        QCOMPARE(presets[kCopy]
                     .toObject()[QStringLiteral("memory")]
                     .toObject()[QStringLiteral("dram")]
                     .toObject()[QStringLiteral("bandwidth_gb_s")]
                     .toObject()[QStringLiteral("value")]
                     .toDouble(),
                 2000.5);

        // Another machine: an empty user preset directory, default scenarios to be replaced.
        MainWindow w2(options(fresh(QStringLiteral("presets")), true));
        SessionController c2(w2.sessionTarget());
        quiet(c2);
        QVERIFY(!w2.explorer()->presets()->contains(kCopy));
        QVERIFY(c2.openSession(first));
        QVERIFY(!c2.isDirty());
        QCOMPARE(c2.sessionFile(), QFileInfo(first).absoluteFilePath());
        QVERIFY(c2.saveSessionAs(second));
        QCOMPARE(readAll(second), readAll(first));

        compareSpecs(w2.explorer()->scenarios()->specs(), w.explorer()->scenarios()->specs());
        QCOMPARE(w2.explorer()->presets()->json(kCopy), w.explorer()->presets()->json(kCopy));
        QCOMPARE(w2.explorer()->presets()->find(kCopy)->dram.bandwidthGBs.value, 2000.5);
        QCOMPARE(w2.explorer()->scenarios()->rowOf(w2.explorer()->selectedScenarioId()), 2);
        waitIdle(w);
        waitIdle(w2);
        QVERIFY(!c2.isDirty()); // nothing the window did on its own afterwards counts as an edit
        const ExplorerSnapshot& s1 = w.explorer()->snapshot();
        const ExplorerSnapshot& s2 = w2.explorer()->snapshot();
        QCOMPARE(snapshotLabels(w2), snapshotLabels(w));
        QCOMPARE(snapshotLabels(w2).size(), 3); // the hidden one is not drawn
        QCOMPARE(s2.batch, 100);
        QCOMPARE(s2.latencyBudget_s, s1.latencyBudget_s);
        QVERIFY(s2.latencyBudget_s && qFuzzyCompare(*s2.latencyBudget_s, 0.01));
        for (std::size_t i = 0; i < s2.scenarios.size(); ++i) {
            QVERIFY2(s2.scenarios[i].error.isEmpty(), qPrintable(s2.scenarios[i].error));
            QVERIFY2(s1.scenarios[i].error.isEmpty(), qPrintable(s1.scenarios[i].error));
            QCOMPARE(s2.scenarios[i].current.totals.latency_s, s1.scenarios[i].current.totals.latency_s);
        }
        QCOMPARE(s2.selectedScenario, s1.selectedScenario);
        // The design-space tab reopens as it was set up, ready to run.
        const DesignSpaceSettings space2 = w2.designSpaceView()->settings();
        QVERIFY(space2 == w.designSpaceView()->settings());
        QCOMPARE(space2.path2, QStringLiteral("compute_units"));
        QCOMPARE(space2.values2, QStringLiteral("66,132"));
        QCOMPARE(space2.metric, QStringLiteral("energy"));
    }

    void interruptedSaveLeavesThePreviousFile() {
        const QString dir = fresh(QStringLiteral("interrupted"));
        const QString path = dir + QStringLiteral("/s.batchscope");
        MainWindow w(options(fresh(QStringLiteral("presets")), true));
        SessionController c(w.sessionTarget());
        quiet(c);
        QVERIFY(c.saveSessionAs(path));
        const QByteArray before = readAll(path);
        QVERIFY(before.contains("\"batch\": 64"));

        w.batchControls()->setBatch(200);
        const SessionData changed = c.capture(path);
        QString error;
        bool hookRan = false;
        // A crash between writing the new content and replacing the old file.
        QVERIFY(!saveSessionFile(path, changed, &error, [&](QIODevice& f) {
            hookRan = true;
            f.write("{ truncated");
            return false;
        }));
        QVERIFY(hookRan);
        QVERIFY2(error.contains(path) && error.contains(QStringLiteral("interrupted")), qPrintable(error));
        QCOMPARE(readAll(path), before);
        QCOMPARE(QDir(dir).entryList(QDir::Files),
                 QStringList{QStringLiteral("s.batchscope")}); // no temp left
        // The same save, not interrupted, does replace it (so the test above can fail).
        QVERIFY(saveSessionFile(path, changed, &error, [](QIODevice&) { return true; }));
        QVERIFY(readAll(path).contains("\"batch\": 200"));

        // A folder that is a file: the save fails with a message and the controller keeps its file.
        const QString notADir = dir + QStringLiteral("/plain-file");
        QVERIFY(writeAll(notADir, "x"));
        QString warning;
        quiet(c, &warning);
        QVERIFY(!c.saveSessionAs(notADir + QStringLiteral("/s.batchscope")));
        QVERIFY2(warning.contains(QStringLiteral("plain-file/s.batchscope")), qPrintable(warning));
        QCOMPARE(c.sessionFile(), path);
        QVERIFY(c.isDirty());
        QCOMPARE(w.windowTitle(), QStringLiteral("s.batchscope* — Batchscope"));
    }

    void badFilesNameFileAndFieldAndChangeNothing_data() {
        QTest::addColumn<QString>("edit");
        QTest::addColumn<QString>("expected");
        QTest::newRow("newer") << QStringLiteral("version=2")
                               << QStringLiteral(
                                      "was written by a newer Batchscope (format 2; this one reads 1)");
        QTest::newRow("corrupt") << QStringLiteral("truncate") << QStringLiteral(": not valid JSON");
        QTest::newRow("not a session")
            << QStringLiteral("format") << QStringLiteral(": format: not a Batchscope session");
        QTest::newRow("missing batch")
            << QStringLiteral("remove batch") << QStringLiteral(": batch: missing");
        QTest::newRow("batch type") << QStringLiteral("batch=\"64\"")
                                    << QStringLiteral(": batch: expected a number, found a string");
        QTest::newRow("missing preset") << QStringLiteral("remove scenarios[1].preset")
                                        << QStringLiteral(": scenarios[1].preset: missing");
        QTest::newRow("precision type")
            << QStringLiteral("scenarios[2].precision=12")
            << QStringLiteral(": scenarios[2].precision: expected a string, found a number");
        QTest::newRow("bad precision")
            << QStringLiteral("scenarios[0].precision=\"fp12\"")
            << QStringLiteral(": scenarios[0].precision: 'fp12' is not a precision");
        QTest::newRow("visible type")
            << QStringLiteral("scenarios[3].visible=\"yes\"")
            << QStringLiteral(": scenarios[3].visible: expected true or false, found a string");
        QTest::newRow("fractional dim") << QStringLiteral("scenarios[2].dims=2.5")
                                        << QStringLiteral(": scenarios[2].dims.height: expected an integer");
        QTest::newRow("selection range") << QStringLiteral("selected_scenario=9")
                                         << QStringLiteral(": selected_scenario: 9 is outside -1..3");
        QTest::newRow("design axis")
            << QStringLiteral("design_space axis")
            << QStringLiteral(
                   ": design_space.axes[1]: memory.dram.speed: not a number field of the preset format");
        QTest::newRow("design values")
            << QStringLiteral("design_space values") << QStringLiteral(": design_space.axes[0]:");
        QTest::newRow("design objective")
            << QStringLiteral("design_space objective")
            << QStringLiteral(": design_space.objective: 'speed' is not throughput, latency, energy, cost");
        QTest::newRow("bad preset") << QStringLiteral("preset clock")
                                    << QStringLiteral(": presets.h100-sxm-copy.clock_ghz");
    }

    void badFilesNameFileAndFieldAndChangeNothing() {
        QFETCH(QString, edit);
        QFETCH(QString, expected);
        const QString dir = fresh(QStringLiteral("bad"));
        const QString good = dir + QStringLiteral("/good.batchscope");
        const QString bad = dir + QStringLiteral("/bad.batchscope");
        {
            MainWindow w(options(fresh(QStringLiteral("presets"))));
            SessionController c(w.sessionTarget());
            quiet(c);
            buildFour(w, QStringLiteral(BATCHSCOPE_TEST_DATA_DIR "/resnet50.onnx"));
            QVERIFY(c.saveSessionAs(good));
        }
        QJsonObject root = QJsonDocument::fromJson(readAll(good)).object();
        QJsonArray scenarios = root[QStringLiteral("scenarios")].toArray();
        const auto setScenario = [&](int i, const QString& key, const QJsonValue& v) {
            QJsonObject o = scenarios[i].toObject();
            if (v.isUndefined())
                o.remove(key);
            else
                o[key] = v;
            scenarios[i] = o;
            root[QStringLiteral("scenarios")] = scenarios;
        };
        QByteArray bytes;
        if (edit == QStringLiteral("version=2"))
            root[QStringLiteral("version")] = 2;
        else if (edit == QStringLiteral("format"))
            root[QStringLiteral("format")] = QStringLiteral("something-else");
        else if (edit == QStringLiteral("remove batch"))
            root.remove(QStringLiteral("batch"));
        else if (edit == QStringLiteral("batch=\"64\""))
            root[QStringLiteral("batch")] = QStringLiteral("64");
        else if (edit == QStringLiteral("remove scenarios[1].preset"))
            setScenario(1, QStringLiteral("preset"), QJsonValue::Undefined);
        else if (edit == QStringLiteral("scenarios[2].precision=12"))
            setScenario(2, QStringLiteral("precision"), 12);
        else if (edit == QStringLiteral("scenarios[0].precision=\"fp12\""))
            setScenario(0, QStringLiteral("precision"), QStringLiteral("fp12"));
        else if (edit == QStringLiteral("scenarios[3].visible=\"yes\""))
            setScenario(3, QStringLiteral("visible"), QStringLiteral("yes"));
        else if (edit == QStringLiteral("scenarios[2].dims=2.5"))
            setScenario(2, QStringLiteral("dims"), QJsonObject{{QStringLiteral("height"), 2.5}});
        else if (edit == QStringLiteral("selected_scenario=9"))
            root[QStringLiteral("selected_scenario")] = 9;
        else if (edit.startsWith(QStringLiteral("design_space"))) {
            QJsonObject space = root[QStringLiteral("design_space")].toObject();
            QJsonArray axes = space[QStringLiteral("axes")].toArray();
            if (edit.endsWith(QStringLiteral("axis"))) {
                QJsonObject a = axes[1].toObject();
                a[QStringLiteral("path")] = QStringLiteral("memory.dram.speed");
                axes[1] = a;
            } else if (edit.endsWith(QStringLiteral("values"))) {
                QJsonObject a = axes[0].toObject();
                a[QStringLiteral("values")] = QStringLiteral("8..x");
                axes[0] = a;
            } else {
                space[QStringLiteral("objective")] = QStringLiteral("speed");
            }
            space[QStringLiteral("axes")] = axes;
            root[QStringLiteral("design_space")] = space;
        } else if (edit == QStringLiteral("preset clock")) {
            QJsonObject presets = root[QStringLiteral("presets")].toObject();
            QJsonObject p = presets[kCopy].toObject();
            p[QStringLiteral("clock_ghz")] = QStringLiteral("fast");
            presets[kCopy] = p;
            root[QStringLiteral("presets")] = presets;
        }
        bytes = QJsonDocument(root).toJson();
        if (edit == QStringLiteral("truncate")) bytes = readAll(good).left(200);
        QVERIFY(writeAll(bad, bytes));

        MainWindow w(options(fresh(QStringLiteral("presets")), true));
        SessionController c(w.sessionTarget());
        QString warning;
        quiet(c, &warning);
        const std::vector<ScenarioRow> before = w.explorer()->scenarios()->specs();
        const QStringList presetsBefore = w.explorer()->presets()->ids();
        QVERIFY(!c.openSession(bad));
        QVERIFY2(warning.startsWith(QFileInfo(bad).absoluteFilePath()), qPrintable(warning));
        QVERIFY2(warning.contains(expected), qPrintable(warning));
        QCOMPARE(c.lastMessage(), warning);
        compareSpecs(w.explorer()->scenarios()->specs(), before);
        QCOMPARE(w.explorer()->presets()->ids(), presetsBefore);
        QCOMPARE(w.explorer()->batch(), 64);
        QVERIFY(c.sessionFile().isEmpty());
        QVERIFY(!c.isDirty());
        QCOMPARE(w.windowTitle(), QStringLiteral("Untitled — Batchscope"));
    }

    void movedOnnxFileIsFoundNextToTheSessionOrByItsRelativePath() {
        const QString project = fresh(QStringLiteral("project"));
        QDir().mkpath(project + QStringLiteral("/models"));
        const QString model = project + QStringLiteral("/models/net.onnx");
        QVERIFY(QFile::copy(QStringLiteral(BATCHSCOPE_TEST_DATA_DIR "/resnet18.onnx"), model));
        const QString session = project + QStringLiteral("/s.batchscope");
        {
            MainWindow w(options(fresh(QStringLiteral("presets"))));
            SessionController c(w.sessionTarget());
            quiet(c);
            buildFour(w, model);
            QVERIFY(c.saveSessionAs(session));
        }
        QVERIFY(readAll(session).contains("\"onnx_relative_path\": \"models/net.onnx\""));

        // The whole folder moved: the relative path finds it.
        const QString moved = project + QStringLiteral("-moved");
        QVERIFY(QDir().rename(project, moved));
        {
            MainWindow w(options(fresh(QStringLiteral("presets")), true));
            SessionController c(w.sessionTarget());
            QString warning;
            quiet(c, &warning);
            QVERIFY(c.openSession(moved + QStringLiteral("/s.batchscope")));
            QVERIFY2(warning.isEmpty(), qPrintable(warning));
            QCOMPARE(w.explorer()->scenarios()->specs()[2].onnxPath,
                     moved + QStringLiteral("/models/net.onnx"));
            QVERIFY2(c.lastMessage().contains(QStringLiteral("moved: using ") + moved +
                                              QStringLiteral("/models/net.onnx")),
                     qPrintable(c.lastMessage()));
            QVERIFY(c.isDirty()); // the file still names the old place
            waitIdle(w);
            const EvaluatedScenario& e = w.explorer()->snapshot().scenarios[2];
            QVERIFY2(e.error.isEmpty(), qPrintable(e.error));
            QCOMPARE(e.model->params(), std::int64_t{11689512});
        }

        // Mailed: the session and the model side by side somewhere else.
        const QString inbox = fresh(QStringLiteral("inbox"));
        QVERIFY(
            QFile::copy(moved + QStringLiteral("/s.batchscope"), inbox + QStringLiteral("/s.batchscope")));
        QVERIFY(QFile::copy(moved + QStringLiteral("/models/net.onnx"), inbox + QStringLiteral("/net.onnx")));
        QVERIFY(QDir(moved).removeRecursively());
        {
            MainWindow w(options(fresh(QStringLiteral("presets")), true));
            SessionController c(w.sessionTarget());
            quiet(c);
            QVERIFY(c.openSession(inbox + QStringLiteral("/s.batchscope")));
            QCOMPARE(w.explorer()->scenarios()->specs()[2].onnxPath, inbox + QStringLiteral("/net.onnx"));
        }

        // Nowhere: the session opens, the scenario keeps its path and the message says what is missing.
        QVERIFY(QFile::remove(inbox + QStringLiteral("/net.onnx")));
        {
            MainWindow w(options(fresh(QStringLiteral("presets")), true));
            SessionController c(w.sessionTarget());
            QString warning;
            quiet(c, &warning);
            QVERIFY(c.openSession(inbox + QStringLiteral("/s.batchscope")));
            QCOMPARE(w.explorer()->scenarios()->specs()[2].onnxPath, model);
            QVERIFY2(warning.contains(model + QStringLiteral(" not found")), qPrintable(warning));
        }
    }

    void conflictingUserPresetIsAddedUnderANewIdOnce() {
        const QString dir = fresh(QStringLiteral("conflict"));
        const QString session = dir + QStringLiteral("/s.batchscope");
        {
            MainWindow w(options(fresh(QStringLiteral("presets"))));
            SessionController c(w.sessionTarget());
            quiet(c);
            buildFour(w, QStringLiteral(BATCHSCOPE_TEST_DATA_DIR "/resnet50.onnx"));
            QVERIFY(c.saveSessionAs(session));
        }
        // Here h100-sxm-copy exists unedited: the session's edited copy must not overwrite it.
        const QString presetDir = fresh(QStringLiteral("presets"));
        MainWindow w(options(presetDir, true));
        QCOMPARE(w.explorer()->presets()->duplicate(QStringLiteral("h100-sxm")), kCopy);
        const QJsonObject mine = w.explorer()->presets()->json(kCopy);
        SessionController c(w.sessionTarget());
        quiet(c);
        QVERIFY(c.openSession(session));
        const QString other = kCopy + QStringLiteral("-2");
        QCOMPARE(w.explorer()->scenarios()->specs()[1].presetId, other);
        QCOMPARE(w.explorer()->presets()->json(kCopy), mine);
        QCOMPARE(w.explorer()->presets()->find(other)->dram.bandwidthGBs.value, 2000.5);
        QVERIFY(QFileInfo::exists(presetDir + QStringLiteral("/") + other + QStringLiteral(".json")));
        QVERIFY(c.lastMessage().contains(other));
        QVERIFY(c.isDirty());
        // Opening it again reuses that copy.
        QVERIFY(c.openSession(session));
        QCOMPARE(w.explorer()->scenarios()->specs()[1].presetId, other);
        QVERIFY(!w.explorer()->presets()->contains(kCopy + QStringLiteral("-3")));
    }

    void titleAndDirtyFollowChanges() {
        MainWindow w(options(fresh(QStringLiteral("presets")), true));
        SessionController c(w.sessionTarget());
        quiet(c);
        QCOMPARE(w.windowTitle(), QStringLiteral("Untitled — Batchscope"));
        QVERIFY(!c.isDirty());
        w.batchControls()->setBatch(8);
        QVERIFY(c.isDirty());
        QCOMPARE(w.windowTitle(), QStringLiteral("Untitled* — Batchscope"));
        const QString path = fresh(QStringLiteral("title")) + QStringLiteral("/named");
        QVERIFY(c.saveSessionAs(path));
        QCOMPARE(c.sessionFile(), path + QStringLiteral(".batchscope")); // the suffix is added
        QCOMPARE(w.windowTitle(), QStringLiteral("named.batchscope — Batchscope"));
        w.explorer()->scenarios()->setVisible(w.explorer()->scenarios()->specs()[0].id, false);
        QCOMPARE(w.windowTitle(), QStringLiteral("named.batchscope* — Batchscope"));
        QVERIFY(c.saveSession());
        QVERIFY(!c.isDirty());
        // Editing a user preset a scenario runs on changes the session (its JSON is embedded).
        PresetStore* presets = w.explorer()->presets();
        const QString copy = presets->duplicate(QStringLiteral("h100-sxm"));
        QVERIFY(!copy.isEmpty());
        ScenarioRow s = w.explorer()->scenarios()->specs()[0];
        s.presetId = copy;
        w.explorer()->scenarios()->update(s);
        QVERIFY(c.saveSession());
        QJsonObject json = presets->json(copy);
        json[QStringLiteral("name")] = QStringLiteral("Renamed");
        QVERIFY(presets->update(copy, json));
        QVERIFY(c.isDirty());
        QCOMPARE(c.fileActions().size(), 3);
        QCOMPARE(c.fileActions()[0]->shortcut(), QKeySequence(QStringLiteral("Ctrl+Shift+O")));
        QCOMPARE(c.fileActions()[1]->shortcut(), QKeySequence(QStringLiteral("Ctrl+S")));
    }

    void limitsOnSize() {
        QTemporaryDir dir;
        // Too many scenarios: refused with the field.
        QJsonArray many;
        QJsonObject sc;
        sc[QStringLiteral("model")] = QStringLiteral("mlp");
        sc[QStringLiteral("preset")] = QStringLiteral("t4");
        sc[QStringLiteral("precision")] = QStringLiteral("fp16");
        sc[QStringLiteral("color")] = QStringLiteral("#123456");
        sc[QStringLiteral("visible")] = true;
        for (int i = 0; i < 300; ++i)
            many.append(sc);
        QJsonObject root;
        root[QStringLiteral("format")] = QStringLiteral("batchscope-session");
        root[QStringLiteral("version")] = 1;
        root[QStringLiteral("batch")] = 8;
        root[QStringLiteral("scenarios")] = many;
        try {
            sessionFromJson(QJsonDocument(root).toJson(), QStringLiteral("many.batchscope"));
            QFAIL("accepted");
        } catch (const SessionError& e) {
            QVERIFY2(e.message().contains(QStringLiteral("many.batchscope: scenarios: 300 scenarios")),
                     qPrintable(e.message()));
        }
        // A file over 64 MiB is not read at all (sparse: no disk used).
        const QString huge = dir.filePath(QStringLiteral("huge.batchscope"));
        QFile f(huge);
        QVERIFY(f.open(QIODevice::WriteOnly) && f.resize(65ll << 20));
        f.close();
        try {
            readSessionFile(huge);
            QFAIL("accepted");
        } catch (const SessionError& e) {
            QVERIFY2(e.message().contains(QStringLiteral("larger than 64 MiB")), qPrintable(e.message()));
        }
    }
};

QTEST_MAIN(TstSession)
#include "tst_session.moc"
