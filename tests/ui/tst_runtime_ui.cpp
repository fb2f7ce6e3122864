// The runtime axis in the window: the picker per scenario lists the runtimes with a profile for
// the chip's class, picking one re-evaluates the scenario with it (label, layer table host time,
// summary line), and two scenarios that differ only in runtime sit side by side. The power-mode
// picker beside it: shown for presets with modes, and a mode re-evaluates the scenario.
#include "TestWindow.h"
#include "model/CsvExport.h"
#include "model/Explorer.h"
#include "model/LayerTableModel.h"
#include "model/ScenarioListModel.h"
#include "model/ScenarioRow.h"
#include "window/BatchControls.h"
#include "window/LayerTablePanel.h"
#include "window/MainWindow.h"
#include "window/ModelPanel.h"

#include <QComboBox>
#include <QLabel>
#include <QTemporaryDir>
#include <QTest>

using namespace bs;

namespace {

QStringList itemIds(const QComboBox* c) {
    QStringList ids;
    for (int i = 0; i < c->count(); ++i)
        ids << c->itemData(i).toString();
    return ids;
}

// Picks `id` in the combo as a user would (activated, not just the current index).
void pick(QComboBox* c, const QString& id) {
    const int i = c->findData(id);
    QVERIFY2(i >= 0, qPrintable(id));
    c->setCurrentIndex(i);
    emit c->activated(i);
}

} // namespace

class TestRuntimeUi : public QObject {
    Q_OBJECT
  private slots:
    void pickerListsRuntimesForTheChipClass() {
        QTemporaryDir dir;
        MainWindowOptions o = test::testWindowOptions(dir);
        o.defaultScenarios = false;
        MainWindow w(o);
        const int gpu = w.explorer()->addScenario(QStringLiteral("resnet50"), QStringLiteral("h200"));
        w.selectScenario(gpu);
        const QStringList gpuIds = itemIds(w.modelPanel()->runtimeCombo());
        for (const char* id : {"ideal", "tensorrt", "pytorch-eager", "pytorch-compiled", "xla"})
            QVERIFY2(gpuIds.contains(QLatin1String(id)), qPrintable(gpuIds.join(QLatin1Char(' '))));
        QVERIFY(!gpuIds.contains(QStringLiteral("openvino"))); // CPU only
        QCOMPARE(w.modelPanel()->runtimeCombo()->currentData().toString(), QStringLiteral("ideal"));
        const int tpu = w.explorer()->addScenario(QStringLiteral("resnet50"), QStringLiteral("tpu-v4"));
        w.selectScenario(tpu);
        QCOMPARE(itemIds(w.modelPanel()->runtimeCombo()),
                 (QStringList{QStringLiteral("ideal"), QStringLiteral("xla")}));
        // Moving a TensorRT scenario to the TPU falls back to the ideal runtime, as a precision the
        // new chip lacks falls back to its default.
        w.selectScenario(gpu);
        pick(w.modelPanel()->runtimeCombo(), QStringLiteral("tensorrt"));
        pick(w.modelPanel()->findChild<QComboBox*>(QStringLiteral("presetCombo")), QStringLiteral("tpu-v4"));
        QCOMPARE(w.explorer()->scenarios()->find(gpu)->runtimeId, QStringLiteral("ideal"));
    }

    void eagerAgainstTensorRtSideBySide() {
        test::EmptyWindow window;
        MainWindow& w = window.w;
        const int eager = w.explorer()->addScenario(QStringLiteral("resnet50"), QStringLiteral("h200"));
        w.selectScenario(eager);
        pick(w.modelPanel()->runtimeCombo(), QStringLiteral("pytorch-eager"));
        QCOMPARE(w.explorer()->scenarios()->find(eager)->runtimeId, QStringLiteral("pytorch-eager"));
        const int trt = w.explorer()->addScenario(QStringLiteral("resnet50"), QStringLiteral("h200"));
        w.selectScenario(trt);
        pick(w.modelPanel()->runtimeCombo(), QStringLiteral("tensorrt"));
        w.selectScenario(eager);
        w.batchControls()->setBatch(1);
        QTRY_VERIFY_WITH_TIMEOUT(!w.explorer()->isBusy(), 60000);
        QCoreApplication::processEvents();

        const auto& scenarios = w.explorer()->snapshot().scenarios;
        QCOMPARE(scenarios.size(), std::size_t{2});
        QVERIFY(scenarios[0].label.endsWith(QStringLiteral(" · PyTorch eager")));
        QVERIFY(scenarios[1].label.endsWith(QStringLiteral(" · NVIDIA TensorRT")));
        // Eager PyTorch is host-bound at batch 1: one kernel per op, ~19 µs of host time each.
        const Totals& e = scenarios[0].current.totals;
        const Totals& t = scenarios[1].current.totals;
        QVERIFY2(e.latency_s > 3 * t.latency_s, qPrintable(QString::number(e.latency_s / t.latency_s)));
        QVERIFY(e.kernels > t.kernels); // no fusion in eager
        const QString line = w.summaryLines().value(0);
        QVERIFY2(line.contains(QStringLiteral("host overhead is")) &&
                     line.contains(QStringLiteral("batch-1 time")),
                 qPrintable(line));

        // The layer table splits each kernel's time; the host column holds the exposed host time.
        LayerTableModel* table = w.layerTable()->model();
        QCOMPARE(table->headerData(LayerTableModel::ColHost, Qt::Horizontal).toString(),
                 QStringLiteral("host"));
        double host_s = 0;
        for (int row = 0; row < table->rowCount(); ++row)
            host_s += table->index(row, LayerTableModel::ColHost).data(LayerTableModel::SortRole).toDouble();
        QVERIFY(std::abs(host_s - e.host_s) < 1e-9);
        // The layer CSV lists the kernels the runtime launches: 174 under eager, 56 under TensorRT.
        QCOMPARE(allLayersCsvTable(w.explorer()->snapshot()).rows().size(), std::size_t{174 + 56});
        test::saveShot(&w, QStringLiteral("runtime-eager-vs-tensorrt.png"));
    }

    void statusLineNamesTheRuntimesFusion() {
        // TensorFlow on a GPU leaves BatchNorm out of the cuDNN convolution's epilogue: ResNet-50's
        // 175 operators become 109 kernels under it (a BN/Add/ReLU kernel after each of the 53
        // convolutions), 56 under TensorRT, which folds BatchNorm into the weights.
        test::EmptyWindow window;
        MainWindow& w = window.w;
        const int s = w.explorer()->addScenario(QStringLiteral("resnet50"), QStringLiteral("t4"));
        w.selectScenario(s);
        auto* status = w.modelPanel()->findChild<QLabel*>(QStringLiteral("modelStatus"));
        QVERIFY(status);
        pick(w.modelPanel()->runtimeCombo(), QStringLiteral("tensorflow"));
        QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("→ 109 kernels")), 60000);
        QVERIFY2(status->text().contains(QStringLiteral("epilogue: bias_activation")),
                 qPrintable(status->text()));
        pick(w.modelPanel()->runtimeCombo(), QStringLiteral("tensorrt"));
        QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("→ 56 kernels")), 60000);
        QVERIFY2(status->text().contains(QStringLiteral("epilogue: all")), qPrintable(status->text()));
        pick(w.modelPanel()->runtimeCombo(), QStringLiteral("tensorflow"));
        QTRY_VERIFY_WITH_TIMEOUT(!w.explorer()->isBusy(), 60000);
        test::saveShot(w.modelPanel(), QStringLiteral("runtime-tensorflow-epilogue.png"));
    }

    void powerModePicker() {
        test::EmptyWindow window;
        MainWindow& w = window.w;
        QComboBox* modes = w.modelPanel()->powerModeCombo();
        const int maxn =
            w.explorer()->addScenario(QStringLiteral("resnet50"), QStringLiteral("jetson-orin-agx"));
        const int m30 =
            w.explorer()->addScenario(QStringLiteral("resnet50"), QStringLiteral("jetson-orin-agx"));
        w.selectScenario(m30);
        QVERIFY(modes->isVisibleTo(&w));
        QCOMPARE(itemIds(modes), (QStringList{QString(), QStringLiteral("15w"), QStringLiteral("30w"),
                                              QStringLiteral("50w")}));
        QVERIFY2(modes->itemText(0).startsWith(QStringLiteral("as preset (60 W, 1.30 GHz, 16 SM")),
                 qPrintable(modes->itemText(0)));
        pick(modes, QStringLiteral("30w"));
        QCOMPARE(w.explorer()->scenarios()->find(m30)->powerMode, QStringLiteral("30w"));
        w.batchControls()->setBatch(8);
        QTRY_VERIFY_WITH_TIMEOUT(!w.explorer()->isBusy(), 60000);
        QCoreApplication::processEvents();
        const auto& scenarios = w.explorer()->snapshot().scenarios;
        QCOMPARE(scenarios.size(), std::size_t{2});
        QVERIFY2(scenarios[1].label.contains(QStringLiteral("· 30 W (MODE_30W")),
                 qPrintable(scenarios[1].label));
        QCOMPARE(scenarios[1].hardware->units(), 8.0);
        // 4 of 8 TPCs at 612 of 1300 MHz: a quarter of the compute, the same memory.
        QVERIFY(scenarios[1].current.totals.latency_s > 2 * scenarios[0].current.totals.latency_s);
        QVERIFY(scenarios[1].current.totals.power_w <= 30.0 + 1e-9);
        test::saveShot(&w, QStringLiteral("power-mode-30w.png"));
        // A chip without modes hides the row and clears the mode.
        pick(w.modelPanel()->presetCombo(), QStringLiteral("h100-sxm"));
        QCOMPARE(w.explorer()->scenarios()->find(m30)->powerMode, QString());
        QTRY_VERIFY(!modes->isVisibleTo(&w));
        Q_UNUSED(maxn);
    }
};

QTEST_MAIN(TestRuntimeUi)
#include "tst_runtime_ui.moc"
