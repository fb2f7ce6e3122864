// Design-space sweeps (docs/MODEL.md §20): field paths and values refused with the preset
// validation's message, ranges and knob axes, the loader's members, the fast path (reuse, workers)
// against preset files point by point, the design points' product, peaks that follow units and clock, a DRAM
// bandwidth sweep whose memory time falls exactly as 1 / bandwidth, and the objectives' batches.
#include "TestSupport.h"
#include "base/EngineError.h"
#include "explore/DesignSpace.h"
#include "explore/Explore.h"
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

    void rangesAndKnobAxes() {
        QCOMPARE(parseDesignAxis("memory.dram.bandwidth_gb_s=1000..4000:4").values,
                 (std::vector<double>{1000, 2000, 3000, 4000}));
        QCOMPARE(parseDesignAxis("clock_ghz=0.5..2*2").values, (std::vector<double>{0.5, 1, 2}));
        QCOMPARE(parseDesignAxis("compute_units=6..9").values, (std::vector<double>{6, 7, 8, 9}));
        const DesignAxis seq = parseDesignAxis("model.seq=128,256");
        QVERIFY(seq.isModelKnob() && seq.knobName() == "seq" && !seq.changesGemmMapping());
        QVERIFY(parseDesignAxis("compute_units=1").changesGemmMapping());
        QVERIFY(parseDesignAxis("mapping.k_align=16").changesGemmMapping());
        QVERIFY(!parseDesignAxis("peak_tflops.bf16=1").changesGemmMapping());
        for (const char* bad : {"clock_ghz=4..1:3", "clock_ghz=1..4:1", "clock_ghz=0..4*2", "model.=1",
                                "power_modes.30w.tdp_watts=20"})
            QVERIFY2(!messageOf([&] { parseDesignAxis(bad); }).empty(), bad);
    }

    void presetNumberIsTheLoadersMember() {
        // Every Number field (and per-precision entry) of the format, set in a shipped file that has
        // it and read back by the loader, is the member presetNumber() points at: the table cannot
        // drift from the loader.
        int checked = 0;
        for (const PresetField& f : presetFields()) {
            const std::string path = f.path;
            if (path.rfind("power_modes.", 0) == 0 || f.kind == PresetFieldKind::Text) continue;
            std::vector<std::string> paths{path};
            if (f.kind == PresetFieldKind::PerPrecision)
                paths = {path + ".bf16", path + ".int8"};
            else if (f.kind != PresetFieldKind::Number)
                continue;
            for (const std::string& p : paths)
                for (const HardwarePreset& hw : shipped().presets()) {
                    QJsonObject json = shippedJson(hw.id.c_str());
                    if (presetValueAt(json, QString::fromStdString(p)).isUndefined()) continue;
                    const double v = presetNumber(const_cast<HardwarePreset&>(hw), p)->value * 0.75;
                    json = withSourcedValue(json, QString::fromStdString(p), v, QStringLiteral("test"));
                    PresetLoadResult r = parsePreset(QJsonDocument(json).toJson().toStdString(), "x.json");
                    QVERIFY2(r.preset, (p + " on " + hw.id + ": " + errorLines(r.issues)).c_str());
                    QVERIFY2(presetNumber(*r.preset, p) && presetNumber(*r.preset, p)->value == v, p.c_str());
                    ++checked;
                    break;
                }
        }
        QVERIFY(checked >= 30);
        HardwarePreset h100 = *shipped().find("h100-sxm");
        QVERIFY(!presetNumber(h100, "peak_tflops.fp4") && !presetNumber(h100, "name"));
    }

    void exploreMatchesPresetFilesPointByPoint() {
        // The fast path (one validated file per axis value, members set, traffic and mappings
        // reused, two workers) gives every design point what a preset file with its values gives,
        // evaluated on its own: over bandwidth × on-chip capacity (traffic reused along bandwidth,
        // visited capacity-outer), units × clock (peaks scaled by both) and a power limit that binds.
        const std::vector<PreparedScenario> scenarios{
            prepareScenario(scenarioFieldsFromText("model=resnet50,hardware=h100-sxm"), shipped()),
            prepareScenario(scenarioFieldsFromText("model=mobilenet_v2,hardware=t4"), shipped())};
        const std::vector<int> batches{1, 8, 64, 512};
        const std::vector<std::vector<DesignAxis>> sweeps{
            {parseDesignAxis("memory.dram.bandwidth_gb_s=300,900,2500"),
             parseDesignAxis("memory.onchip.capacity_mib=2,6,40")},
            {parseDesignAxis("compute_units=20,40"), parseDesignAxis("clock_ghz=0.6,1.2")},
            {parseDesignAxis("energy.tdp_watts=30,300")}};
        int powerBound = 0;
        for (const std::vector<DesignAxis>& axes : sweeps) {
            // The power limit binds on the T4 at 30 W (static power 22.75 W); the H100 idles above it.
            const std::vector<PreparedScenario> on =
                axes[0].path == "energy.tdp_watts" ? std::vector<PreparedScenario>{scenarios[1]} : scenarios;
            const ExploreRequest r{axes, batches, Objective::Throughput, std::nullopt};
            const std::vector<DesignRow> rows = exploreDesignSpace(on, r, {2, {}, nullptr});
            QCOMPARE(rows.size(), on.size() * designPoints(axes).size());
            for (std::size_t i = 0; i < rows.size(); ++i) {
                const DesignRow& row = rows[i];
                QCOMPARE(row.values, designPoints(axes)[i % designPoints(axes).size()]);
                const PreparedScenario& s = on[row.scenario];
                const HardwarePreset hw = designPreset(s, axes, row.values);
                EvalInput in = s.input();
                in.hardware = &hw;
                const DesignSummary want = summarise(sweepBatches(in, batches), r.objective, std::nullopt);
                QCOMPARE(row.summary.batch, want.batch);
                QVERIFY(std::abs(row.summary.totals.latency_s / want.totals.latency_s - 1) < 1e-12);
                QVERIFY(std::abs(row.summary.totals.energyPerInference.total() /
                                     want.totals.energyPerInference.total() -
                                 1) < 1e-12);
                QCOMPARE(row.summary.maxThroughput_per_s > 0, want.maxThroughput_per_s > 0);
                powerBound += row.summary.totals.powerClockFactor < 1 ? 1 : 0;
            }
        }
        QVERIFY(powerBound > 0);
        // One worker or two: the same rows; progress ends at the total; a cancelled run returns none.
        const ExploreRequest r{sweeps[0], batches, Objective::Energy, 0.01};
        std::size_t last = 0;
        const auto one =
            exploreDesignSpace(scenarios, r, {1, [&](std::size_t d, std::size_t) { last = d; }, nullptr});
        const auto two = exploreDesignSpace(scenarios, r, {2, {}, nullptr});
        QCOMPARE(last, one.size());
        for (std::size_t i = 0; i < one.size(); ++i)
            QVERIFY(one[i].summary.batch == two[i].summary.batch && one[i].pareto == two[i].pareto);
        const std::atomic<bool> cancel{true};
        QVERIFY(exploreDesignSpace(scenarios, r, {2, {}, &cancel}).empty());
    }

    void exploreRefusals() {
        const std::vector<PreparedScenario> t4{
            prepareScenario(scenarioFieldsFromText("model=mobilenet_v2,hardware=t4"), shipped())};
        const ExploreRequest both{
            {parseDesignAxis("energy.static_watts=10,30"), parseDesignAxis("energy.tdp_watts=25,70")},
            {1},
            Objective::Throughput,
            std::nullopt};
        const std::string m = messageOf([&] { exploreDesignSpace(t4, both); });
        QVERIFY2(m.find("--vary energy.static_watts=30,energy.tdp_watts=25: ") == 0 &&
                     m.find("energy.static_watts: static power must stay below the TDP") != std::string::npos,
                 m.c_str());
        const ExploreRequest knob{
            {parseDesignAxis("model.depth=2")}, {1}, Objective::Throughput, std::nullopt};
        QVERIFY(messageOf([&] { exploreDesignSpace(t4, knob); }).find("mobilenet_v2 has no knob 'depth'") !=
                std::string::npos);
        const ExploreRequest twice{{parseDesignAxis("clock_ghz=1"), parseDesignAxis("clock_ghz=2")},
                                   {1},
                                   Objective::Throughput,
                                   std::nullopt};
        QVERIFY(messageOf([&] { exploreDesignSpace(t4, twice); }).find("given twice") != std::string::npos);
        // 1024 × 1024 design points: refused before anything is built, not a gigabyte of rows.
        const ExploreRequest huge{
            {parseDesignAxis("clock_ghz=0.5..1.5:1024"), parseDesignAxis("energy.tdp_watts=30..70:1024")},
            {1},
            Objective::Throughput,
            std::nullopt};
        QVERIFY(messageOf([&] {
                    exploreDesignSpace(t4, huge);
                }).find("1048576 design points × scenarios is more than 262144") != std::string::npos);
    }

    void knobAxesRebuildTheModel() {
        // model.seq over BERT and model.resolution over ResNet: each row is the scenario with that
        // knob, evaluated on its own.
        const std::vector<PreparedScenario> s{
            prepareScenario(scenarioFieldsFromText("model=bert-base,hardware=a100-sxm4-80gb"), shipped())};
        // The preset axis first: a knob's value is its own axis's, whatever its position.
        const ExploreRequest r{
            {parseDesignAxis("memory.dram.bandwidth_gb_s=1000,2000"), parseDesignAxis("model.seq=64,256")},
            {1, 4, 16},
            Objective::Throughput,
            std::nullopt};
        const std::vector<DesignRow> rows = exploreDesignSpace(s, r);
        QCOMPARE(rows.size(), std::size_t{4});
        for (const DesignRow& row : rows) {
            PreparedScenario direct =
                prepareScenario(scenarioFieldsFromText("model=bert-base,hardware=a100-sxm4-80gb,seq=" +
                                                       std::to_string(static_cast<int>(row.values[1]))),
                                shipped());
            const HardwarePreset hw = designPreset(direct, r.axes, row.values);
            EvalInput in = direct.input();
            in.hardware = &hw;
            const DesignSummary want = summarise(sweepBatches(in, r.batches), r.objective, std::nullopt);
            QCOMPARE(row.summary.batch, want.batch);
            QVERIFY(std::abs(row.summary.totals.latency_s / want.totals.latency_s - 1) < 1e-12);
        }
        QVERIFY(rows[0].summary.totals.latency_s < rows[1].summary.totals.latency_s); // seq 64 < seq 256
        QCOMPARE(withKnobValues(s[0].scenario, r.axes, rows[1].values).modelLabel(),
                 QStringLiteral("bert-base seq 256"));
        const std::vector<PreparedScenario> cnn{
            prepareScenario(scenarioFieldsFromText("model=resnet50,hardware=h100-sxm"), shipped())};
        const ExploreRequest res{
            {parseDesignAxis("model.resolution=224,448")}, {1}, Objective::Throughput, std::nullopt};
        const auto r2 = exploreDesignSpace(cnn, res);
        QVERIFY(r2[1].summary.totals.flops > 3.9 * r2[0].summary.totals.flops);
    }

    void costPerMillionFollowsThePrice() {
        // T4 at $0.526 per device-hour: a million inferences cost 0.526 ÷ 3600 ÷ throughput × 10⁶,
        // so the cheapest batch is the fastest one that fits; the L4 preset gives no price.
        const PreparedScenario t4 =
            prepareScenario(scenarioFieldsFromText("model=resnet50,hardware=t4"), shipped());
        QCOMPARE(t4.hardware->usdPerDeviceHour.value, 0.526);
        const std::vector<SweepPoint> sweep = sweepBatches(t4.input(), {1, 8, 64});
        for (const SweepPoint& p : sweep)
            QVERIFY(std::abs(p.totals.usdPerMillion - 0.526 / 3600 / p.totals.throughput_per_s * 1e6) <
                    1e-12);
        const DesignSummary cheapest = summarise(sweep, Objective::Cost, std::nullopt);
        const auto fastest =
            std::max_element(sweep.begin(), sweep.end(), [](const SweepPoint& a, const SweepPoint& b) {
                return a.totals.throughput_per_s < b.totals.throughput_per_s;
            });
        QCOMPARE(*cheapest.batch, fastest->totals.batch);
        QCOMPARE(usdPerMillion(2, 4, 1000), 2.0 * 4 / 3600 / 1000 * 1e6);
        const PreparedScenario l4 =
            prepareScenario(scenarioFieldsFromText("model=resnet50,hardware=l4"), shipped());
        const std::vector<SweepPoint> free = sweepBatches(l4.input(), {1, 8});
        QCOMPARE(free[0].totals.usdPerMillion, 0.0);
        const DesignSummary none = summarise(free, Objective::Cost, std::nullopt);
        QVERIFY(!none.batch && none.reason.find("cost.usd_per_device_hour") != std::string::npos);
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
        QVERIFY_THROWS_EXCEPTION(EngineError, parseObjective("price"));
    }
};

QTEST_GUILESS_MAIN(TstExplore)
#include "tst_explore.moc"
