// Runtime profiles (runtime/Runtime.h) on the toy chip of TestSupport.h, with every expected number
// derived in the comments: host time exposed by an async queue, added by a serial runtime, removed
// by a graph launch; the fusion policy changing the kernel count and keeping attention scores on
// chip; eager composites (RMSNorm, rotary) run as their tensor ops; a concatenating KV cache
// copied every step; kernel efficiencies by op class and the SIMT path's shorter K prologue; fp32
// master weights cast every call; the profile files' validation; the shipped profiles; and the
// scenario's runtime in text and JSON.
#include "TestSupport.h"
#include "base/JsonFields.h"
#include "eval/Evaluator.h"
#include "graph/GraphBuilder.h"
#include "runtime/Runtime.h"
#include "scenario/Scenario.h"
#include "zoo/ModelZoo.h"

#include <QJsonObject>
#include <QtTest>

using namespace bs;

namespace {

// A profile with round numbers: 2 µs launch + 10 µs per op on the host, 5 µs per call.
RuntimeClassProfile profile(FusionPolicy fusion, LaunchOverlap overlap) {
    RuntimeClassProfile p = Runtime::ideal().classes.at(ArchClass::Gpu);
    p.fusion = fusion;
    p.overlap = overlap;
    p.launchUs = {2, "test"};
    p.hostUsPerOp = {10, "test"};
    p.perInferenceUs = {5, "test"};
    return p;
}

// One 256×1024×1024 GEMM (x · W, no bias).
PreparedModel oneGemm() {
    GraphBuilder b("gemm");
    b.markOutput(b.linear(b.input("x", {256, 1024}), 1024, false));
    return PreparedModel(b.take());
}

// The toy chip with an fp32 rate equal to its vector units (0.256 TFLOP/s): fp32 GEMMs run on its
// SIMT cores, fp16 ones on its faster matrix path.
HardwarePreset toyGpuWithSimtFp32() {
    HardwarePreset hw = test::toyGpu();
    hw.peakTflops[Precision::FP32] = {0.256, "test"};
    hw.flopsPerClockPerUnit[Precision::FP32] = {64, "test"};
    hw.pjPerFlop[Precision::FP32] = {2, "test"};
    return hw;
}

// Conv → BatchNorm → ReLU on a 3×8×8 input: three ops, tiny work (a few ns per op on the toy chip).
PreparedModel convBnRelu() {
    GraphBuilder b("cbr");
    b.markOutput(b.relu(b.batchNorm(b.conv(b.input("x", {1, 3, 8, 8}), 16, 3, 1, 1))));
    return PreparedModel(b.take());
}

// Q·Kᵀ → softmax → ·V over 256 positions of 64 features: the scores are 256×256 per sample.
PreparedModel attention() {
    GraphBuilder b("att");
    const int q = b.input("q", {1, 256, 64});
    const int kt = b.input("kt", {1, 64, 256});
    const int v = b.input("v", {1, 256, 64});
    b.markOutput(b.matmul(b.softmax(b.matmul(q, kt)), v));
    return PreparedModel(b.take());
}

double deviceTime(const ScenarioResult& r) {
    double s = 0;
    for (const LayerPlacement& p : r.layers)
        s += std::max(p.compute_s, p.memory_s) + p.launch_s;
    return s;
}

} // namespace

class TstRuntime : public QObject {
    Q_OBJECT
  private slots:
    void eagerIsLaunchBoundAtBatchOne() {
        // No fusion: 3 kernels. Each holds one op, so its host time is 2 + 10 = 12 µs, and its
        // device time (1 µs dispatch + a few ns of work) is shorter: an async queue waits for the
        // host, and each layer takes exactly 12 µs. Total: 3 × 12 + 5 per call = 41 µs.
        const HardwarePreset hw = test::toyGpu();
        const PreparedModel m = convBnRelu();
        const RuntimeClassProfile p = profile(FusionPolicy::None, LaunchOverlap::Async);
        const ScenarioResult r = evaluate({&m, &hw, Precision::FP16, &p}, 1);
        QCOMPARE(r.totals.kernels, 3);
        for (const LayerPlacement& l : r.layers) {
            QCOMPARE(l.bound, Bound::Overhead);
            QVERIFY(qFuzzyCompare(l.latency_s, 12e-6));
            QVERIFY(qFuzzyCompare(l.launch_s + l.host_s, l.overhead_s));
        }
        QVERIFY(qFuzzyCompare(r.totals.fixed_s, 5e-6));
        QVERIFY(qFuzzyCompare(r.totals.latency_s, 41e-6));
    }

    void serialRuntimeAddsHostTime() {
        // A CPU runtime dispatches on the cores that compute: the 12 µs per kernel add to the
        // device time instead of hiding it. Total = device time + 3 × 12 + 5 µs.
        const HardwarePreset hw = test::toyGpu();
        const PreparedModel m = convBnRelu();
        const RuntimeClassProfile p = profile(FusionPolicy::None, LaunchOverlap::Serial);
        const ScenarioResult r = evaluate({&m, &hw, Precision::FP16, &p}, 1);
        QVERIFY(qFuzzyCompare(r.totals.latency_s, deviceTime(r) + 41e-6));
        QVERIFY(qFuzzyCompare(r.totals.host_s, 36e-6));
    }

    void graphLaunchHidesPerKernelHostTime() {
        // CUDA graphs: one launch per inference, no host time per kernel; what is left is the
        // device time and the 5 µs per call. Against eager at batch 1 that is 41 µs → ~8 µs.
        const HardwarePreset hw = test::toyGpu();
        const PreparedModel m = convBnRelu();
        const RuntimeClassProfile p = profile(FusionPolicy::None, LaunchOverlap::Graph);
        const ScenarioResult r = evaluate({&m, &hw, Precision::FP16, &p}, 1);
        QCOMPARE(r.totals.host_s, 0.0);
        QVERIFY(qFuzzyCompare(r.totals.latency_s, deviceTime(r) + 5e-6));
        QVERIFY(r.totals.latency_s < 10e-6);
        // At a batch large enough for the kernels to outlast the host, async hides it as well.
        const RuntimeClassProfile async = profile(FusionPolicy::None, LaunchOverlap::Async);
        const ScenarioResult big = evaluate({&m, &hw, Precision::FP16, &async}, 4096);
        QCOMPARE(big.totals.host_s, 0.0);
    }

    void fusionPolicyChangesTheKernelCount() {
        // Elementwise fusion folds BatchNorm and ReLU into the conv: 1 kernel instead of 3, and one
        // per-op host time of 2 + 3 × 10 µs under async eager-style costs.
        const HardwarePreset hw = test::toyGpu();
        const PreparedModel m = convBnRelu();
        QCOMPARE(m.fusedAs({FusionPolicy::None}).kernelLayerCount(), 3);
        QCOMPARE(m.fusedAs({FusionPolicy::Elementwise}).kernelLayerCount(), 1);
        QCOMPARE(&m.fusedAs({FusionPolicy::Elementwise}), &m); // the model's own fusion: itself
        const RuntimeClassProfile p = profile(FusionPolicy::Elementwise, LaunchOverlap::Async);
        const ScenarioResult r = evaluate({&m, &hw, Precision::FP16, &p}, 1);
        QCOMPARE(r.totals.kernels, 1);
        QVERIFY(qFuzzyCompare(r.totals.latency_s, 32e-6 + 5e-6));
    }

    void epilogueDecidesWhatAGemmKernelAbsorbs() {
        // Conv → BatchNorm → ReLU under elementwise fusion. 'all' folds the BatchNorm into the conv:
        // 1 kernel. 'bias_activation' (TensorFlow/XLA on GPU) leaves the per-channel scale out of
        // the cuDNN epilogue, so BatchNorm starts a kernel and the ReLU joins it: 2 kernels; 'none'
        // (Inductor's extern conv) the same 2. Under async eager-style costs the second kernel adds
        // one launch: 2 × 2 + 3 × 10 + 5 = 39 µs instead of 2 + 30 + 5 = 37 µs.
        const HardwarePreset hw = test::toyGpu();
        const PreparedModel cbr = convBnRelu();
        QCOMPARE(cbr.fusedAs({FusionPolicy::Elementwise, EpiloguePolicy::All}).kernelLayerCount(), 1);
        QCOMPARE(cbr.fusedAs({FusionPolicy::Elementwise, EpiloguePolicy::BiasActivation}).kernelLayerCount(),
                 2);
        QCOMPARE(cbr.fusedAs({FusionPolicy::Elementwise, EpiloguePolicy::None}).kernelLayerCount(), 2);
        QCOMPARE(cbr.fusedAs({FusionPolicy::None, EpiloguePolicy::All}).kernelLayerCount(), 3);
        RuntimeClassProfile p = profile(FusionPolicy::Elementwise, LaunchOverlap::Async);
        p.epilogue = EpiloguePolicy::BiasActivation;
        const ScenarioResult r = evaluate({&cbr, &hw, Precision::FP16, &p}, 1);
        QCOMPARE(r.totals.kernels, 2);
        QVERIFY(qFuzzyCompare(r.totals.latency_s, 39e-6));

        // Linear → GELU: a cuBLASLt-style epilogue takes the activation ('bias_activation': 1
        // kernel); an extern GEMM does not ('none': the GELU is its own kernel).
        GraphBuilder b("mlp");
        b.markOutput(b.gelu(b.linear(b.input("x", {1, 64}), 64)));
        const PreparedModel mlp(b.take());
        QCOMPARE(mlp.fusedAs({FusionPolicy::Block, EpiloguePolicy::BiasActivation}).kernelLayerCount(), 1);
        QCOMPARE(mlp.fusedAs({FusionPolicy::Block, EpiloguePolicy::None}).kernelLayerCount(), 2);
    }

    void eagerRunsCompositesAsTheirTensorOps() {
        // Hugging Face's LlamaRMSNorm is 8 tensor ops in eager (cast, pow, mean, +eps, rsqrt,
        // multiply, cast back, weight multiply): one op of the model code, 8 kernels. Under async
        // eager-style costs its host time is 8 launches + 1 op = 8 × 2 + 10 = 26 µs, more than its
        // device time (8 × 1 µs dispatch + a few ns), so batch 1 takes 26 + 5 = 31 µs; fused it is
        // one kernel: 2 + 10 + 5 = 17 µs.
        const HardwarePreset hw = test::toyGpu();
        GraphBuilder nb("norm");
        nb.markOutput(nb.rmsNorm(nb.input("x", {1, 1024})));
        const PreparedModel norm(nb.take());
        QCOMPARE(norm.fusedAs({FusionPolicy::None}).kernelCount(), 8);
        QCOMPARE(norm.fusedAs({FusionPolicy::None}).kernelLayerCount(), 1);
        QCOMPARE(norm.fusedAs({FusionPolicy::Elementwise}).kernelCount(), 1);
        const RuntimeClassProfile eager = profile(FusionPolicy::None, LaunchOverlap::Async);
        const RuntimeClassProfile fused = profile(FusionPolicy::Elementwise, LaunchOverlap::Async);
        const Totals e1 = evaluateTotals({&norm, &hw, Precision::FP16, &eager}, 1);
        QCOMPARE(e1.kernels, 8);
        QVERIFY(qFuzzyCompare(e1.latency_s, 31e-6));
        QVERIFY(qFuzzyCompare(evaluateTotals({&norm, &hw, Precision::FP16, &fused}, 1).latency_s, 17e-6));
        // Its intermediates are full-size: at fp16 (a = 2 B) the 8 kernels move 4a + 28 = 36 B per
        // element against the fused kernel's 2a = 4 B, 32 B more. At batch 64 (64 Ki elements, all
        // live data on chip) that is 32 × 65,536 = 2 MiB more on-chip traffic and no more DRAM; at
        // fp32 the casts move nothing: 28 − 8 = 20 B more per element.
        const auto extra = [&](Precision p, bool dram) {
            const Totals a = evaluateTotals({&norm, &hw, p, &eager}, 64);
            const Totals b = evaluateTotals({&norm, &hw, p, &fused}, 64);
            return dram ? a.dramBytes - b.dramBytes : a.sramBytes - b.sramBytes;
        };
        QCOMPARE(extra(Precision::FP16, false), 32.0 * 65536);
        QCOMPARE(extra(Precision::FP16, true), 0.0);
        HardwarePreset hw32 = hw;
        hw32.peakTflops[Precision::FP32] = {0.256, "test"};
        hw32.flopsPerClockPerUnit[Precision::FP32] = {64, "test"};
        hw32.pjPerFlop[Precision::FP32] = {1, "test"};
        const Totals a32 = evaluateTotals({&norm, &hw32, Precision::FP32, &eager}, 64);
        const Totals b32 = evaluateTotals({&norm, &hw32, Precision::FP32, &fused}, 64);
        QCOMPARE(a32.sramBytes - b32.sramBytes, 20.0 * 65536);

        // apply_rotary_pos_emb(q, k): 5 tensor ops per tensor, 10 kernels, 10a B per element
        // against 2a. Built after K's projection, a GEMM epilogue that takes every tail ('all',
        // TensorRT) absorbs it; an extern GEMM ('none', Inductor) leaves it one kernel of its own;
        // eager runs all 10: 1 + 1 + 10 = 12 kernels for the two projections and the rotation.
        GraphBuilder rb("rope");
        const int x = rb.input("x", {1, 64});
        const auto [q, k] = rb.rotary(rb.linear(x, 64, false), rb.linear(x, 16, false));
        rb.markOutput(q);
        rb.markOutput(k);
        const PreparedModel rope(rb.take());
        QCOMPARE(rope.fusedAs({FusionPolicy::Elementwise, EpiloguePolicy::All}).kernelCount(), 2);
        QCOMPARE(rope.fusedAs({FusionPolicy::Block, EpiloguePolicy::None}).kernelCount(), 3);
        QCOMPARE(rope.fusedAs({FusionPolicy::None}).kernelCount(), 12);
    }

    void concatCacheCopiesTheCacheEveryStep() {
        // A decode step's score MatMul reads a 64 × 16 fp16 K cache: 2 KiB per sequence. Under
        // kv_update 'concat' (Hugging Face's DynamicCache: torch.cat) the step first copies it into
        // a new tensor: at batch 4, 2 × 2,048 × 4 = 16 KiB more DRAM traffic, and one more call
        // and kernel: host 2 × 2 + 2 × 10 = 24 µs against 2 + 10 = 12 µs. Both are longer than the
        // device time (24 KiB at 10 GB/s = 2.5 µs, plus 2 × 1 µs dispatch), so the step takes
        // 24 + 5 = 29 µs against 17 µs.
        const HardwarePreset hw = test::toyGpu();
        GraphBuilder b("decode");
        b.markOutput(b.matmul(b.input("q", {1, 1, 64}), b.state("k_cache", {1, 64, 16})));
        const PreparedModel m(b.take());
        RuntimeClassProfile inPlace = profile(FusionPolicy::None, LaunchOverlap::Async);
        RuntimeClassProfile concat = inPlace;
        concat.kvUpdate = KvUpdate::Concat;
        const Totals a = evaluateTotals({&m, &hw, Precision::FP16, &inPlace}, 4);
        const Totals c = evaluateTotals({&m, &hw, Precision::FP16, &concat}, 4);
        QCOMPARE(c.dramBytes - a.dramBytes, 2.0 * 2048 * 4);
        QCOMPARE(a.kernels, 1);
        QCOMPARE(c.kernels, 2);
        QVERIFY(qFuzzyCompare(a.latency_s, 17e-6));
        QVERIFY(qFuzzyCompare(c.latency_s, 29e-6));
    }

    void attentionFusionKeepsScoresOnChip() {
        // Unfused, the softmax is its own kernel: 3 kernels. Attention fusion puts it in the score
        // MatMul (2 kernels) and keeps the scores on chip: at batch 64 the fp16 scores are
        // 64 × 256 × 256 × 2 B = 8 MiB, more than the toy chip's 1 MiB, so elementwise fusion
        // spills them to DRAM and attention fusion does not.
        const HardwarePreset hw = test::toyGpu();
        const PreparedModel m = attention();
        QCOMPARE(m.fusedAs({FusionPolicy::Elementwise}).kernelLayerCount(), 3);
        QCOMPARE(m.fusedAs({FusionPolicy::Attention}).kernelLayerCount(), 2);
        QCOMPARE(m.fusedAs({FusionPolicy::Block}).kernelLayerCount(), 2);
        const RuntimeClassProfile plain = profile(FusionPolicy::Elementwise, LaunchOverlap::Graph);
        const RuntimeClassProfile fused = profile(FusionPolicy::Attention, LaunchOverlap::Graph);
        const Totals a = evaluateTotals({&m, &hw, Precision::FP16, &plain}, 64);
        const Totals b = evaluateTotals({&m, &hw, Precision::FP16, &fused}, 64);
        const double scores = 64.0 * 256 * 256 * 2;
        QVERIFY(a.spilledBytes >= scores);
        QCOMPARE(b.spilledBytes, 0.0);
        QVERIFY(b.dramBytes < a.dramBytes - scores);
    }

    void sdpaIsOneKernelUnderEveryPolicy() {
        // The model calls one fused attention kernel (PyTorch SDPA): score MatMul, softmax and
        // context MatMul are one layer even under eager's one-kernel-per-op, and only Q, Kᵀ, V and
        // the context move: at batch 64, fp16, 4 × 64 × 256 × 64 × 2 B = 8 MiB, the 8 MiB of
        // scores never written.
        GraphBuilder b("sdpa");
        const int q = b.input("q", {1, 256, 64});
        const int kt = b.input("kt", {1, 64, 256});
        const int v = b.input("v", {1, 256, 64});
        b.markOutput(b.fusedAttention(q, kt, v));
        const PreparedModel m(b.take());
        for (FusionPolicy f :
             {FusionPolicy::None, FusionPolicy::Elementwise, FusionPolicy::Attention, FusionPolicy::Block})
            QCOMPARE(m.fusedAs({f, EpiloguePolicy::None}).kernelLayerCount(), 1);
        const HardwarePreset hw = test::toyGpu();
        const RuntimeClassProfile eager = profile(FusionPolicy::None, LaunchOverlap::Serial);
        const Totals t = evaluateTotals({&m, &hw, Precision::FP16, &eager}, 64);
        QCOMPARE(t.spilledBytes, 0.0);
        QCOMPARE(t.dramBytes, 4.0 * 64 * 256 * 64 * 2);
        // The kernel runs both GEMMs: its compute time is the attention policy's two layers' (score
        // MatMul with its softmax, then the context MatMul).
        const PreparedModel split = attention();
        const ScenarioResult one = evaluate({&m, &hw, Precision::FP16, &eager}, 64);
        const RuntimeClassProfile flash = profile(FusionPolicy::Attention, LaunchOverlap::Serial);
        const ScenarioResult two = evaluate({&split, &hw, Precision::FP16, &flash}, 64);
        QCOMPARE(one.layers.size(), std::size_t{1});
        QCOMPARE(two.layers.size(), std::size_t{2});
        QVERIFY(qFuzzyCompare(one.layers[0].compute_s, two.layers[0].compute_s + two.layers[1].compute_s));
        // Its output is the context, not the scores: 2 MiB at batch 64 does not fit the toy chip's
        // 1 MiB, so on its way to a Transpose part of it spills (marked on chip as flash attention's
        // scores are, it spilled nothing).
        GraphBuilder c("sdpa-then-copy");
        const int ctx = c.fusedAttention(c.input("q", {1, 256, 64}), c.input("kt", {1, 64, 256}),
                                         c.input("v", {1, 256, 64}));
        c.markOutput(c.transpose(ctx, {0, 2, 1}));
        const PreparedModel copied(c.take());
        QVERIFY(evaluateTotals({&copied, &hw, Precision::FP16, &eager}, 64).spilledBytes > 0);
        // BERT-base under attention=sdpa: per layer the three head transposes become views and the
        // three attention kernels one, 5 × 12 = 60 kernels fewer under eager.
        const PreparedModel unfused(ModelZoo::build("bert-base", {}));
        const PreparedModel sdpa(ModelZoo::build("bert-base", {{"attention", 1}}));
        QCOMPARE(unfused.fusedAs({FusionPolicy::None, EpiloguePolicy::None}).kernelLayerCount() -
                     sdpa.fusedAs({FusionPolicy::None, EpiloguePolicy::None}).kernelLayerCount(),
                 60);
        // The 32-layer llm: prefill as BERT (5 per layer, 160); a decode step reads K and V from the
        // cache, so only Q's transpose goes, with the two kernels: 3 per layer, 96.
        const auto fewer = [](const KnobValues& k) {
            KnobValues s = k;
            s["attention"] = 1;
            const PreparedModel a(ModelZoo::build("llm", k)), b(ModelZoo::build("llm", s));
            return a.fusedAs({FusionPolicy::None, EpiloguePolicy::None}).kernelLayerCount() -
                   b.fusedAs({FusionPolicy::None, EpiloguePolicy::None}).kernelLayerCount();
        };
        QCOMPARE(fewer({}), 160);
        QCOMPARE(fewer({{"phase", 1}}), 96);
    }

    void kernelEfficienciesScaleTheirOpClass() {
        // A 256×1024×1024 GEMM is compute-bound on the toy chip: 2·256·1024² FLOPs at 1.024 TFLOP/s
        // = 524.288 µs (1024 whole 16×16 tiles in 256 waves of 4 units), its 2 MiB of weights take
        // 210 µs. GEMM efficiency 0.5 doubles the compute time; so does K0 = K = 1024
        // (efficiency × K ÷ (K + K0) = ½).
        const PreparedModel m = oneGemm();
        const HardwarePreset hw = test::toyGpu();
        const RuntimeClassProfile ideal = Runtime::ideal().classes.at(ArchClass::Gpu);
        RuntimeClassProfile half = ideal, k0 = ideal;
        half.gemmEfficiency.value = 0.5;
        k0.gemmK0.value = 1024;
        const double base = evaluate({&m, &hw, Precision::FP16, &ideal}, 1).layers[0].compute_s;
        QVERIFY(qFuzzyCompare(base, 524.288e-6));
        QVERIFY(qFuzzyCompare(evaluate({&m, &hw, Precision::FP16, &half}, 1).layers[0].compute_s, 2 * base));
        QVERIFY(qFuzzyCompare(evaluate({&m, &hw, Precision::FP16, &k0}, 1).layers[0].compute_s, 2 * base));
        // No runtime given is the ideal one.
        QCOMPARE(evaluate({&m, &hw, Precision::FP16}, 1).totals.latency_s,
                 evaluate({&m, &hw, Precision::FP16, &ideal}, 1).totals.latency_s);
    }

    void simtGemmPaysAnEighthOfK0() {
        // The toy chip gets an fp32 rate equal to its vector units (0.256 TFLOP/s): its fp32 GEMMs
        // run on the SIMT cores, whose kernels step K by 8 where tensor-op kernels step by 64. The
        // same 256×1024×1024 GEMM with K0 = K = 1024: fp16 (tensor path) takes (1024 + 1024) ÷ 1024
        // = 2× its ideal time, fp32 (SIMT) (1024 + 1024 ÷ 8) ÷ 1024 = 1.125×.
        const PreparedModel m = oneGemm();
        HardwarePreset hw = toyGpuWithSimtFp32();
        const RuntimeClassProfile ideal = Runtime::ideal().classes.at(ArchClass::Gpu);
        RuntimeClassProfile k0 = ideal;
        k0.gemmK0.value = 1024;
        const auto compute = [&](Precision p, const RuntimeClassProfile& rt) {
            return evaluate({&m, &hw, p, &rt}, 1).layers[0].compute_s;
        };
        QVERIFY(qFuzzyCompare(compute(Precision::FP16, k0), 2 * compute(Precision::FP16, ideal)));
        QVERIFY(qFuzzyCompare(compute(Precision::FP32, k0), 1.125 * compute(Precision::FP32, ideal)));
        // 2·256·1024² FLOPs at 0.256 TFLOP/s: 2.097152 ms, four times the fp16 time.
        QVERIFY(qFuzzyCompare(compute(Precision::FP32, ideal), 2097.152e-6));
    }

    void simtGemmRunsAtTheVectorFraction() {
        // The toy chip's fp32 rate equals its vector units (SIMT path); fp16 has a faster matrix
        // path. With compute_fraction 0.5 and vector_compute_fraction 0.8, the fp32 GEMM of
        // 2·256·1024² FLOPs runs at 0.8 × 0.256 TFLOP/s: 2.097152 ms ÷ 0.8 = 2.62144 ms, and the fp16
        // one at 0.5 × 1.024 TFLOP/s: 0.524288 ms ÷ 0.5 = 1.048576 ms. Without the vector fraction
        // fp32 falls back to 0.5 (4.194304 ms).
        const PreparedModel m = oneGemm();
        HardwarePreset hw = toyGpuWithSimtFp32();
        hw.computeFraction = {0.5, "test"};
        const RuntimeClassProfile ideal = Runtime::ideal().classes.at(ArchClass::Gpu);
        const auto compute = [&](Precision p) {
            return evaluate({&m, &hw, p, &ideal}, 1).layers[0].compute_s;
        };
        QVERIFY(qFuzzyCompare(compute(Precision::FP32), 4194.304e-6));
        hw.vectorComputeFraction = {0.8, "test"};
        QVERIFY(hw.simtGemm(Precision::FP32) && !hw.simtGemm(Precision::FP16));
        QVERIFY(qFuzzyCompare(compute(Precision::FP32), 2621.44e-6));
        QVERIFY(qFuzzyCompare(compute(Precision::FP16), 1048.576e-6));
    }

    void winogradSpeedsUpThreeByThreeConvsOnTheSimtPath() {
        // Convolutions of 64 → 64 channels on a 16×16 map: 3×3 stride 1, the same + BatchNorm +
        // ReLU (one layer under the ideal runtime's fusion), 3×3 stride 2, 1×1, 3×3 dilated by 2
        // and 3×3 in two groups. With winograd_speedup 2 only the first two, in fp32 (the toy
        // chip's SIMT path), take half the matrix time: the first, with nothing else, half its
        // compute time. Their FLOPs stay the direct convolution's, 2·16·16·64·64·9 = 18,874,368
        // (+ the tails'); the arithmetic they do, which compute energy counts, is 18,874,368 ÷ 2
        // less. In fp16 (the matrix path: implicit GEMM) nothing changes, nor does any other conv.
        GraphBuilder b("convs");
        const int c0 = b.conv(b.input("x", {1, 64, 16, 16}), 64, 3, 1, 1);
        const int c1 = b.relu(b.batchNorm(b.conv(c0, 64, 3, 1, 1)));
        const int c2 = b.conv(b.conv(c1, 64, 3, 2, 1), 64, 1);
        b.markOutput(b.conv(b.conv(c2, 64, 3, 1, 2, 1, false, 2), 64, 3, 1, 1, 2));
        const PreparedModel m(b.take());
        const HardwarePreset hw = toyGpuWithSimtFp32();
        const RuntimeClassProfile direct = Runtime::ideal().classes.at(ArchClass::Gpu);
        RuntimeClassProfile wino = direct;
        wino.winogradSpeedup.value = 2;
        for (Precision p : {Precision::FP32, Precision::FP16}) {
            const ScenarioResult a = evaluate({&m, &hw, p, &direct}, 1), w = evaluate({&m, &hw, p, &wino}, 1);
            QCOMPARE(w.layers.size(), std::size_t{6});
            const double gain = p == Precision::FP32 ? 2.0 : 1.0, saved = 18874368.0 * (1 - 1 / gain);
            QCOMPARE(w.layers[0].flops, 18874368.0);
            QVERIFY(qFuzzyCompare(w.layers[0].compute_s * gain, a.layers[0].compute_s));
            const double pj = hw.pjPerFlop.at(p).value * 1e-12;
            for (int i : {0, 1}) {
                QCOMPARE(w.layers[i].flops, a.layers[i].flops);
                QCOMPARE(w.layers[i].arithmeticFlops, a.layers[i].flops - saved);
                QCOMPARE(a.layers[i].arithmeticFlops, a.layers[i].flops);
                const double energySaved = a.layers[i].energy_j - w.layers[i].energy_j;
                QVERIFY(std::abs(energySaved - saved * pj) <= 1e-9 * a.layers[i].energy_j);
            }
            QVERIFY(w.layers[1].flops > 18874368.0); // the tails' FLOPs, not divided
            QVERIFY(p == Precision::FP16 || w.layers[1].compute_s < a.layers[1].compute_s);
            for (int i : {2, 3, 4, 5}) {
                QVERIFY(qFuzzyCompare(w.layers[i].compute_s, a.layers[i].compute_s));
                QCOMPARE(w.layers[i].arithmeticFlops, w.layers[i].flops);
            }
        }
    }

    void widerWeightsAreCastEveryCall() {
        // fp32 master weights with fp16 arithmetic (PyTorch autocast): a cast kernel reads the
        // 1024×1024 weight at 4 B and writes a 2-byte copy, which the GEMM reads. Against fp16
        // weights (2 MiB read): 4 + 2 + 2 = 8 MiB, so 6 MiB more; one more kernel and call, so the
        // eager profile's host time grows by 2 + 10 µs; the copy stays in memory for the call,
        // beside the 4 MiB master: 6 MiB of weights against 2.
        GraphBuilder b("gemm");
        const int hidden = b.linear(b.input("x", {256, 1024}), 1024, false);
        b.markOutput(b.linear(hidden, 1024, false)); // the output layer: kept at fp16, not cast
        const PreparedModel m(b.take());
        const HardwarePreset hw = test::toyGpu();
        const RuntimeClassProfile eager = profile(FusionPolicy::None, LaunchOverlap::Serial);
        EvalInput plain{&m, &hw, Precision::FP16, &eager};
        EvalInput amp = plain;
        amp.quant.weights = Precision::FP32;
        const ScenarioResult a = evaluate(plain, 1), c = evaluate(amp, 1);
        QCOMPARE(m.quantizedParams(), std::int64_t{1024 * 1024});
        QCOMPARE(c.layers[0].dramBytes - a.layers[0].dramBytes, 6.0 * 1024 * 1024);
        QCOMPARE(c.layers[1].dramBytes, a.layers[1].dramBytes);
        QCOMPARE(c.totals.kernels, a.totals.kernels + 1);
        QVERIFY(qFuzzyCompare(c.layers[0].host_s - a.layers[0].host_s, 12e-6));
        QCOMPARE(deviceMemoryBytes(amp, 1) - deviceMemoryBytes(plain, 1), 4.0 * 1024 * 1024);
    }

    void expertWeightsReadAtTheSchemesWidth() {
        // An expert GEMM's weight traffic is the experts the batch reaches, at the scheme's width:
        // one token, top-1 of 4 experts of [64, 64] reaches one, 4096 elements: 8 KiB at fp16,
        // 16 KiB stored at fp32 (plus the cast's 2 × 8 KiB of copy), 2 KiB at int4 (per-channel
        // scales). Before experts' quantized elements were zeroed with their read elements, all
        // four experts were counted again (int4: negative bytes).
        GraphBuilder b("moe");
        const int h = b.linear(b.input("x", {1, 64}), 64, false);
        b.markOutput(b.linear(b.expertGemm(h, 4, 1, 1.0, 64), 64, false));
        const PreparedModel m(b.take());
        const HardwarePreset hw = test::toyGpu();
        const auto expertLayer = [&](std::optional<Precision> weights) {
            EvalInput in{&m, &hw, Precision::FP16};
            in.quant.weights = weights;
            return evaluate(in, 1).layers[1];
        };
        QCOMPARE(expertLayer(std::nullopt).weightBytes, 8192.0);
        QCOMPARE(expertLayer(Precision::FP32).weightBytes, 16384.0);
        QCOMPARE(expertLayer(Precision::FP32).dramBytes - expertLayer(std::nullopt).dramBytes,
                 8192.0 + 16384.0);
        QCOMPARE(expertLayer(Precision::INT4).weightBytes, 2048.0);
    }

    void invalidProfileNamesEveryFileAndField() {
        const std::string text = R"({
          "schema": "batchscope-runtime/1", "id": "bad", "name": "Bad", "version": "1", "speed": 3,
          "classes": {
            "gpu": {
              "fusion": {"value": "magic", "source": "s"},
              "epilogue": {"value": "bn", "source": "s"},
              "launch_overlap": {"value": "async", "source": "s"},
              "kv_update": {"value": "append", "source": "s"},
              "launch_us": {"value": -1, "source": "s"},
              "host_us_per_op": {"value": 10},
              "per_inference_us": {"value": 5, "source": "s"},
              "gemm_efficiency": {"value": 1.5, "source": "s"},
              "gemm_k0": {"value": 64, "source": "s"},
              "depthwise_efficiency": {"value": 0.3, "source": "s"},
              "elementwise_bandwidth": {"value": "0.8", "source": "s"},
              "winograd_speedup": {"value": 0.5, "source": "s"}
            },
            "cpu": {"fusion": {}, "winograd_speedup": {"value": 5, "source": "s"}},
            "fpga": {}
          }
        })";
        const RuntimeLoadResult r = parseRuntime(text, "bad.json");
        QVERIFY(!r.runtime);
        QStringList lines;
        for (const PresetIssue& i : r.issues)
            lines << QString::fromStdString(i.str());
        const QString all = lines.join(QLatin1Char('\n'));
        for (const char* want :
             {"bad.json: speed: unknown field", "bad.json: classes.fpga: unknown field",
              "bad.json: classes.gpu.fusion.value: must be one of none, elementwise, attention, block",
              "bad.json: classes.gpu.epilogue.value: must be one of all, bias_activation, none",
              "bad.json: classes.cpu.epilogue: missing",
              "bad.json: classes.gpu.kv_update.value: must be one of in_place, concat",
              "bad.json: classes.cpu.kv_update: missing",
              "bad.json: classes.gpu.launch_us.value: must be ≥ 0 (got -1)",
              "bad.json: classes.gpu.host_us_per_op.source: missing",
              "bad.json: classes.gpu.gemm_efficiency.value: must be ≤ 1 (got 1.5)",
              "bad.json: classes.gpu.elementwise_bandwidth.value: must be a number",
              "bad.json: classes.gpu.attention_efficiency: missing",
              "bad.json: classes.gpu.winograd_speedup.value: must be ≥ 1 (got 0.5)",
              "bad.json: classes.cpu.winograd_speedup.value: must be ≤ 4 (got 5)",
              "bad.json: classes.cpu.fusion.value: must be one of",
              "bad.json: classes.cpu.fusion.source: missing"})
            QVERIFY2(all.contains(QString::fromUtf8(want)),
                     qPrintable(QString::fromUtf8(want) + QStringLiteral("\nin:\n") + all));
        QVERIFY(!parseRuntime("{", "x.json").runtime);
        QVERIFY(QString::fromStdString(parseRuntime("[1]", "x.json").issues.at(0).str())
                    .startsWith(QStringLiteral("x.json: top level must be a JSON object")));
    }

    void shippedProfilesLoad() {
        RuntimeLibrary lib;
        lib.loadDirectory(RuntimeLibrary::shippedRuntimeDir());
        QVERIFY2(lib.issues().empty(), lib.issues().empty() ? "" : lib.issues().front().str().c_str());
        for (const char* id : {"ideal", "tensorrt", "pytorch-eager", "pytorch-cudagraph", "pytorch-compiled",
                               "onnxruntime", "tensorflow", "xla", "openvino"})
            QVERIFY2(lib.find(id), id);
        // CUDA-graph replay runs eager's kernels (same fusion and efficiencies) with one launch per
        // call: what graphs buy is exactly the host time, nothing else.
        const RuntimeClassProfile& eager = *lib.find("pytorch-eager")->forClass(ArchClass::Gpu);
        const RuntimeClassProfile& graph = *lib.find("pytorch-cudagraph")->forClass(ArchClass::Gpu);
        QCOMPARE(graph.fusion, eager.fusion);
        QCOMPARE(graph.overlap, LaunchOverlap::Graph);
        QCOMPARE(graph.launchUs.value + graph.hostUsPerOp.value, 0.0);
        for (const auto& [e, g] :
             {std::pair{eager.gemmEfficiency, graph.gemmEfficiency}, std::pair{eager.gemmK0, graph.gemmK0},
              std::pair{eager.depthwiseEfficiency, graph.depthwiseEfficiency},
              std::pair{eager.elementwiseBandwidth, graph.elementwiseBandwidth},
              std::pair{eager.attentionEfficiency, graph.attentionEfficiency},
              std::pair{eager.winogradSpeedup, graph.winogradSpeedup}})
            QCOMPARE(g.value, e.value);
        QVERIFY(lib.find("onnxruntime")->forClass(ArchClass::Gpu) &&
                lib.find("onnxruntime")->forClass(ArchClass::Cpu));
        QVERIFY(lib.find("xla")->forClass(ArchClass::Systolic));
        QVERIFY(!lib.find("openvino")->forClass(ArchClass::Gpu));
    }

    void scenarioCarriesItsRuntime() {
        const PresetLibrary lib = PresetLibrary::shipped();
        HardwarePreset hw;
        const Scenario s =
            resolveScenario(scenarioFieldsFromText("model=resnet50,hardware=t4,runtime=tensorrt"), lib, &hw);
        QCOMPARE(s.runtimeId, QStringLiteral("tensorrt"));
        QVERIFY(s.label(&hw).endsWith(QStringLiteral(" · NVIDIA TensorRT")));
        const Scenario back = scenarioFromJson(scenarioToJson(s), JsonFieldReader(QStringLiteral("s.json")),
                                               QStringLiteral("scenarios[0]"));
        QCOMPARE(back.runtimeId, s.runtimeId);
        QJsonObject old = scenarioToJson(s);
        old.remove(QStringLiteral("runtime")); // a session saved before runtimes
        QCOMPARE(
            scenarioFromJson(old, JsonFieldReader(QStringLiteral("s.json")), QStringLiteral("x")).runtimeId,
            QStringLiteral("ideal"));
        try {
            resolveScenario(scenarioFieldsFromText("model=resnet50,hardware=t4,runtime=openvino"), lib, &hw);
            QFAIL("openvino ran on a GPU");
        } catch (const EngineError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("has no profile for gpu chips")),
                     e.what());
        }
        Scenario unknown = s;
        unknown.runtimeId = QStringLiteral("vllm");
        QVERIFY(hardwareProblem(unknown, &hw).contains(QStringLiteral("unknown runtime 'vllm'")));
    }
};

QTEST_GUILESS_MAIN(TstRuntime)
#include "tst_runtime.moc"
