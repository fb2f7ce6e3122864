// Autosave and crash recovery: after a change the session is autosaved; a run that ends without a
// clean exit is offered for recovery next time (and only then); a declined recovery leaves the
// window alone; two windows never share an autosave.
#include "FileChecks.h"
#include "SessionTestSupport.h"
#include "model/Session.h"
#include "window/BatchControls.h"

#include <QFile>
#include <QTest>

using namespace bs;
using bs::test::compareSpecs;
using bs::test::readAll;
using bs::test::waitIdle;
using bs::test::writeAll;

class TstAutosave : public QObject, public test::SessionFixture {
    Q_OBJECT

  private slots:
    void initTestCase() { QVERIFY(tmp_.isValid()); }
    void init() { useFreshAutosaveDir(); }

    void autosaveAndRecoveryAfterACrash() {
        const QString autosaveDir = SessionController::autosaveDir();
        QVERIFY(autosaveDir.startsWith(tmp_.path())); // never the user's real autosave
        const QString sessionPath = fresh(QStringLiteral("crash")) + QStringLiteral("/work.batchscope");
        QString marker, autosave;
        std::vector<ScenarioRow> specsAtCrash;
        {
            MainWindow w(options(fresh(QStringLiteral("presets")), true));
            SessionController c(w.sessionTarget());
            quiet(c);
            c.setAutosaveIntervals(60000, 20);
            QVERIFY(c.saveSessionAs(sessionPath));
            c.startAutosave();
            marker = c.markerFile();
            autosave = c.autosaveFile();
            QCOMPARE(autosave, autosaveDir + QStringLiteral("/autosave.batchscope"));
            QVERIFY(QFileInfo::exists(marker));
            QCOMPARE(readSessionFile(autosave).batch, 64);
            w.batchControls()->setBatch(300);
            w.explorer()->scenarios()->duplicate(w.explorer()->scenarios()->specs()[1].id);
            QTRY_COMPARE(readSessionFile(autosave).batch, 300);
            QTRY_COMPARE(readSessionFile(autosave).scenarios.size(), std::size_t{5});
            specsAtCrash = w.explorer()->scenarios()->specs();
            // No cleanExit(): as far as the next run can tell, this one crashed.
        }
        QVERIFY(QFileInfo::exists(marker));
        {
            MainWindow w(options(fresh(QStringLiteral("presets")), true));
            SessionController c(w.sessionTarget());
            quiet(c);
            QString asked;
            c.askRecover = [&](const QString& q) {
                asked = q;
                return true;
            };
            c.startAutosave();
            QVERIFY2(asked.contains(QStringLiteral("did not exit cleanly")) &&
                         asked.contains(QStringLiteral("5 scenarios")) &&
                         asked.contains(QStringLiteral("work.batchscope")),
                     qPrintable(asked));
            QCOMPARE(w.explorer()->batch(), 300);
            QCOMPARE(w.batchControls()->batch(), 300);
            compareSpecs(w.explorer()->scenarios()->specs(), specsAtCrash);
            QCOMPARE(c.sessionFile(), sessionPath);
            QVERIFY(c.isDirty());
            QCOMPARE(w.windowTitle(), QStringLiteral("work.batchscope* — Batchscope"));
            // A second window meanwhile gets its own autosave and is not offered this one.
            MainWindow w2(options(fresh(QStringLiteral("presets")), true));
            SessionController c2(w2.sessionTarget());
            quiet(c2);
            c2.startAutosave();
            QVERIFY(c2.autosaveFile() != c.autosaveFile());
            QVERIFY(QFileInfo::exists(c2.autosaveFile()));
            c2.cleanExit();
            QVERIFY(!QFileInfo::exists(c2.autosaveFile()));
            // A normal quit: nothing to recover next time.
            c.cleanExit();
            QVERIFY(!QFileInfo::exists(marker));
            QVERIFY(!QFileInfo::exists(autosave));
        }
        {
            MainWindow w(options(fresh(QStringLiteral("presets")), true));
            SessionController c(w.sessionTarget());
            quiet(c); // fails on any recovery offer
            c.startAutosave();
            QCOMPARE(w.explorer()->batch(), 64);
            QCOMPARE(w.explorer()->scenarios()->specs().size(), std::size_t{4});
            c.cleanExit();
        }
    }

    void declinedRecoveryLeavesTheWindowAlone() {
        {
            MainWindow w(options(fresh(QStringLiteral("presets")), true));
            SessionController c(w.sessionTarget());
            quiet(c);
            c.startAutosave();
            w.batchControls()->setBatch(2);
            QVERIFY(c.autosaveNow());
        }
        MainWindow w(options(fresh(QStringLiteral("presets")), true));
        SessionController c(w.sessionTarget());
        quiet(c);
        int asked = 0;
        c.askRecover = [&](const QString&) {
            ++asked;
            return false;
        };
        c.startAutosave();
        QCOMPARE(asked, 1);
        QCOMPARE(w.explorer()->batch(), 64);
        QVERIFY(!c.isDirty());
        // The declined autosave is replaced by this run's state.
        QCOMPARE(readSessionFile(c.autosaveFile()).batch, 64);
        c.cleanExit();
    }
};

QTEST_MAIN(TstAutosave)
#include "tst_autosave.moc"
