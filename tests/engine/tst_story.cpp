// The story line: each scenario's limiter is the one the rules in Story.h pick from the engine's
// numbers, and the words carry those numbers.
#include "eval/Story.h"
#include "eval/Sweep.h"
#include "hardware/PresetLoader.h"
#include "zoo/ModelZoo.h"

#include <QtTest>
#include <algorithm>
#include <memory>

using namespace bs;

namespace {

struct Told {
    std::vector<SweepPoint> sweep;
    ScenarioResult current;
    Story story;
};

} // namespace

class TestStory : public QObject {
    Q_OBJECT
    PresetLibrary lib_;
    std::vector<std::unique_ptr<PreparedModel>> models_;

    Told tell(const std::string& modelId, const KnobValues& knobs, const std::string& hwId, Precision p,
              int batch, const std::string& grid = "1..1024*2", std::optional<double> budget_s = {}) {
        const HardwarePreset* hw = lib_.find(hwId);
        if (!hw) qFatal("no preset %s", hwId.c_str());
        models_.push_back(std::make_unique<PreparedModel>(ModelZoo::build(modelId, knobs)));
        const EvalInput s{models_.back().get(), hw, p};
        Told t;
        t.sweep = sweepBatches(s, parseBatchList(grid));
        t.current = evaluate(s, batch);
        std::optional<int> rec;
        for (const Recommendation& r : recommend(t.sweep, budget_s))
            if (r.what == (budget_s ? "latency budget" : "max throughput")) rec = r.batch;
        t.story = tellStory({s.model, hw, p, &t.sweep, &t.current, budget_s, rec, {}});
        qInfo().noquote() << QString::fromStdString(t.story.text());
        return t;
    }

    // The class a limiter belongs to, for the rule "the primary limiter is the dominant class".
    static char classOf(Limiter l) {
        switch (l) {
        case Limiter::Dispatch:
        case Limiter::HostOverhead:
            return 'o';
        case Limiter::OnChipBandwidth:
        case Limiter::Spill:
        case Limiter::Weights:
        case Limiter::OtherTraffic:
            return 'm';
        case Limiter::ComputePeak:
        case Limiter::WaveQuantization:
        case Limiter::Padding:
            return 'c';
        case Limiter::PowerLimit:
            return 'p';
        default:
            return '?';
        }
    }
    static char dominantClass(const Totals& t) {
        const double most = std::max({t.compute_s, t.memory_s, t.power_s, t.overhead_s});
        if (t.compute_s == most) return 'c';
        if (t.memory_s == most) return 'm';
        return t.power_s == most ? 'p' : 'o';
    }
    static QString pct(double f) {
        return QString::number(f * 100, 'f', f < 0.1 ? 1 : 0) + QStringLiteral(" %");
    }
    static bool has(const std::string& text, const QString& what) {
        const bool ok = QString::fromStdString(text).contains(what);
        if (!ok) qWarning().noquote() << "missing" << what << "in" << QString::fromStdString(text);
        return ok;
    }

  private slots:
    void initTestCase() { lib_ = PresetLibrary::shipped(); }

    void emptyInputGivesEmptyStory() {
        const Story s = tellStory({});
        QVERIFY(s.headline.empty() && s.regime.empty() && s.limiter.empty() && s.text().empty());
        QCOMPARE(s.primary, Limiter::None);
    }

    // ResNet-50 on an H100: launch overhead at batch 1, the chip's compute at 24, spilled
    // activations from 32 on (its 50 MiB L2 no longer holds the live set).
    void resnet50OnH100() {
        const Told b1 = tell("resnet50", {}, "h100-sxm", Precision::BF16, 1);
        QCOMPARE(b1.story.primary, Limiter::Dispatch);
        double dispatch = 0;
        int kernels = 0;
        for (const LayerPlacement& p : b1.current.layers)
            if (p.overhead_s > 0) dispatch += p.overhead_s, ++kernels;
        QCOMPARE(kernels, models_.back()->kernelLayerCount());
        QVERIFY(has(b1.story.limiter, QString::number(kernels) + QStringLiteral(" kernels × 5 µs = ") +
                                          pct(dispatch / b1.current.totals.latency_s) +
                                          QStringLiteral(" of latency")));
        QVERIFY(has(b1.story.headline,
                    QStringLiteral("batch 1: ") +
                        QLocale(QLocale::English).toString(qRound64(b1.current.totals.throughput_per_s)) +
                        QStringLiteral(" inf/s at ")));
        QCOMPARE(dominantClass(b1.sweep.front().totals), 'o');
        QVERIFY(has(b1.story.regime, QStringLiteral("Overhead-bound at batch 1–")));

        // Between the host-bound small batches and the spilling large ones, a narrow compute-bound
        // window (batch 20-24 at compute fraction 0.9; docs/MODEL.md §8 for why it is 0.9), where the
        // convolutions reach less than 80 % of the achievable rate: padding and partial waves.
        const Told b24 = tell("resnet50", {}, "h100-sxm", Precision::BF16, 24);
        QCOMPARE(b24.story.primary, Limiter::Padding);
        QCOMPARE(b24.story.secondary, Limiter::Spill);
        const Told b32 = tell("resnet50", {}, "h100-sxm", Precision::BF16, 32);
        QCOMPARE(b32.story.primary, Limiter::Spill);

        const Told b256 = tell("resnet50", {}, "h100-sxm", Precision::BF16, 256);
        const Totals& t = b256.current.totals;
        QCOMPARE(b256.story.primary, Limiter::Spill);
        QVERIFY(t.spilledBytes > 0.9 * t.dramBytes);
        QVERIFY(has(b256.story.limiter, QStringLiteral("spill: ") +
                                            QString::number(t.spilledBytes / 1e9, 'f', 1) +
                                            QStringLiteral(" GB of activations to DRAM in ") +
                                            QString::number(t.layersSpilling) + QStringLiteral(" layers")));
        QVERIFY(has(b256.story.headline, QStringLiteral("recommended batch")));
    }

    // On a CPU: DistilBERT is compute-bound from batch 4 and its throughput falls once the
    // activations outgrow the LLC; a small MLP at batch 1 is a GEMV per layer (no padded register
    // tiles: the skinny kernel vectorises along N), so it streams its 4 MB of fp32 weights per layer
    // from DRAM: weight-bound, where batch 1024 is compute-bound.
    void cpuPresets() {
        const Told d16 = tell("distilbert", {}, "xeon-8490h", Precision::BF16, 16);
        QCOMPARE(d16.story.primary, Limiter::ComputePeak);
        QCOMPARE(d16.story.secondary, Limiter::None);
        QVERIFY(has(d16.story.regime, QStringLiteral(", compute-bound from 4")));
        QVERIFY(has(d16.story.regime, QStringLiteral("falling to")));
        const Told d512 = tell("distilbert", {}, "xeon-8490h", Precision::BF16, 512);
        QCOMPARE(d512.story.primary, Limiter::ComputePeak);
        QCOMPARE(d512.story.secondary, Limiter::Spill);

        const Told m1 = tell("mlp", {}, "xeon-8490h", Precision::FP32, 1);
        QCOMPARE(m1.story.primary, Limiter::Weights);
        const Told m1024 = tell("mlp", {}, "xeon-8490h", Precision::FP32, 1024);
        QCOMPARE(m1024.story.primary, Limiter::ComputePeak);
        QVERIFY(m1024.current.totals.utilization > 10 * m1.current.totals.utilization);
    }

    // A decoding LLM on a 16 GiB T4: weights bound it at batch 1, the KV cache runs out of memory
    // from batch 4.
    void llmDoesNotFitOnT4() {
        const Told b1 = tell("llm", {{"phase", 1}}, "t4", Precision::FP16, 1, "1..512*2");
        QVERIFY(b1.current.totals.fitsMemory);
        QCOMPARE(b1.story.primary, Limiter::Weights);
        int largest = 0, firstOut = 0;
        for (const SweepPoint& p : b1.sweep) {
            if (p.totals.fitsMemory) largest = p.totals.batch;
            if (!p.totals.fitsMemory && !firstOut) firstOut = p.totals.batch;
        }
        QCOMPARE(largest, 2);
        QVERIFY(has(b1.story.regime,
                    QStringLiteral("does not fit in 16 GiB from batch ") + QString::number(firstOut)));

        const Told b16 = tell("llm", {{"phase", 1}}, "t4", Precision::FP16, 16, "1..512*2");
        QVERIFY(!b16.current.totals.fitsMemory);
        QCOMPARE(b16.story.primary, Limiter::NotFitting);
        QVERIFY(has(b16.story.limiter,
                    QStringLiteral("largest batch of the grid that fits: ") + QString::number(largest)));
        QVERIFY(has(b16.story.limiter, QStringLiteral("KV cache")));
    }

    // An LLM speaks in tokens: throughput in tokens/s, a decode step's latency per token, energy
    // per token, the KV cache and the largest batch that fits (memory is linear in the batch).
    void llmSpeaksInTokens() {
        const Told d = tell("llm", {{"phase", 1}}, "h100-sxm", Precision::BF16, 32, "1..512*2");
        const Totals& t = d.current.totals;
        const HardwarePreset* hw = lib_.find("h100-sxm");
        const EvalInput in{models_.back().get(), hw, Precision::BF16};
        const auto largest = largestFittingBatch(in);
        QVERIFY(largest && *largest > 32);
        QVERIFY(deviceMemoryBytes(in, static_cast<double>(*largest)) <= hw->dramCapacityBytes());
        QVERIFY(deviceMemoryBytes(in, static_cast<double>(*largest + 1)) > hw->dramCapacityBytes());
        QCOMPARE(deviceMemoryBytes(in, 32), t.peakMemoryBytes);
        QVERIFY(has(d.story.headline, QStringLiteral(" tokens/s at ")));
        QVERIFY(has(d.story.headline, QStringLiteral(" per token, ")));
        QVERIFY(has(d.story.headline, QStringLiteral(" W (KV cache ")));
        QVERIFY(has(d.story.headline, QStringLiteral("fits up to batch %1)").arg(*largest)));
        QVERIFY(!QString::fromStdString(d.story.text()).contains(QStringLiteral("inf")));

        // Prefill: tokens/s counts the prompt's tokens; the latency is the time to the first token.
        const Told p = tell("llm", {{"phase", 0}, {"seq", 512}}, "h100-sxm", Precision::BF16, 4, "1..64*2");
        const double tokensPerS = p.current.totals.throughput_per_s * 512;
        QVERIFY(has(p.story.headline, QLocale(QLocale::English, QLocale::UnitedStates)
                                              .toString(static_cast<qlonglong>(std::round(tokensPerS))) +
                                          QStringLiteral(" tokens/s, ")));
        QVERIFY(has(p.story.headline, QStringLiteral(" to the first token (prompts of 512 tokens)")));
        // An image model keeps its words.
        const Told r = tell("resnet50", {}, "h100-sxm", Precision::BF16, 8);
        QVERIFY(has(r.story.headline, QStringLiteral(" inf/s at ")));
        QVERIFY(has(r.story.headline, QStringLiteral("/inference")));
    }

    // Seed 004: at 1920×1088 YOLOv3's activations spill on the edge chip at every batch and
    // throughput is best at batch 1; at 416² on a KPU with 16 MiB on chip the tiles compute.
    void megapixelSpill() {
        const Told mp = tell("yolov3", {{"width", 1920}, {"height", 1088}}, "megapixel-edge", Precision::INT8,
                             4, "1..16*2");
        QCOMPARE(mp.story.primary, Limiter::Spill);
        QVERIFY(has(mp.story.regime, QStringLiteral("Memory-bound at every batch (1–16)")));
        QVERIFY(has(mp.story.regime, QStringLiteral(" at batch 1) from batch 1, falling to")));
        QVERIFY(!QString::fromStdString(mp.story.limiter).contains(QStringLiteral("no spill up to")));

        const Told kpu = tell("yolov3", {}, "kpu-t256", Precision::INT8, 16, "1..64*2");
        QCOMPARE(kpu.story.primary, Limiter::ComputePeak);
    }

    void waveQuantizationOnT4() {
        const Told d = tell("distilbert", {}, "t4", Precision::FP16, 2);
        QCOMPARE(d.story.primary, Limiter::WaveQuantization);
        QCOMPARE(d.story.secondary, Limiter::Dispatch);
        QVERIFY(has(d.story.limiter, QStringLiteral(" of 40 SMs busy")));
    }

    void onChipBandwidthOnL4() {
        const Told m = tell("mobilenet_v2", {}, "l4", Precision::FP16, 16);
        QCOMPARE(m.story.primary, Limiter::OnChipBandwidth);
        QVERIFY(has(m.story.limiter, QStringLiteral("bound by the L2 level")));
    }

    // Mixture of experts on the 4 MiB-L2 Jetson: each expert's down projection (7.3 MB of tokens
    // per expert at batch 16 against 117 MB of weights) does not fit on chip with its weights, so
    // the weights are re-streamed: traffic that is neither weights read once nor spill, second to
    // the compute. (The T4 case used here before was mostly attention MatMuls re-streamed as one
    // whole-batch GEMM: a modelling error, now per group.)
    void restreamedOperands() {
        const Told m = tell("moe", {}, "jetson-orin-agx", Precision::FP16, 16);
        QCOMPARE(m.story.primary, Limiter::ComputePeak);
        QCOMPARE(m.story.secondary, Limiter::OtherTraffic);
        QVERIFY(has(m.story.limiter, QStringLiteral("re-streamed operands")));
    }

    void budgetAndRecommendation() {
        const Told in = tell("mobilenet_v2", {}, "tpu-v4", Precision::BF16, 8, "1..1024*2", 0.002);
        QVERIFY(has(in.story.headline, QStringLiteral(", within the 2 ms budget; recommended batch ")));
        const Told over = tell("mobilenet_v2", {}, "tpu-v4", Precision::BF16, 512, "1..1024*2", 0.002);
        QVERIFY(has(over.story.headline, QStringLiteral(", over the 2 ms budget")));
    }

    // Over many scenarios: the primary limiter belongs to the class with the most time (or is the
    // memory capacity), a secondary one holds at least a quarter of the latency, and the words carry
    // no NaN or infinity.
    void limiterFollowsTheTimeSplit() {
        int checked = 0;
        for (const char* id : {"resnet18", "mobilenet_v2", "mlp", "distilbert", "moe"}) {
            const PreparedModel pm(ModelZoo::build(id, {}));
            for (const HardwarePreset& hw : lib_.presets())
                for (int b : {1, 4, 16, 64, 256}) {
                    const Precision p = hw.defaultPrecision;
                    const ScenarioResult r = evaluate({&pm, &hw, p}, b);
                    const Story st = tellStory({&pm, &hw, p, nullptr, &r, {}, {}, {}});
                    const Totals& t = r.totals;
                    const QByteArray where =
                        QByteArray(id) + " " + hw.id.c_str() + " " + QByteArray::number(b);
                    QVERIFY2(!st.limiter.empty() && !st.headline.empty(), where.constData());
                    for (const char* bad : {"nan", "inf ", "-nan"})
                        QVERIFY2(st.text().find(bad) == std::string::npos, where.constData());
                    if (!t.fitsMemory) {
                        QCOMPARE(st.primary, Limiter::NotFitting);
                        continue;
                    }
                    QVERIFY2(classOf(st.primary) == dominantClass(t), where.constData());
                    if (st.secondary != Limiter::None) {
                        const char c = classOf(st.secondary);
                        const double share = c == 'c'   ? t.compute_s
                                             : c == 'm' ? t.memory_s
                                             : c == 'p' ? t.power_s
                                                        : t.overhead_s;
                        QVERIFY2(c != classOf(st.primary) && share >= 0.25 * t.latency_s, where.constData());
                    }
                    ++checked;
                }
        }
        QVERIFY(checked > 300);
    }
};

QTEST_GUILESS_MAIN(TestStory)
#include "tst_story.moc"
