// The explorer window driven like a user: the slider moves every chart and the table, scenarios
// add series, a preset edit re-evaluates, ONNX imports run off the UI thread; plus screenshots.
#include "TestWindow.h"
#include "charts/ChartGrid.h"
#include "charts/EnergyChart.h"
#include "charts/LatencyThroughputChart.h"
#include "charts/RooflineChart.h"
#include "charts/UtilizationChart.h"
#include "model/Explorer.h"
#include "model/LayerTableModel.h"
#include "model/PresetStore.h"
#include "presets/PresetEditor.h"
#include "window/BatchControls.h"
#include "window/LayerTablePanel.h"
#include "window/MainWindow.h"
#include "window/ModelPanel.h"
#include "window/PresentationWindow.h"

#include <QAbstractItemModelTester>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPointer>
#include <QPushButton>
#include <QScatterSeries>
#include <QSlider>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QXYSeries>

using namespace bs;
using test::saveShot;
using test::waitIdle;

namespace {

// Every point of every XY series of a chart: what the chart draws, as one comparable list.
QList<QPointF> chartData(QChartView* view) {
    QList<QPointF> all;
    for (QAbstractSeries* s : view->chart()->series())
        if (auto* xy = qobject_cast<QXYSeries*>(s)) all += xy->points();
    return all;
}

int seriesCount(QChartView* view) {
    return static_cast<int>(view->chart()->series().size());
}

QList<QVariant> tableColumn(LayerTablePanel* t, int column) {
    QList<QVariant> values;
    QAbstractItemModel* m = t->model();
    for (int r = 0; r < m->rowCount(); ++r)
        values << m->data(m->index(r, column), LayerTableModel::SortRole);
    return values;
}

} // namespace

class TstMainWindow : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

    MainWindowOptions options(bool defaults = true) const { return test::testWindowOptions(tmp_, defaults); }

  private slots:
    void initTestCase() { QVERIFY(tmp_.isValid()); }

    void defaultScenariosAreTheSeedsComparison() {
        MainWindow w(options());
        w.resize(1600, 1000);
        QCOMPARE(w.findChildren<QLabel*>(QStringLiteral("busyLabel")).size(), qsizetype{1});
        w.show();
        waitIdle(w);
        const ExplorerSnapshot& s = w.explorer()->snapshot();
        QCOMPARE(s.scenarios.size(), std::size_t{4});
        QStringList labels;
        for (const EvaluatedScenario& e : s.scenarios) {
            QVERIFY2(e.error.isEmpty(), qPrintable(e.error));
            QCOMPARE(e.sweep.size(), sweepGrid().size());
            QCOMPARE(e.current.totals.batch, s.batch);
            QVERIFY(!e.current.layers.empty());
            labels << e.label;
        }
        QVERIFY(labels[0].startsWith(QStringLiteral("resnet50")) &&
                labels[0].contains(QStringLiteral("H100")));
        QVERIFY(labels[1].startsWith(QStringLiteral("resnet50")) &&
                labels[1].contains(QStringLiteral("TPU")));
        QVERIFY(labels[2].startsWith(QStringLiteral("resnet18")));
        // One summary line per scenario, saying the numbers at the current batch.
        const QStringList lines = w.summaryLines();
        QCOMPARE(lines.size(), 4);
        for (const QString& line : lines)
            QVERIFY2(line.contains(QStringLiteral("batch %1").arg(s.batch)) &&
                         line.contains(QStringLiteral("Limiter")),
                     qPrintable(line));
        QVERIFY(w.layerTable()->model()->rowCount() > 20);
        saveShot(&w, QStringLiteral("main-default.png"));
    }

    void sliderMovesEveryChartAndTheTable() {
        MainWindow w(options());
        w.resize(1600, 1000);
        w.show();
        waitIdle(w);
        QChartView* charts[] = {w.charts()->roofline(), w.charts()->utilization(),
                                w.charts()->latencyThroughput(), w.charts()->energy()};
        QList<QList<QPointF>> before;
        for (QChartView* c : charts)
            before << chartData(c);
        const QList<QVariant> latencyBefore = tableColumn(w.layerTable(), LayerTableModel::ColLatency);
        const int batchBefore = w.explorer()->batch();

        QSlider* slider = w.batchControls()->slider();
        slider->setFocus();
        QTest::keyClick(slider, Qt::Key_PageDown); // one octave down
        QVERIFY(w.explorer()->batch() < batchBefore);
        QCOMPARE(w.batchControls()->spinBox()->value(), w.explorer()->batch());
        QCOMPARE(w.explorer()->snapshot().scenarios[0].current.totals.batch, w.explorer()->batch());
        for (int i = 0; i < 4; ++i)
            QVERIFY2(chartData(charts[i]) != before[i],
                     qPrintable(QStringLiteral("chart %1 did not move").arg(i)));
        QVERIFY(tableColumn(w.layerTable(), LayerTableModel::ColLatency) != latencyBefore);

        // The spin box takes any integer; the slider snaps to the nearest stop.
        w.batchControls()->spinBox()->setValue(100);
        QCOMPARE(w.explorer()->batch(), 100);
        const int stop = sweepGrid()[static_cast<std::size_t>(slider->value())];
        QVERIFY(std::abs(stop - 100) <= 6);
        QTest::keyClick(slider, Qt::Key_Right);
        QVERIFY(w.explorer()->batch() > stop);
    }

    void addingScenariosAddsSeries() {
        MainWindow w(options());
        w.show();
        waitIdle(w);
        QChartView* charts[] = {w.charts()->roofline(), w.charts()->utilization(),
                                w.charts()->latencyThroughput(), w.charts()->energy()};
        int before[4];
        for (int i = 0; i < 4; ++i)
            before[i] = seriesCount(charts[i]);
        const int id =
            w.explorer()->addScenario(QStringLiteral("bert-base"), QStringLiteral("a100-sxm4-80gb"));
        waitIdle(w);
        QCOMPARE(w.explorer()->snapshot().scenarios.size(), std::size_t{5});
        for (int i = 0; i < 4; ++i)
            QVERIFY2(seriesCount(charts[i]) > before[i], qPrintable(QStringLiteral("chart %1").arg(i)));
        // Hiding it takes it out of every view again.
        w.explorer()->scenarios()->setVisible(id, false);
        waitIdle(w);
        QCOMPARE(w.explorer()->snapshot().scenarios.size(), std::size_t{4});
        for (int i = 0; i < 4; ++i)
            QCOMPARE(seriesCount(charts[i]), before[i]);
        // Hiding the selected scenario empties the table and says why.
        w.selectScenario(w.explorer()->scenarios()->specs().front().id);
        w.explorer()->scenarios()->setVisible(w.explorer()->scenarios()->specs().front().id, false);
        waitIdle(w);
        QCOMPARE(w.layerTable()->model()->rowCount(), 0);
        bool said = false;
        for (const QLabel* l : w.layerTable()->findChildren<QLabel*>())
            said = said || l->text().contains(QStringLiteral("is hidden"));
        QVERIFY(said);
    }

    void modelPanelEditsTheSelectedScenario() {
        MainWindow w(options());
        w.show();
        waitIdle(w);
        const int id = w.explorer()->selectedScenarioId();
        const double macs224 = w.explorer()->snapshot().scenarios[0].model->macsPerSample();
        auto* height = w.modelPanel()->findChild<QSpinBox*>(QStringLiteral("knob_height"));
        auto* width = w.modelPanel()->findChild<QSpinBox*>(QStringLiteral("knob_width"));
        QVERIFY(height && width);
        height->setValue(448);
        waitIdle(w);
        width = w.modelPanel()->findChild<QSpinBox*>(QStringLiteral("knob_width"));
        width->setValue(448);
        waitIdle(w);
        const EvaluatedScenario& e = w.explorer()->snapshot().scenarios[0];
        QCOMPARE(e.id, id);
        QVERIFY(e.label.contains(QStringLiteral("448²")));
        QVERIFY(std::abs(e.model->macsPerSample() / macs224 - 4.0) < 0.05);
        // The other resnet50 scenario still has its own 224² model.
        QCOMPARE(w.explorer()->snapshot().scenarios[1].model->macsPerSample(), macs224);

        // Precision: only the preset's precisions are offered; choosing one re-evaluates.
        QComboBox* prec = w.modelPanel()->precisionCombo();
        const int fp32 = prec->findText(QStringLiteral("fp32"));
        QVERIFY(fp32 >= 0);
        const double bf16Latency = e.current.totals.latency_s;
        prec->setCurrentIndex(fp32);
        emit prec->activated(fp32);
        waitIdle(w);
        QVERIFY(w.explorer()->snapshot().scenarios[0].current.totals.latency_s > bf16Latency);
    }

    // Knob editors driven by the keyboard: the edit rebuilds the model while the editor that
    // emitted is still on the stack (this used to delete it under its own signal).
    void knobEditsFromTheKeyboard() {
        MainWindow w(options());
        w.show();
        waitIdle(w);
        auto* height = w.modelPanel()->findChild<QSpinBox*>(QStringLiteral("knob_height"));
        QVERIFY(height);
        height->setFocus();
        QTest::keyClick(height, Qt::Key_Up);
        waitIdle(w);
        QCOMPARE(w.explorer()->snapshot().scenarios[0].label.left(17), QStringLiteral("resnet50 224×225 "));
        QCOMPARE(w.modelPanel()->findChild<QSpinBox*>(QStringLiteral("knob_height")), height); // not rebuilt
        QCOMPARE(height->value(), 225);

        // Switch the model to the LLM and pick decode with the keyboard.
        QComboBox* model = w.modelPanel()->modelCombo();
        const int llm = model->findData(QStringLiteral("llm"));
        QVERIFY(llm >= 0);
        model->setCurrentIndex(llm);
        emit model->activated(llm);
        waitIdle(w);
        auto* phase = w.modelPanel()->findChild<QComboBox*>(QStringLiteral("knob_phase"));
        QVERIFY(phase);
        phase->setFocus();
        QTest::keyClick(phase, Qt::Key_Down);
        waitIdle(w);
        QVERIFY2(w.explorer()->snapshot().scenarios[0].label.contains(QStringLiteral("decode")),
                 qPrintable(w.explorer()->snapshot().scenarios[0].label));
        QVERIFY(w.explorer()->snapshot().scenarios[0].error.isEmpty());
        // The attention knob is a choice too: sdpa makes the decode step 3 kernels a layer fewer.
        auto* attention = w.modelPanel()->findChild<QComboBox*>(QStringLiteral("knob_attention"));
        QVERIFY(attention);
        QCOMPARE(attention->currentText(), QStringLiteral("eager"));
        const double eagerMs = w.explorer()->snapshot().scenarios[0].current.totals.latency_s;
        attention->setFocus();
        QTest::keyClick(attention, Qt::Key_Down);
        waitIdle(w);
        QCOMPARE(attention->currentText(), QStringLiteral("sdpa"));
        QVERIFY(w.explorer()->snapshot().scenarios[0].error.isEmpty());
        QVERIFY(w.explorer()->snapshot().scenarios[0].current.totals.latency_s < eagerMs);
        QDir().mkpath(QStringLiteral(BATCHSCOPE_SCREENSHOT_DIR));
        QVERIFY(
            w.modelPanel()->grab().save(QStringLiteral(BATCHSCOPE_SCREENSHOT_DIR "/model-panel-sdpa.png")));
        // MoE's imbalance is a real number: a double spin box.
        const int moe = model->findData(QStringLiteral("moe"));
        model->setCurrentIndex(moe);
        emit model->activated(moe);
        waitIdle(w);
        QVERIFY(w.modelPanel()->findChild<QDoubleSpinBox*>(QStringLiteral("knob_imbalance")));
    }

    void deleteKeyOnlyActsInTheScenarioList() {
        MainWindow w(options());
        w.show();
        waitIdle(w);
        QTableView* table = w.layerTable()->view();
        table->setFocus();
        table->selectRow(0);
        QTest::keyClick(table, Qt::Key_Delete);
        QCOMPARE(w.explorer()->scenarios()->rowCount(), 4);
        w.scenarioList()->setFocus();
        QTest::keyClick(w.scenarioList(), Qt::Key_Delete);
        QCOMPARE(w.explorer()->scenarios()->rowCount(), 3);
    }

    void presetEditReevaluatesItsScenarios() {
        MainWindow w(options());
        w.show();
        waitIdle(w);
        PresetStore* store = w.explorer()->presets();
        QString error;
        const QString copy = store->duplicate(QStringLiteral("h100-sxm"), &error);
        QVERIFY2(!copy.isEmpty(), qPrintable(error));
        ScenarioRow s = *w.explorer()->scenarios()->find(w.explorer()->selectedScenarioId());
        s.presetId = copy;
        w.explorer()->scenarios()->update(s);
        waitIdle(w);
        const double before = w.explorer()->snapshot().scenarios[0].current.totals.latency_s;
        const auto sweepBefore = w.explorer()->snapshot().scenarios[0].sweep.front().totals.latency_s;
        // Halve DRAM bandwidth: the memory-bound batch-1 end of the sweep must get slower.
        QJsonObject json = store->json(copy);
        QJsonObject mem = json[QStringLiteral("memory")].toObject();
        QJsonObject dram = mem[QStringLiteral("dram")].toObject();
        QJsonObject bw = dram[QStringLiteral("bandwidth_gb_s")].toObject();
        bw[QStringLiteral("value")] = bw[QStringLiteral("value")].toDouble() / 8;
        dram[QStringLiteral("bandwidth_gb_s")] = bw;
        mem[QStringLiteral("dram")] = dram;
        json[QStringLiteral("memory")] = mem;
        QVERIFY(store->update(copy, json));
        waitIdle(w);
        QVERIFY(w.explorer()->snapshot().scenarios[0].current.totals.latency_s > before);
        QVERIFY(w.explorer()->snapshot().scenarios[0].sweep.front().totals.latency_s > sweepBefore);
        // The TPU scenarios did not change preset and are untouched.
        QCOMPARE(w.explorer()->snapshot().scenarios[1].hardware->id, std::string("tpu-v4"));
        QVERIFY(store->remove(copy));
    }

    // Through the window: duplicate the selected scenario's preset in the editor, edit a field,
    // see the scenario on the copy re-evaluated; an invalid value changes nothing.
    void presetEditorEditsReevaluate() {
        MainWindow w(options());
        w.show();
        waitIdle(w);
        w.selectScenario(w.explorer()->scenarios()->specs().front().id); // resnet50 on h100-sxm
        PresetEditor* editor = w.presetEditor();
        QCOMPARE(editor->currentId(), QStringLiteral("h100-sxm"));
        auto* dup = editor->findChild<QPushButton*>(QStringLiteral("bannerDuplicateButton"));
        QVERIFY(dup);
        QTest::mouseClick(dup, Qt::LeftButton);
        waitIdle(w);
        const ExplorerSnapshot& s = w.explorer()->snapshot();
        QCOMPARE(s.scenarios.size(), std::size_t{5});
        QCOMPARE(s.scenarios.back().hardware->id, std::string("h100-sxm-copy"));
        QCOMPARE(editor->currentId(), QStringLiteral("h100-sxm-copy"));
        const double original = s.scenarios.back().sweep.front().totals.latency_s;
        QCOMPARE(original, s.scenarios.front().sweep.front().totals.latency_s);

        auto type = [&](const QString& text) {
            auto* e = editor->findChild<QLineEdit*>(QStringLiteral("memory.dram.bandwidth_gb_s.value"));
            QVERIFY(e && !e->isReadOnly());
            e->selectAll();
            QTest::keyClicks(e, text);
            QTest::keyClick(e, Qt::Key_Return);
            waitIdle(w);
        };
        type(QStringLiteral("335")); // a tenth of the bandwidth: the batch-1, weight-streaming end slows
        const double slower = w.explorer()->snapshot().scenarios.back().sweep.front().totals.latency_s;
        QVERIFY2(slower > 1.2 * original, qPrintable(QStringLiteral("%1 vs %2").arg(slower).arg(original)));
        QCOMPARE(w.explorer()->snapshot().scenarios.front().sweep.front().totals.latency_s, original);

        type(QStringLiteral("-5"));
        auto* msg = editor->findChild<QLabel*>(QStringLiteral("memory.dram.bandwidth_gb_s.message"));
        QVERIFY(msg && msg->isVisibleTo(editor) && !msg->text().isEmpty());
        QCOMPARE(w.explorer()->snapshot().scenarios.back().sweep.front().totals.latency_s, slower);
        QCOMPARE(w.explorer()->presets()->find(QStringLiteral("h100-sxm-copy"))->dram.bandwidthGBs.value,
                 335.0);

        // Deleting the copy moves its scenario back to the shipped preset.
        QVERIFY(w.explorer()->presets()->remove(QStringLiteral("h100-sxm-copy")));
        waitIdle(w);
        QCOMPARE(w.explorer()->snapshot().scenarios.back().hardware->id, std::string("h100-sxm"));
        QVERIFY(w.explorer()->snapshot().scenarios.back().error.isEmpty());
    }

    void tableSelectionHighlightsTheLayerOnTheRoofline() {
        MainWindow w(options());
        w.resize(1600, 1000);
        w.show();
        waitIdle(w);
        QTableView* view = w.layerTable()->view();
        QVERIFY(w.charts()->roofline()->selectionSeries()->points().isEmpty());
        view->selectRow(0); // the largest share of time, as sorted
        const ExplorerSnapshot& s = w.explorer()->snapshot();
        QVERIFY(s.selectedLayer >= 0);
        const QPointF at = w.charts()->roofline()->layerValue(s.selectedScenario, s.selectedLayer);
        QCOMPARE(w.charts()->roofline()->selectionSeries()->points(), QList<QPointF>{at});
        // The highlight follows the layer when the batch moves.
        w.batchControls()->setBatch(8);
        const QPointF moved = w.charts()->roofline()->layerValue(s.selectedScenario, s.selectedLayer);
        QVERIFY(moved != at);
        QCOMPARE(w.charts()->roofline()->selectionSeries()->points(), QList<QPointF>{moved});
    }

    void scenarioListModelIsAValidModel() {
        PresetStore store(QString::fromLocal8Bit(qgetenv("BATCHSCOPE_PRESET_DIR")), QString());
        ScenarioListModel m(&store);
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ScenarioRow s;
        s.modelId = QStringLiteral("resnet50");
        s.presetId = QStringLiteral("h100-sxm");
        const int a = m.add(s);
        const int b = m.duplicate(a);
        QCOMPARE(m.rowCount(), 2);
        QVERIFY(m.find(b)->color != m.find(a)->color);
        QVERIFY(m.setData(m.index(1), Qt::Unchecked, Qt::CheckStateRole));
        QVERIFY(!m.find(b)->visible);
        m.remove(a);
        QCOMPARE(m.rowCount(), 1);
        QCOMPARE(m.data(m.index(0), ScenarioListModel::IdRole).toInt(), b);
    }

    void settingsPersistThemeBatchAndBudget() {
        {
            MainWindow w(options(false));
            w.setDarkTheme(true);
            w.batchControls()->setBatch(256);
            w.batchControls()->setLatencyBudget_s(0.005);
            w.close();
        }
        MainWindow again(options(false));
        QCOMPARE(again.batchControls()->batch(), 256);
        QCOMPARE(again.explorer()->batch(), 256);
        QVERIFY(again.explorer()->latencyBudget().has_value());
        QCOMPARE(*again.explorer()->latencyBudget(), 0.005);
        again.setDarkTheme(false);
        again.close();
    }

    void fourScenarioComparisonScreenshots() {
        MainWindow w(options(false));
        w.resize(1600, 1000);
        w.show();
        Explorer* x = w.explorer();
        x->addScenario(QStringLiteral("resnet50"), QStringLiteral("h100-sxm"));
        x->addScenario(QStringLiteral("resnet50"), QStringLiteral("tpu-v4"));
        x->addScenario(QStringLiteral("bert-base"), QStringLiteral("a100-sxm4-80gb"));
        x->addScenario(QStringLiteral("resnet50"), QStringLiteral("t4"));
        w.selectScenario(x->scenarios()->specs().front().id);
        w.batchControls()->setBatch(32);
        w.batchControls()->setLatencyBudget_s(0.010);
        waitIdle(w);
        QCOMPARE(x->snapshot().scenarios.size(), std::size_t{4});
        saveShot(&w, QStringLiteral("main-four-scenarios.png"));
        w.setDarkTheme(true);
        QTest::qWait(50); // the old axes are deleted later: let the event loop run before grabbing
        saveShot(&w, QStringLiteral("main-four-scenarios-dark.png"));
        w.setDarkTheme(false);
    }
};

QTEST_MAIN(TstMainWindow)
#include "tst_main_window.moc"
