// The prepared model (graph/PreparedModel): totals per sample, views aliasing their input's
// storage, state, and the live-set profile that decides what fits on chip.
#include "graph/GraphBuilder.h"
#include "graph/PreparedModel.h"

#include <QtTest>

using namespace bs;

class TstPreparedModel : public QObject {
    Q_OBJECT
  private slots:
    void totalsPerSample() {
        GraphBuilder b("t");
        const int y = b.linear(b.relu(b.linear(b.input("x", {64}), 128)), 10);
        b.markOutput(y);
        const PreparedModel m(b.take());
        QCOMPARE(m.params(), std::int64_t{64 * 128 + 128 + 128 * 10 + 10});
        QCOMPARE(m.macsPerSample(), 64.0 * 128 + 128 * 10);
        QCOMPARE(m.kernelLayerCount(), 2); // Gemm+Relu, Gemm
        QVERIFY(m.flopsPerSample() >= 2 * m.macsPerSample());
        QVERIFY(m.notCosted().empty());
    }

    void viewsShareTheirInputsStorage() {
        // A reshape of the graph input stands alone: it renames the input, it does not copy it,
        // so its output is read from DRAM like the input.
        GraphBuilder b("t");
        const int h = b.input("x", {4, 8});
        const int r = b.reshape(h, {32});
        b.markOutput(b.linear(r, 10));
        const PreparedModel m(b.take());
        QVERIFY(m.tensor(m.tensor(r).root).alwaysDram);
        QCOMPARE(m.tensor(r).root, m.tensor(h).root);
        QCOMPARE(m.tensor(r).maxLivePerSample, m.tensor(h).maxLivePerSample);
    }

    void liveSetPeaksWhereTwoActivationsOverlap() {
        // x (100) → a = relu(x) → c = add(a, relu(a)): the second ReLU fuses into the add's layer,
        // so two layers run: [x → a] and [a → c]. Each step holds two 100-element tensors; a stays
        // live across both. x is read from DRAM and never counts against the chip.
        GraphBuilder b("t");
        const int x = b.input("x", {100});
        const int a = b.relu(x);
        const int c = b.add(a, b.relu(a));
        b.markOutput(c);
        const PreparedModel m(b.take());
        QCOMPARE(m.kernelLayerCount(), 2);
        QCOMPARE(m.peakLiveElemsPerSample(), 200.0);
        QVERIFY(m.tensor(x).alwaysDram);
        QVERIFY(!m.tensor(a).alwaysDram);
        QCOMPARE(m.tensor(a).maxLivePerSample, 200.0); // a with c in the second step
        QCOMPARE(m.tensor(x).maxLivePerSample, 0.0);   // DRAM-resident: no on-chip lifetime
    }

    void stateAndUncostedOps() {
        GraphBuilder b("t");
        const int kv = b.state("kv", {2, 16});
        const int y = b.unknown(b.relu(b.input("x", {16})), "FancyOp");
        b.markOutput(b.add(y, b.reshape(kv, {2, 16})));
        const PreparedModel m(b.take());
        QCOMPARE(m.stateElemsPerSample(), 32.0);
        QCOMPARE(m.notCosted().size(), std::size_t{1});
        QCOMPARE(m.notCosted().begin()->first, std::string("FancyOp"));
    }
};

QTEST_APPLESS_MAIN(TstPreparedModel)
#include "tst_prepared_model.moc"
