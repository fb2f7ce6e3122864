// Exact torchvision parameter and MAC counts for the built-in CNNs, and fusion/liveness facts.
#include "graph/PreparedModel.h"
#include "zoo/ModelZoo.h"

#include <QtTest>

using namespace bs;

class TestModelCounts : public QObject {
    Q_OBJECT
  private slots:
    void torchvisionCounts_data() {
        QTest::addColumn<QString>("id");
        QTest::addColumn<double>("gmacs");
        QTest::addColumn<qint64>("params");
        QTest::newRow("resnet18") << QStringLiteral("resnet18") << 1.814 << qint64(11689512);
        QTest::newRow("resnet50") << QStringLiteral("resnet50") << 4.089 << qint64(25557032);
        QTest::newRow("mobilenet_v2") << QStringLiteral("mobilenet_v2") << 0.301 << qint64(3504872);
    }
    void torchvisionCounts() {
        QFETCH(QString, id);
        QFETCH(double, gmacs);
        QFETCH(qint64, params);
        const PreparedModel m(ModelZoo::build(id.toStdString()));
        QCOMPARE(m.params(), params);
        // MACs of the matrix and depthwise (vector) convolutions, as torchvision/fvcore count them.
        const double got = m.macsPerSample() / 1e9;
        QVERIFY2(std::abs(got - gmacs) / gmacs < 0.005, qPrintable(QString::number(got)));
        QVERIFY(m.notCosted().empty());
    }

    void fusionFoldsElementwiseTails() {
        const PreparedModel m(ModelZoo::build("resnet18"));
        // 20 convs (17 main + 3 downsample) + maxpool + gap + fc, BN/ReLU/Add folded in; flatten is a view.
        QCOMPARE(m.kernelLayerCount(), 23);
        QVERIFY(m.opCount() > 60); // unfused op count is what the seeds called "subgraphs"
        int addRelu = 0;
        for (const Layer& l : m.layers())
            if (l.opTypes == "Conv+BatchNormalization+Add+Relu") ++addRelu;
        QCOMPARE(addRelu, 8); // every basic block ends in a fused residual Add+ReLU
    }

    void peakActivationFromLiveness() {
        // ResNet-18 at 224: the largest live set is at the max-pool, which reads the stem's output
        // (64×112×112) while writing its own (64×56×56); the image (3×224×224) is dead by then and
        // the stem conv's own set (image + output) is smaller.
        const PreparedModel m(ModelZoo::build("resnet18"));
        QCOMPARE(m.peakLiveElemsPerSample(), 64.0 * 112 * 112 + 64.0 * 56 * 56);
    }

    void resolutionScalesMacs() {
        const PreparedModel a(ModelZoo::build("resnet50"));
        const PreparedModel b(ModelZoo::build("resnet50", {{"height", 448}, {"width", 448}}));
        QCOMPARE(a.params(), b.params());
        // Convs scale with pixels (4×); only the final FC (2048×1000) does not.
        const double fc = 2048.0 * 1000;
        QVERIFY(std::abs((b.macsPerSample() - fc) / (a.macsPerSample() - fc) - 4.0) < 0.01);
    }

    void distilbertMacs() {
        const PreparedModel m(ModelZoo::build("distilbert"));
        QVERIFY(std::abs(m.macsPerSample() / 5.59e9 - 1) < 0.005);
        QVERIFY(std::abs(static_cast<double>(m.params()) / 66.4e6 - 1) < 0.005);
    }

    void llmDecodeHasKvCache() {
        const PreparedModel m(ModelZoo::build("llm", {{"phase", 1}, {"context", 1024}}));
        // 32 layers × (K + V) × 32 heads × 128 dims × 1024 positions per sequence.
        QCOMPARE(m.stateElemsPerSample(), 32.0 * 2 * 32 * 128 * 1024);
    }
};

QTEST_APPLESS_MAIN(TestModelCounts)
#include "tst_model_counts.moc"
