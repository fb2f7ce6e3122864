// The design-space view (window/DesignSpaceView, model/DesignSpaceRun, charts/HeatMap): a sweep of
// one preset field draws a line per scenario with its preset marked; two fields draw the heat map
// with the latency budget's contour; the Pareto chart fades what the front dominates; a picked
// design becomes a user preset derived from the scenario's and a scenario on it; a running sweep
// can be cancelled and a bad axis is one line; screenshots for the README.
#include "TestWindow.h"
#include "charts/HeatMap.h"
#include "hardware/PresetSchema.h"
#include "model/DesignSpaceRun.h"
#include "model/Explorer.h"
#include "model/PresetStore.h"
#include "window/BatchControls.h"
#include "window/DesignSpaceView.h"
#include "window/MainWindow.h"

#include <QChart>
#include <QChartView>
#include <QLineSeries>
#include <QScatterSeries>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace bs;

class TstDesignSpaceUi : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

    MainWindowOptions options() const {
        MainWindowOptions o = test::testWindowOptions(tmp_);
        o.defaultScenarios = false;
        return o;
    }

    static void waitIdle(MainWindow& w) {
        QTRY_VERIFY_WITH_TIMEOUT(!w.explorer()->isBusy(), 120000);
        QCoreApplication::processEvents();
    }

    // Runs the view as configured and waits for the sweep to finish.
    static void runAndWait(DesignSpaceView* v) {
        QSignalSpy done(v->runner(), &DesignSpaceRun::finished);
        QSignalSpy failed(v->runner(), &DesignSpaceRun::failed);
        v->run();
        QTRY_VERIFY_WITH_TIMEOUT(done.count() + failed.count() > 0, 120000);
        QVERIFY2(failed.isEmpty(),
                 qPrintable(failed.isEmpty() ? QString() : failed.front().front().toString()));
        QCoreApplication::processEvents();
    }

  private slots:
    void initTestCase() { QVERIFY(tmp_.isValid()); }

    void sweepsDrawLinesHeatMapParetoAndAdoptADesign() {
        MainWindow w(options());
        w.resize(1600, 1000);
        w.show();
        Explorer* x = w.explorer();
        w.selectScenario(x->addScenario(QStringLiteral("resnet50"), QStringLiteral("h100-sxm")));
        x->addScenario(QStringLiteral("resnet50"), QStringLiteral("a100-sxm4-80gb"));
        x->addScenario(QStringLiteral("bert-base"), QStringLiteral("a100-sxm4-80gb"));
        waitIdle(w);
        DesignSpaceView* v = w.designSpaceView();
        w.chartTabs()->setCurrentIndex(2); // the design space (inside a scroll area)

        // One axis: 8 bandwidths × 3 scenarios, a line each plus each one's preset mark.
        v->configure(QStringLiteral("memory.dram.bandwidth_gb_s"), QStringLiteral("500..4000:8"), QString(),
                     QString());
        runAndWait(v);
        const DesignSpaceResult& r = v->runner()->result();
        QCOMPARE(r.rows.size(), std::size_t{24});
        QVERIFY2(v->statusText().startsWith(QStringLiteral("8 design points × 3 scenarios × 80 batches")),
                 qPrintable(v->statusText()));
        int lines = 0, marks = 0;
        for (QAbstractSeries* s : v->lineView()->chart()->series()) {
            auto* l = qobject_cast<QLineSeries*>(s);
            if (!l) continue;
            if (l->count() == 8) ++lines;
            if (l->count() == 2 && l->name().endsWith(QStringLiteral(": preset"))) ++marks;
        }
        QCOMPARE(lines, 3);
        QCOMPARE(marks, 3);                // H100 3,350 GB/s and A100 2,039 GB/s lie inside 500..4000
        QCOMPARE(r.current[0][0], 3350.0); // the H100 preset's bandwidth
        // Pareto: the front's points are opaque, the dominated faded; the front is joined.
        int front = 0, faded = 0;
        for (QAbstractSeries* s : v->paretoView()->chart()->series())
            if (auto* sc = qobject_cast<QScatterSeries*>(s))
                (sc->color().alpha() == 255 ? front : faded) += static_cast<int>(sc->count());
        QVERIFY(front > 0 && faded > 0 && front + faded == 24);
        test::saveShot(&w, QStringLiteral("design-space-line.png"));

        // Two axes with a 0.32 ms budget (ResNet-50's batch 1 takes 0.30 ms at 4 TB/s and 0.40 ms at
        // 0.5 TB/s): the heat map of the first scenario, cells inside the contour and outside, its
        // preset ringed.
        w.batchControls()->setLatencyBudget_s(0.00032);
        waitIdle(w);
        v->configure(QStringLiteral("memory.dram.bandwidth_gb_s"), QStringLiteral("500..4000:12"),
                     QStringLiteral("memory.onchip.capacity_mib"), QStringLiteral("5..120:12"));
        v->setMetric(DesignSpaceView::Metric::Throughput);
        runAndWait(v);
        const HeatMap::Data& d = v->heatMap()->data();
        QCOMPARE(d.values.size(), std::size_t{144});
        QVERIFY(d.hasBudget);
        const auto inside = std::count(d.meetsBudget.begin(), d.meetsBudget.end(), true);
        QVERIFY2(inside > 0 && inside < 144, qPrintable(QString::number(inside)));
        QCOMPARE(d.currentX, 3350.0);
        QCOMPARE(d.currentY, 50.0); // the H100's L2
        QVERIFY(v->heatMap()->isVisible());
        test::saveShot(&w, QStringLiteral("design-space-heatmap.png"));

        // Pick a design of the H100 scenario that meets the budget and use it: a user preset
        // derived from the H100's, holding both values, and a scenario on it.
        const DesignSpaceResult& r2 = v->runner()->result();
        std::size_t pick = r2.rows.size();
        for (std::size_t i = 0; i < r2.rows.size(); ++i)
            if (r2.rows[i].scenario == 0 && r2.rows[i].summary.batch) pick = i;
        QVERIFY(pick < r2.rows.size());
        v->selectRow(pick);
        const std::size_t before = x->scenarios()->specs().size();
        QSignalSpy added(v, &DesignSpaceView::scenarioAdded);
        const int id = v->useSelectedDesign();
        QVERIFY(id > 0);
        QCOMPARE(added.count(), 1);
        QCOMPARE(x->scenarios()->specs().size(), before + 1);
        const ScenarioRow& spec = x->scenarios()->specs().back();
        const auto hw = x->presets()->find(spec.presetId);
        QVERIFY(hw && !x->presets()->isBuiltIn(spec.presetId));
        QCOMPARE(hw->derivedFrom, std::string("h100-sxm"));
        QCOMPARE(hw->dram.bandwidthGBs.value, r2.rows[pick].values[0]);
        QCOMPARE(hw->onchip.capacity.value, r2.rows[pick].values[1]);
        QVERIFY(QFile::exists(x->presets()->fileOf(spec.presetId)));
        waitIdle(w);
        v->setPareto(DesignSpaceView::Pareto::LatencyEnergy);
        test::saveShot(v, QStringLiteral("design-space-pareto.png"));
    }

    void cancelAndRefusals() {
        MainWindow w(options());
        w.resize(1200, 800);
        w.show();
        Explorer* x = w.explorer();
        x->addScenario(QStringLiteral("bert-large"), QStringLiteral("h100-sxm"));
        waitIdle(w);
        DesignSpaceView* v = w.designSpaceView();
        // A path that is not a field: one line, nothing runs.
        v->configure(QStringLiteral("memory.dram.bandwidth"), QStringLiteral("1,2"), QString(), QString());
        v->run();
        QVERIFY2(v->statusText().contains(QStringLiteral("not a number field of the preset format")),
                 qPrintable(v->statusText()));
        QVERIFY(!v->runner()->running());
        // A value the preset validation refuses arrives from the run, naming the field.
        QSignalSpy failed(v->runner(), &DesignSpaceRun::failed);
        v->configure(QStringLiteral("memory.dram.bandwidth_gb_s"), QStringLiteral("0,100"), QString(),
                     QString());
        v->run();
        QTRY_VERIFY_WITH_TIMEOUT(failed.count() == 1, 60000);
        QVERIFY(failed.front().front().toString().contains(QStringLiteral("must be > 0")));
        // A large sweep cancelled at once ends with "Cancelled." and no rows replace the last ones.
        QSignalSpy cancelled(v->runner(), &DesignSpaceRun::cancelled);
        v->configure(QStringLiteral("memory.dram.bandwidth_gb_s"), QStringLiteral("100..4000:64"),
                     QStringLiteral("clock_ghz"), QStringLiteral("0.5..2:64"));
        v->run();
        QVERIFY(v->runner()->running());
        v->cancel();
        QTRY_VERIFY_WITH_TIMEOUT(cancelled.count() == 1, 60000);
        QCOMPARE(v->statusText(), QStringLiteral("Cancelled."));
    }
};

QTEST_MAIN(TstDesignSpaceUi)
#include "tst_design_space_ui.moc"
