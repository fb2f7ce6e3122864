// Fusion into layers (graph/Fusion): a conv absorbs its batch norm and activation, a GEMM its
// activation, views stand alone without work, and each layer keeps its inputs, outputs and sums.
#include "graph/Fusion.h"
#include "graph/GraphBuilder.h"

#include <QtTest>

using namespace bs;

class TstFusion : public QObject {
    Q_OBJECT
  private slots:
    void convBatchNormReluIsOneLayer() {
        GraphBuilder b("t");
        const int x = b.input("x", {1, 3, 8, 8});
        const int y = b.relu(b.batchNorm(b.conv(x, 16, 3, 1, 1)));
        b.markOutput(y);
        const Graph g = b.take();
        const std::vector<Layer> layers = fuseLayers(g, g.topologicalOrder());
        QCOMPARE(layers.size(), std::size_t{1});
        QCOMPARE(layers[0].opTypes, std::string("Conv+BatchNormalization+Relu"));
        QCOMPARE(layers[0].ops.size(), std::size_t{3});
        QCOMPARE(layers[0].inputs, std::vector<int>{x});
        QCOMPARE(layers[0].outputs, std::vector<int>{y});
        QCOMPARE(layers[0].macs, 16.0 * 8 * 8 * 27);
        QVERIFY(layers[0].vectorFlops > 0); // the BN and ReLU epilogue
    }

    void viewsFuseAsTailsOrStandAlone() {
        // A view of the graph input has no layer to join: it stands alone, without work. A view
        // of a GEMM's only output rides along in the GEMM's layer.
        GraphBuilder b("t");
        const int h = b.relu(b.linear(b.reshape(b.input("x", {4, 16}), {64}), 32));
        const int y = b.linear(b.flatten(b.reshape(h, {4, 8})), 10);
        b.markOutput(y);
        const Graph g = b.take();
        const std::vector<Layer> layers = fuseLayers(g, g.topologicalOrder());
        QCOMPARE(layers.size(), std::size_t{3});
        QVERIFY(layers[0].view);
        QCOMPARE(layers[0].opTypes, std::string("Reshape"));
        QCOMPARE(layers[0].flopsPerSample(), 0.0);
        QCOMPARE(layers[1].opTypes, std::string("Gemm+Relu+Reshape+Flatten"));
        QVERIFY(!layers[1].view);
        QCOMPARE(layers[2].opTypes, std::string("Gemm"));
    }

    void aBranchIsNotFusedAway() {
        // The conv's output feeds two consumers: the add must still see it, so the ReLU on one
        // branch cannot be fused into the conv.
        GraphBuilder b("t");
        const int c = b.conv(b.input("x", {1, 4, 4, 4}), 4, 1);
        const int y = b.add(b.relu(c), c);
        b.markOutput(y);
        const Graph g = b.take();
        const std::vector<Layer> layers = fuseLayers(g, g.topologicalOrder());
        double macs = 0;
        for (const Layer& l : layers)
            macs += l.macs;
        QCOMPARE(macs, 4.0 * 4 * 4 * 4); // every op is in exactly one layer
        QCOMPARE(layers.front().outputs.size(), std::size_t{1});
        QCOMPARE(layers.front().opTypes, std::string("Conv"));
    }
};

QTEST_APPLESS_MAIN(TstFusion)
#include "tst_fusion.moc"
