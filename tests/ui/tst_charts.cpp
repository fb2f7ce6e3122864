// The four linked explorer charts, fed real engine snapshots: what each draws, what a batch step
// moves (and that it moves only that), log-axis safety, ridge labels, layer picking, memory-fit
// marks, budget and recommendation, the energy breakdown, theme colours, and a frame-time print.
#include "SnapshotMaker.h"
#include "charts/ChartSupport.h"
#include "charts/EnergyChart.h"
#include "charts/LatencyThroughputChart.h"
#include "charts/RooflineChart.h"
#include "charts/UtilizationChart.h"
#include "eval/Sweep.h"
#include "hardware/PresetLoader.h"
#include "zoo/ModelZoo.h"

#include <QAbstractAxis>
#include <QChart>
#include <QDir>
#include <QElapsedTimer>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QScatterSeries>
#include <QTest>
#include <QToolTip>
#include <algorithm>
#include <cmath>
#include <ctime>
#include <map>
#include <memory>

using namespace bs;
using namespace bs::test;

namespace {

/// Counts paint events of the widgets it filters.
class PaintCounter : public QObject {
  public:
    int count = 0;
    bool eventFilter(QObject*, QEvent* e) override {
        if (e->type() == QEvent::Paint) ++count;
        return false;
    }
};

double threadCpu_ms() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

template <class View> void showAt(View& v) {
    v.resize(800, 500);
    v.show();
    QVERIFY(QTest::qWaitForWindowExposed(&v));
    QCoreApplication::processEvents();
}

/// Every point of every XY series is > 0 along each logarithmic axis of its chart (a chart whose
/// values span less than a decade switches that axis to linear, where 0 is a fine coordinate).
void verifyLogSafe(QChart* chart) {
    auto isLog = [&](Qt::Orientation o) {
        const auto axes = chart->axes(o);
        return !axes.isEmpty() && qobject_cast<QLogValueAxis*>(axes.first()) != nullptr;
    };
    const bool logX = isLog(Qt::Horizontal), logY = isLog(Qt::Vertical);
    for (QAbstractSeries* s : chart->series())
        if (auto* xy = qobject_cast<QXYSeries*>(s))
            for (const QPointF& p : xy->points())
                QVERIFY2((!logX || p.x() > 0) && (!logY || p.y() > 0), qPrintable(s->name()));
}

int drawnLayers(const EvaluatedScenario& e) {
    int n = 0;
    for (const LayerPlacement& l : e.current.layers)
        n += (l.bound != Bound::None && l.flops > 0 && l.latency_s > 0 && l.arithmeticIntensity > 0) ? 1 : 0;
    return n;
}

QList<QAbstractSeries*> seriesOf(SnapshotChart& c) {
    return c.chart()->series();
}

void saveShot(QWidget& w, const QString& name, QSize size = QSize(800, 500)) {
    const QString dir = QStringLiteral(BATCHSCOPE_SCREENSHOT_DIR);
    QDir().mkpath(dir);
    w.resize(size);
    QCoreApplication::processEvents(); // the chart lays out axes and legend on a posted event
    QVERIFY(w.grab().save(dir + QStringLiteral("/chart-") + name + QStringLiteral(".png")));
}

} // namespace

class TestCharts : public QObject {
    Q_OBJECT

  private:
    SnapshotMaker maker_;

  private slots:
    void formatting() {
        QCOMPARE(formatSi(989.4e12, QStringLiteral("FLOP/s")), QStringLiteral("989 TFLOP/s"));
        QCOMPARE(formatSi(3.35e12, QStringLiteral("B/s")), QStringLiteral("3.35 TB/s"));
        QCOMPARE(formatSi(999.96e9, QStringLiteral("B")), QStringLiteral("1.00 TB"));
        QCOMPARE(formatSeconds(0.0125), QStringLiteral("12.5 ms"));
        QCOMPARE(formatNumber(295.33), QStringLiteral("295"));
        QCOMPARE(formatNumber(0.04213), QStringLiteral("0.0421"));
        QCOMPARE(decadeFloor(350.0), 100.0);
        QCOMPARE(decadeCeil(350.0), 1000.0);
        QCOMPARE(decadeCeil(1000.0), 1000.0);
        QCOMPARE(niceStep(13), 20.0);
        QCOMPARE(nearestIndex({QPointF(0, 0), QPointF(10, 0)}, QPointF(8, 1), 5), 1);
        QCOMPARE(nearestIndex({QPointF(0, 0)}, QPointF(8, 8), 5), -1);
    }

    void roofline_points_ridges_and_picking() {
        const ExplorerSnapshot s = maker_.make(resnetOnTwoChips(), 8, powersOfTwo(256));
        RooflineChart chart;
        showAt(chart);
        chart.setSnapshot(s, ChangeAll);
        QCoreApplication::processEvents();
        for (int i = 0; i < 2; ++i) {
            const int expected = drawnLayers(s.scenarios[static_cast<std::size_t>(i)]);
            QVERIFY(expected > 40);
            QCOMPARE(chart.pointCount(i), expected);
        }
        verifyLogSafe(chart.chart());

        // Ridge labels: peak ÷ DRAM bandwidth from the presets, one per chip.
        const QStringList texts = chart.annotationTexts();
        for (const EvaluatedScenario& e : s.scenarios) {
            const double ridge = e.hardware->peakFlops(e.precision) / e.hardware->dramBytesPerS();
            QVERIFY(std::abs(ridge - e.current.totals.ridge) < 1e-9 * ridge);
            const QString want = QStringLiteral("ridge ") + formatNumber(ridge) + QStringLiteral(" FLOP/B");
            QVERIFY2(texts.contains(want), qPrintable(want + QStringLiteral(" not in ") + texts.join(u'|')));
        }
        QVERIFY(texts.contains(QStringLiteral("ridge 295 FLOP/B"))); // 989 TFLOP/s ÷ 3.35 TB/s

        // The biggest layer of the TPU scenario is found at its own position; empty space finds none.
        const auto& layers = s.scenarios[1].current.layers;
        const auto big = std::max_element(layers.begin(), layers.end(),
                                          [](const auto& a, const auto& b) { return a.share < b.share; });
        const int li = static_cast<int>(big - layers.begin());
        const QPointF at = chart.layerValue(1, li);
        QVERIFY(logSafe(at));
        QCOMPARE(at.x(), big->arithmeticIntensity);
        QVERIFY(std::abs(at.y() - big->flops / big->latency_s / 1e12) < 1e-9 * at.y());
        const auto [si, found] = chart.layerNear(at);
        QCOMPARE(si, 1);
        QCOMPARE(chart.layerValue(si, found), at); // identical blocks may share a position
        const auto [si2, none] = chart.layerNear(QPointF(at.x() * 1e3, at.y() * 1e-3));
        QCOMPARE(si2, -1);
        QCOMPARE(none, -1);

        // Clicking the point selects that layer.
        int clickedScenario = -1;
        connect(&chart, &RooflineChart::layerClicked, this, [&](int sc, int) { clickedScenario = sc; });
        const QPoint px = chart.mapFromScene(chart.chart()->mapToScene(chart.chart()->mapToPosition(at)));
        QTest::mouseClick(chart.viewport(), Qt::LeftButton, {}, px);
        QCOMPARE(clickedScenario, 1);

        // Hovering shows the layer's numbers.
        QTest::mouseMove(chart.viewport(), px);
        QTRY_VERIFY(QToolTip::isVisible());
        const QString tip = QToolTip::text();
        const Layer& layer = s.scenarios[1].model->layers()[static_cast<std::size_t>(big->index)];
        QVERIFY2(tip.contains(QString::fromStdString(layer.name).toHtmlEscaped()), qPrintable(tip));
        QVERIFY(tip.contains(formatSi(big->flops, QStringLiteral("FLOP"))));
        QVERIFY(tip.contains(formatSeconds(big->latency_s)));
        QVERIFY(tip.contains(formatNumber(big->arithmeticIntensity) + QStringLiteral(" FLOP/B")));

        // Selecting a layer rings it.
        QVERIFY(chart.selectionSeries()->points().isEmpty());
        ExplorerSnapshot sel = s;
        sel.selectedScenario = 1;
        sel.selectedLayer = li;
        chart.setSnapshot(sel, ChangeSelection);
        QCOMPARE(chart.selectionSeries()->points(), QList<QPointF>{at});
        saveShot(chart, QStringLiteral("roofline"));
    }

    void roofline_batch_step_moves_points_only() {
        const ExplorerSnapshot s1 = maker_.make(resnetOnTwoChips(), 1, powersOfTwo(256));
        RooflineChart chart;
        showAt(chart);
        chart.setSnapshot(s1, ChangeAll);
        const QList<QAbstractSeries*> before = seriesOf(chart);
        const QList<QAbstractAxis*> axesBefore = chart.chart()->axes();
        // The first convolution's weights are read once per batch: its intensity grows with batch.
        const QPointF at1 = chart.layerValue(0, 0);
        QVERIFY(logSafe(at1));

        const ExplorerSnapshot s64 = SnapshotMaker::withBatch(s1, 64);
        chart.setSnapshot(s64, ChangeBatch);
        QCOMPARE(seriesOf(chart), before);
        QCOMPARE(chart.chart()->axes(), axesBefore);
        const QPointF at64 = chart.layerValue(0, 0);
        QCOMPARE(at64.x(), s64.scenarios[0].current.layers[0].arithmeticIntensity);
        QVERIFY(at64.x() > at1.x());
        QVERIFY(at64 != at1);
        QCOMPARE(chart.pointCount(0), drawnLayers(s64.scenarios[0]));
        verifyLogSafe(chart.chart());
    }

    void sweep_charts_curves_and_current_markers() {
        const std::vector<int> batches = powersOfTwo(512);
        const ExplorerSnapshot s = maker_.make(resnetOnTwoChips(), 4, batches);
        UtilizationChart util;
        LatencyThroughputChart lt;
        EnergyChart energy;
        showAt(util);
        showAt(lt);
        showAt(energy);
        util.setSnapshot(s, ChangeAll);
        lt.setSnapshot(s, ChangeAll);
        energy.setSnapshot(s, ChangeAll);
        QCOMPARE(util.curves().size(), std::size_t(2));
        QCOMPARE(lt.curves().size(), std::size_t(2));
        QCOMPARE(energy.curves().size(), std::size_t(2));
        for (int i = 0; i < 2; ++i) {
            const auto& sweep = s.scenarios[static_cast<std::size_t>(i)].sweep;
            QCOMPARE(util.curves()[static_cast<std::size_t>(i)].fits->count(), qsizetype(batches.size()));
            QCOMPARE(util.curves()[static_cast<std::size_t>(i)].fits->at(5),
                     QPointF(32, sweep[5].totals.utilization * 100));
            QCOMPARE(lt.curves()[static_cast<std::size_t>(i)].fits->at(3),
                     QPointF(sweep[3].totals.throughput_per_s, sweep[3].totals.latency_s * 1e3));
            QCOMPARE(energy.curves()[static_cast<std::size_t>(i)].fits->at(2).y(),
                     sweep[2].totals.energyPerInference.total() / energy.unit_j());
        }
        verifyLogSafe(lt.chart());
        verifyLogSafe(energy.chart());
        QCOMPARE(util.curves()[0].fits->pen().color(), kBlue);
        QCOMPARE(util.curves()[1].fits->pen().color(), kOrange);

        const QList<QAbstractSeries*> utilSeries = seriesOf(util), ltSeries = seriesOf(lt),
                                      energySeries = seriesOf(energy);
        const QPointF u4 = util.curves()[0].current->at(0);
        QCOMPARE(u4, QPointF(4, s.scenarios[0].current.totals.utilization * 100));
        QVERIFY(util.annotationTexts().contains(QStringLiteral("batch 4")));

        const ExplorerSnapshot s100 = SnapshotMaker::withBatch(s, 100); // off the grid on purpose
        util.setSnapshot(s100, ChangeBatch);
        lt.setSnapshot(s100, ChangeBatch);
        energy.setSnapshot(s100, ChangeBatch);
        QCOMPARE(seriesOf(util), utilSeries);
        QCOMPARE(seriesOf(lt), ltSeries);
        QCOMPARE(seriesOf(energy), energySeries);
        const Totals& t = s100.scenarios[0].current.totals;
        QCOMPARE(util.curves()[0].current->at(0), QPointF(100, t.utilization * 100));
        QCOMPARE(lt.curves()[0].current->at(0), QPointF(t.throughput_per_s, t.latency_s * 1e3));
        QCOMPARE(energy.curves()[0].current->at(0),
                 QPointF(100, t.energyPerInference.total() / energy.unit_j()));
        QVERIFY(util.annotationTexts().contains(QStringLiteral("batch 100")));
        QVERIFY(!util.annotationTexts().contains(QStringLiteral("batch 4")));
        saveShot(util, QStringLiteral("utilization"));
    }

    void batches_that_do_not_fit_are_marked() {
        // A 7B-parameter LLM in fp16 is 13.5 GB of weights; a 16 GB T4 runs out of room for the
        // activations and KV cache of larger batches.
        const std::vector<int> batches = powersOfTwo(64);
        const ExplorerSnapshot s = maker_.make({{"llm", "t4", Precision::FP16, kGreen}}, 1, batches);
        int notFitting = 0;
        for (const SweepPoint& p : s.scenarios[0].sweep)
            notFitting += p.totals.fitsMemory ? 0 : 1;
        QVERIFY2(notFitting > 0 && notFitting < static_cast<int>(batches.size()), "need a partial fit");
        UtilizationChart util;
        EnergyChart energy;
        LatencyThroughputChart lt;
        for (SnapshotChart* c : std::initializer_list<SnapshotChart*>{&util, &energy, &lt})
            c->setSnapshot(s, ChangeAll);
        for (QLineSeries* crosses :
             {util.notFittingSeries(), energy.notFittingSeries(), lt.notFittingSeries()})
            QCOMPARE(crosses->count(), qsizetype(notFitting));
        const SweepCurve& c = util.curves()[0];
        QCOMPARE(c.fits->count() + c.beyond->count(), qsizetype(batches.size()) + 1); // shared joint
        QCOMPARE(c.beyond->pen().style(), Qt::DashLine);
        const SweepPoint& firstOut =
            s.scenarios[0].sweep[batches.size() - static_cast<std::size_t>(notFitting)];
        QCOMPARE(util.notFittingSeries()->at(0), QPointF(firstOut.value, firstOut.totals.utilization * 100));
        saveShot(energy, QStringLiteral("energy-notfit"));

        // The roofline names the scenario whose current batch does not fit.
        RooflineChart roof;
        roof.setSnapshot(s, ChangeAll);
        auto warned = [&roof] {
            for (const QString& t : roof.annotationTexts())
                if (t.startsWith(QStringLiteral("✕ batch"))) return t;
            return QString();
        };
        QVERIFY(warned().isEmpty());
        roof.setSnapshot(SnapshotMaker::withBatch(s, 64), ChangeBatch);
        QCOMPARE(warned(),
                 QStringLiteral("✕ batch 64 does not fit in device memory: ") + s.scenarios[0].label);
    }

    void budget_line_and_recommended_batch() {
        const std::vector<int> batches = powersOfTwo(256);
        const ExplorerSnapshot open = maker_.make(resnetOnTwoChips(), 8, batches);
        LatencyThroughputChart lt;
        showAt(lt);
        lt.setSnapshot(open, ChangeAll);
        QVERIFY(!lt.budgetSeries()->isVisible());
        QVERIFY(lt.budgetSeries()->points().isEmpty());

        const ExplorerSnapshot budget = maker_.make(resnetOnTwoChips(), 8, batches, 0.010);
        lt.setSnapshot(budget, ChangeBudget);
        QVERIFY(lt.budgetSeries()->isVisible());
        QCOMPARE(lt.budgetSeries()->count(), qsizetype(2));
        for (const QPointF& p : lt.budgetSeries()->points())
            QCOMPARE(p.y(), 10.0);
        for (std::size_t k = 0; k < 2; ++k) {
            const EvaluatedScenario& e = budget.scenarios[k];
            QVERIFY(e.recommendedBatch.has_value());
            const auto it = std::find_if(e.sweep.begin(), e.sweep.end(), [&](const SweepPoint& p) {
                return p.totals.batch == *e.recommendedBatch;
            });
            QVERIFY(it != e.sweep.end());
            QVERIFY(it->totals.latency_s <= 0.010);
            QCOMPARE(lt.recommendedSeries()[k]->points(),
                     QList<QPointF>{LatencyThroughputChart::value(e, it->totals)});
            QVERIFY(lt.annotationTexts().contains(QStringLiteral("batch %1").arg(*e.recommendedBatch)));
        }
        QVERIFY(lt.annotationTexts().contains(QStringLiteral("latency budget 10.0 ms")));
        verifyLogSafe(lt.chart());
        saveShot(lt, QStringLiteral("latency-throughput"));
    }

    void energy_breakdown_adds_four_series() {
        const ExplorerSnapshot s = maker_.make(resnetOnTwoChips(), 8, powersOfTwo(256));
        EnergyChart energy;
        showAt(energy);
        energy.setSnapshot(s, ChangeAll);
        const qsizetype plain = seriesOf(energy).size();
        energy.setBreakdownVisible(true);
        QVERIFY(energy.breakdownVisible());
        QCOMPARE(seriesOf(energy).size(), plain + 4);
        QCOMPARE(energy.breakdownScenario(), 0);
        // The static component of the first scenario at batch 1 is idle power × latency.
        const Totals& t1 = s.scenarios[0].sweep[0].totals;
        bool foundStatic = false;
        for (QAbstractSeries* a : seriesOf(energy))
            if (a->name().startsWith(QStringLiteral("static"))) {
                auto* xy = qobject_cast<QXYSeries*>(a);
                QCOMPARE(xy->at(0).y(),
                         s.scenarios[0].hardware->staticWatts.value * t1.latency_s / energy.unit_j());
                foundStatic = true;
            }
        QVERIFY(foundStatic);
        verifyLogSafe(energy.chart());

        ExplorerSnapshot sel = s;
        sel.selectedScenario = 1;
        energy.setSnapshot(sel, ChangeSelection);
        QCOMPARE(energy.breakdownScenario(), 1);
        saveShot(energy, QStringLiteral("energy"));
        energy.setBreakdownVisible(false);
        QCOMPARE(seriesOf(energy).size(), plain);
    }

    void errors_and_empty_snapshots_are_skipped() {
        ExplorerSnapshot s = maker_.make(resnetOnTwoChips(), 8, powersOfTwo(64));
        s.scenarios[0].error = QStringLiteral("preset lacks fp8");
        s.scenarios[0].sweep.clear();
        s.scenarios[0].current = {};
        RooflineChart roof;
        UtilizationChart util;
        LatencyThroughputChart lt;
        EnergyChart energy;
        energy.setBreakdownVisible(true);
        for (SnapshotChart* c : std::initializer_list<SnapshotChart*>{&roof, &util, &lt, &energy}) {
            c->setSnapshot(s, ChangeAll);
            c->setSnapshot(SnapshotMaker::withBatch(s, 16), ChangeBatch);
            c->setSnapshot(ExplorerSnapshot{}, ChangeAll);
            c->setSnapshot(s, ChangeAll);
        }
        QCOMPARE(roof.pointCount(0), 0);
        QCOMPARE(roof.pointCount(1), drawnLayers(s.scenarios[1]));
        QCOMPARE(util.curves().size(), std::size_t(1));
        QCOMPARE(util.curves()[0].scenario, 1);
        QCOMPARE(lt.curves().size(), std::size_t(1));
        QCOMPARE(energy.breakdownScenario(), 1);
    }

    void small_views_go_compact() {
        const ExplorerSnapshot s = maker_.make(resnetOnTwoChips(), 8, powersOfTwo(128));
        RooflineChart roof;
        showAt(roof);
        roof.setSnapshot(s, ChangeAll);
        auto roofLabel = [&roof] {
            for (const QString& t : roof.annotationTexts())
                if (t.startsWith(QStringLiteral("h100-sxm bf16: "))) return t;
            return QString();
        };
        QVERIFY(!roof.compact());
        QVERIFY(roof.chart()->legend()->isVisible());
        QVERIFY(roof.chart()->title().contains(QStringLiteral("<br>")));
        QVERIFY(roofLabel().contains(QStringLiteral("DRAM 3.35 TB/s")));
        const QList<QAbstractSeries*> full = seriesOf(roof);

        roof.resize(560, 260);
        QCoreApplication::processEvents();
        QVERIFY(roof.compact());
        QVERIFY(!roof.chart()->legend()->isVisible());
        QVERIFY(!roof.chart()->title().contains(QStringLiteral("<br>")));
        QCOMPARE(roofLabel(), QStringLiteral("h100-sxm bf16: 989 TFLOP/s"));
        QVERIFY(seriesOf(roof).size() < full.size()); // no faint roofs of other precisions
        QCOMPARE(roof.pointCount(1), drawnLayers(s.scenarios[1]));
        saveShot(roof, QStringLiteral("roofline-compact"), QSize(560, 260));
    }

    void narrow_batch_axis_labels_every_other_power_of_two() {
        const ExplorerSnapshot s = maker_.make(resnetOnTwoChips(), 8, powersOfTwo(4096));
        UtilizationChart util;
        util.resize(800, 400);
        util.setSnapshot(s, ChangeAll);
        auto* x = qobject_cast<QLogValueAxis*>(util.chart()->axes(Qt::Horizontal).value(0));
        QVERIFY(x);
        QCOMPARE(x->base(), 2.0);
        util.resize(420, 400);
        util.show();
        QVERIFY(QTest::qWaitForWindowExposed(&util));
        QCOMPARE(x->base(), 4.0);
        util.resize(900, 400);
        QTRY_COMPARE(x->base(), 2.0);
    }

    void dark_theme_keeps_scenario_colours() {
        const ExplorerSnapshot s = maker_.make(resnetOnTwoChips(), 8, powersOfTwo(128));
        UtilizationChart util;
        RooflineChart roof;
        util.setSnapshot(s, ChangeAll);
        roof.setSnapshot(s, ChangeAll);
        util.setDarkTheme(true);
        roof.setDarkTheme(true);
        QCOMPARE(util.chart()->theme(), QChart::ChartThemeDark);
        QCOMPARE(util.curves()[0].fits->pen().color(), kBlue);
        QCOMPARE(util.curves()[1].fits->pen().color(), kOrange);
        bool found = false;
        for (QAbstractSeries* a : seriesOf(roof))
            if (a->name() == s.scenarios[1].label) {
                QCOMPARE(qobject_cast<QScatterSeries*>(a)->color(), kOrange);
                found = true;
            }
        QVERIFY(found);
        QCOMPARE(roof.pointCount(0), drawnLayers(s.scenarios[0]));
        showAt(roof);
        saveShot(roof, QStringLiteral("roofline-dark"));
        showAt(util);
        saveShot(util, QStringLiteral("utilization-dark"));
    }

    void frame_time_of_a_batch_step() {
        // Four scenarios of a graph of at least 800 operators, as the slider drives them.
        KnobValues knobs;
        if (maker_.model("llm", {})->opCount() < 800) knobs["layers"] = 64;
        const int ops = maker_.model("llm", knobs)->opCount();
        QVERIFY(ops >= 800);
        const std::vector<Spec> specs = {{"llm", "h100-sxm", Precision::BF16, kBlue, knobs},
                                         {"llm", "tpu-v4", Precision::BF16, kOrange, knobs},
                                         {"llm", "a100-sxm4-80gb", Precision::BF16, kGreen, knobs},
                                         {"llm", "mi300x", Precision::BF16, kPurple, knobs}};
        const ExplorerSnapshot base = maker_.make(specs, 1, powersOfTwo(256), 0.5);
        std::vector<ExplorerSnapshot> steps;
        for (int b = 1; b <= 50; ++b)
            steps.push_back(SnapshotMaker::withBatch(base, b * 5));

        RooflineChart roof;
        UtilizationChart util;
        LatencyThroughputChart lt;
        EnergyChart energy;
        const std::vector<SnapshotChart*> charts = {&roof, &util, &lt, &energy};
        for (SnapshotChart* c : charts) {
            c->resize(800, 500);
            c->show();
            QVERIFY(QTest::qWaitForWindowExposed(c));
            c->setSnapshot(base, ChangeAll);
        }
        QCoreApplication::processEvents();
        const int points = roof.pointCount(0) + roof.pointCount(1) + roof.pointCount(2) + roof.pointCount(3);
        const int markers =
            roof.markerCount(0) + roof.markerCount(1) + roof.markerCount(2) + roof.markerCount(3);
        QVERIFY(markers > 0 && markers < points); // 32 identical decoder layers share their markers
        PaintCounter painted;
        for (SnapshotChart* c : charts)
            c->viewport()->installEventFilter(&painted);
        // Wall time on a busy build machine says little; the thread's CPU time is printed too.
        auto measure = [&](const char* how, const std::vector<SnapshotChart*>& which, bool forced) {
            std::vector<double> wall_ms, cpu_ms;
            for (const ExplorerSnapshot& s : steps) {
                painted.count = 0;
                QElapsedTimer wall;
                wall.start();
                const double cpu0 = threadCpu_ms();
                for (SnapshotChart* c : which)
                    c->setSnapshot(s, ChangeBatch);
                if (forced) {
                    for (SnapshotChart* c : which)
                        c->viewport()->repaint(); // synchronous, whole viewport: an upper bound
                } else {
                    // As in the running app: dirty items processed, changed regions repainted.
                    for (int i = 0; i < 3 && painted.count < static_cast<int>(which.size()); ++i)
                        QCoreApplication::processEvents();
                }
                cpu_ms.push_back(threadCpu_ms() - cpu0);
                wall_ms.push_back(static_cast<double>(wall.nsecsElapsed()) / 1e6);
                QVERIFY(painted.count >= static_cast<int>(which.size()));
            }
            std::sort(wall_ms.begin(), wall_ms.end());
            std::sort(cpu_ms.begin(), cpu_ms.end());
            qInfo("%-34s llm x4 (%d ops, %d layer points): wall median %.2f p95 %.2f ms; CPU median %.2f "
                  "p95 %.2f ms",
                  how, ops, points, wall_ms[wall_ms.size() / 2], wall_ms[wall_ms.size() * 95 / 100],
                  cpu_ms[cpu_ms.size() / 2], cpu_ms[cpu_ms.size() * 95 / 100]);
        };
        measure("4 charts, event-loop repaint", charts, false);
        std::reverse(steps.begin(), steps.end());
        measure("4 charts, forced full repaint", charts, true);
        for (SnapshotChart* c : charts)
            measure(c->metaObject()->className(), {c}, true);
        QCOMPARE(roof.pointCount(0), drawnLayers(steps.back().scenarios[0]));
        saveShot(roof, QStringLiteral("roofline-llm"));
        saveShot(lt, QStringLiteral("latency-throughput-llm"));
        saveShot(energy, QStringLiteral("energy-llm"));
        saveShot(util, QStringLiteral("utilization-llm"));
    }
};

QTEST_MAIN(TestCharts)
#include "tst_charts.moc"
