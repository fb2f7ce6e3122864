// LLM generation (eval/Generation.h, docs/MODEL.md §11) on the toy chip of TestSupport.h, every
// expected number derived in the comments: a batch-1 decode step is the weight bytes over the
// bandwidth plus a launch per kernel; the largest batch is the KV cache's; the e2e/throughput
// identities; Llama-2-70B at fp16 does not fit one 80 GB GPU and the message says what fills it;
// measured generation rows are keyed by their lengths.
#include "TestSupport.h"
#include "base/EngineError.h"
#include "eval/Generation.h"
#include "hardware/PresetLoader.h"
#include "measured/Measured.h"
#include "scenario/Scenario.h"

#include <QtTest>

using namespace bs;

namespace {

// One decoder layer, width 64, 4 heads of 16, SwiGLU 128, vocabulary 256. Parameters: embedding
// 256·64 = 16,384; Q, K, V, O 4·64·64 = 16,384; gate, up, down 3·64·128 = 24,576; two RMSNorms
// 2·64 and the final one 64 = 192; LM head 64·256 = 16,384: 73,920 in all.
KnobValues tiny() {
    return {{"layers", 1}, {"hidden", 64}, {"heads", 4}, {"kv_heads", 4}, {"ffn", 128}, {"vocab", 256}};
}

const ModelDescriptor& llm() {
    return *ModelZoo::find("llm");
}

} // namespace

class TstGeneration : public QObject {
    Q_OBJECT
  private slots:
    void decodeStepIsWeightsOverBandwidthPlusLaunches() {
        // A decode step reads every weight but the embedding table (one 128-byte row is gathered):
        // (73,920 − 16,384) · 2 B = 115,072 B, + 128 B, at fp16. At the toy's 10 GB/s that is
        // 11.52 µs; each kernel adds the toy's 1 µs dispatch. The KV cache read at 8–11 tokens,
        // 2·4·16·11·2 B = 2.8 KB, and the tiny compute add a few percent.
        const GenerationModels models(llm(), tiny(), {8, 5});
        const HardwarePreset hw = test::toyGpu();
        const EvalInput on{nullptr, &hw, Precision::FP16};
        const GenerationPoint p = evaluateGeneration(models, on, 1);
        QCOMPARE(p.weightBytes, 73920.0 * 2);
        QCOMPARE(p.lastDecode.weightBytes, 115072.0); // the gathered row is traffic, not weights
        const double expected_s = (115072.0 + 128) / 10e9 + p.lastDecode.kernels * 1e-6;
        QVERIFY2(std::abs(p.tpot_s - expected_s) / expected_s < 0.05,
                 qPrintable(QStringLiteral("tpot %1 µs, weights/bw + launches %2 µs")
                                .arg(p.tpot_s * 1e6)
                                .arg(expected_s * 1e6)));
        // The identities of the columns: 4 decode steps after the prefill's first token.
        QVERIFY(qFuzzyCompare(p.e2e_s, p.ttft_s + 4 * p.tpot_s));
        QVERIFY(qFuzzyCompare(p.outputTokensPerS, 5 / p.e2e_s));
        QVERIFY(qFuzzyCompare(p.outputTokensPerSPerUser, 1 / p.tpot_s));
        QCOMPARE(p.ttft_s, p.prefill.latency_s);
        // Few steps are evaluated one by one: the mean of the steps at KV lengths 8, 9, 10, 11.
        QCOMPARE(models.decodeSamples().size(), std::size_t{4});
        QCOMPARE(models.decodeSamples().back().context, 11);
    }

    void w4a16DecodeReadsQuantizedWeights() {
        // W4A16, groups of 64, fp8 KV cache. Quantized: the matrices of Q, K, V, O (16,384) and
        // the MLP (24,576) = 40,960 elements at 0.5 B + a 2-byte scale per 64 = 0.53125 B:
        // 21,760 B. The LM head (16,384, the output layer) and the norms (192) stay at fp16:
        // 33,152 B. A decode step reads 54,912 B of weights against fp16's 115,072 (0.477×).
        const GenerationModels models(llm(), tiny(), {8, 5});
        const HardwarePreset hw = test::toyGpu();
        EvalInput on{nullptr, &hw, Precision::FP16};
        on.quant = {Precision::INT4, Precision::FP8, 64};
        QCOMPARE(models.prefill().quantizedParams(), 40960);
        const GenerationPoint p = evaluateGeneration(models, on, 1);
        QCOMPARE(p.lastDecode.weightBytes, 54912.0);
        // In memory the embedding table (16,384) stays fp16 too: 21,760 + 32,960 · 2 = 87,680 B.
        QCOMPARE(p.weightBytes, 87680.0);
        // KV cache: 2 · 4 heads · 16 · 13 tokens at 1 B = 1,664 B (fp16: 3,328).
        QCOMPARE(p.kvCacheBytes, 1664.0);
        // TPOT: weights over 10 GB/s + the launches + dequantizing 40,960 weights at 2 FLOPs on
        // the 0.256 TFLOP/s vector units (0.32 µs); the KV reads add the rest (< 5 %).
        const double expected_s = (54912.0 + 128) / 10e9 + p.lastDecode.kernels * 1e-6 + 2 * 40960 / 0.256e12;
        QVERIFY2(std::abs(p.tpot_s - expected_s) / expected_s < 0.05,
                 qPrintable(
                     QStringLiteral("tpot %1 µs, expected %2 µs").arg(p.tpot_s * 1e6).arg(expected_s * 1e6)));
        // A chip without the arithmetic's precision says so: int4 activations need an int4 peak.
        ScenarioFields f;
        f.model = "llm";
        f.hardware = "h100-sxm";
        f.prefix = "--";
        f.activations = "int4";
        HardwarePreset h100;
        QVERIFY_THROWS_EXCEPTION(EngineError, resolveScenario(f, PresetLibrary::shipped(), &h100));
        f.activations = "fp16";
        f.weights = "int4";
        f.groupSize = "128";
        const Scenario s = resolveScenario(f, PresetLibrary::shipped(), &h100);
        QCOMPARE(s.quant.weights, std::optional<Precision>(Precision::INT4));
        QVERIFY(s.label(&h100).contains(QStringLiteral("(weights int4 g128)")));
        // Sessions keep the scheme, and a bad one names its field.
        const JsonFieldReader r(QStringLiteral("s.batchscope"));
        QCOMPARE(scenarioFromJson(scenarioToJson(s), r, QStringLiteral("scenarios[0]")).quant, s.quant);
        QJsonObject bad = scenarioToJson(s);
        bad[QStringLiteral("quantization")] = QJsonObject{{QStringLiteral("kv"), QStringLiteral("fp12")}};
        try {
            scenarioFromJson(bad, r, QStringLiteral("scenarios[0]"));
            QFAIL("an unknown KV precision was accepted");
        } catch (const FileError& e) {
            QVERIFY2(
                e.message().startsWith(QStringLiteral("s.batchscope: scenarios[0].quantization.kv: 'fp12'")),
                qPrintable(e.message()));
        }
    }

    void speculativeStepWithAcceptance() {
        // k = 4 draft tokens accepted with α = 0.8: E = (1 − 0.8⁵) / (1 − 0.8) = 3.3616 tokens per
        // target pass (α = 0: 1; α = 1: k + 1).
        QVERIFY(qFuzzyCompare(expectedTokensPerStep(0.8, 4), 3.3616));
        QCOMPARE(expectedTokensPerStep(0, 4), 1.0);
        QCOMPARE(expectedTokensPerStep(1, 4), 5.0);
        const HardwarePreset hw = test::toyGpu();
        const EvalInput on{nullptr, &hw, Precision::FP16};
        const GenerationModels target(llm(), tiny(), {8, 5}, 5);
        const GenerationModels draft(
            llm(),
            {{"layers", 1}, {"hidden", 64}, {"heads", 4}, {"kv_heads", 4}, {"ffn", 64}, {"vocab", 256}},
            {8, 5});
        // The verification pass over 5 tokens reads the weights once, as a 1-token step does.
        QCOMPARE(evaluateTotals({target.decodeSamples()[0].model.get(), &hw, Precision::FP16}, 1).weightBytes,
                 115072.0);
        const Speculation sp{&draft, 4, 0.8};
        const GenerationPoint p = evaluateGeneration(target, on, 1, &sp);
        // TPOT = (T_verify + 4 · T_draft) / E, each the mean over the same KV lengths 8..11.
        double verify_s = 0, draft_s = 0;
        for (std::size_t i = 0; i < target.decodeSamples().size(); ++i) {
            verify_s +=
                target.decodeSamples()[i].weight *
                evaluateTotals({target.decodeSamples()[i].model.get(), &hw, Precision::FP16}, 1).latency_s;
            draft_s +=
                draft.decodeSamples()[i].weight *
                evaluateTotals({draft.decodeSamples()[i].model.get(), &hw, Precision::FP16}, 1).latency_s;
        }
        QVERIFY(qFuzzyCompare(p.tpot_s, (verify_s + 4 * draft_s) / 3.3616));
        // Memory holds both models: the draft's 61,632 parameters (73,920 less the MLP's 3·64·128
        // = 24,576, plus its 3·64·64 = 12,288) at 2 B as well.
        QCOMPARE(p.weightBytes, (73920.0 + 61632.0) * 2);
    }

    void continuousBatchingSteadyState() {
        // 4 sequences decode; prompts of 8 tokens, 4 generated: arrivals bring 4 · 8 ÷ 4 = 8
        // prompt tokens per step, within a chunk of 16. The chunk adds its time beyond the weight
        // stream it shares with the decode step, per token.
        const HardwarePreset hw = test::toyGpu();
        const EvalInput on{nullptr, &hw, Precision::FP16};
        const GenerationModels models(llm(), tiny(), {8, 4}, 1, 16);
        const ContinuousPoint c = evaluateContinuous(models, on, 4);
        QCOMPARE(c.prefillTokensPerStep, 8.0);
        QVERIFY(c.sustainable);
        double decode_s = 0;
        for (const GenerationModels::DecodeSample& d : models.decodeSamples())
            decode_s += d.weight * evaluateTotals({d.model.get(), &hw, Precision::FP16}, 4).latency_s;
        const double chunk_s = evaluateTotals({models.chunk(), &hw, Precision::FP16}, 1).latency_s;
        const double step_s = decode_s + 8 * (chunk_s - 73920.0 * 2 / 10e9) / 16;
        QVERIFY(qFuzzyCompare(c.point.tpot_s, step_s));
        QVERIFY(qFuzzyCompare(c.point.ttft_s, step_s)); // ⌈8 ÷ 16⌉ = 1 step
        QVERIFY(qFuzzyCompare(c.point.outputTokensPerS, 4 / step_s));
        QVERIFY(qFuzzyCompare(c.requestRate_per_s, 4 / (4 * step_s)));
        // 12 sequences would bring 24 prompt tokens per step: more than the chunk admits.
        QVERIFY(!evaluateContinuous(models, on, 12).sustainable);
    }

    void largestBatchIsTheKvCaches() {
        // A 1-token prompt and 32,767 generated tokens: the KV cache of one sequence is
        // 2 (K, V) · 1 layer · 4 heads · 16 · 32,768 tokens · 2 B = 8 MiB. The last decode step's
        // activations per sequence peak at the softmax: scores and probabilities [4 heads, 32,766]
        // at 2 B, 2 · 262,128 B, plus three 64-wide vectors (384 B) = 524,640 B. The toy's 1 GiB
        // less the 147,840 B of weights holds floor(1,073,593,984 / (8,388,608 + 524,640)) =
        // floor(120.45) = 120 sequences (127 if the KV cache alone counted).
        const GenerationModels models(llm(), tiny(), {1, 32767});
        const HardwarePreset hw = test::toyGpu();
        const EvalInput on{nullptr, &hw, Precision::FP16};
        QCOMPARE(models.kvBytesPerSequence(2), 8.0 * 1024 * 1024);
        QCOMPARE(models.activationBytesPerSequence(on), 524640.0);
        QCOMPARE(largestGenerationBatch(models, on).value_or(-1), 120LL);
        QVERIFY(evaluateGeneration(models, on, 120).fitsMemory);
        const GenerationPoint over = evaluateGeneration(models, on, 121);
        QVERIFY(!over.fitsMemory);
        QVERIFY2(memoryVerdict(over, hw.dramCapacityBytes()).find("KV cache 1.0 GB") != std::string::npos,
                 memoryVerdict(over, hw.dramCapacityBytes()).c_str());
        // Long generations are integrated over 5 KV lengths (Simpson): first, last and between.
        QCOMPARE(models.decodeSamples().front().context, 1);
        QCOMPARE(models.decodeSamples().back().context, 32766);
    }

    void llama2_70bDoesNotFitOneGpu() {
        // Llama-2-70B (80 layers, width 8192, 64 heads, 8 KV heads, SwiGLU 28,672, vocabulary
        // 32,000): 68,976,648,192 parameters, 137.95 GB at fp16, above the A100's 80 GiB (85.9 GB)
        // before any KV cache.
        const PresetLibrary lib = PresetLibrary::shipped();
        const HardwarePreset* a100 = lib.find("a100-sxm4-80gb");
        QVERIFY(a100);
        const GenerationModels models(llm(),
                                      {{"layers", 80},
                                       {"hidden", 8192},
                                       {"heads", 64},
                                       {"kv_heads", 8},
                                       {"ffn", 28672},
                                       {"vocab", 32000}},
                                      {2048, 256});
        const EvalInput on{nullptr, a100, Precision::FP16};
        QCOMPARE(models.prefill().params(), std::int64_t{68976648192});
        const GenerationPoint p = evaluateGeneration(models, on, 1);
        QVERIFY(!p.fitsMemory);
        QCOMPARE(largestGenerationBatch(models, on).value_or(-1), 0LL);
        const std::string note = memoryVerdict(p, a100->dramCapacityBytes());
        QVERIFY2(
            note.rfind("does not fit: needs 139.8 GB of 85.9 GB (80 GiB) (weights 138.0 GB, KV cache 0.8 GB",
                       0) == 0,
            note.c_str());
    }

    void targetsPickTheFastestBatchThatMeetsBoth() {
        GenerationPoint a, b, c;
        a.batch = 1, a.ttft_s = 0.01, a.tpot_s = 0.01, a.outputTokensPerS = 100;
        b.batch = 8, b.ttft_s = 0.05, b.tpot_s = 0.02, b.outputTokensPerS = 400;
        c.batch = 64, c.ttft_s = 0.40, c.tpot_s = 0.04, c.outputTokensPerS = 1600;
        QCOMPARE(bestBatchWithinTargets({a, b, c}, 0.1, 0.03).value_or(-1), 8);
        QCOMPARE(bestBatchWithinTargets({a, b, c}, std::nullopt, std::nullopt).value_or(-1), 64);
        QVERIFY(!bestBatchWithinTargets({a, b, c}, 0.001, std::nullopt));
        c.fitsMemory = false;
        QCOMPARE(bestBatchWithinTargets({a, b, c}, std::nullopt, std::nullopt).value_or(-1), 8);
    }

    void measuredGenerationRows() {
        // A measured file's generation row (docs/MEASURED.md): prompt and output lengths are keys (two
        // lengths, two points).
        const MeasuredSet set = parseMeasured("model,batch,input_len,output_len,latency_ms\n"
                                              "llm,8,512,128,2100\nllm,8,512,128,2300\nllm,8,1024,128,2600\n",
                                              "g.csv");
        QCOMPARE(set.points.size(), std::size_t(2));
        QCOMPARE(set.points[0].inputLen.value(), 512);
        QCOMPARE(set.points[0].outputLen.value(), 128);
        QCOMPARE(set.points[0].latency_s, 2.2); // the median of the two runs
        QCOMPARE(set.points[0].runs, 2);
        QCOMPARE(set.points[1].inputLen.value(), 1024);
        // A scheme is a key too: the same batch under BF16 and W4A16 g128 stays two points, and a
        // bad group size names the line and column.
        const MeasuredSet q = parseMeasured("model,batch,input_len,output_len,weights,group_size,latency_ms\n"
                                            "llm,8,512,128,,,2100\nllm,8,512,128,INT4,128,1500\n",
                                            "q.csv");
        QCOMPARE(q.points.size(), std::size_t(2));
        QCOMPARE(q.points[1].weights, std::string("int4"));
        QCOMPARE(q.points[1].groupSize.value(), 128);
        QVERIFY(selectPoints(q, "llm", "", "").empty()); // generation rows are not forward passes
        QVERIFY_THROWS_EXCEPTION(MeasuredError,
                                 parseMeasured("model,batch,latency_ms,group_size\nllm,1,2,0.5\n", "b.csv"));
    }

    void generationSetsItsOwnLengths() {
        KnobValues k = tiny();
        k["context"] = 100;
        QVERIFY_THROWS_EXCEPTION(EngineError, GenerationModels(llm(), k, {8, 8}));
        QVERIFY_THROWS_EXCEPTION(EngineError, GenerationModels(llm(), tiny(), {0, 8}));
    }
};

QTEST_GUILESS_MAIN(TstGeneration)
#include "tst_generation.moc"
