// Properties that must hold for every shipped preset × zoo model × batch 1..256 at the preset's
// default precision (and at every precision it supports, on a few batches); batched MatMuls are
// re-streamed per group, so prefill throughput does not fall with batch.
#include "TestSupport.h"
#include "base/EngineError.h"
#include "eval/Evaluator.h"
#include "graph/GraphBuilder.h"
#include "hardware/PresetLoader.h"
#include "zoo/ModelZoo.h"

#include <QtTest>
#include <memory>

using namespace bs;

class TestInvariants : public QObject {
    Q_OBJECT

    PresetLibrary lib_;
    std::vector<std::unique_ptr<PreparedModel>> models_;

    static void checkResult(const ScenarioResult& r, const HardwarePreset& hw, Precision prec,
                            const QString& where) {
        const Totals& t = r.totals;
        const double peak = hw.peakFlops(prec);
        const double bw = hw.dramBytesPerS();
        QVERIFY2(t.utilization > 0 && t.utilization <= 1 + 1e-12,
                 qPrintable(where + QStringLiteral(" utilization")));
        QVERIFY2(t.latency_s >= std::max(t.flops / peak, t.dramBytes / bw) * (1 - 1e-12),
                 qPrintable(where + QStringLiteral(" latency below roofline")));
        const EnergyBreakdown& e = t.energyPerInference;
        QVERIFY2(e.total() > 0 && e.static_j >= 0 && e.compute_j > 0 && e.dram_j > 0 && e.sram_j >= 0,
                 qPrintable(where + QStringLiteral(" energy parts")));
        double layerDynamic = 0, layerLatency = 0;
        for (const LayerPlacement& p : r.layers) {
            layerDynamic += p.energy_j;
            layerLatency += p.latency_s;
            QVERIFY2(p.unitsAllocated <= p.unitsTotal, qPrintable(where + QStringLiteral(" units > total")));
            if (p.flops > 0)
                QVERIFY2(p.unitsAllocated > 0,
                         qPrintable(where + QStringLiteral(" layer with FLOPs on 0 units")));
            QVERIFY2(p.latency_s >= std::max(p.flops / peak, p.dramBytes / bw) * (1 - 1e-12),
                     qPrintable(where + QStringLiteral(" layer below roofline")));
        }
        const double dyn = t.energy.compute_j + t.energy.dram_j + t.energy.sram_j;
        QVERIFY2(std::abs(layerDynamic - dyn) <= 1e-9 * dyn,
                 qPrintable(where + QStringLiteral(" energy sum")));
        QVERIFY2(std::abs(e.total() * t.batch - t.energy.total()) <= 1e-9 * t.energy.total(),
                 qPrintable(where + QStringLiteral(" per-inference energy")));
        QVERIFY2(std::abs(layerLatency - t.latency_s) <= 1e-9 * t.latency_s,
                 qPrintable(where + QStringLiteral(" latency sum")));
    }

  private slots:
    void initTestCase() {
        lib_ = PresetLibrary::shipped();
        QVERIFY(lib_.presets().size() >= 9);
        // The built-in builders, and one shipped config (tied embeddings, GQA): the other configs
        // are the same decoder builder at sizes that would make this sweep take minutes.
        for (const ModelDescriptor& d : ModelZoo::models())
            if (d.builtIn() || d.id == "llama-3.2-1b")
                models_.push_back(std::make_unique<PreparedModel>(ModelZoo::build(d.id)));
    }

    void everyPresetModelBatch() {
        int evaluations = 0;
        for (const HardwarePreset& hw : lib_.presets())
            for (const auto& m : models_) {
                const Precision prec = hw.defaultPrecision;
                for (int b = 1; b <= 256; ++b) {
                    const QString where =
                        QString::fromStdString(hw.id + " × " + m->graph().name + " @" + std::to_string(b));
                    checkResult(evaluate({m.get(), &hw, prec}, b), hw, prec, where);
                    if (QTest::currentTestFailed()) return;
                    ++evaluations;
                }
            }
        QVERIFY(evaluations >= 9 * 10 * 256);
    }

    void everySupportedPrecision() {
        for (const HardwarePreset& hw : lib_.presets())
            for (const auto& [prec, _] : hw.peakTflops)
                for (const auto& m : models_)
                    for (int b : {1, 7, 64}) {
                        const QString where = QString::fromStdString(
                            hw.id + " " + std::string(precisionName(prec)) + " × " + m->graph().name);
                        checkResult(evaluate({m.get(), &hw, prec}, b), hw, prec, where);
                        if (QTest::currentTestFailed()) return;
                    }
    }

    void batchingNeverReducesWorkPerSample() {
        // FLOPs and weight bytes per batch: FLOPs scale with batch, weights do not.
        const HardwarePreset* hw = lib_.find("h100-sxm");
        QVERIFY(hw);
        const Totals a = evaluateTotals({models_[1].get(), hw, Precision::BF16}, 1);
        const Totals b = evaluateTotals({models_[1].get(), hw, Precision::BF16}, 64);
        QVERIFY(std::abs(b.flops / a.flops - 64) < 1e-9);
        QVERIFY(std::abs(b.weightBytes - a.weightBytes) < 1e-6);
        QVERIFY(b.throughput_per_s > a.throughput_per_s);
    }

    void batchedMatMulFitsPerGroup() {
        // Q·Kᵀ of [B, 256, 64] × [B, 64, 256] on the toy chip (1 MiB on chip): each of the B groups
        // needs 32 + 32 KiB in and 128 KiB out at fp16 = 192 KiB, so no group is re-streamed at any
        // batch, and the layer's on-chip traffic is exactly B × batch 1's. (Treated as one GEMM,
        // batch 64's 4 MiB of inputs would re-read Q three times: 6 MiB more.)
        GraphBuilder b("qk");
        b.markOutput(b.matmul(b.input("q", {1, 256, 64}), b.input("kt", {1, 64, 256})));
        const PreparedModel m(b.take());
        const HardwarePreset hw = test::toyGpu();
        const double one = evaluate({&m, &hw, Precision::FP16}, 1).layers[0].sramBytes;
        QCOMPARE(one, (32.0 + 32 + 128) * 1024);
        QCOMPARE(evaluate({&m, &hw, Precision::FP16}, 64).layers[0].sramBytes, 64 * one);
    }

    void prefillThroughputDoesNotFallWithBatch() {
        // Llama-2-7B shape, seq 512, H100 SXM bf16, everything fits in 80 GB up to batch 128: a
        // compute-bound prefill keeps its throughput as the batch grows (it fell from 100 to 73
        // sequences/s when batched attention MatMuls were re-streamed as one GEMM).
        const HardwarePreset* hw = lib_.find("h100-sxm");
        QVERIFY(hw);
        const PreparedModel llama(ModelZoo::build("llm", {{"layers", 32},
                                                          {"hidden", 4096},
                                                          {"heads", 32},
                                                          {"kv_heads", 32},
                                                          {"ffn", 11008},
                                                          {"vocab", 32000},
                                                          {"phase", 0},
                                                          {"seq", 512}}));
        double previous = 0;
        for (int batch : {4, 16, 64, 128}) {
            const Totals t = evaluateTotals({&llama, hw, Precision::BF16}, batch);
            QVERIFY(t.fitsMemory);
            QVERIFY2(t.throughput_per_s >= previous * 0.99,
                     qPrintable(QStringLiteral("batch %1: %2 sequences/s after %3")
                                    .arg(batch)
                                    .arg(t.throughput_per_s)
                                    .arg(previous)));
            previous = t.throughput_per_s;
        }
    }
};

QTEST_APPLESS_MAIN(TestInvariants)
#include "tst_invariants.moc"
