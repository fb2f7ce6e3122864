// Several devices (docs/MODEL.md §19): the collective times derived by hand, a tensor-parallel
// graph's per-device shares and its all-reduces, their time and bound in the evaluator, replicas,
// Llama-2-70B on 4×A100 (tp=4 fits, one GPU does not), a pipeline's bubble (pp=4, 8 micro-batches),
// an expert-parallel all-to-all (ep=8, imbalance 1.5), node presets and the refusals: devices beyond
// the node, ep on a dense model, tp on a CNN or an ONNX file.
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
        // An ep=8 all-to-all of 1 MB per device with imbalance 1.5: one step, 5 + 1 = 6 µs, and the
        // busiest receiver's 1.5 · 7/8 · 1 MB = 1.3125 MB over 50 GB/s = 26.25 µs: 32.25 µs.
        QVERIFY(qFuzzyCompare(allToAllSeconds(1e6, 8, 1.5, l), 32.25e-6));
        QCOMPARE(allToAllSeconds(1e6, 1, 1.5, l), 0.0);
        // A stage's 1 MB to the next: 6 µs + 1 MB / 50 GB/s (20 µs) = 26 µs.
        QVERIFY(qFuzzyCompare(sendSeconds(1e6, l), 26e-6));
    }

    void pipelineBubbleByHand() {
        // 8 identical 1024×1024 layers, pp=4 stages of 2, 8 micro-batches of 8 (batch 64).
        const HardwarePreset hw = test::toyGpu();
        const Interconnect link = toyLink();
        const PreparedModel m(ModelZoo::build("mlp", {{"depth", 8}, {"width", 1024}}));
        EvalInput one{&m, &hw, Precision::FP16};
        const ScenarioResult micro = evaluate(one, 8); // one device, one micro-batch
        std::vector<double> layer_s;
        for (const LayerPlacement& p : micro.layers)
            if (p.latency_s > 0) layer_s.push_back(p.latency_s);
        QCOMPARE(layer_s.size(), std::size_t{8});
        EvalInput pp = one;
        pp.link = &link;
        pp.layout = DeviceLayout{1, 4, 8, 1};
        const ScenarioResult r = evaluate(pp, 64);
        QCOMPARE(r.totals.microBatches, 8);
        QCOMPARE(r.totals.microBatch, 8);
        // Each stage: its 2 layers + the send of 8 × 1024 fp16 (16 KiB) to the next; the last stage
        // sends nothing.
        const double send_s = sendSeconds(8 * 1024 * 2, link);
        std::vector<double> stage_s;
        for (int k = 0; k < 4; ++k)
            stage_s.push_back(layer_s[2 * k] + layer_s[2 * k + 1] + (k < 3 ? send_s : 0));
        const double slowest = *std::max_element(stage_s.begin(), stage_s.end());
        const double fill = stage_s[0] + stage_s[1] + stage_s[2] + stage_s[3];
        // GPipe: the first micro-batch crosses every stage, the other 7 follow at the slowest's pace.
        QVERIFY(qFuzzyCompare(r.totals.latency_s, fill + 7 * slowest));
        QVERIFY(qFuzzyCompare(r.totals.bubble_s, fill - slowest));
        QVERIFY(qFuzzyCompare(r.totals.send_s, 3 * send_s));
        // Near-equal stages: the bubble is (pp − 1) ÷ (mb + pp − 1) = 3/11 of the batch's time.
        QVERIFY2(std::abs(r.totals.bubble_s / r.totals.latency_s - 3.0 / 11) < 0.01,
                 qPrintable(QString::number(r.totals.bubble_s / r.totals.latency_s)));
        // Decode-like passes in a row keep the pipe full: 8 × the slowest stage, no bubble.
        QVERIFY(qFuzzyCompare(r.totals.stepInterval_s, 8 * slowest));
        // Layers carry their stage; each device holds a quarter of the weights; 16 devices' worth of
        // static power? No: 4 devices for the whole batch.
        QCOMPARE(r.layers.back().stage, 3);
        QVERIFY(qFuzzyCompare(weightMemoryBytes(pp), weightMemoryBytes(one) / 4));
        // Each device reads its quarter of the weights once per micro-batch: 8 × ¼ per batch.
        QVERIFY(qFuzzyCompare(r.totals.weightBytes, micro.totals.weightBytes * 8 / 4));
        QVERIFY(qFuzzyCompare(r.totals.energy.static_j, 4 * hw.staticWatts.value * r.totals.latency_s));
        QVERIFY(qFuzzyCompare(r.totals.throughput_per_s, 64 / r.totals.latency_s));
        // The story names the bubble with its share and the micro-batches.
        StoryInput si;
        si.model = &pp.fusedModel();
        si.hardware = &hw;
        si.precision = Precision::FP16;
        si.current = &r;
        si.layout = "pp=4,mb=8";
        const Story story = tellStory(si);
        QVERIFY2(story.limiter.find("pipeline bubble: filling and draining the stages is 27") !=
                     std::string::npos,
                 story.limiter.c_str());
        QVERIFY2(story.limiter.find("8 micro-batches of 8 at pp=4,mb=8") != std::string::npos,
                 story.limiter.c_str());
        // More micro-batches shrink the bubble's share; more stages than kernels is refused.
        pp.layout.microBatches = 64;
        QVERIFY(evaluateTotals(pp, 64).bubble_s / evaluateTotals(pp, 64).latency_s < 3.0 / 11);
        pp.layout = DeviceLayout{1, 16, 16, 1};
        QVERIFY_THROWS_EXCEPTION(EngineError, evaluate(pp, 64));
    }

    void expertParallelAllToAllByHand() {
        // A one-layer MoE decoder: 8 experts, top-2, the busiest expert at 1.5 × the mean load.
        DecoderSpec s = ModelZoo::find("llm")->decoder(ModelZoo::resolve(*ModelZoo::find("llm"), tiny(1)));
        s.hidden = 1024;
        s.heads = 8;
        s.kvHeads = 8;
        s.headDim = 128;
        s.moe.experts = 8;
        s.moe.topK = 2;
        s.moe.ffn = 512;
        s.moe.imbalance = 1.5;
        const PreparedModel m(zoo::llmDecoder(s, true, 8, Sharding{1, 8}));
        const HardwarePreset hw = test::toyGpu();
        const Interconnect link = toyLink();
        EvalInput in{&m, &hw, Precision::FP16};
        in.link = &link;
        in.layout = DeviceLayout{1, 1, 1, 8};
        // Batch 64 over 8 devices: 8 sequences each; each dispatches 8 tokens × top-2 × 1024 fp16 =
        // 32 KiB: 6 µs + 1.5 · 7/8 · 32768 B / 50 GB/s = 6.86 µs.
        const ScenarioResult r = evaluate(in, 64);
        int exchanges = 0;
        for (const LayerPlacement& p : r.layers) {
            const Layer& l = in.fusedModel().layers()[static_cast<std::size_t>(p.index)];
            if (l.anchorCost.collective == OpKind::AllToAll) {
                ++exchanges;
                QVERIFY(qFuzzyCompare(p.interconnect_s, 6e-6 + 1.5 * 7 / 8 * 32768 / 50e9));
                QVERIFY(qFuzzyCompare(p.interconnectBytes, 7.0 / 8 * 32768));
            }
            // Each device holds 1 of the 8 experts: its gate projection reads 1 × 1024 × 512 fp16.
            if (l.anchorCost.experts > 0 && l.anchorCost.gemm && l.anchorCost.gemm->n == 512)
                QVERIFY(qFuzzyCompare(p.weightBytes, 1024.0 * 512 * 2));
        }
        QCOMPARE(exchanges, 2); // dispatch and combine
        QCOMPARE(m.graph().parameterCount() > 0, true);
        QVERIFY(qFuzzyCompare(r.totals.throughput_per_s, 64 / r.totals.latency_s));
        QVERIFY(qFuzzyCompare(r.totals.energy.static_j, 8 * hw.staticWatts.value * r.totals.latency_s));
    }

    void tensorParallelGraphIsOneDevicesShare() {
        const DecoderSpec s =
            ModelZoo::find("llm")->decoder(ModelZoo::resolve(*ModelZoo::find("llm"), tiny(1)));
        const Graph one = zoo::llmDecoder(s, true, 8);
        const Graph two = zoo::llmDecoder(s, true, 8, Sharding{2});
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
        QVERIFY_THROWS_EXCEPTION(ZooError, zoo::llmDecoder(s, true, 8, Sharding{3}));
    }

    void evaluatorChargesTheLinkToCollectives() {
        const HardwarePreset hw = test::toyGpu();
        const Interconnect link = toyLink();
        const PreparedModel m(ModelZoo::build("llm", tiny(1), Sharding{2}));
        EvalInput in{&m, &hw, Precision::FP16};
        QVERIFY_THROWS_EXCEPTION(EngineError, evaluate(in, 4)); // no link for its collectives
        in.link = &link;
        in.layout.tp = 2;
        const ScenarioResult r = evaluate(in, 4);
        int collectives = 0;
        for (const LayerPlacement& p : r.layers) {
            const Layer& l = in.fusedModel().layers()[static_cast<std::size_t>(p.index)];
            if (l.anchorCost.collectiveDevices == 0) continue;
            ++collectives;
            // Each all-reduce of the hidden state: batch 4 × 64 fp16 = 512 B per device.
            if (l.anchorCost.collective == OpKind::AllReduce) {
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
        const GenerationModels split(model, {}, {512, 128}, 1, 0, Sharding{4});
        const EvalInput on1 = withParallel({nullptr, &hw, Precision::FP16}, one);
        const EvalInput on4 = withParallel({nullptr, &hw, Precision::FP16}, four);
        QVERIFY(on4.link && on4.layout.devices() == 4);
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
        PreparedModel decode(ModelZoo::build("llama-2-70b", {{"phase", 1}, {"context", 600}}, Sharding{4}));
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
                      "tp=4"};
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
        QCOMPARE(message("model=llama-3.1-8b,hardware=h100-sxm,tp=4,pp=4"),
                 std::string("tp=4,pp=4 needs 16 devices in one node; hgx-h100-8 has 8"));
        QVERIFY(
            message("model=llama-3.1-8b,hardware=h100-sxm,ep=8").find("needs a mixture-of-experts model") !=
            std::string::npos);
        QVERIFY(message("model=mixtral-8x7b,hardware=h100-sxm,ep=3")
                    .find("does not divide the 8 routed experts") != std::string::npos);
        QVERIFY(
            message("model=llama-3.1-8b,hardware=h100-sxm,mb=4").find("mb (micro-batches) needs pipeline") !=
            std::string::npos);
        QVERIFY(message("model=resnet50,hardware=h100-sxm,pp=2").empty()); // any model can be pipelined
        QVERIFY(message("model=llama-3.1-8b,hardware=h100-pcie,tp=2").find("needs a node of h100-pcie") !=
                std::string::npos);
        QVERIFY(message("model=llama-3.1-8b,hardware=h100-sxm,tp=2,node=hgx-a100-8")
                    .find("node hgx-a100-8 holds a100-sxm4-80gb devices, not h100-sxm") != std::string::npos);
        QVERIFY(message("model=resnet50,hardware=h100-sxm,tp=2").find("split a decoder LLM") !=
                std::string::npos);
        QCOMPARE(message("model=llama-3.1-8b,hardware=h100-sxm,tp=3"),
                 std::string(
                     "tp=3: does not divide the attention heads (32): each device must hold the same share"));
        QVERIFY_THROWS_EXCEPTION(ZooError, ModelZoo::build("llama-3.1-8b", {}, Sharding{3}));
        QVERIFY_THROWS_EXCEPTION(ZooError, ModelZoo::build("resnet50", {}, Sharding{2}));
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
