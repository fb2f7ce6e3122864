// Several devices (docs/MODEL.md §19): the collective times derived by hand, a tensor-parallel
// graph's per-device shares and its all-reduces, their time and bound in the evaluator, replicas,
// Llama-2-70B on 4×A100 (tp=4 fits, one GPU does not), node presets and the refusals: tp beyond
// the node, pp and ep not modelled, tp on a CNN or an ONNX file.
#include "TestSupport.h"
#include "base/EngineError.h"
#include "eval/Generation.h"
#include "eval/Story.h"
#include "hardware/PresetLoader.h"
#include "scenario/Pipeline.h"
#include "zoo/ZooModels.h"

#include <QtTest>

using namespace bs;

namespace {

// 100 GB/s per direction at 0.5 efficiency: a 50 GB/s bus; 5 µs per collective and 1 µs per step.
Interconnect toyLink(Interconnect::Topology t = Interconnect::Topology::Switch, int nodeDevices = 8) {
    Interconnect l;
    l.name = "toy link";
    l.topology = t;
    l.bandwidthGBps = {100, "test"};
    l.efficiency = {0.5, "test"};
    l.baseLatencyUs = {5, "test"};
    l.stepLatencyUs = {1, "test"};
    l.nodeDevices = nodeDevices;
    return l;
}

KnobValues tiny(int phase) {
    return {{"layers", 1},  {"hidden", 64},   {"heads", 4}, {"kv_heads", 2}, {"ffn", 128},
            {"vocab", 256}, {"phase", phase}, {"seq", 8},   {"context", 8}};
}

int countKind(const Graph& g, OpKind k) {
    int n = 0;
    for (const Op& op : g.ops())
        n += op.kind == k ? 1 : 0;
    return n;
}

Scenario fromText(const std::string& spec, HardwarePreset* hw) {
    return resolveScenario(scenarioFieldsFromText(spec), PresetLibrary::shipped(), hw);
}

} // namespace

class TstParallel : public QObject {
    Q_OBJECT
  private slots:
    void collectiveTimesByHand() {
        const Interconnect l = toyLink();
        // tp=2 all-reduce of 1 MB: 2 steps; 5 + 2·1 = 7 µs of latency, and 2·(1/2)·1 MB = 1 MB
        // over 50 GB/s = 20 µs: 27 µs.
        QCOMPARE(allReduceSeconds(1e6, 2, l), 27e-6);
        // tp=8: 14 steps, 5 + 14 = 19 µs, and 2·7/8·1 MB / 50 GB/s = 35 µs: 54 µs.
        QVERIFY(qFuzzyCompare(allReduceSeconds(1e6, 8, l), 54e-6));
        // An all-gather of 1 MB over 4: 3 steps (8 µs) and 3/4 MB / 50 GB/s = 15 µs.
        QVERIFY(qFuzzyCompare(allGatherSeconds(1e6, 4, l), 23e-6));
        QCOMPARE(allReduceSeconds(1e6, 1, l), 0.0);
        // A mesh of 8 gives a group of 4 only 3 of its 7 links: the bus is 50 · 3/7 GB/s.
        const Interconnect mesh = toyLink(Interconnect::Topology::Mesh, 8);
        QVERIFY(qFuzzyCompare(mesh.busBytesPerS(4), 50e9 * 3 / 7));
        QVERIFY(qFuzzyCompare(mesh.busBytesPerS(8), 50e9));
    }

    void tensorParallelGraphIsOneDevicesShare() {
        const DecoderSpec s =
            ModelZoo::find("llm")->decoder(ModelZoo::resolve(*ModelZoo::find("llm"), tiny(1)));
        const Graph one = zoo::llmDecoder(s, true, 8);
        const Graph two = zoo::llmDecoder(s, true, 8, 2);
        // Per layer an all-reduce after attention and one after the MLP, one after the
        // vocabulary-parallel embedding; the logits are all-gathered.
        QCOMPARE(countKind(one, OpKind::AllReduce), 0);
        QCOMPARE(countKind(two, OpKind::AllReduce), 3);
        QCOMPARE(countKind(two, OpKind::AllGather), 1);
        // Everything is split in two but the three RMSNorms (64 + 64 + 64 replicated):
        // 2 · per-device − whole = the replicated parameters.
        QCOMPARE(2 * two.parameterCount() - one.parameterCount(), std::int64_t{3 * 64});
        // The KV cache per device: 1 of the 2 KV heads.
        QCOMPARE(s.kvCacheElemsPerDevice(10, 2), s.kvCacheElems(10) / 2);
        // tp=4 > 2 KV heads: each device keeps one, replicated.
        QCOMPARE(s.kvCacheElemsPerDevice(10, 4), s.kvCacheElems(10) / 2);
        // 3 does not divide 4 heads.
        QVERIFY_THROWS_EXCEPTION(ZooError, zoo::llmDecoder(s, true, 8, 3));
    }

    void evaluatorChargesTheLinkToCollectives() {
        const HardwarePreset hw = test::toyGpu();
        const Interconnect link = toyLink();
        const PreparedModel m(ModelZoo::build("llm", tiny(1), 2));
        EvalInput in{&m, &hw, Precision::FP16};
        QVERIFY_THROWS_EXCEPTION(EngineError, evaluate(in, 4)); // no link for its collectives
        in.link = &link;
        in.devices = 2;
        const ScenarioResult r = evaluate(in, 4);
        int collectives = 0;
        for (const LayerPlacement& p : r.layers) {
            const Layer& l = in.fusedModel().layers()[static_cast<std::size_t>(p.index)];
            if (l.anchorCost.collectiveDevices == 0) continue;
            ++collectives;
            // Each all-reduce of the hidden state: batch 4 × 64 fp16 = 512 B per device.
            if (l.anchorCost.allReduce) {
                QCOMPARE(p.interconnect_s, allReduceSeconds(4 * 64 * 2, 2, link));
                QCOMPARE(p.bound, Bound::Interconnect); // 7 µs of latency dwarfs 512 B of memory
                QCOMPARE(p.latency_s, p.interconnect_s + p.launch_s);
            }
        }
        QCOMPARE(collectives, 4);
        QCOMPARE(r.totals.collectives, 4);
        QVERIFY(r.totals.collective_s > 0 && r.totals.collective_s < r.totals.latency_s);
        QVERIFY(r.totals.interconnect_s > 0);
        // The replica's energy is both devices': twice one device's static energy over the step.
        QVERIFY(qFuzzyCompare(r.totals.energy.static_j, 2 * hw.staticWatts.value * r.totals.latency_s));
        // Replicas multiply throughput, not latency.
        in.replicas = 3;
        const Totals three = evaluateTotals(in, 4);
        QCOMPARE(three.latency_s, r.totals.latency_s);
        QVERIFY(qFuzzyCompare(three.throughput_per_s, 3 * r.totals.throughput_per_s));
    }

    void llama2_70bOnFourA100s() {
        HardwarePreset hw;
        const Scenario one = fromText("model=llama-2-70b,hardware=a100-sxm4-80gb,precision=fp16", &hw);
        const Scenario four = fromText("model=llama-2-70b,hardware=a100-sxm4-80gb,precision=fp16,tp=4", &hw);
        QCOMPARE(four.parallel.tp, 4);
        QVERIFY(four.label(&hw).endsWith(QStringLiteral("· tp=4")));
        QCOMPARE(QString::fromStdString(scenarioNode(four)->id), QStringLiteral("hgx-a100-8"));
        const ModelDescriptor& model = *decoderModel("llama-2-70b");
        const GenerationModels single(model, {}, {512, 128});
        const GenerationModels split(model, {}, {512, 128}, 1, 0, 4);
        const EvalInput on1 = withParallel({nullptr, &hw, Precision::FP16}, one);
        const EvalInput on4 = withParallel({nullptr, &hw, Precision::FP16}, four);
        QVERIFY(on4.link && on4.devices == 4);
        // One GPU: 138 GB of fp16 weights do not fit 80 GiB.
        const GenerationPoint p1 = evaluateGeneration(single, on1, 1);
        QVERIFY(!p1.fitsMemory);
        QVERIFY(memoryVerdict(p1, hw.dramCapacityBytes()).find("does not fit") == 0);
        // tp=4: a quarter of the weights per device (34.5 GB) fits, and TTFT and TPOT evaluate.
        const GenerationPoint p4 = evaluateGeneration(split, on4, 16);
        QVERIFY(p4.fitsMemory);
        QVERIFY(p4.weightBytes < p1.weightBytes / 3.9 && p4.weightBytes > p1.weightBytes / 4.1);
        QVERIFY(p4.ttft_s > 0 && p4.tpot_s > 0);
        // The decode step's all-reduces: 2 per layer + the embedding's, a visible share of the step.
        QCOMPARE(p4.lastDecode.collectives, 2 * 80 + 2);
        const double share = p4.lastDecode.collective_s / p4.lastDecode.latency_s;
        QVERIFY2(share > 0.05 && share < 0.6, qPrintable(QString::number(share)));
        // The story names it when it limits (with the shipped A100 node's link).
        PreparedModel decode(ModelZoo::build("llama-2-70b", {{"phase", 1}, {"context", 600}}, 4));
        EvalInput in = on4;
        in.model = &decode;
        const ScenarioResult r = evaluate(in, 1);
        StoryInput si{&in.fusedModel(),
                      &hw,
                      Precision::FP16,
                      nullptr,
                      &r,
                      std::nullopt,
                      std::nullopt,
                      "",
                      scenarioNode(four)->link.name,
                      4};
        const Story story = tellStory(si);
        QVERIFY2(story.limiter.find("all-reduce") != std::string::npos, story.limiter.c_str());
        QVERIFY2(story.limiter.find("at tp=4") != std::string::npos, story.limiter.c_str());
    }

    void refusals() {
        HardwarePreset hw;
        auto message = [&](const std::string& spec) -> std::string {
            try {
                fromText(spec, &hw);
            } catch (const EngineError& e) {
                return e.what();
            }
            return "";
        };
        QCOMPARE(message("model=llama-3.1-8b,hardware=h100-sxm,tp=16"),
                 std::string("tp=16 needs 16 devices in one node; hgx-h100-8 has 8"));
        QVERIFY(message("model=llama-3.1-8b,hardware=h100-sxm,pp=4")
                    .find("pp (pipeline stages) is not modelled") != std::string::npos);
        QVERIFY(message("model=llama-3.1-8b,hardware=h100-sxm,ep=8").find("ep (expert parallelism)") !=
                std::string::npos);
        QVERIFY(message("model=llama-3.1-8b,hardware=h100-pcie,tp=2").find("needs a node of h100-pcie") !=
                std::string::npos);
        QVERIFY(message("model=llama-3.1-8b,hardware=h100-sxm,tp=2,node=hgx-a100-8")
                    .find("node hgx-a100-8 holds a100-sxm4-80gb devices, not h100-sxm") != std::string::npos);
        QVERIFY(message("model=resnet50,hardware=h100-sxm,tp=2").find("splits a decoder LLM") !=
                std::string::npos);
        QCOMPARE(message("model=llama-3.1-8b,hardware=h100-sxm,tp=3"),
                 std::string(
                     "tp=3: does not divide the attention heads (32): each device must hold the same share"));
        QVERIFY_THROWS_EXCEPTION(ZooError, ModelZoo::build("llama-3.1-8b", {}, 3));
        QVERIFY_THROWS_EXCEPTION(ZooError, ModelZoo::build("resnet50", {}, 2));
        QVERIFY(message("model=llama-3.1-8b,hardware=h100-sxm,tp=2,dp=3").empty());
    }

    void nodePresetsLoadAndBadOnesNameTheField() {
        const NodeLibrary& lib = NodeLibrary::shipped();
        QVERIFY2(lib.issues().empty(), lib.issues().empty() ? "" : lib.issues().front().str().c_str());
        for (const char* id :
             {"hgx-h100-8", "hgx-h200-8", "hgx-a100-8", "mi300x-8", "l4-pcie-4", "tpu-v4-8"}) {
            const NodePreset* n = lib.find(id);
            QVERIFY2(n, id);
            QVERIFY(PresetLibrary::shipped().find(n->device)); // its devices are a shipped preset
            for (const Sourced* v : {&n->devices, &n->link.bandwidthGBps, &n->link.efficiency,
                                     &n->link.baseLatencyUs, &n->link.stepLatencyUs})
                QVERIFY2(!v->source.empty(), id);
        }
        const NodeLoadResult bad = parseNode(
            R"({"id":"x","name":"x","device":"t4","devices":{"value":4,"source":"s"},
                "link":{"name":"l","topology":{"value":"ring","source":"s"},"bandwidth_gb_s":{"value":-1,"source":"s"},
                "efficiency":{"value":0.5,"source":"s"},"base_latency_us":{"value":1,"source":"s"},
                "step_latency_us":{"value":1,"source":"s"}}})",
            "bad.json");
        QVERIFY(!bad.node);
        const std::string all = errorLines(bad.issues);
        QVERIFY2(all.find("bad.json: link.topology.value: must be one of switch, mesh, torus, pcie") !=
                     std::string::npos,
                 all.c_str());
        QVERIFY2(all.find("bad.json: link.bandwidth_gb_s.value") != std::string::npos, all.c_str());
    }
};

QTEST_GUILESS_MAIN(TstParallel)
#include "tst_parallel.moc"
