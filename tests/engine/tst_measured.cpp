// Measured data: reading good and bad files (every error names the file, line and column), the
// comparison with the model and the anomaly flags (seed 002's DistilBERT sweep: batch 2 and 4), and
// the presets that measure-machine writes (calibration: tst_calibration.cpp).
// The machine probe's facts come from fake sysfs and /proc trees (exact numbers on any host), its
// fallbacks from empty ones, and short real probes are only checked for what holds everywhere.
#include "FakeMachine.h"
#include "MeasuredTestSupport.h"
#include "TestSupport.h"
#include "hardware/MachineProbe.h"
#include "hardware/PresetLoader.h"
#include "measured/Calibration.h"
#include "measured/Measured.h"
#include "scenario/Pipeline.h"
#include "zoo/ModelZoo.h"

#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>
#include <clocale>
#include <cmath>

using namespace bs;
using namespace bs::test;

Q_DECLARE_METATYPE(bs::VectorIsa)

class TstMeasured : public QObject {
    Q_OBJECT
    PresetLibrary lib_ = PresetLibrary::shipped();

  private slots:
    void csvWithKeysCommentsAndRepeatedRuns() {
        const std::string text = "# measured on a 2-core VM\n"
                                 "Model,hardware,precision,batch,latency_ms,energy_mj,notes\n"
                                 "resnet50,xeon-8490h,fp32,1,20.0,,\"warm, pinned\"\n"
                                 "resnet50,xeon-8490h,fp32,1,22.0,,\n"
                                 "resnet50,xeon-8490h,fp32,1,21.0,,\n"
                                 "resnet50,xeon-8490h,fp32,4,60.0,3.5,\n"
                                 "resnet18,xeon-8490h,fp32,4,30.0,,\n";
        const MeasuredSet set = parseMeasured(text, "m.csv");
        QCOMPARE(set.points.size(), std::size_t{3});
        QCOMPARE(set.warnings.size(), std::size_t{1});
        QVERIFY(QString::fromStdString(set.warnings[0]).contains(QStringLiteral("line 2: column 'notes'")));
        const auto r50 = selectPoints(set, "resnet50", "xeon-8490h", "FP32");
        QCOMPARE(r50.size(), std::size_t{2});
        QCOMPARE(r50[0].batch, 1);
        QCOMPARE(r50[0].runs, 3);
        QCOMPARE(r50[0].latency_s, 0.021); // the median of 20, 22, 21 ms
        QCOMPARE(r50[0].line, 3);
        QCOMPARE(r50[1].energy_j.value(), 0.0035);
        QCOMPARE(r50[1].throughput_per_s(), 4 / 0.060);
        QVERIFY(selectPoints(set, "resnet50", "h100-sxm", "fp32").empty());
    }

    void byteOrderMarkCrlfAndLocale() {
        // A spreadsheet's CSV: BOM, CRLF; the decimal point whatever the locale says.
        const char* saved = std::setlocale(LC_NUMERIC, nullptr);
        const std::string previous = saved ? saved : "C";
        std::setlocale(LC_NUMERIC, "de_DE.UTF-8"); // if installed; the C locale otherwise
        const MeasuredSet set = parseMeasured(
            "\xEF\xBB\xBFmodel,batch,latency_ms\r\nresnet50,1,20.5\r\nresnet18,1,10.25\r\n", "x.csv");
        std::setlocale(LC_NUMERIC, previous.c_str());
        QVERIFY(set.warnings.empty());
        QCOMPARE(set.points.size(), std::size_t{2}); // two models, not one merged point
        QCOMPARE(selectPoints(set, "resnet50", "", "")[0].latency_s, 0.0205);
        QCOMPARE(parseNumber("1e-3").value(), 0.001);
        QVERIFY(!parseNumber("1,5") && !parseNumber("inf") && !parseNumber("") && !parseNumber("2 "));
        // Values that underflow or overflow once scaled are refused, not turned into 0 or inf.
        QVERIFY_THROWS_EXCEPTION(MeasuredError, parseMeasured("batch,latency_ms\n1,1e-320\n", "x.csv"));
        QVERIFY_THROWS_EXCEPTION(MeasuredError, parseMeasured("batch,throughput_per_s\n1,1e-310\n", "x.csv"));
    }

    void boardPowerIsAMedianOfRuns() {
        // Two runs of batch 8 (power 400 and 500 W → median 450 W), one run of batch 16 without a
        // power reading.
        const MeasuredSet set =
            parseMeasured("batch,latency_ms,power_w\n8,10,400\n8,12,500\n16,20,\n", "p.csv");
        QCOMPARE(set.points.size(), std::size_t(2));
        QCOMPARE(set.points[0].power_w.value(), 450.0);
        QVERIFY(!set.points[1].power_w.has_value());
    }

    void throughputOnlyAndJsonLines() {
        const MeasuredSet csv = parseMeasured("batch,throughput_per_s\n8,400\n", "t.csv");
        QCOMPARE(csv.points[0].latency_s, 8.0 / 400);
        const std::string jsonl =
            "{\"batch_size\": 2, \"forward_ms\": 140.0, \"device\": \"cpu\", \"iteration\": 0}\n"
            "{\"batch_size\": 2, \"forward_ms\": 150.0}\n"
            "\n"
            "{\"bs\": 4, \"latency_s\": 0.175, \"seq_len\": 128}\n";
        const MeasuredSet set = parseMeasured(jsonl, "p.jsonl");
        QCOMPARE(set.points.size(), std::size_t{2});
        QCOMPARE(set.points[0].latency_s, 0.145);
        QCOMPARE(set.points[1].seq.value(), 128);
        QVERIFY(selectPoints(set, "distilbert", "", "", 128).size() == 2);
        QVERIFY(selectPoints(set, "distilbert", "", "", 256).size() == 1); // the point without seq
    }

    // A row with a quantization scheme is a point of a scenario with that scheme only: the AMP rows
    // (fp16 arithmetic, fp32 master weights) are not plain fp16 points, nor the plain ones AMP's.
    void rowsMatchTheScenariosScheme() {
        const MeasuredSet set = parseMeasured("precision,weights,kv,group_size,batch,latency_ms\n"
                                              "fp16,,,,1,5\n"
                                              "fp16,fp32,,,1,7\n"
                                              "fp16,fp16,,,2,6\n"
                                              "fp16,int4,,128,1,3\n",
                                              "q.csv");
        const auto plain = selectPoints(set, "", "", "fp16");
        QCOMPARE(plain.size(), std::size_t{2}); // weights = precision is no scheme
        QCOMPARE(plain[0].latency_s, 0.005);
        const auto amp = selectPoints(set, "", "", "fp16", std::nullopt, std::nullopt, {"fp32", "", 0});
        QCOMPARE(amp.size(), std::size_t{1});
        QCOMPARE(amp[0].latency_s, 0.007);
        QCOMPARE(
            selectPoints(set, "", "", "fp16", std::nullopt, std::nullopt, {"int4", "", 128})[0].latency_s,
            0.003);
        QVERIFY(selectPoints(set, "", "", "fp16", std::nullopt, std::nullopt, {"int4", "", 0}).empty());
    }

    void rowsMatchTheScenariosKnobs() {
        // bert-base rows: batch 1 ran attention=sdpa, batch 2 names no knob, batch 4 names one
        // bert-base lacks, batch 8 names the default. An eager scenario (the default) gets 2 and
        // 8; an sdpa one 1 and 2.
        const MeasuredSet set = parseMeasured("model,params,batch,latency_ms\n"
                                              "bert-base,attention=sdpa,1,5\n"
                                              "bert-base,,2,6\n"
                                              "bert-base,experts=8,4,7\n"
                                              "bert-base,attention=eager;seq=128,8,9\n",
                                              "k.csv");
        const PresetLibrary lib = PresetLibrary::shipped();
        const auto batches = [&](const std::string& spec) {
            HardwarePreset hw;
            const Scenario s = resolveScenario(scenarioFieldsFromText(spec), lib, &hw);
            std::vector<int> out;
            for (const MeasuredPoint& p : measuredPointsFor(set, s, hw))
                out.push_back(p.batch);
            return out;
        };
        QCOMPARE(batches("model=bert-base,hardware=t4"), (std::vector<int>{2, 8}));
        QCOMPARE(batches("model=bert-base,hardware=t4,attention=sdpa"), (std::vector<int>{1, 2}));
        QCOMPARE(batches("model=bert-base,hardware=t4,seq=384"), (std::vector<int>{2}));
        // Two rows at one batch that differ only in params are two scenarios' points, not a
        // duplicate; spaces and empty entries in the cell are fine.
        const MeasuredSet pair = parseMeasured("model,params,batch,latency_ms\n"
                                               "bert-base, attention = sdpa ;,4,5\n"
                                               "bert-base,attention=eager,4,7\n",
                                               "pair.csv");
        HardwarePreset hw;
        const Scenario sdpa =
            resolveScenario(scenarioFieldsFromText("model=bert-base,hardware=t4,attention=sdpa"), lib, &hw);
        const auto one = measuredPointsFor(pair, sdpa, hw);
        QCOMPARE(one.size(), std::size_t{1});
        QCOMPARE(one[0].latency_s, 0.005);
        // An ONNX model has no knobs: a row naming one is not its.
        const MeasuredSet onnx = parseMeasured("params,batch,latency_ms\nlayers=2,1,5\n,2,6\n", "o.csv");
        const Scenario file = resolveScenario(
            scenarioFieldsFromText("model=" BATCHSCOPE_TEST_DATA_DIR "/resnet18.onnx,hardware=t4"), lib, &hw);
        const auto filePts = measuredPointsFor(onnx, file, hw);
        QCOMPARE(filePts.size(), std::size_t{1});
        QCOMPARE(filePts[0].batch, 2);
        QVERIFY_THROWS_EXCEPTION(MeasuredError, parseParams("layers"));
    }

    void badFilesNameLineAndColumn_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty") << ""
                               << "m.csv: no measured points";
        QTest::newRow("only comments") << "# nothing\n"
                                       << "no measured points";
        QTest::newRow("no batch column") << "latency_ms\n3\n"
                                         << "line 1: the header needs a batch column";
        QTest::newRow("no time column") << "batch,energy_mj\n1,3\n"
                                        << "latency_ms or throughput_per_s";
        QTest::newRow("two time columns") << "batch,latency_ms,forward_ms\n1,3,3\n"
                                          << "say the same thing";
        QTest::newRow("not a number") << "batch,latency_ms\n1,abc\n"
                                      << "line 2: latency_ms: 'abc' is not a number";
        QTest::newRow("params not name=value") << "batch,latency_ms,params\n1,3,layers=2;heads\n"
                                               << "line 2: params: 'heads' is not name=value";
        QTest::newRow("nan") << "batch,latency_ms\n1,nan\n"
                             << "line 2: latency_ms: 'nan' is not a number";
        QTest::newRow("negative") << "batch,latency_ms\n1,-3\n"
                                  << "line 2: latency_ms: must be > 0";
        QTest::newRow("zero batch") << "batch,latency_ms\n0,3\n"
                                    << "line 2: batch: '0' is not an integer";
        QTest::newRow("fractional batch") << "batch,latency_ms\n2.5,3\n"
                                          << "batch: '2.5' is not an integer";
        QTest::newRow("missing latency") << "batch,latency_ms\n4,\n"
                                         << "line 2: neither latency_ms nor throughput";
        QTest::newRow("short row") << "batch,latency_ms\n1,2\n4\n"
                                   << "line 3: 1 fields, the header has 2";
        QTest::newRow("quote") << "batch,latency_ms\n1,\"2\n"
                               << "line 2: unterminated quoted field";
        QTest::newRow("disagree") << "batch,latency_ms,throughput_per_s\n4,10,100\n"
                                  << "disagree";
        QTest::newRow("json garbage") << "{\"batch\": 1, \"forward_ms\": 3}\n{oops\n"
                                      << "line 2: not a JSON object";
        QTest::newRow("json array value") << "{\"batch\": [1], \"forward_ms\": 3}\n"
                                          << "batch: not a number or a string";
        QTest::newRow("json no batch") << "{\"forward_ms\": 3}\n"
                                       << "line 1: batch is missing";
        QTest::newRow("negative power") << "batch,latency_ms,power_w\n1,3,-5\n"
                                        << "line 2: power_w: must be > 0";
        QTest::newRow("generation without output_len") << "batch,latency_ms,input_len\n1,3,512\n"
                                                       << "line 2: a generation row needs both";
        QTest::newRow("power not a number") << "batch,latency_ms,power_w\n1,3,hot\n"
                                            << "line 2: power_w: 'hot' is not a number";
    }

    void badFilesNameLineAndColumn() {
        QFETCH(QString, text);
        QFETCH(QString, message);
        try {
            parseMeasured(text.toStdString(), "m.csv");
            QFAIL("accepted");
        } catch (const MeasuredError& e) {
            const QString what = QString::fromUtf8(e.what());
            QVERIFY2(what.startsWith(QStringLiteral("m.csv: ")) && what.contains(message), qPrintable(what));
        }
    }

    void ambiguousRowsForAScenario() {
        // Two rows for batch 1 that differ only in a key the scenario does not give.
        const MeasuredSet set = parseMeasured("batch,latency_ms,hardware\n1,3,a\n1,4,b\n", "m.csv");
        try {
            selectPoints(set, "mlp", "", "");
            QFAIL("accepted");
        } catch (const MeasuredError& e) {
            QVERIFY2(
                QString::fromUtf8(e.what()).contains(QStringLiteral("lines 2 and 3 both measure batch 1")),
                e.what());
        }
    }

    void missingFileNamesIt() {
        try {
            readMeasuredFile("/nonexistent/sweep.csv");
            QFAIL("accepted");
        } catch (const MeasuredError& e) {
            QVERIFY(QString::fromUtf8(e.what()).startsWith(QStringLiteral("/nonexistent/sweep.csv")));
        }
    }

    void seed002AnomaliesAtBatchTwoAndFour() {
        // The DistilBERT batch sweep of seed 002 (forward pass ms at batch 1, 2, 4, 8).
        const MeasuredSet set =
            parseMeasured("batch,latency_ms\n1,50.30\n2,140.09\n4,175.25\n8,504.16\n", "seed002.csv");
        const PreparedModel model(ModelZoo::build("distilbert", {}));
        const HardwarePreset* cpu = lib_.find("xeon-8490h");
        QVERIFY(cpu);
        const Comparison c = compareMeasured({&model, cpu, Precision::FP32}, set.points);
        QCOMPARE(c.points.size(), std::size_t{4});
        QCOMPARE(c.anomalies, 2);
        QVERIFY(!c.points[0].anomaly && c.points[1].anomaly && c.points[2].anomaly && !c.points[3].anomaly);
        // Batch 2 is the larger break (+49 % per sample against batches 1 and 4) and is flagged
        // first; batch 4 is then measured against its unflagged neighbours 1 and 8 (−25 %).
        QVERIFY(std::abs(*c.points[1].trendDeparture - 0.4921) < 0.001);
        QVERIFY(std::abs(*c.points[2].trendDeparture + 0.2505) < 0.001);
        QVERIFY(!c.points[0].trendDeparture && !c.points[3].trendDeparture);
        // Errors: model ÷ measured − 1, and their median.
        for (const PointComparison& p : c.points)
            QCOMPARE(p.error, p.model_s / p.measured.latency_s - 1);
        std::vector<double> abs;
        for (const PointComparison& p : c.points)
            abs.push_back(std::abs(p.error));
        QCOMPARE(c.mdape, median(abs));
        QVERIFY(c.points[1].modelDeparture > 0.2 && c.points[2].modelDeparture < -0.2);
        // One spike flags itself only, not the neighbours whose trend it bends.
        std::vector<MeasuredPoint> spike =
            synthetic(model, *cpu, Precision::FP32, {1, 2, 4, 8, 16, 32}, 0, 1);
        spike[2].latency_s *= 1.7;
        const Comparison sp = compareMeasured({&model, cpu, Precision::FP32}, spike);
        QCOMPARE(sp.anomalies, 1);
        QVERIFY(sp.points[2].anomaly);
        // A smooth sweep made by the model itself, 30 % off everywhere: a bias, not an anomaly.
        std::vector<MeasuredPoint> smooth = synthetic(model, *cpu, Precision::FP32, {1, 2, 4, 8, 16}, 0, 1);
        for (MeasuredPoint& p : smooth)
            p.latency_s *= 1.3;
        const Comparison s = compareMeasured({&model, cpu, Precision::FP32}, smooth);
        QCOMPARE(s.anomalies, 0);
        QVERIFY(std::abs(s.mdape - (1 - 1 / 1.3)) < 1e-9); // |model ÷ measured − 1| = 1 − 1/1.3
    }

    // ---- measure-machine: facts, fallbacks, ISA and the preset, none of them from the host ----

    void factsFromAFakeSysfsAndProc_data() {
        QTest::addColumn<QStringList>("l3Shared"); // shared_cpu_list of cpu0's, cpu1's L3
        QTest::addColumn<std::vector<int>>("cpus");
        QTest::addColumn<double>("llcMib");
        QTest::addColumn<QString>("llcSource");
        QTest::newRow("one L3 shared by both CPUs")
            << QStringList{QStringLiteral("0-1"), QStringLiteral("0-1")} << std::vector<int>{0, 1}
            << kFakeL3Mib << QStringLiteral("L3: 1 instance");
        QTest::newRow("an L3 per CPU, both used")
            << QStringList{QStringLiteral("0"), QStringLiteral("1")} << std::vector<int>{0, 1}
            << 2 * kFakeL3Mib << QStringLiteral("L3: 2 instances");
        QTest::newRow("an L3 per CPU, CPU 1 used")
            << QStringList{QStringLiteral("0"), QStringLiteral("1")} << std::vector<int>{1} << kFakeL3Mib
            << QStringLiteral("among the 1 CPU used");
        QTest::newRow("no cache listed for the CPU used: cpu0 stands in")
            << QStringList{QStringLiteral("0"), QStringLiteral("1")} << std::vector<int>{7} << kFakeL3Mib
            << QStringLiteral("cpu0, standing in");
    }

    void factsFromAFakeSysfsAndProc() {
        QFETCH(QStringList, l3Shared);
        QFETCH(std::vector<int>, cpus);
        QFETCH(double, llcMib);
        QFETCH(QString, llcSource);
        QTemporaryDir dir;
        const QString sysfs = dir.filePath(QStringLiteral("cpu")),
                      proc = dir.filePath(QStringLiteral("proc"));
        QVERIFY(writeFakeSysfs(sysfs, l3Shared) && writeFakeProc(proc));
        FactOptions o;
        o.sysfsRoot = sysfs.toStdString();
        o.procRoot = proc.toStdString();
        o.cpus = cpus;
        const MachineFacts f = readMachineFacts(o);
        QCOMPARE(f.cores, static_cast<int>(cpus.size()));
        QCOMPARE(f.l1dKib, kFakeL1dKib); // the data cache, not the instruction cache of the same level
        QCOMPARE(f.l2Kib, kFakeL2Kib);
        QCOMPARE(f.llcMib, llcMib);
        const std::string cache0 = "sysfs " + o.sysfsRoot + "/cpu";
        QVERIFY2(f.source.l1d.rfind(cache0, 0) == 0, f.source.l1d.c_str());
        QVERIFY2(f.source.l2.rfind(cache0, 0) == 0, f.source.l2.c_str());
        QVERIFY2(f.source.llc.rfind("sysfs " + o.sysfsRoot, 0) == 0, f.source.llc.c_str());
        QVERIFY2(QString::fromStdString(f.source.llc).contains(llcSource), f.source.llc.c_str());
        QCOMPARE(f.cpuName, std::string("Fake CPU 9000"));
        QCOMPARE(f.vendor, std::string("Intel"));
        QCOMPARE(f.clockGhz, kFakeClockGhz);
        QCOMPARE(f.source.clock, o.procRoot + "/cpuinfo 'cpu MHz' (mean over 2 CPUs)");
        QCOMPARE(f.memoryGib, kFakeMemoryGib);
        QCOMPARE(f.source.memory, o.procRoot + "/meminfo MemTotal");
    }

    void fallbacksWhenNothingReportsAFact() {
        // No sysfs, no /proc, CPUID and sysconf switched off: every fact is an estimate that says
        // so, and the preset still loads (the clock derived from the measured peak).
        QTemporaryDir dir;
        FactOptions o;
        o.sysfsRoot = o.procRoot = dir.path().toStdString();
        o.useCpuid = o.useSysconf = false;
        o.cpus = {0, 1};
        MachineMeasurement m;
        m.facts = readMachineFacts(o);
        const MachineFacts& f = m.facts;
        QCOMPARE(f.cores, 2);
        QCOMPARE(f.llcMib, 2.0); // 1 MiB per core
        QVERIFY2(f.source.llc.rfind("estimate: 1 MiB per core", 0) == 0, f.source.llc.c_str());
        QVERIFY(f.source.llc.find("not reported by sysfs, CPUID or sysconf") != std::string::npos);
        QCOMPARE(f.l1dKib, 0.0);
        QCOMPARE(f.l2Kib, 0.0);
        QCOMPARE(f.memoryGib, 1.0);
        QVERIFY2(f.source.memory.rfind("estimate: 1 GiB", 0) == 0, f.source.memory.c_str());
        QCOMPARE(f.clockGhz, 0.0);
        QVERIFY2(f.source.clock.rfind("not reported", 0) == 0, f.source.clock.c_str());
        QCOMPARE(f.cpuName, std::string("unknown CPU"));
        m.fmaPeakGflops = 100;
        m.gemmGflops = 50;
        m.dramGBs = 10;
        m.llcGBs = 30;
        m.date = "2026-11-29";
        std::string issues;
        const std::optional<HardwarePreset> loaded = machinePreset(m, issues);
        QVERIFY2(loaded && issues.empty(), issues.c_str());
        const HardwarePreset& p = *loaded;
        QCOMPARE(p.onchip.capacity.value, 2.0);
        QCOMPARE(p.onchip.capacity.source, f.source.llc);
        QCOMPARE(p.dram.capacity.source, f.source.memory);
        QCOMPARE(p.clockGhz.value, 100 / (2 * nominalFp32FlopsPerClock(f.isa)));
        QVERIFY2(p.clockGhz.source.rfind("derived: measured peak", 0) == 0, p.clockGhz.source.c_str());
        QVERIFY(!p.local); // no L2 reported: no local level
    }

    void cacheFactsWithoutSysfs() {
        // This host's CPUID or sysconf, or the estimate: which one depends on the host, but the
        // last level is always there, named, and not from sysfs.
        QTemporaryDir empty;
        FactOptions o;
        o.sysfsRoot = empty.path().toStdString();
        const MachineFacts f = readMachineFacts(o);
        QVERIFY(f.llcMib > 0);
        QVERIFY(f.memoryGib > 0);
        const QString src = QString::fromStdString(f.source.llc);
        QVERIFY2(src.startsWith(QLatin1String("CPUID leaf ")) || src.startsWith(QLatin1String("sysconf(")) ||
                     src.startsWith(QLatin1String("estimate: ")),
                 qPrintable(src));
        qInfo("last level %.1f MiB from %s", f.llcMib, f.source.llc.c_str());
    }

    void vectorIsaNamesAndCap() {
        for (VectorIsa isa : {VectorIsa::Scalar, VectorIsa::Avx2, VectorIsa::Avx512}) {
            QVERIFY(parseVectorIsa(vectorIsaKey(isa)) == isa);
            QVERIFY(detectVectorIsa(isa) <= isa);
            QVERIFY(detectVectorIsa(isa) <= detectVectorIsa());
            QVERIFY(nominalFp32FlopsPerClock(isa) > 0);
        }
        QVERIFY(!parseVectorIsa("avx3"));
        QCOMPARE(detectVectorIsa(VectorIsa::Scalar), VectorIsa::Scalar);
        QCOMPARE(vectorIsaFp32Lanes(VectorIsa::Avx512), 16);
        QCOMPARE(vectorIsaFp32Lanes(VectorIsa::Avx2), 8);
        QCOMPARE(vectorIsaFp32Lanes(VectorIsa::Scalar), 4);
        FactOptions o;
        o.maxIsa = VectorIsa::Scalar;
        const MachineFacts f = readMachineFacts(o);
        QCOMPARE(f.isa, VectorIsa::Scalar);
        if (detectVectorIsa() > VectorIsa::Scalar) // the cap is named where it applied
            QVERIFY2(f.source.isa.find("capped at SSE2 (maxIsa scalar)") != std::string::npos,
                     f.source.isa.c_str());
    }

    void machinePresetPerIsa_data() {
        QTest::addColumn<VectorIsa>("isa");
        QTest::addColumn<double>("lanes");
        QTest::addColumn<double>("tileM");
        QTest::addColumn<double>("tileN");
        QTest::newRow("avx512") << VectorIsa::Avx512 << 16.0 << 32.0 << 12.0;
        QTest::newRow("avx2") << VectorIsa::Avx2 << 8.0 << 6.0 << 16.0;
        QTest::newRow("scalar") << VectorIsa::Scalar << 4.0 << 8.0 << 4.0;
    }

    void machinePresetPerIsa() {
        // Made-up facts (as a fake sysfs gives them), so the preset is the same on any host.
        QFETCH(VectorIsa, isa);
        QFETCH(double, lanes);
        QFETCH(double, tileM);
        QFETCH(double, tileN);
        MachineMeasurement m;
        MachineFacts& f = m.facts;
        f.cpuName = "Fake CPU 9000";
        f.vendor = "Intel";
        f.cores = 2;
        f.clockGhz = 2.5;
        f.l1dKib = 48;
        f.l2Kib = 1024;
        f.llcMib = 32;
        f.memoryGib = 16;
        f.isa = isa;
        f.source = {"cpu src", "cores src", "clock src",  "l1d src",
                    "l2 src",  "llc src",   "memory src", "isa src"};
        m.fmaPeakGflops = 150;
        m.gemmGflops = 90;
        m.dramGBs = 12;
        m.llcGBs = 40;
        m.dramTriadMib = 256;
        m.date = "2026-11-29";
        m.seconds = 9;
        std::string issues;
        const std::optional<HardwarePreset> loaded = machinePreset(m, issues);
        QVERIFY2(loaded && issues.empty(), issues.c_str());
        const HardwarePreset& p = *loaded;
        QCOMPARE(p.status, std::string("measured"));
        QCOMPARE(p.archClass, ArchClass::Cpu);
        QCOMPARE(p.units(), 2.0);
        QCOMPARE(p.computeUnits.source, std::string("cores src"));
        QCOMPARE(p.peakTflops.at(Precision::FP32).value, 0.150);
        QVERIFY(p.peakTflops.at(Precision::FP32).source.find(vectorIsaName(isa)) != std::string::npos);
        QCOMPARE(p.flopsPerClockPerUnit.at(Precision::FP32).value, 150 / (2 * 2.5));
        QCOMPARE(p.clockGhz.value, 2.5);
        QVERIFY(p.clockGhz.source.rfind("clock src", 0) == 0);
        QCOMPARE(p.simdFp32Lanes.value, lanes);
        QVERIFY(p.simdFp32Lanes.source.rfind(vectorIsaName(isa), 0) == 0);
        QCOMPARE(p.microTileM.value, tileM);
        QCOMPARE(p.microTileN.value, tileN);
        QCOMPARE(p.computeFraction.value, 0.6);
        QCOMPARE(p.dram.bandwidthGBs.value, 12.0);
        QVERIFY(p.dram.bandwidthGBs.source.find("2026-11-29") != std::string::npos);
        QVERIFY(p.dram.bandwidthGBs.source.find("over 256 MiB") != std::string::npos);
        QVERIFY(p.dram.pjPerByte.source.find("copied from the xeon-8490h") != std::string::npos);
        QCOMPARE(p.dram.capacity.value, 16.0);
        QCOMPARE(p.dram.capacity.source, std::string("memory src"));
        QCOMPARE(p.onchip.capacity.value, 32.0);
        QCOMPARE(p.onchip.capacity.source, std::string("llc src"));
        QVERIFY(p.local);
        QCOMPARE(p.local->capacity.value, 1024.0);
        QCOMPARE(p.local->capacity.source, std::string("l2 src"));
        // A measured clock wins over the OS's, and says what the OS said.
        m.clockGhz = 3.0;
        const std::optional<HardwarePreset> timed = machinePreset(m, issues);
        QVERIFY2(timed && issues.empty(), issues.c_str());
        QCOMPARE(timed->clockGhz.value, 3.0);
        QVERIFY(timed->clockGhz.source.find("dependent integer-add") != std::string::npos);
        QVERIFY(timed->clockGhz.source.find("the OS says 2.500 GHz (clock src)") != std::string::npos);
        QCOMPARE(timed->flopsPerClockPerUnit.at(Precision::FP32).value, 150 / (2 * 3.0));
    }

    void probeWritesAPresetThatLoads_data() {
        QTest::addColumn<VectorIsa>("cap");
        QTest::addColumn<bool>("hostCaches"); // CPUID and sysconf on (else the estimates)
        QTest::newRow("empty sysfs, widest ISA") << VectorIsa::Avx512 << true;
        QTest::newRow("empty sysfs, capped to avx2") << VectorIsa::Avx2 << false;
        QTest::newRow("empty sysfs, capped to scalar") << VectorIsa::Scalar << false;
    }

    void probeWritesAPresetThatLoads() {
        // Real (short) probes through the engine API; only what holds on any host is asserted.
        QFETCH(VectorIsa, cap);
        QFETCH(bool, hostCaches);
        QTemporaryDir empty;
        ProbeOptions o;
        o.secondsPerProbe = 0.05;
        o.maxTriadMib = 64; // the host may report a socket's L3: keep the arrays small
        o.facts.sysfsRoot = empty.path().toStdString();
        o.facts.maxIsa = cap;
        o.facts.useCpuid = o.facts.useSysconf = hostCaches;
        int lastStep = 0;
        o.progress = [&](int step, int, const std::string&) { lastStep = step; };
        const MachineMeasurement m = measureMachine(o);
        QCOMPARE(lastStep, 5);
        QVERIFY(m.clockGhz > 0);
        QCOMPARE(m.facts.isa, detectVectorIsa(cap));
        QVERIFY(m.facts.isa <= cap);
        QVERIFY(m.fmaPeakGflops > 0 && m.gemmGflops > 0 && m.dramGBs > 0 && m.llcGBs > 0);
        QVERIFY(m.dramTriadMib > 0 && m.dramTriadMib <= 64 /* ProbeOptions::maxTriadMib */);
        std::string issues;
        const std::optional<HardwarePreset> loaded = machinePreset(m, issues);
        QVERIFY2(loaded && issues.empty(), issues.c_str());
        const HardwarePreset& p = *loaded;
        QCOMPARE(p.simdFp32Lanes.value, static_cast<double>(vectorIsaFp32Lanes(m.facts.isa)));
        QCOMPARE(p.units(), static_cast<double>(m.facts.cores));
        QVERIFY(p.onchip.capacity.value > 0);
        QVERIFY(p.onchip.capacity.source.rfind("sysfs ", 0) != 0); // not from the (empty) sysfs
    }

  private:
    /// The measure-machine preset for `m` on the xeon-8490h template, parsed; `issues` gets every
    /// error and warning (none expected: peak, units, FLOP per clock and clock agree).
    std::optional<HardwarePreset> machinePreset(const MachineMeasurement& m, std::string& issues) {
        const HardwarePreset* templ = lib_.find("xeon-8490h");
        const QJsonObject json = machinePresetJson(m, presetJson(templ->file), "this-machine");
        const PresetLoadResult loaded =
            parsePreset(QJsonDocument(json).toJson().toStdString(), "this-machine.json");
        for (const PresetIssue& i : loaded.issues)
            issues += i.str() + "\n";
        return loaded.preset;
    }
};

QTEST_GUILESS_MAIN(TstMeasured)
#include "tst_measured.moc"
