// The serving view (window/ServingView, charts/ServingChart): decoder scenarios in the window get
// throughput-vs-interactivity, TTFT, TPOT and memory curves that follow the batch slider; targets
// typed in the view draw their lines, shade the batches that meet both and move the
// recommendation; the KV-cache wall is marked; sessions keep the settings; a screenshot.
#include "charts/LatencyThroughputChart.h"
#include "charts/RooflineChart.h"
#include "charts/ServingChart.h"
#include "model/Explorer.h"
#include "model/Session.h"
#include "window/BatchControls.h"
#include "window/MainWindow.h"
#include "window/ServingView.h"

#include <QAreaSeries>
#include <QChart>
#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QGraphicsSimpleTextItem>
#include <QJsonObject>
#include <QLineEdit>
#include <QLineSeries>
#include <QScatterSeries>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace bs;

namespace {

void setBox(QAbstractSpinBox* box, const QString& text) {
    box->setFocus();
    box->selectAll();
    QTest::keyClicks(box, text);
    QTest::keyClick(box, Qt::Key_Enter); // keyboard tracking is off: Enter commits
}

} // namespace

class TstServingUi : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

    MainWindowOptions options() const {
        MainWindowOptions o;
        o.settingsFile = tmp_.filePath(QStringLiteral("settings.ini"));
        o.userPresetDir = tmp_.filePath(QStringLiteral("presets"));
        o.defaultScenarios = false;
        o.restoreWindowState = false;
        return o;
    }

    static void waitIdle(MainWindow& w) {
        QTRY_VERIFY_WITH_TIMEOUT(!w.explorer()->isBusy(), 120000);
        QCoreApplication::processEvents();
    }

  private slots:
    void initTestCase() { QVERIFY(tmp_.isValid()); }

    void servingViewDrawsDecoderScenarios() {
        MainWindow w(options());
        w.resize(1600, 1000);
        w.show();
        Explorer* x = w.explorer();
        x->addScenario(QStringLiteral("resnet50"), QStringLiteral("h100-sxm")); // no generation
        w.selectScenario(x->addScenario(QStringLiteral("llama-3.1-8b"), QStringLiteral("h100-sxm")));
        x->addScenario(QStringLiteral("llama-3.1-8b"), QStringLiteral("a100-sxm4-80gb"));
        waitIdle(w);
        w.chartTabs()->setCurrentWidget(w.servingView());
        QCoreApplication::processEvents();
        ServingView* v = w.servingView();
        QVERIFY(v->isVisible());

        // One curve per decoder scenario on each chart; the CNN has none.
        for (ServingChart* c : v->charts()) {
            QCOMPARE(c->curves().size(), std::size_t{2});
            QVERIFY(!c->curves()[0].fits->points().isEmpty());
        }
        // Llama-3.1-8B bf16 with 1024 + 256 tokens: 16 GB of weights and 0.17 GB of KV cache per
        // sequence, so an 80 GB chip's wall lies inside the 4096 grid, and the batches past it are
        // crossed on every chart.
        const EvaluatedScenario& h100 = x->snapshot().scenarios[1];
        QVERIFY(h100.serving && h100.serving->maxBatch);
        QVERIFY2(*h100.serving->maxBatch > 100 && *h100.serving->maxBatch < 1000,
                 qPrintable(QString::number(*h100.serving->maxBatch)));
        for (ServingChart* c : {v->charts()[1], v->charts()[2], v->charts()[3]})
            QVERIFY(!c->notFittingSeries()->points().isEmpty());
        // Without a batch axis the curve ends at the wall (its last point is the largest batch
        // that fits).
        QVERIFY(!v->charts()[0]->notFittingSeries());
        const auto& fitting = v->charts()[0]->curves()[0].fits->points();
        const GenerationPoint* last = nullptr;
        for (const GenerationPoint& p : h100.serving->sweep)
            if (p.fitsMemory) last = &p;
        QCOMPARE(fitting.back(), ServingChart::value(ServingChart::Metric::Interactivity, h100, *last));
        QVERIFY(v->charts()[0]->curves()[0].beyond->points().isEmpty());
        const QString wall = QStringLiteral("KV wall %1").arg(*h100.serving->maxBatch);
        for (ServingChart* c : v->charts())
            QVERIFY2(c->annotationTexts().contains(wall),
                     qPrintable(c->annotationTexts().join(QLatin1Char('|'))));

        // Without targets: the max-throughput batch, starred, and named in the scenario's line.
        QVERIFY(v->recommendationText().contains(QStringLiteral("max throughput at batch")));
        QVERIFY(v->recommendationText().contains(
            QStringLiteral("KV-cache wall at batch %1").arg(*h100.serving->maxBatch)));
        QCOMPARE(v->charts()[0]->recommendedSeries()[0]->points().size(), qsizetype{1});
        QVERIFY(v->charts()[1]->shading().empty()); // nothing to shade without a target

        // Targets typed into the view: lines on the TTFT, TPOT and interactivity charts, shaded
        // batches, and a recommendation that meets both.
        setBox(v->findChild<QDoubleSpinBox*>(QStringLiteral("ttftTarget")), QStringLiteral("2000"));
        setBox(v->findChild<QDoubleSpinBox*>(QStringLiteral("tpotTarget")), QStringLiteral("20"));
        QCOMPARE(x->serving().ttft_s, std::optional<double>(2.0));
        QCOMPARE(x->serving().tpot_s, std::optional<double>(0.02));
        QVERIFY(!x->isBusy()); // targets do not recompute the generation
        const ServingCurve& c = *x->snapshot().scenarios[1].serving;
        QVERIFY(c.recommendedBatch);
        QCOMPARE(c.recommendedBatch, bestBatchWithinTargets(c.sweep, 2.0, 0.02));
        for (const GenerationPoint& p : c.sweep)
            if (p.batch == *c.recommendedBatch) QVERIFY(p.ttft_s <= 2.0 && p.tpot_s <= 0.02 && p.fitsMemory);
        for (ServingChart* c2 : {v->charts()[0], v->charts()[1], v->charts()[2]})
            QVERIFY(c2->targetSeries() && c2->targetSeries()->points().size() == 2);
        QCOMPARE(v->charts()[2]->targetSeries()->points().front().y(), 20.0); // TPOT ≤ 20 ms
        QCOMPARE(v->charts()[0]->targetSeries()->points().front().x(), 50.0); // 1 ÷ 20 ms
        QVERIFY(!v->charts()[1]->shading().empty());
        QVERIFY(v->recommendationText().contains(QStringLiteral("within the targets")));

        // The slider moves the current-batch markers, as on the batch charts.
        w.batchControls()->setBatch(4);
        QCoreApplication::processEvents();
        const QPointF at4 = v->charts()[2]->curves()[0].current->points().front();
        QCOMPARE(at4.x(), 4.0);
        QCOMPARE(at4.y(), x->snapshot().scenarios[1].serving->current.tpot_s * 1e3);
        w.batchControls()->setBatch(64);
        QCoreApplication::processEvents();
        QCOMPARE(v->charts()[2]->curves()[0].current->points().front().x(), 64.0);

        QDir().mkpath(QStringLiteral(BATCHSCOPE_SCREENSHOT_DIR));
        w.grab().save(QStringLiteral(BATCHSCOPE_SCREENSHOT_DIR "/serving-view.png"));

        // New lengths: the generation is computed again for them.
        setBox(v->findChild<QSpinBox*>(QStringLiteral("servingInput")), QStringLiteral("4096"));
        waitIdle(w);
        QCOMPARE(x->snapshot().scenarios[1].serving->models->lengths().input, 4096);
        QVERIFY(v->charts()[1]->chart()->title().contains(QStringLiteral("4096 prompt")));
    }

    void hiddenViewCatchesUpWhenShown() {
        MainWindow w(options());
        w.resize(1400, 900);
        w.show();
        w.explorer()->addScenario(QStringLiteral("llama-3.2-1b"), QStringLiteral("h100-sxm"));
        waitIdle(w);
        // Built while the batch tab was shown: the serving charts have not drawn anything yet.
        QVERIFY(w.servingView()->charts()[0]->curves().empty());
        w.chartTabs()->setCurrentWidget(w.servingView());
        QCoreApplication::processEvents();
        QCOMPARE(w.servingView()->charts()[0]->curves().size(), std::size_t{1});
    }

    void noDecoderScenarioSaysSo() {
        MainWindow w(options());
        w.show();
        w.explorer()->addScenario(QStringLiteral("resnet50"), QStringLiteral("h100-sxm"));
        waitIdle(w);
        w.chartTabs()->setCurrentWidget(w.servingView());
        QCoreApplication::processEvents();
        QVERIFY(w.servingView()->recommendationText().contains(QStringLiteral("No decoder LLM")));
        QVERIFY(w.servingView()->charts()[0]->curves().empty());
    }

    void aParallelLayoutFromTheScenarioPanel() {
        MainWindow w(options());
        w.resize(1400, 900);
        w.show();
        const int id = w.explorer()->addScenario(QStringLiteral("llama-3.1-8b"), QStringLiteral("h100-sxm"));
        w.selectScenario(id);
        waitIdle(w);
        auto* edit = w.findChild<QLineEdit*>(QStringLiteral("parallelEdit"));
        QVERIFY(edit && edit->isVisible());
        QVERIFY(edit->text().isEmpty()); // one device
        // Types a layout into the field and presses Enter, as a user does.
        auto enter = [&](const QString& text) {
            edit->selectAll();
            QTest::keyClicks(edit, text);
            QTest::keyClick(edit, Qt::Key_Return);
        };
        edit->setFocus();
        QTest::keyClicks(edit, QStringLiteral("tp=2,dp=3"));
        QTest::keyClick(edit, Qt::Key_Return);
        waitIdle(w);
        const EvaluatedScenario& e = w.explorer()->snapshot().scenarios[0];
        QVERIFY2(e.error.isEmpty(), qPrintable(e.error));
        QCOMPARE(e.parallel.tp, 2);
        QCOMPARE(e.parallel.dp, 3);
        QVERIFY(e.label.endsWith(QStringLiteral("· tp=2,dp=3")));
        QVERIFY(e.link);
        int interconnect = 0;
        for (const LayerPlacement& p : e.current.layers)
            interconnect += p.bound == Bound::Interconnect || p.interconnect_s > 0 ? 1 : 0;
        QVERIFY(interconnect > 60); // 2 all-reduces per layer × 32 layers, the embedding's, the logits'
        // The roofline draws the step's communication point: FLOPs per byte one device sends.
        auto* roofline = w.findChild<RooflineChart*>();
        QVERIFY(roofline);
        double linkBytes = 0;
        for (const LayerPlacement& p : e.current.layers)
            linkBytes += p.interconnectBytes;
        const QPointF comm = roofline->communicationValue(0);
        QVERIFY(std::isfinite(comm.x()));
        QVERIFY(qFuzzyCompare(comm.x(), e.current.totals.flops / linkBytes));
        // Per device: the batch charts divide throughput by the deployment's 2 × 3 devices.
        auto* perDevice = w.findChild<QCheckBox*>(QStringLiteral("perDevice"));
        QVERIFY(perDevice);
        perDevice->click();
        waitIdle(w);
        QVERIFY(w.explorer()->snapshot().perDevice);
        QCOMPARE(w.explorer()->snapshot().scenarios[0].throughputScale, 1.0 / 6);
        const EvaluatedScenario& pd = w.explorer()->snapshot().scenarios[0];
        QCOMPARE(LatencyThroughputChart::value(pd, pd.current.totals).x(),
                 pd.current.totals.throughput_per_s / 6 * sampleUnit(pd).perSample());
        perDevice->click();
        waitIdle(w);
        QVERIFY(e.serving && e.serving->error.isEmpty());
        // In the session's JSON and back.
        const ScenarioRow* row = w.explorer()->scenarios()->find(id);
        const QJsonObject json = scenarioToJson(*row);
        const Scenario back =
            scenarioFromJson(json, JsonFieldReader(QStringLiteral("s")), QStringLiteral("s"));
        QVERIFY(back.parallel == row->parallel);
        // Pipeline stages from the same field: the bubble is in the totals and in the story.
        enter(QStringLiteral("pp=4,mb=4"));
        waitIdle(w);
        {
            const EvaluatedScenario& pe = w.explorer()->snapshot().scenarios[0];
            QVERIFY2(pe.error.isEmpty(), qPrintable(pe.error));
            QCOMPARE(pe.parallel.pp, 4);
            QVERIFY(pe.current.totals.bubble_s > 0);
            QVERIFY(pe.current.layers.back().stage == 3);
        }
        enter(QStringLiteral("tp=2,dp=3"));
        waitIdle(w);
        // More devices than the node has: the scenario says which node and how many.
        enter(QStringLiteral("tp=16"));
        waitIdle(w);
        const QString error = w.explorer()->snapshot().scenarios[0].error;
        QVERIFY2(error.contains(QStringLiteral("hgx-h100-8 has 8")), qPrintable(error));
        // A typo is refused in the field, the scenario keeps its layout.
        enter(QStringLiteral("qq=4"));
        QVERIFY(edit->toolTip().contains(QStringLiteral("unknown key")));
        QCOMPARE(w.explorer()->scenarios()->find(id)->parallel.tp, 16);
    }

    void sessionsKeepTheServingSettings() {
        SessionData d;
        d.serving.lengths = {2048, 512};
        d.serving.ttft_s = 0.5;
        d.serving.tpot_s = std::nullopt;
        const SessionData back = sessionFromJson(sessionToJson(d), QStringLiteral("s.batchscope"));
        QCOMPARE(back.serving, d.serving);
        // A session written before the serving view reads as the defaults.
        QByteArray old = sessionToJson(SessionData{});
        old.replace("\"serving\"", "\"unused\"");
        QCOMPARE(sessionFromJson(old, QStringLiteral("old.batchscope")).serving, ServingSettings{});
        // A bad value names the field.
        QByteArray bad = sessionToJson(d);
        bad.replace("\"ttft_ms\": 500", "\"ttft_ms\": -3");
        try {
            sessionFromJson(bad, QStringLiteral("bad.batchscope"));
            QFAIL("a negative target was accepted");
        } catch (const SessionError& e) {
            QVERIFY2(e.message().contains(QStringLiteral("bad.batchscope")) &&
                         e.message().contains(QStringLiteral("serving.ttft_ms")),
                     qPrintable(e.message()));
        }

        // The window saves and restores them.
        const QString file = tmp_.filePath(QStringLiteral("serving.batchscope"));
        {
            MainWindow w(options());
            w.explorer()->addScenario(QStringLiteral("llama-3.2-1b"), QStringLiteral("h100-sxm"));
            ServingSettings s;
            s.lengths = {777, 99};
            s.tpot_s = 0.015;
            w.explorer()->setServing(s);
            QVERIFY(w.session()->saveSessionAs(file));
        }
        MainWindow w(options());
        QVERIFY(w.session()->openSession(file));
        QCOMPARE(w.explorer()->serving().lengths.input, 777);
        QCOMPARE(w.explorer()->serving().tpot_s, std::optional<double>(0.015));
        waitIdle(w);
        QCOMPARE(w.servingView()->settings().lengths.output, 99);
    }
};

QTEST_MAIN(TstServingUi)
#include "tst_serving_ui.moc"
