// The layer table: model consistency (QAbstractItemModelTester), the engine's numbers under the
// sort role, sorting, filtering, selection both ways and across batch steps, and the share bar.
// (The story line's rich text: tst_story_text.)
#include "base/Format.h"
#include "eval/Sweep.h"
#include "hardware/PresetLoader.h"
#include "model/LayerTableModel.h"
#include "window/LayerTablePanel.h"
#include "window/ShareBarDelegate.h"
#include "zoo/ModelZoo.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QHeaderView>
#include <QImage>
#include <QLineEdit>
#include <QPainter>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTableView>
#include <QtTest>
#include <memory>

using namespace bs;

class TestLayerTable : public QObject {
    Q_OBJECT
    PresetLibrary lib_;
    std::shared_ptr<const PreparedModel> resnet_, mobilenet_;

    EvaluatedScenario scenario(const std::shared_ptr<const PreparedModel>& model, int batch,
                               const std::string& hw = "h100-sxm") {
        EvaluatedScenario e;
        e.id = 1;
        e.label = QStringLiteral("model · %1 · bf16").arg(QString::fromStdString(hw));
        e.color = QColor(0x1f, 0x77, 0xb4);
        e.model = model;
        e.hardware = std::make_shared<const HardwarePreset>(*lib_.find(hw));
        e.precision = Precision::BF16;
        const EvalInput s{e.model.get(), e.hardware.get(), e.precision};
        e.sweep = sweepBatches(s, parseBatchList("1..1024*2"));
        e.current = evaluate(s, batch);
        for (const Recommendation& r : recommend(e.sweep, std::nullopt))
            if (r.what == "max throughput") e.recommendedBatch = r.batch;
        return e;
    }
    // Source-model layer index of a proxy row.
    static int layerOf(const QAbstractItemModel* m, int row) {
        return m->index(row, 0).data(LayerTableModel::LayerIndexRole).toInt();
    }

  private slots:
    void initTestCase() {
        lib_ = PresetLibrary::shipped();
        resnet_ = std::make_shared<const PreparedModel>(ModelZoo::build("resnet50"));
        mobilenet_ = std::make_shared<const PreparedModel>(ModelZoo::build("mobilenet_v2"));
    }

    void modelsPassTheTester() {
        LayerTableModel model;
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setSortRole(LayerTableModel::SortRole);
        proxy.setFilterRole(LayerTableModel::FilterRole);
        proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
        QAbstractItemModelTester t1(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QAbstractItemModelTester t2(&proxy, QAbstractItemModelTester::FailureReportingMode::Fatal);
        proxy.sort(LayerTableModel::ColShare, Qt::DescendingOrder);

        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
        const EvaluatedScenario r1 = scenario(resnet_, 1);
        model.setScenario(&r1);
        QCOMPARE(resets.count(), 1);
        QCOMPARE(model.rowCount(), resnet_->kernelLayerCount());

        // A batch step: same rows, values change in place (no reset).
        for (int b : {2, 64, 256}) {
            const EvaluatedScenario rb = scenario(resnet_, b);
            model.setScenario(&rb);
        }
        QCOMPARE(resets.count(), 1);
        QCOMPARE(changes.count(), 3);
        QCOMPARE(changes.last().at(0).toModelIndex(), model.index(0, 0));
        QCOMPARE(changes.last().at(1).toModelIndex(),
                 model.index(model.rowCount() - 1, model.columnCount() - 1));
        QCOMPARE(model.batch(), 256);

        proxy.setFilterFixedString(QStringLiteral("memory"));
        const EvaluatedScenario m8 = scenario(mobilenet_, 8); // other layers: reset
        model.setScenario(&m8);
        QCOMPARE(resets.count(), 2);
        QCOMPARE(model.rowCount(), mobilenet_->kernelLayerCount());
        proxy.setFilterFixedString(QString());

        EvaluatedScenario broken;
        broken.label = QStringLiteral("broken");
        broken.error = QStringLiteral("the preset lacks fp8");
        model.setScenario(&broken);
        QCOMPARE(model.rowCount(), 0);
        model.setScenario(&m8);
        model.setScenario(nullptr);
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(proxy.rowCount(), 0);
    }

    // Under the sort role every cell is the engine's raw number for its layer.
    void valuesAreTheEnginesNumbers() {
        LayerTableModel model;
        const EvaluatedScenario e = scenario(resnet_, 64);
        model.setScenario(&e);
        const auto& layers = e.current.layers;
        int views = 0;
        for (const Layer& l : resnet_->layers())
            views += l.view ? 1 : 0;
        QCOMPARE(model.rowCount(), static_cast<int>(layers.size()) - views);
        for (int row = 0; row < model.rowCount(); ++row) {
            const int li = layerOf(&model, row);
            QCOMPARE(model.rowOfLayer(li), row);
            const LayerPlacement& p = layers[static_cast<std::size_t>(li)];
            auto raw = [&](int col) { return model.index(row, col).data(LayerTableModel::SortRole); };
            QCOMPARE(raw(LayerTableModel::ColLatency).toDouble(), p.latency_s);
            QCOMPARE(raw(LayerTableModel::ColShare).toDouble(), p.share);
            QCOMPARE(raw(LayerTableModel::ColFlops).toDouble(), p.flops);
            QCOMPARE(raw(LayerTableModel::ColDramBytes).toDouble(), p.dramBytes);
            QCOMPARE(raw(LayerTableModel::ColIntensity).toDouble(), p.arithmeticIntensity);
            QCOMPARE(raw(LayerTableModel::ColAttained).toDouble(), p.flops / p.latency_s);
            QCOMPARE(raw(LayerTableModel::ColUnits).toDouble(), p.unitsAllocated);
            QCOMPARE(raw(LayerTableModel::ColCriticalBatch).toDouble(), p.criticalBatch);
            QCOMPARE(raw(LayerTableModel::ColUtilization).toDouble(), p.utilization);
            QCOMPARE(raw(LayerTableModel::ColName).toString(),
                     QString::fromStdString(resnet_->layers()[static_cast<std::size_t>(li)].name));
            QCOMPARE(model.index(row, LayerTableModel::ColUnits).data().toString(),
                     QStringLiteral("%1 / 132 SM").arg(p.unitsAllocated, 0, 'f', 0));
            QCOMPARE(model.index(row, LayerTableModel::ColBound).data().toString(), boundLabel(p));
        }
        // The bar is the share relative to the largest one: the longest bar is full.
        double maxShare = 0;
        for (const LayerPlacement& p : layers)
            maxShare = std::max(maxShare, p.share);
        double longest = 0;
        for (int row = 0; row < model.rowCount(); ++row) {
            const QModelIndex i = model.index(row, LayerTableModel::ColShare);
            const double bar = i.data(LayerTableModel::BarFractionRole).toDouble();
            QCOMPARE(bar, i.data(LayerTableModel::ShareRole).toDouble() / maxShare);
            longest = std::max(longest, bar);
        }
        QCOMPARE(longest, 1.0);
        // Every header explains its metric.
        for (int c = 0; c < model.columnCount(); ++c)
            QVERIFY(!model.headerData(c, Qt::Horizontal, Qt::ToolTipRole).toString().isEmpty());
    }

    void sortsByShareAndFilters() {
        LayerTablePanel panel;
        const EvaluatedScenario e = scenario(resnet_, 64);
        panel.setScenario(&e);
        const QAbstractItemModel* m = panel.proxy();
        double maxShare = 0;
        for (const LayerPlacement& p : e.current.layers)
            maxShare = std::max(maxShare, p.share);
        QCOMPARE(m->index(0, LayerTableModel::ColShare).data(LayerTableModel::SortRole).toDouble(), maxShare);
        for (int row = 1; row < m->rowCount(); ++row)
            QVERIFY(m->index(row - 1, LayerTableModel::ColShare).data(LayerTableModel::SortRole).toDouble() >=
                    m->index(row, LayerTableModel::ColShare).data(LayerTableModel::SortRole).toDouble());

        // Sorting by latency ascending puts the fastest kernel first.
        panel.view()->sortByColumn(LayerTableModel::ColLatency, Qt::AscendingOrder);
        double minLatency = 1e9;
        for (const LayerPlacement& p : e.current.layers)
            if (p.latency_s > 0) minLatency = std::min(minLatency, p.latency_s);
        QCOMPARE(m->index(0, LayerTableModel::ColLatency).data(LayerTableModel::SortRole).toDouble(),
                 minLatency);

        int convs = 0;
        for (const Layer& l : resnet_->layers())
            if (!l.view && (QString::fromStdString(l.opTypes + " " + l.name)
                                .contains(QStringLiteral("conv"), Qt::CaseInsensitive)))
                ++convs;
        QVERIFY(convs > 0 && convs < m->rowCount());
        panel.filterEdit()->setText(QStringLiteral("CONV"));
        QCOMPARE(m->rowCount(), convs);
        for (int row = 0; row < m->rowCount(); ++row)
            QVERIFY(
                m->index(row, LayerTableModel::ColOps).data().toString().contains(QStringLiteral("Conv")) ||
                m->index(row, LayerTableModel::ColName)
                    .data()
                    .toString()
                    .contains(QStringLiteral("conv"), Qt::CaseInsensitive));
        panel.filterEdit()->setText(QStringLiteral("memory (dram)"));
        for (int row = 0; row < m->rowCount(); ++row)
            QCOMPARE(m->index(row, LayerTableModel::ColBound).data().toString(),
                     QStringLiteral("memory (DRAM)"));
        QVERIFY(m->rowCount() > 0);
    }

    void selectionBothWays() {
        LayerTablePanel panel;
        QSignalSpy spy(&panel, &LayerTablePanel::layerSelected);
        const EvaluatedScenario e1 = scenario(resnet_, 1);
        panel.setScenario(&e1);
        QTableView* view = panel.view();
        const QAbstractItemModel* m = panel.proxy();

        // The user picks the third row of the share-sorted table: the source layer index is reported.
        const int picked = layerOf(m, 2);
        view->selectRow(2);
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.takeFirst().at(0).toInt(), picked);
        QCOMPARE(panel.selectedLayer(), picked);

        // The roofline selects a layer: the right row after sorting, scrolled to, no echo signal.
        panel.view()->sortByColumn(LayerTableModel::ColFlops, Qt::DescendingOrder);
        const int target = e1.current.layers[40].index;
        panel.selectLayer(target);
        QCOMPARE(spy.count(), 0);
        const QModelIndexList rows = view->selectionModel()->selectedRows();
        QCOMPARE(rows.size(), 1);
        QCOMPARE(layerOf(m, rows.first().row()), target);
        QCOMPARE(view->currentIndex().row(), rows.first().row());

        // Batch steps keep the same layer selected, even though the share order changes.
        for (int b : {8, 64, 512}) {
            const EvaluatedScenario eb = scenario(resnet_, b);
            panel.setScenario(&eb);
            QCOMPARE(panel.selectedLayer(), target);
        }
        QCOMPARE(spy.count(), 0);

        // A layer hidden by the filter: the filter is cleared so the row can be shown.
        panel.filterEdit()->setText(QStringLiteral("no layer is called this"));
        QCOMPARE(m->rowCount(), 0);
        QCOMPARE(spy.count(), 1); // hiding the selected row cleared the selection
        QCOMPARE(spy.takeFirst().at(0).toInt(), -1);
        panel.selectLayer(target);
        QVERIFY(panel.filterEdit()->text().isEmpty());
        QCOMPARE(panel.selectedLayer(), target);

        // Another model: the selection goes, once.
        const EvaluatedScenario other = scenario(mobilenet_, 8);
        panel.setScenario(&other);
        QCOMPARE(panel.selectedLayer(), -1);
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.takeFirst().at(0).toInt(), -1);
        panel.selectLayer(-1);
        QCOMPARE(spy.count(), 0);
    }

    // The bar fills the share of the cell's width in the palette's bar colour, light and dark.
    void shareBarIsProportional() {
        QStandardItemModel m(1, 1);
        m.setData(m.index(0, 0), 0.5, LayerTableModel::ShareRole);
        m.setData(m.index(0, 0), QStringLiteral("50.0 %"));
        ShareBarDelegate delegate(LayerTableModel::ShareRole);
        for (bool dark : {false, true}) {
            QPalette pal;
            pal.setColor(QPalette::Base, dark ? QColor(30, 30, 30) : QColor(255, 255, 255));
            pal.setColor(QPalette::Highlight, dark ? QColor(42, 130, 218) : QColor(48, 140, 198));
            pal.setColor(QPalette::Text, dark ? Qt::white : Qt::black);
            QImage img(404, 24, QImage::Format_ARGB32);
            img.fill(pal.color(QPalette::Base));
            QPainter painter(&img);
            QStyleOptionViewItem opt;
            opt.rect = img.rect();
            opt.palette = pal;
            opt.state = QStyle::State_Enabled;
            delegate.paint(&painter, opt, m.index(0, 0));
            painter.end();
            const QColor bar = ShareBarDelegate::barColor(pal, false);
            QVERIFY(bar != pal.color(QPalette::Base));
            // Bar area is x = 2..402 (2 px margins): 50 % ends at x = 202.
            QCOMPARE(img.pixelColor(20, 20).rgb(), bar.rgb());
            QCOMPARE(img.pixelColor(190, 20).rgb(), bar.rgb());
            QCOMPARE(img.pixelColor(215, 20).rgb(), pal.color(QPalette::Base).rgb());
        }
    }

    void screenshot() {
        LayerTablePanel panel;
        const EvaluatedScenario e = scenario(resnet_, 64);
        panel.setScenario(&e);
        panel.resize(900, 500);
        panel.show();
        panel.selectLayer(layerOf(panel.proxy(), 2)); // near the top: no scrolling
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QDir().mkpath(QStringLiteral(BATCHSCOPE_SCREENSHOT_DIR));
        QVERIFY(panel.grab().save(QStringLiteral(BATCHSCOPE_SCREENSHOT_DIR "/layer-table.png")));

        QPalette dark;
        dark.setColor(QPalette::Window, QColor(45, 45, 45));
        dark.setColor(QPalette::WindowText, Qt::white);
        dark.setColor(QPalette::Base, QColor(30, 30, 30));
        dark.setColor(QPalette::AlternateBase, QColor(40, 40, 40));
        dark.setColor(QPalette::Text, Qt::white);
        dark.setColor(QPalette::PlaceholderText, QColor(150, 150, 150));
        dark.setColor(QPalette::Button, QColor(45, 45, 45));
        dark.setColor(QPalette::ButtonText, Qt::white);
        dark.setColor(QPalette::Highlight, QColor(42, 130, 218));
        dark.setColor(QPalette::HighlightedText, Qt::white);
        panel.setPalette(dark);
        QVERIFY(panel.grab().save(QStringLiteral(BATCHSCOPE_SCREENSHOT_DIR "/layer-table-dark.png")));
    }
};

QTEST_MAIN(TestLayerTable)
#include "tst_layer_table.moc"
