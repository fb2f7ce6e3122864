// Zoo builders for the transformer, detector, LLM and MoE models: exact parameter counts against
// the public references (Hugging Face transformers, darknet) and MACs counted from the graph's
// shapes. The MAC helper below is independent of the engine's cost module on purpose: it restates
// the textbook formulas so a change in either one shows up here.
#include "graph/Graph.h"
#include "zoo/ModelZoo.h"

#include <QObject>
#include <QTest>
#include <cmath>
#include <cstdint>

using bs::Graph;
using bs::KnobValues;
using bs::ModelZoo;
using bs::OpKind;

namespace {

struct Macs {
    std::int64_t conv = 0;
    std::int64_t gemm = 0;   ///< activation × weight
    std::int64_t matmul = 0; ///< activation × activation / state (attention)
    std::int64_t expert = 0; ///< routed expert GEMMs, tokens × top_k × K × N
    std::int64_t total() const { return conv + gemm + matmul + expert; }
};

Macs countMacs(const Graph& g) {
    Macs m;
    for (const bs::Op& op : g.ops()) {
        const bs::Shape& in = g.tensor(op.inputs.at(0)).shape;
        const std::int64_t out = g.tensor(op.outputs.at(0)).elements();
        switch (op.kind) {
        case OpKind::Conv: {
            const bs::Shape& w = g.tensor(op.inputs.at(1)).shape; // [Cout, Cin/groups, kh, kw]
            m.conv += out * (in[1] / op.attrs.groups) * w[2] * w[3];
            break;
        }
        case OpKind::Gemm:
            m.gemm += out * in.back();
            break;
        case OpKind::MatMul:
            m.matmul += out * in.back();
            break;
        case OpKind::ExpertGemm: {
            const std::int64_t k = in.back();
            const std::int64_t n = g.tensor(op.outputs.at(0)).shape.back();
            m.expert += bs::elementCount(in) / k * op.attrs.topK * k * n;
            break;
        }
        default:
            break;
        }
    }
    return m;
}

bool within(double value, double target, double relTol) {
    return std::abs(value - target) <= relTol * target;
}

int countKind(const Graph& g, OpKind kind) {
    int n = 0;
    for (const bs::Op& op : g.ops())
        n += op.kind == kind ? 1 : 0;
    return n;
}

int countOutputs(const Graph& g) {
    int n = 0;
    for (const bs::Tensor& t : g.tensors())
        n += t.graphOutput ? 1 : 0;
    return n;
}

} // namespace

class TestZooBuilders : public QObject {
    Q_OBJECT

  private slots:
    void everyModelIsAValidDag_data();
    void everyModelIsAValidDag();
    void distilbert();
    void bertBaseAndLarge();
    void bertLongSequenceGrowsPositionTable();
    void yolov3At416();
    void yolov3ScalesWithResolution();
    void yolov3Classes();
    void llmPrefill();
    void llmDecode();
    void llmGroupedQueryAttention();
    void moe();
    void knobErrors();
};

void TestZooBuilders::everyModelIsAValidDag_data() {
    QTest::addColumn<QByteArray>("id");
    QTest::addColumn<double>("phase");
    for (const char* id : {"distilbert", "bert-base", "bert-large", "yolov3", "moe"})
        QTest::newRow(id) << QByteArray(id) << -1.0;
    QTest::newRow("llm prefill") << QByteArray("llm") << 0.0;
    QTest::newRow("llm decode") << QByteArray("llm") << 1.0;
}

void TestZooBuilders::everyModelIsAValidDag() {
    QFETCH(QByteArray, id);
    QFETCH(double, phase);
    KnobValues knobs;
    if (phase >= 0) knobs["phase"] = phase;
    const Graph g = ModelZoo::build(id.toStdString(), knobs);
    const std::vector<int> order = g.topologicalOrder();
    QCOMPARE(order.size(), g.ops().size());
    // Every producer precedes its consumers.
    std::vector<int> position(g.ops().size());
    for (std::size_t i = 0; i < order.size(); ++i)
        position[static_cast<std::size_t>(order[i])] = static_cast<int>(i);
    for (std::size_t op = 0; op < g.ops().size(); ++op)
        for (int t : g.ops()[op].inputs)
            if (g.producer(t) >= 0) QVERIFY(position[static_cast<std::size_t>(g.producer(t))] < position[op]);
    QCOMPARE(countKind(g, OpKind::Unknown), 0); // the zoo never needs the "not costed" escape hatch
    QVERIFY(countOutputs(g) >= 1);
}

void TestZooBuilders::distilbert() {
    const Graph g = ModelZoo::build("distilbert", {{"seq", 128}});
    QCOMPARE(g.parameterCount(), std::int64_t{66'362'880}); // DistilBertModel, HF transformers
    const Macs m = countMacs(g);
    // ENGINE.md: 5.59 GMACs = 3.62 FFN + 1.81 projections + 0.15 QKᵀ/AV. Exact: 6 layers ×
    // (4·T·d² + 2·T·d·ffn) and 6 × 2·H·T²·hd.
    QCOMPARE(m.gemm, std::int64_t{6} * (4 * 128 * 768 * 768 + 2 * 128 * 768 * 3072));
    QCOMPARE(m.matmul, std::int64_t{6} * 2 * 12 * 128 * 128 * 64);
    QVERIFY2(within(static_cast<double>(m.total()), 5.59e9, 0.005),
             "DistilBERT GMACs off by more than 0.5 %");
    QCOMPARE(countKind(g, OpKind::Softmax), 6);
    QCOMPARE(countKind(g, OpKind::LayerNorm), 1 + 2 * 6);
}

void TestZooBuilders::bertBaseAndLarge() {
    const Graph base = ModelZoo::build("bert-base");
    QCOMPARE(base.parameterCount(), std::int64_t{109'482'240}); // BertModel incl. pooler
    QCOMPARE(countKind(base, OpKind::Tanh), 1);                 // pooler activation
    QCOMPARE(countOutputs(base), 2);                            // last_hidden_state, pooler_output
    const Graph large = ModelZoo::build("bert-large");
    QCOMPARE(large.parameterCount(), std::int64_t{335'141'888});
    // MACs grow linearly (projections, FFN) and quadratically (scores) with seq.
    const Macs m128 = countMacs(base);
    const Macs m256 = countMacs(ModelZoo::build("bert-base", {{"seq", 256}}));
    QCOMPARE(m256.gemm - m128.gemm, m128.gemm - 768 * 768); // pooler runs on one token at any seq
    QCOMPARE(m256.matmul, 4 * m128.matmul);
}

void TestZooBuilders::bertLongSequenceGrowsPositionTable() {
    const std::int64_t at512 = ModelZoo::build("distilbert", {{"seq", 512}}).parameterCount();
    QCOMPARE(at512, std::int64_t{66'362'880});
    QCOMPARE(ModelZoo::build("distilbert", {{"seq", 1024}}).parameterCount(), at512 + 512 * 768);
}

void TestZooBuilders::yolov3At416() {
    const Graph g = ModelZoo::build("yolov3");
    QCOMPARE(g.parameterCount(), std::int64_t{61'949'149}); // yolov3.cfg, 80 classes
    const Macs m = countMacs(g);
    QCOMPARE(m.total(), m.conv);
    // darknet prints 65.864 BFLOPs at 416×416, counting 2 FLOPs per MAC.
    QVERIFY2(within(2.0 * static_cast<double>(m.conv), 65.86e9, 0.01), "YOLOv3 BFLOPs off by more than 1 %");
    QCOMPARE(countKind(g, OpKind::Conv), 75);
    QCOMPARE(countKind(g, OpKind::Add), 23); // residual shortcuts 1 + 2 + 8 + 8 + 4
    QCOMPARE(countKind(g, OpKind::Resize), 2);
    QCOMPARE(countKind(g, OpKind::Concat), 2);
    QCOMPARE(countOutputs(g), 3);
    for (const bs::Tensor& t : g.tensors())
        if (t.graphOutput) QCOMPARE(t.shape[1], std::int64_t{255});
}

void TestZooBuilders::yolov3ScalesWithResolution() {
    const std::int64_t at416 = countMacs(ModelZoo::build("yolov3")).conv;
    const std::int64_t at608 = countMacs(ModelZoo::build("yolov3", {{"height", 608}, {"width", 608}})).conv;
    // Every feature map scales by 608/416 = 19/13 per side, so conv MACs scale by exactly (19/13)².
    QCOMPARE(at608 * 13 * 13, at416 * 19 * 19);
    // 1080p letterboxed to 1920×1088 (seed 004's 2 MP case): 1920·1088 / 416² times the 416 cost.
    const Graph hd = ModelZoo::build("yolov3", {{"height", 1088}, {"width", 1920}});
    QCOMPARE(countMacs(hd).conv * 416 * 416, at416 * 1920 * 1088);
    QCOMPARE(hd.parameterCount(), std::int64_t{61'949'149});
}

void TestZooBuilders::yolov3Classes() {
    // Only the three output convs (1024/512/256 inputs, 1×1, bias) depend on the class count.
    const std::int64_t perOutChannel = 1024 + 512 + 256 + 3;
    const std::int64_t voc = ModelZoo::build("yolov3", {{"classes", 20}}).parameterCount();
    QCOMPARE(std::int64_t{61'949'149} - voc, 3 * (80 - 20) * perOutChannel);
}

void TestZooBuilders::llmPrefill() {
    const Graph g = ModelZoo::build("llm", {{"phase", 0}, {"seq", 512}});
    QCOMPARE(g.parameterCount(), std::int64_t{6'738'415'616}); // Llama-2-7B
    const Macs m = countMacs(g);
    const std::int64_t perTokenLayer = 4LL * 4096 * 4096 + 3LL * 4096 * 11008;
    QCOMPARE(m.gemm, 32 * 512 * perTokenLayer + 4096LL * 32000); // LM head on the last token only
    QCOMPARE(m.matmul, 32LL * 2 * 32 * 512 * 512 * 128);
    QCOMPARE(countOutputs(g), 2 * 32 + 1); // K and V of every layer to the cache, logits
}

void TestZooBuilders::llmDecode() {
    const Graph prefill = ModelZoo::build("llm", {{"phase", 0}});
    const Graph g = ModelZoo::build("llm", {{"phase", 1}, {"context", 2048}});
    QCOMPARE(g.parameterCount(), prefill.parameterCount());
    const Macs m = countMacs(g);
    QCOMPARE(m.gemm, 32 * (4LL * 4096 * 4096 + 3LL * 4096 * 11008) + 4096LL * 32000);
    QCOMPARE(m.matmul, 32LL * 2 * 32 * 2048 * 128);
    int states = 0;
    std::int64_t cacheElements = 0;
    for (const bs::Tensor& t : g.tensors()) {
        if (t.kind != bs::TensorKind::State) continue;
        ++states;
        cacheElements += t.elements();
    }
    QCOMPARE(states, 2 * 32);
    QCOMPARE(cacheElements, 2LL * 32 * 4096 * 2048); // 2 · layers · hidden · context
    QCOMPARE(countOutputs(g), 2 * 32 + 1);
}

void TestZooBuilders::llmGroupedQueryAttention() {
    const Graph mha = ModelZoo::build("llm", {{"phase", 1}});
    const Graph gqa = ModelZoo::build("llm", {{"phase", 1}, {"kv_heads", 8}});
    // K and V projections shrink from hidden² to hidden·(hidden/4) in each of 32 layers.
    QCOMPARE(mha.parameterCount() - gqa.parameterCount(), 32LL * 2 * (4096 * 4096 - 4096 * 1024));
    // Every query head still attends to the whole context: attention MACs are unchanged.
    QCOMPARE(countMacs(gqa).matmul, countMacs(mha).matmul);
    std::int64_t cache = 0;
    for (const bs::Tensor& t : gqa.tensors())
        if (t.kind == bs::TensorKind::State) cache += t.elements();
    QCOMPARE(cache, 2LL * 32 * 1024 * 2048);
}

void TestZooBuilders::moe() {
    const Graph g = ModelZoo::build("moe");
    const std::int64_t hidden = 4096, ffn = 14336, experts = 8, seq = 128;
    QCOMPARE(g.parameterCount(),
             4 * hidden * hidden + 2 * hidden + hidden * experts + 3 * experts * hidden * ffn);
    const Macs m = countMacs(g);
    QCOMPARE(m.expert, seq * 2 * 3 * hidden * ffn); // top_k = 2
    QCOMPARE(m.gemm, seq * (4 * hidden * hidden + hidden * experts));
    QCOMPARE(m.matmul, 2 * 32 * seq * seq * 128);
    QCOMPARE(countKind(g, OpKind::ExpertGemm), 3);
    // Imbalance changes the busiest expert's time, not the work done.
    QCOMPARE(countMacs(ModelZoo::build("moe", {{"imbalance", 2.5}})).expert, m.expert);
}

void TestZooBuilders::knobErrors() {
    QVERIFY_THROWS_EXCEPTION(bs::ZooError, ModelZoo::build("yolov3", {{"height", 400}}));
    QVERIFY_THROWS_EXCEPTION(bs::ZooError, ModelZoo::build("yolov3", {{"height", 1088}, {"width", 1080}}));
    QVERIFY_THROWS_EXCEPTION(bs::ZooError, ModelZoo::build("llm", {{"heads", 3}}));
    QVERIFY_THROWS_EXCEPTION(bs::ZooError, ModelZoo::build("llm", {{"kv_heads", 5}}));
    QVERIFY_THROWS_EXCEPTION(bs::ZooError, ModelZoo::build("bert-base", {{"heads", 7}}));
    QVERIFY_THROWS_EXCEPTION(bs::ZooError, ModelZoo::build("moe", {{"heads", 5}}));
    QVERIFY_THROWS_EXCEPTION(bs::ZooError, ModelZoo::build("moe", {{"top_k", 9}}));
    try {
        ModelZoo::build("yolov3", {{"height", 1080}, {"width", 1920}});
        QFAIL("1080 is not a multiple of 32");
    } catch (const bs::ZooError& e) {
        QVERIFY2(std::string(e.what()).find("multiples of 32") != std::string::npos, e.what());
    }
}

QTEST_APPLESS_MAIN(TestZooBuilders)
#include "tst_zoo_builders.moc"
