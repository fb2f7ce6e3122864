// Every write of user data is atomic: a child process saves over and over, alternating between two
// complete versions of a file, and is killed (SIGKILL) at a random moment, many times over. After
// each kill the file must be exactly one of the two versions, never a mix, a truncation or empty:
// sessions (saveSessionFile, what Save and autosave use), user presets (PresetStore::update, what
// the preset editor uses), CSV exports (writeTextFile) and PNG chart exports (exportChart).
#include "FileChecks.h"
#include "SnapshotMaker.h"
#include "charts/UtilizationChart.h"
#include "export/ChartExport.h"
#include "model/CsvExport.h"
#include "model/PresetStore.h"
#include "model/Session.h"

#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <functional>
#include <sys/wait.h>
#include <unistd.h>

using namespace bs;
using namespace bs::test;

namespace {

/// Runs `save(i)` for i = 0, 1, 2, ... in a forked child until it is killed after a random 2–40 ms;
/// `rounds` times. After each kill `check()` must hold.
void killWhileSaving(int rounds, const std::function<void(int)>& save, const std::function<void()>& check) {
    for (int r = 0; r < rounds; ++r) {
        const pid_t child = fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            for (int i = 0;; ++i)
                save(i);
        }
        QTest::qSleep(2 + static_cast<int>(QRandomGenerator::global()->bounded(38)));
        ::kill(child, SIGKILL);
        int status = 0;
        ::waitpid(child, &status, 0);
        QVERIFY(WIFSIGNALED(status));
        check();
        if (QTest::currentTestFailed()) return;
    }
}

} // namespace

class TstAtomicWrites : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString file(const QString& name) const { return tmp_.filePath(name); }

  private slots:
    void initTestCase() { QVERIFY(tmp_.isValid()); }

    void sessionSurvivesAKill() {
        // Two sessions of different sizes (40 vs 80 scenarios), so a mix or a cut shows.
        auto session = [](int scenarios, int batch) {
            SessionData d;
            for (int i = 0; i < scenarios; ++i) {
                SessionRow sc;
                sc.spec.modelId = QStringLiteral("resnet50");
                sc.spec.presetId = QStringLiteral("h100-sxm");
                sc.spec.precision = Precision::BF16;
                sc.spec.color = QColor(i % 256, 100, 200);
                d.scenarios.push_back(sc);
            }
            d.batch = batch;
            return d;
        };
        const QString path = file(QStringLiteral("s.batchscope"));
        const SessionData a = session(40, 8), b = session(80, 16);
        QString error;
        QVERIFY(saveSessionFile(path, a, &error));
        const QByteArray bytesA = sessionToJson(a), bytesB = sessionToJson(b);
        killWhileSaving(
            20, [&](int i) { saveSessionFile(path, i % 2 ? a : b, nullptr); },
            [&] {
                const QByteArray now = readAll(path);
                QVERIFY2(now == bytesA || now == bytesB,
                         qPrintable(QStringLiteral("%1 bytes").arg(now.size())));
                QVERIFY(readSessionFile(path).scenarios.size() >= 40);
            });
    }

    void userPresetSurvivesAKill() {
        PresetStore store(qEnvironmentVariable("BATCHSCOPE_PRESET_DIR"), file(QStringLiteral("presets")));
        QString error;
        const QString id = store.duplicate(QStringLiteral("t4"), &error);
        QVERIFY2(!id.isEmpty(), qPrintable(error));
        const QString path = store.fileOf(id);
        QJsonObject a = store.json(id), b = a;
        a[QStringLiteral("notes")] = QString(200, QLatin1Char('a'));
        b[QStringLiteral("notes")] = QString(20000, QLatin1Char('b'));
        QVERIFY(store.update(id, a));
        killWhileSaving(
            20, [&](int i) { store.update(id, i % 2 ? a : b); },
            [&] {
                const QJsonObject now = QJsonDocument::fromJson(readAll(path)).object();
                QVERIFY2(now == a || now == b, qPrintable(path));
            });
        // And it still loads as a preset.
        PresetStore again(qEnvironmentVariable("BATCHSCOPE_PRESET_DIR"), file(QStringLiteral("presets")));
        QVERIFY(again.contains(id));
    }

    void exportsSurviveAKill() {
        SnapshotMaker maker;
        const ExplorerSnapshot snap = maker.make(resnetOnTwoChips(), 16, powersOfTwo(256));
        const QString csv = file(QStringLiteral("sweep.csv"));
        const QString a = sweepCsvTable(snap).toCsv(), b = a + a;
        QVERIFY(writeTextFile(a, csv, nullptr));
        killWhileSaving(
            20, [&](int i) { writeTextFile(i % 2 ? a : b, csv, nullptr); },
            [&] {
                const QString now = QString::fromUtf8(readAll(csv));
                QVERIFY2(now == a || now == b, qPrintable(QStringLiteral("%1 chars").arg(now.size())));
            });

        UtilizationChart chart;
        chart.resize(800, 500);
        chart.setSnapshot(snap, ChangeAll);
        const QString png = file(QStringLiteral("chart.png"));
        QVERIFY(exportChart(&chart, png, 1, nullptr));
        const QImage first(png);
        killWhileSaving(
            8, [&](int i) { exportChart(&chart, png, i % 2 ? 1 : 2, nullptr); },
            [&] {
                const QImage now(png);
                QVERIFY2(!now.isNull(), "the PNG is not an image");
                QVERIFY(now.width() == first.width() || now.width() == 2 * first.width());
            });
    }
};

QTEST_MAIN(TstAtomicWrites)
#include "tst_atomic_writes.moc"
