// Presentation mode (F5): the four charts full screen with large type, the arrow keys stepping the
// window's batch, Space playing the sweep, Esc closing it; plus its screenshot.
#include "TestWindow.h"
#include "charts/ChartGrid.h"
#include "charts/ChartSupport.h"
#include "model/Explorer.h"
#include "window/BatchControls.h"
#include "window/MainWindow.h"
#include "window/PresentationWindow.h"

#include <QAbstractAxis>
#include <QChart>
#include <QDir>
#include <QPointer>
#include <QTemporaryDir>
#include <QtTest>

using namespace bs;

using test::saveShot;

class TstPresentation : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

    static void waitIdle(MainWindow& w) {
        QTRY_VERIFY_WITH_TIMEOUT(!w.explorer()->isBusy(), 60000);
        QCoreApplication::processEvents();
    }

  private slots:
    void initTestCase() { QVERIFY(tmp_.isValid()); }

    void presentationModeStepsAndPlays() {
        MainWindow w(test::testWindowOptions(tmp_));
        w.resize(1600, 1000);
        w.show();
        waitIdle(w);
        w.batchControls()->setBatch(64);
        QPointer<PresentationWindow> p = w.startPresentation();
        QVERIFY(p && p->isFullScreen());
        QCOMPARE(p->charts().size(), std::size_t{4});
        for (SnapshotChart* c : p->charts())
            QCOMPARE(c->snapshot().scenarios.size(), std::size_t{4});
        // Large type: the axis labels are well above the window's default size.
        QVERIFY(QTest::qWaitForWindowExposed(p));
        auto labelPt = [&] {
            const QAbstractAxis* ax = p->charts()[1]->chart()->axes().value(0);
            return ax ? ax->labelsFont().pointSizeF() : 0.0;
        };
        QTRY_VERIFY(labelPt() >= 0.85 * 14);
        QTest::keyClick(p, Qt::Key_Right);
        QVERIFY(w.explorer()->batch() > 64);
        QCOMPARE(p->charts()[0]->snapshot().batch, w.explorer()->batch());
        QTest::keyClick(p, Qt::Key_Left);
        QCOMPARE(w.explorer()->batch(), 64);
        QTest::keyClick(p, Qt::Key_Space);
        QVERIFY(p->isPlaying());
        QTRY_VERIFY_WITH_TIMEOUT(w.explorer()->batch() > 100, 5000);
        // The offscreen screen is 800×800: grab at a projector's 1920×1080 instead.
        p->showNormal();
        p->resize(1920, 1080);
        QTest::qWait(50);
        saveShot(p, QStringLiteral("presentation.png"));
        QTest::keyClick(p, Qt::Key_Space);
        QVERIFY(!p->isPlaying());
        QTest::keyClick(p, Qt::Key_Escape);
        QTRY_VERIFY(p.isNull()); // closed and deleted
    }
};

QTEST_MAIN(TstPresentation)
#include "tst_presentation.moc"
