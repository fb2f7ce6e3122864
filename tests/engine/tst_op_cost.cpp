// Per-op costs (graph/OpCost): MACs, the GEMM view, vector FLOPs, parameters and views of the op
// kinds, hand-computed on small per-sample shapes (docs/MODEL.md §3).
#include "graph/GraphBuilder.h"
#include "graph/OpCost.h"

#include <QtTest>

using namespace bs;

namespace {
// The cost of the op that produced `tensor`.
OpCost costOfProducer(const Graph& g, int tensor) {
    for (const Op& op : g.ops())
        for (int out : op.outputs)
            if (out == tensor) return costOf(g, op);
    throw std::runtime_error("no producer");
}
} // namespace

class TstOpCost : public QObject {
    Q_OBJECT
  private slots:
    void linearIsAGemmWithABiasEpilogue() {
        GraphBuilder b("t");
        const int y = b.linear(b.input("x", {64}), 256);
        const OpCost c = costOfProducer(b.graph(), y);
        QCOMPARE(c.macs, 64.0 * 256);
        QVERIFY(c.gemm);
        QCOMPARE(c.gemm->m, 1.0); // one row per sample: the batch stacks rows
        QCOMPARE(c.gemm->n, 256.0);
        QCOMPARE(c.gemm->k, 64.0);
        QVERIFY(c.gemm->batchScalesM);
        QCOMPARE(c.vectorFlops, 256.0); // bias: one FLOP per output
        QCOMPARE(c.params, std::int64_t{64 * 256 + 256});
    }

    void convMacsAndParams() {
        // 3→16 channels, 3×3, stride 1, pad 1 on 8×8 (NCHW, N = 1 per sample): 16·8·8 outputs × 3·3·3 MACs.
        GraphBuilder b("t");
        const int y = b.conv(b.input("x", {1, 3, 8, 8}), 16, 3, 1, 1);
        const OpCost c = costOfProducer(b.graph(), y);
        QCOMPARE(c.macs, 16.0 * 8 * 8 * 27);
        QCOMPARE(c.params, std::int64_t{16 * 27});
        QVERIFY(c.costed);
    }

    void attentionMatMulGroupsOverHeads() {
        // [1, 4 heads, 8, 16] × [1, 4, 16, 8] per sample: M 8, N 8, K 16, four head groups (the
        // batch multiplies the groups, not M).
        GraphBuilder b("t");
        const int q = b.input("q", {1, 4, 8, 16}), k = b.input("k", {1, 4, 16, 8});
        const OpCost c = costOfProducer(b.graph(), b.matmul(q, k));
        QCOMPARE(c.macs, 4.0 * 8 * 8 * 16);
        QVERIFY(c.gemm);
        QCOMPARE(c.gemm->groups, 4.0);
        QVERIFY(!c.gemm->batchScalesM);
        QCOMPARE(c.params, std::int64_t{0});
    }

    void elementwiseAndViews() {
        GraphBuilder b("t");
        const int x = b.input("x", {10, 10});
        const int r = b.relu(x);
        const OpCost relu = costOfProducer(b.graph(), r);
        QCOMPARE(relu.vectorFlops, 100 * flopsPerElement(OpKind::Relu));
        QCOMPARE(relu.macs, 0.0);
        const OpCost view = costOfProducer(b.graph(), b.reshape(r, {100}));
        QVERIFY(view.view);
        QCOMPARE(view.vectorFlops, 0.0);
    }

    void unknownOpsAreReportedNotZero() {
        GraphBuilder b("t");
        const OpCost c = costOfProducer(b.graph(), b.unknown(b.input("x", {4}), "FancyOp"));
        QVERIFY(!c.costed);
    }

    void embeddingReadsOnlyItsRows() {
        // 12 token ids into a 1000×32 table: 12·32 elements read per sample, all 32,000 are params.
        GraphBuilder b("t");
        const OpCost c = costOfProducer(b.graph(), b.embedding(b.input("ids", {12}), 1000, 32));
        QCOMPARE(c.gatherElems, 12.0 * 32);
        QCOMPARE(c.params, std::int64_t{1000 * 32});
    }
};

QTEST_APPLESS_MAIN(TstOpCost)
#include "tst_op_cost.moc"
