// Design-space sweeps (docs/MODEL.md §20): field paths and values refused with the preset
// validation's message, the design points' product, peaks that follow units and clock, a DRAM
// bandwidth sweep whose memory time falls exactly as 1 / bandwidth, and the objectives' batches.
#include "TestSupport.h"
#include "base/EngineError.h"
#include "explore/DesignSpace.h"
#include "hardware/PresetLoader.h"
#include "hardware/PresetSchema.h"
#include "zoo/ModelZoo.h"

#include <QFile>
#include <QJsonDocument>
#include <QtTest>
#include <limits>

using namespace bs;

namespace {

const PresetLibrary& shipped() {
    static const PresetLibrary lib = PresetLibrary::shipped(); // by value: keep it alive
    return lib;
}

QJsonObject shippedJson(const char* id) {
    const HardwarePreset* hw = shipped().find(id);
    QFile f(QString::fromStdString(hw->file));
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

std::string messageOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const EngineError& e) {
        return e.what();
    }
    return "";
}

} // namespace

class TstExplore : public QObject {
    Q_OBJECT
  private slots:
    void axesAndTheirRefusals() {
        const DesignAxis a = parseDesignAxis("memory.onchip.capacity_mib=8,16.5,32");
        QCOMPARE(a.path, std::string("memory.onchip.capacity_mib"));
        QCOMPARE(a.values, (std::vector<double>{8, 16.5, 32}));
        QCOMPARE(parseDesignAxis("compute_units=16..128*2").values, (std::vector<double>{16, 32, 64, 128}));
        QCOMPARE(parseDesignAxis("peak_tflops.bf16=100").path, std::string("peak_tflops.bf16"));
        // Not a number field: a typo, a text field, a whole per-precision map.
        for (const char* bad : {"memory.dram.bandwidth=1", "name=1", "peak_tflops=1"}) {
            const std::string m = messageOf([&] { parseDesignAxis(bad); });
            QVERIFY2(m.find("not a number field of the preset format") != std::string::npos, m.c_str());
        }
        QVERIFY(messageOf([] { parseDesignAxis("clock_ghz=1,fast"); }).find("'fast' is not a number") !=
                std::string::npos);
        // A value the preset validation refuses: its line, naming the field.
        const QJsonObject h100 = shippedJson("h100-sxm");
        const std::string m = messageOf([&] {
            variedPreset(h100, {parseDesignAxis("memory.dram.bandwidth_gb_s=1")}, {-5}, "h100-sxm.json");
        });
        QCOMPARE(m, std::string("--vary memory.dram.bandwidth_gb_s=-5: h100-sxm.json: "
                                "memory.dram.bandwidth_gb_s.value: must be > 0 (got -5)"));
    }

    void designPointsAreTheProduct() {
        const auto pts = designPoints({{"a", {1, 2}}, {"b", {10, 20, 30}}});
        QCOMPARE(pts.size(), std::size_t{6});
        QCOMPARE(pts[0], (std::vector<double>{1, 10}));
        QCOMPARE(pts[5], (std::vector<double>{2, 30}));
    }

    void peaksFollowUnitsAndClock() {
        const QJsonObject h100 = shippedJson("h100-sxm");
        const HardwarePreset base = *shipped().find("h100-sxm");
        const HardwarePreset half =
            variedPreset(h100, {{"compute_units", {66}}, {"clock_ghz", {0.915}}}, {66, 0.915}, "x.json");
        QCOMPARE(half.units(), 66.0);
        QVERIFY(qFuzzyCompare(half.peakFlops(Precision::BF16), base.peakFlops(Precision::BF16) / 4));
        QCOMPARE(half.derivedFrom, std::string("h100-sxm"));
        QVERIFY(half.id.rfind("h100-sxm-compute-units-66-clock-ghz-0-915", 0) == 0);
    }

    void memoryTimeFallsAsOneOverBandwidth() {
        // A decode step at batch 1: the weights stream from DRAM. Every layer bound by DRAM at all
        // three bandwidths spends exactly bytes ÷ bandwidth.
        const QJsonObject h100 = shippedJson("h100-sxm");
        const PreparedModel m(ModelZoo::build("llm", {{"layers", 2}, {"phase", 1}, {"context", 512}}));
        const DesignAxis bw = parseDesignAxis("memory.dram.bandwidth_gb_s=1000,2000,4000");
        std::vector<std::vector<double>> times;
        std::vector<std::vector<bool>> onDram;
        for (double v : bw.values) {
            const HardwarePreset hw = variedPreset(h100, {bw}, {v}, "h100.json");
            const ScenarioResult r = evaluate({&m, &hw, Precision::BF16}, 1);
            times.emplace_back();
            onDram.emplace_back();
            for (const LayerPlacement& p : r.layers) {
                times.back().push_back(p.memory_s * v);
                onDram.back().push_back(p.dramBytes > 0 && !p.memoryBoundOnChip);
            }
        }
        int checked = 0;
        for (std::size_t i = 0; i < times[0].size(); ++i) {
            if (!(onDram[0][i] && onDram[1][i] && onDram[2][i])) continue;
            ++checked;
            QVERIFY(qFuzzyCompare(times[0][i], times[1][i]));
            QVERIFY(qFuzzyCompare(times[0][i], times[2][i]));
        }
        QVERIFY(checked > 10);
    }

    void seed004MegapixelSram() {
        // Seed 004: at 2 megapixels YOLOv3's activations, not its weights, fill the on-chip SRAM, so
        // batching stops paying. On the megapixel accelerator (16 MiB) batch 1 out-runs batch 8 by
        // 21 %; batch 8 first beats batch 1 at 1,359 MiB, and even at 4 GiB gains under 1 %.
        // ResNet-50 at 224² on the same chip: batch 8 is 2.7× batch 1 (docs/SEED004.md).
        const QJsonObject chip = shippedJson("megapixel-edge");
        const PreparedModel yolo(ModelZoo::build("yolov3", {{"height", 1088}, {"width", 1920}}));
        const DesignAxis sram = parseDesignAxis("memory.onchip.capacity_mib=16");
        auto rate = [&](int mib, int batch) {
            const HardwarePreset hw =
                variedPreset(chip, {sram}, {static_cast<double>(mib)}, "megapixel-edge.json");
            return evaluateTotals({&yolo, &hw, Precision::INT8}, batch).throughput_per_s;
        };
        QVERIFY(std::abs(rate(16, 1) / rate(16, 8) - 1.214) < 0.001);
        int lo = 16, hi = 4096; // batch 8 loses at lo, wins at hi
        QVERIFY(rate(lo, 8) < rate(lo, 1) && rate(hi, 8) > rate(hi, 1));
        while (hi - lo > 1) {
            const int mid = (lo + hi) / 2;
            (rate(mid, 8) > rate(mid, 1) ? hi : lo) = mid;
        }
        QCOMPARE(hi, 1359);
        QVERIFY(rate(4096, 8) / rate(4096, 1) < 1.01);
        const PreparedModel resnet(ModelZoo::build("resnet50"));
        const HardwarePreset shipped16 = variedPreset(chip, {sram}, {16}, "megapixel-edge.json");
        const double r1 = evaluateTotals({&resnet, &shipped16, Precision::INT8}, 1).throughput_per_s;
        const double r8 = evaluateTotals({&resnet, &shipped16, Precision::INT8}, 8).throughput_per_s;
        QVERIFY(std::abs(r8 / r1 - 2.70) < 0.01);
    }

    void paretoFrontOfAHandMadeSet() {
        // (latency, energy): A(1, 9) B(2, 5) C(3, 5) D(4, 1) E(2, 7) F(5, 5) G(2, 5) H(nan, 0).
        // Front: A, B, G (B's twin), D. C ties B's energy at more latency; E and F are dominated.
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const std::vector<std::pair<double, double>> pts{{1, 9}, {2, 5}, {3, 5}, {4, 1},
                                                         {2, 7}, {5, 5}, {2, 5}, {nan, 0}};
        QCOMPARE(paretoFront(pts), (std::vector<bool>{true, true, false, true, false, false, true, false}));
        QVERIFY(paretoFront({}).empty());
    }

    void objectivesPickTheirBatch() {
        // Throughput 100 (batch 1), 190 (2), 200 (4); latency 10, 10.5, 20 ms; energy 3, 2, 2.5 mJ.
        std::vector<SweepPoint> pts;
        const double rate[] = {100, 190, 200}, energy[] = {3e-3, 2e-3, 2.5e-3};
        for (int i = 0; i < 3; ++i) {
            SweepPoint p;
            p.totals.batch = 1 << i;
            p.totals.throughput_per_s = rate[i];
            p.totals.latency_s = p.totals.batch / rate[i];
            p.totals.energyPerInference.compute_j = energy[i];
            pts.push_back(p);
        }
        QCOMPARE(*summarise(pts, Objective::Throughput, std::nullopt).batch, 2); // the knee: 190 ≥ 0.95 × 200
        QCOMPARE(summarise(pts, Objective::Throughput, std::nullopt).maxThroughput_per_s, 200.0);
        QCOMPARE(*summarise(pts, Objective::Throughput, 0.03).batch, 4);
        QCOMPARE(*summarise(pts, Objective::Energy, std::nullopt).batch, 2);
        QCOMPARE(*summarise(pts, Objective::Energy, 0.0101).batch, 1); // only batch 1 within 10.1 ms
        const DesignSummary none = summarise(pts, Objective::Energy, 0.001);
        QVERIFY(!none.batch && none.reason == "no batch meets the latency budget");
        QVERIFY_THROWS_EXCEPTION(EngineError, parseObjective("cost"));
    }
};

QTEST_GUILESS_MAIN(TstExplore)
#include "tst_explore.moc"
