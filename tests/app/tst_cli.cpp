// The command line as a user drives it: columns, formats, and one-line errors with exit code 2.
#include "CliRun.h"
#include "FakeMachine.h"
#include "FileChecks.h"
#include "hardware/MachineProbe.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <map>
#include <sstream>

namespace {
using Run = bs::test::CliRun;
Run cli(const QStringList& args) {
    return bs::test::runCli(args);
}
QStringList split(const QString& s) {
    return bs::test::splitArgs(s);
}
QStringList split(const char* s) {
    return split(QString::fromUtf8(s));
}

std::vector<QStringList> parseCsv(const std::string& text) {
    return bs::test::parseCsv(QString::fromStdString(text));
}
} // namespace

class TestCli : public QObject {
    Q_OBJECT
  private slots:
    void sweepColumnsAndRows() {
        const Run r = cli(split("sweep --model resnet18 --hardware h100-sxm --batches 1,2,4,8"));
        QCOMPARE(r.code, 0);
        const auto rows = parseCsv(r.out);
        QCOMPARE(rows.size(), std::size_t(5));
        for (const char* col :
             {"batch", "latency_ms", "throughput_per_s", "utilization", "bandwidth_utilization",
              "energy_per_inference_mj", "peak_memory_mb", "fits_memory", "bound"})
            QVERIFY2(rows[0].contains(QString::fromLatin1(col)), col);
        for (std::size_t i = 1; i < rows.size(); ++i)
            QCOMPARE(rows[i].size(), rows[0].size());
        QCOMPARE(rows[4][0], QStringLiteral("8"));
        QVERIFY(r.out.find("\r\n") != std::string::npos); // RFC 4180 line ends
    }

    void layersColumnsAndShares() {
        const Run r = cli(split("layers --model resnet50 --hardware tpu-v4 --batch 16"));
        QCOMPARE(r.code, 0);
        const auto rows = parseCsv(r.out);
        const QStringList want =
            split("index name ops flops weight_bytes dram_bytes arithmetic_intensity bound "
                  "units_allocated units_total compute_ms memory_ms launch_ms host_ms latency_ms share");
        for (const QString& c : want)
            QVERIFY2(rows[0].contains(c), qPrintable(c));
        const auto shareCol = rows[0].indexOf(QStringLiteral("share"));
        const auto unitsCol = rows[0].indexOf(QStringLiteral("units_allocated"));
        double share = 0;
        for (std::size_t i = 1; i < rows.size(); ++i) {
            share += rows[i][shareCol].toDouble();
            QVERIFY(rows[i][unitsCol].toDouble() > 0); // never "0/132"
        }
        QVERIFY(std::abs(share - 1) < 1e-6);
        QVERIFY(r.out.find("\"Conv+BatchNormalization+Relu\"") == std::string::npos); // no needless quoting
    }

    void jsonFormat() {
        const Run r =
            cli(split("sweep --model mlp --hardware t4 --precision fp16 --batches 1..4 --format json"));
        QCOMPARE(r.code, 0);
        const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(r.out));
        QVERIFY(doc.isArray());
        QCOMPARE(doc.array().size(), 4);
        QVERIFY(doc.array().at(0).toObject().value(QStringLiteral("latency_ms")).isDouble());
    }

    void knobSweepAndParams() {
        Run r = cli(
            split("sweep --model bert-base --hardware a100-sxm4-80gb --over seq --values 64,128 --batch 4"));
        QCOMPARE(r.code, 0);
        QCOMPARE(parseCsv(r.out).size(), std::size_t(3));
        r = cli(split("layers --model llm --hardware h100-sxm --param phase=decode --param context=512 "
                      "--param layers=2"));
        QCOMPARE(r.code, 0);
        r = cli(split("sweep --model yolov3 --hardware megapixel-edge --resolution 1920x1088 --batches 1,2"));
        QCOMPARE(r.code, 0);
    }

    void recommend() {
        const Run r = cli(split("recommend --model resnet50 --hardware h100-sxm --latency-budget-ms 2"));
        QCOMPARE(r.code, 0);
        const auto rows = parseCsv(r.out);
        QCOMPARE(rows.size(), std::size_t(5));
        QCOMPARE(rows[1][0], QStringLiteral("latency budget"));
        QCOMPARE(rows[3][0], QStringLiteral("knee"));
        QVERIFY(rows[1][2].toDouble() <= 2.0);
    }

    void listings() {
        Run r = cli(split("presets"));
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.find("tpu-v4,") != std::string::npos);
        r = cli(split("models --format json"));
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.find("\"yolov3\"") != std::string::npos);
    }

    void errorsAreOneLineWithExitCode2_data() {
        QTest::addColumn<QString>("args");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("unknown model") << QStringLiteral("sweep --model resnet99 --hardware t4")
                                       << QStringLiteral("unknown model 'resnet99'");
        QTest::newRow("unknown hardware") << QStringLiteral("sweep --model resnet18 --hardware h300")
                                          << QStringLiteral("unknown hardware 'h300'");
        QTest::newRow("missing precision")
            << QStringLiteral("sweep --model resnet18 --hardware tpu-v4 --precision fp32")
            << QStringLiteral("no fp32 peak");
        QTest::newRow("bad precision")
            << QStringLiteral("sweep --model resnet18 --hardware t4 --precision fp7")
            << QStringLiteral("unknown precision 'fp7'");
        QTest::newRow("bad batches") << QStringLiteral("sweep --model resnet18 --hardware t4 --batches 0,1")
                                     << QStringLiteral("'0' is not an integer");
        QTest::newRow("bad knob") << QStringLiteral("sweep --model mlp --hardware t4 --param depth=x")
                                  << QStringLiteral("knob 'depth'");
        QTest::newRow("unknown knob") << QStringLiteral("sweep --model mlp --hardware t4 --param color=3")
                                      << QStringLiteral("no knob 'color'");
        QTest::newRow("seq on cnn") << QStringLiteral("sweep --model resnet18 --hardware t4 --seq 12")
                                    << QStringLiteral("no sequence length");
        QTest::newRow("unknown option") << QStringLiteral("layers --model resnet18 --hardware t4 --bacth 4")
                                        << QStringLiteral("unknown option '--bacth'");
        QTest::newRow("bad batch") << QStringLiteral("layers --model resnet18 --hardware t4 --batch -3")
                                   << QStringLiteral("--batch '-3'");
        QTest::newRow("bad budget") << QStringLiteral(
                                           "recommend --model resnet18 --hardware t4 --latency-budget-ms nan")
                                    << QStringLiteral("latency-budget-ms 'nan'");
        QTest::newRow("bad format") << QStringLiteral("presets --format xml")
                                    << QStringLiteral("--format 'xml'");
        QTest::newRow("unknown command")
            << QStringLiteral("sweeps") << QStringLiteral("unknown command 'sweeps'");
        QTest::newRow("import: no file") << QStringLiteral("import") << QStringLiteral("needs an ONNX file");
        QTest::newRow("import: missing file")
            << QStringLiteral("import @DATA@/nope.onnx") << QStringLiteral("nope.onnx: no such file");
        QTest::newRow("import: not onnx") << QStringLiteral("import @DATA@/make_onnx_models.py")
                                          << QStringLiteral("make_onnx_models.py: not an ONNX model");
        QTest::newRow("import: unbound dims")
            << QStringLiteral("import @DATA@/resnet18.onnx") << QStringLiteral("--dim NAME=VALUE");
        QTest::newRow("import: bad dim") << QStringLiteral("import @DATA@/resnet18.onnx --dim height=tall")
                                         << QStringLiteral("--dim height");
        QTest::newRow("dim on built-in")
            << QStringLiteral("sweep --model resnet18 --hardware t4 --dim height=3")
            << QStringLiteral("--dim applies to ONNX files");
        QTest::newRow("seq on onnx")
            << QStringLiteral("sweep --model @DATA@/distilbert_encoder.onnx --hardware t4 --seq 256")
            << QStringLiteral("--seq applies to built-in models");
        QTest::newRow("over unknown dim")
            << QStringLiteral(
                   "sweep --model @DATA@/distilbert_encoder.onnx --hardware t4 --over seq --values 1")
            << QStringLiteral("no symbolic dimension");
        QTest::newRow("unknown model or file")
            << QStringLiteral("sweep --model ./missing.onnx --hardware t4") << QStringLiteral("no such file");
    }
    void errorsAreOneLineWithExitCode2() {
        QFETCH(QString, args);
        QFETCH(QString, fragment);
        const Run r = cli(split(args));
        QCOMPARE(r.code, 2);
        QVERIFY(r.out.empty());
        QVERIFY2(r.err.find(fragment.toStdString()) != std::string::npos, r.err.c_str());
        QCOMPARE(std::count(r.err.begin(), r.err.end(), '\n'), std::ptrdiff_t(1));
    }

    void invalidPresetFileNamesFileAndField() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("broken.json"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"schema": 1, "id": "broken"})");
        f.close();
        const Run r = cli({QStringLiteral("sweep"), QStringLiteral("--model"), QStringLiteral("mlp"),
                           QStringLiteral("--hardware"), path});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.find(path.toStdString() + ": clock_ghz: missing") != std::string::npos);
    }

    void importSummary() {
        const Run r = cli(split("import @DATA@/resnet50.onnx --dim height=224 --dim width=224"));
        QCOMPARE(r.code, 0);
        for (const char* line :
             {"params                    25557032", "opsets                    ai.onnx 13",
              "batch_dim                 batch", "dims                      height=224, width=224",
              "gmacs_per_sample          4.0", "not_costed                none",
              "inputs                    input [1,3,224,224]"})
            QVERIFY2(r.out.find(line) != std::string::npos, r.out.c_str());
        const Run j = cli(split("import @DATA@/distilbert_encoder.onnx --format json"));
        QCOMPARE(j.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(j.out)).object();
        QCOMPARE(o.value(QStringLiteral("params")).toDouble(), 66362880.0);
        QCOMPARE(o.value(QStringLiteral("opsets")).toArray().at(0).toString(), QStringLiteral("ai.onnx 17"));
        QVERIFY(o.value(QStringLiteral("fused_layers")).toInt() > 50);
        QVERIFY(o.value(QStringLiteral("warnings")).toArray().isEmpty());
    }

    void onnxFileWorksLikeAModelId() {
        const Run file = cli(split("sweep --model @DATA@/resnet18.onnx --dim height=224 --dim width=224 "
                                   "--hardware h100-sxm --batches 1,16"));
        const Run zoo = cli(split("sweep --model resnet18 --hardware h100-sxm --batches 1,16"));
        QCOMPARE(file.code, 0);
        const auto a = parseCsv(file.out), b = parseCsv(zoo.out);
        QCOMPARE(a.size(), std::size_t{3});
        for (std::size_t row = 1; row < 3; ++row) // latency_ms within 2 %
            QVERIFY(std::abs(a[row][1].toDouble() / b[row][1].toDouble() - 1) < 0.02);
        const Run layers = cli(split("layers --model @DATA@/resnet18.onnx --dim height=224 --dim width=224 "
                                     "--hardware t4 --batch 8"));
        QCOMPARE(layers.code, 0);
        QVERIFY2(layers.out.find("/conv1/Conv") != std::string::npos, layers.out.c_str()); // ONNX node names
        // Sweeping a symbolic dimension re-imports the file at each value.
        const Run over = cli(split("sweep --model @DATA@/resnet18.onnx --dim height=224 --dim width=224 "
                                   "--hardware t4 --over height --values 224,448"));
        QCOMPARE(over.code, 0);
        const auto rows = parseCsv(over.out);
        QCOMPARE(rows.size(), std::size_t{3});
        const int gflops = static_cast<int>(rows[0].indexOf(QStringLiteral("gflops")));
        QVERIFY(gflops > 0);
        const double ratio = rows[2][gflops].toDouble() / rows[1][gflops].toDouble();
        QVERIFY2(ratio > 1.95 && ratio < 2.01, qPrintable(QString::number(ratio))); // twice the rows
    }

    void runtimesListAndCheck() {
        Run r = cli(split("runtimes"));
        QCOMPARE(r.code, 0);
        const auto rows = parseCsv(r.out);
        QCOMPARE(rows[0][0], QStringLiteral("id"));
        QStringList ids;
        for (std::size_t i = 1; i < rows.size(); ++i)
            ids << rows[i][0];
        for (const char* id : {"ideal", "tensorrt", "pytorch-eager", "pytorch-compiled", "onnxruntime",
                               "tensorflow", "xla", "openvino"})
            QVERIFY2(ids.contains(QLatin1String(id)), id);
        // A broken profile: every problem on its own line, naming file and field; exit 2.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bad.json"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"schema": "batchscope-runtime/1", "id": "bad", "name": "b", "version": "1",
                   "classes": {"gpu": {"launch_us": {"value": -1, "source": "s"}}}})");
        f.close();
        r = cli({QStringLiteral("runtimes"), QStringLiteral("--check"), path});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.find(path.toStdString() + ": classes.gpu.launch_us.value: must be ≥ 0 (got -1)") !=
                     std::string::npos,
                 r.err.c_str());
        QVERIFY2(r.err.find(path.toStdString() + ": classes.gpu.fusion: missing") != std::string::npos,
                 r.err.c_str());
        QVERIFY(std::count(r.err.begin(), r.err.end(), '\n') >= 8); // one line per missing field too
        // The same file as --runtime of a scenario command.
        r = cli({QStringLiteral("sweep"), QStringLiteral("--model"), QStringLiteral("mlp"),
                 QStringLiteral("--hardware"), QStringLiteral("t4"), QStringLiteral("--runtime"), path});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.find(path.toStdString() + ": classes.gpu.launch_us.value") != std::string::npos);
        // A runtime on a chip class it has no profile for.
        r = cli(split("sweep --model mlp --hardware t4 --runtime openvino"));
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.find("runtime 'openvino' has no profile for gpu chips") != std::string::npos,
                 r.err.c_str());
        // Eager PyTorch is slower than TensorRT at batch 1 on the same chip.
        const auto at1 = [&](const char* rt) {
            const Run s =
                cli(split(QStringLiteral("sweep --model resnet50 --hardware t4 --batches 1 --runtime %1")
                              .arg(QLatin1String(rt))));
            return parseCsv(s.out)[1][1].toDouble();
        };
        QVERIFY(at1("pytorch-eager") > 3 * at1("tensorrt"));
    }

    void helpForEveryCommand() {
        for (const char* c :
             {"presets", "models", "runtimes", "validate", "sweep", "layers", "recommend", "import"}) {
            const Run r = cli({QString::fromLatin1(c), QStringLiteral("--help")});
            QCOMPARE(r.code, 0);
            QVERIFY(r.out.find("Usage: batchscope") != std::string::npos);
        }
        QVERIFY(cli({QStringLiteral("--help")}).out.find("Commands:") != std::string::npos);
    }

    void compareFlagsSeed002Anomalies() {
        QTemporaryDir tmp;
        const QString file = tmp.filePath(QStringLiteral("seed002.jsonl"));
        QString lines;
        for (const auto& [b, ms] :
             std::vector<std::pair<int, double>>{{1, 50.3}, {2, 140.09}, {4, 175.25}, {8, 504.16}})
            for (double jitter : {0.99, 1.0, 1.01})
                lines += QStringLiteral("{\"batch_size\": %1, \"forward_ms\": %2, \"device\": \"cpu\"}\n")
                             .arg(b)
                             .arg(ms * jitter);
        QVERIFY(bs::test::writeAll(file, lines.toUtf8()));
        Run r = cli(split(
            QStringLiteral("compare --model distilbert --hardware xeon-8490h --precision fp32 --measured ") +
            file));
        QVERIFY2(r.code == 0, r.err.c_str());
        const auto rows = parseCsv(r.out);
        QCOMPARE(rows.size(), std::size_t{5});
        const qsizetype anomaly = rows[0].indexOf(QStringLiteral("anomaly"));
        const qsizetype runs = rows[0].indexOf(QStringLiteral("runs"));
        QCOMPARE(rows[1][runs], QStringLiteral("3"));
        QCOMPARE((QStringList{rows[1][anomaly], rows[2][anomaly], rows[3][anomaly], rows[4][anomaly]}),
                 (QStringList{QStringLiteral("false"), QStringLiteral("true"), QStringLiteral("true"),
                              QStringLiteral("false")}));
        r = cli(split(
            QStringLiteral(
                "compare --model distilbert --hardware xeon-8490h --precision fp32 --summary --measured ") +
            file));
        const auto summary = parseCsv(r.out);
        QCOMPARE(summary[1][summary[0].indexOf(QStringLiteral("anomalies"))], QStringLiteral("2"));
        // Errors name the file and line.
        QVERIFY(bs::test::writeAll(file, "batch,latency_ms\n1,fast\n"));
        r = cli(split(QStringLiteral("compare --model mlp --hardware t4 --measured ") + file));
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.find("seed002.jsonl: line 2: latency_ms: 'fast' is not a number") != std::string::npos,
                 r.err.c_str());
        // Points for another chip only: said, not an empty table.
        QVERIFY(bs::test::writeAll(file, "hardware,batch,latency_ms\nh100-sxm,1,2\n"));
        r = cli(split(QStringLiteral("compare --model mlp --hardware t4 --measured ") + file));
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.find("no points for model mlp on t4") != std::string::npos, r.err.c_str());
    }

    void calibrateWritesAPresetThatLoads() {
        QTemporaryDir tmp;
        // Measured: what the T4 preset gives at a third of its bandwidth and twice its dispatch time.
        const QString slow = tmp.filePath(QStringLiteral("slow.json"));
        QJsonObject t4 =
            QJsonDocument::fromJson(
                bs::test::readAll(qEnvironmentVariable("BATCHSCOPE_PRESET_DIR") + QStringLiteral("/t4.json")))
                .object();
        t4[QStringLiteral("id")] = QStringLiteral("t4-slow");
        QJsonObject eff = t4[QStringLiteral("efficiency")].toObject();
        QJsonObject bw = eff[QStringLiteral("bandwidth_fraction")].toObject();
        bw[QStringLiteral("value")] = 0.3;
        eff[QStringLiteral("bandwidth_fraction")] = bw;
        t4[QStringLiteral("efficiency")] = eff;
        QVERIFY(bs::test::writeAll(slow, QJsonDocument(t4).toJson()));
        QString csv = QStringLiteral("model,batch,latency_ms\n");
        for (const char* model : {"resnet18", "mlp"}) {
            const Run r = cli(split(QStringLiteral("sweep --model %1 --hardware %2 --batches 1,4,16,64")
                                        .arg(QLatin1String(model), slow)));
            QVERIFY2(r.code == 0, r.err.c_str());
            const auto rows = parseCsv(r.out);
            for (std::size_t i = 1; i < rows.size(); ++i)
                csv += QStringLiteral("%1,%2,%3\n").arg(QLatin1String(model), rows[i][0], rows[i][1]);
        }
        const QString measured = tmp.filePath(QStringLiteral("t4-sweeps.csv"));
        QVERIFY(bs::test::writeAll(measured, csv.toUtf8()));
        const QString out = tmp.filePath(QStringLiteral("t4-fit.json"));
        Run r = cli(split(
            QStringLiteral(
                "calibrate --hardware t4 --model resnet18 --model mlp --measured %1 --out %2 --id t4-fit")
                .arg(measured, out)));
        QVERIFY2(r.code == 0, r.err.c_str());
        const auto rows = parseCsv(r.out);
        QCOMPARE(rows[0], (QStringList{QStringLiteral("quantity"), QStringLiteral("before"),
                                       QStringLiteral("after")}));
        QCOMPARE(rows[2][0], QStringLiteral("bandwidth_fraction"));
        QVERIFY2(std::abs(rows[2][2].toDouble() - 0.3) < 0.05, qPrintable(rows[2].join(QLatin1Char(','))));
        QCOMPARE(rows[4][0], QStringLiteral("mdape_pct"));
        QVERIFY(rows[4][2].toDouble() < 2 && rows[4][2].toDouble() < rows[4][1].toDouble());
        const QJsonObject fitted = QJsonDocument::fromJson(bs::test::readAll(out)).object();
        QCOMPARE(fitted[QStringLiteral("status")].toString(), QStringLiteral("calibrated"));
        QCOMPARE(fitted[QStringLiteral("derived_from")].toString(), QStringLiteral("t4"));
        QVERIFY(
            fitted[QStringLiteral("efficiency")]
                .toObject()[QStringLiteral("bandwidth_fraction")]
                .toObject()[QStringLiteral("source")]
                .toString()
                .contains(QStringLiteral("t4-sweeps.csv (resnet18 fp16 batch 1-64, mlp fp16 batch 1-64)")));
        // The calibrated preset is usable anywhere a preset is.
        r = cli(split(QStringLiteral("sweep --model resnet18 --hardware %1 --batches 1,2").arg(out)));
        QVERIFY2(r.code == 0, r.err.c_str());
        r = cli(split(
            QStringLiteral("calibrate --hardware t4 --model resnet18 --measured %1 --out %2 --fit speed")
                .arg(measured, out)));
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.find("--fit 'speed'") != std::string::npos);
    }

    // measure-machine runs short probes; what is asserted holds on any host: the facts come from
    // an empty or a fake sysfs tree, and the ISA is compared with what this CPU has under the cap.

    void measureMachineWritesAPresetThatLoads() {
        QTemporaryDir tmp, emptySysfs;
        const QString out = tmp.filePath(QStringLiteral("me.json"));
        Run r = cli(
            split(QStringLiteral("measure-machine --seconds 0.05 --max-triad-mib 64 --sysfs-root %1 --out %2")
                      .arg(emptySysfs.path(), out)));
        QVERIFY2(r.code == 0, r.err.c_str());
        const std::map<QString, QStringList> rows = tableRows(r.out);
        for (const char* q :
             {"clock", "fp32_peak", "gemm", "dram_bandwidth", "llc_bandwidth", "llc", "memory"})
            QVERIFY2(rows.count(QLatin1String(q)) && rows.at(QLatin1String(q))[1].toDouble() > 0, q);
        QCOMPARE(rows.at(QStringLiteral("isa"))[1],
                 QString::fromLatin1(bs::vectorIsaName(bs::detectVectorIsa())));
        // No sysfs: the last level came from CPUID, sysconf or the estimate, and says which.
        const QString llcSource = rows.at(QStringLiteral("llc"))[3];
        QVERIFY2(!llcSource.startsWith(QLatin1String("sysfs ")) && !llcSource.isEmpty(),
                 qPrintable(llcSource));
        QCOMPARE(presetField(out, "memory", "onchip", "capacity_mib")[QStringLiteral("source")].toString(),
                 llcSource);
        r = cli(split(QStringLiteral("layers --model resnet18 --batch 2 --hardware ") + out));
        QVERIFY2(r.code == 0, r.err.c_str());
        r = cli(split(QStringLiteral("measure-machine --seconds 100 --out ") + out));
        QCOMPARE(r.code, 2);
    }

    void measureMachineCappedIsaOnAFakeMachine_data() {
        QTest::addColumn<QString>("cap");
        QTest::newRow("avx2") << QStringLiteral("avx2");
        QTest::newRow("scalar") << QStringLiteral("scalar");
    }

    void measureMachineCappedIsaOnAFakeMachine() {
        QFETCH(QString, cap);
        QTemporaryDir tmp;
        const QString sysfs = tmp.filePath(QStringLiteral("cpu")),
                      proc = tmp.filePath(QStringLiteral("proc"));
        QVERIFY(bs::test::writeFakeSysfs(sysfs, {QStringLiteral("0-1"), QStringLiteral("0-1")}));
        QVERIFY(bs::test::writeFakeProc(proc));
        const QString out = tmp.filePath(QStringLiteral("capped.json"));
        const Run r = cli(split(
            QStringLiteral("measure-machine --seconds 0.05 --max-triad-mib 64 --max-isa %1 --sysfs-root %2 "
                           "--proc-root %3 --id capped --out %4")
                .arg(cap, sysfs, proc, out)));
        QVERIFY2(r.code == 0, r.err.c_str());
        const std::map<QString, QStringList> rows = tableRows(r.out);
        const bs::VectorIsa isa = bs::detectVectorIsa(*bs::parseVectorIsa(cap.toStdString()));
        QCOMPARE(rows.at(QStringLiteral("isa"))[1], QString::fromLatin1(bs::vectorIsaName(isa)));
        // The fake tree's numbers, exactly (one L3 instance shared by cpu0 and cpu1, whichever of
        // them this process may use; cpu0 stands in for CPUs the tree does not list).
        QCOMPARE(rows.at(QStringLiteral("llc"))[1].toDouble(), bs::test::kFakeL3Mib);
        QVERIFY(rows.at(QStringLiteral("llc"))[3].startsWith(QStringLiteral("sysfs ") + sysfs));
        QCOMPARE(rows.at(QStringLiteral("l2"))[1].toDouble(), bs::test::kFakeL2Kib);
        QCOMPARE(rows.at(QStringLiteral("l1d"))[1].toDouble(), bs::test::kFakeL1dKib);
        QCOMPARE(rows.at(QStringLiteral("os_clock"))[1].toDouble(), bs::test::kFakeClockGhz);
        QVERIFY(rows.at(QStringLiteral("clock"))[1].toDouble() > 0); // measured
        QCOMPARE(rows.at(QStringLiteral("memory"))[1].toDouble(), bs::test::kFakeMemoryGib);
        QCOMPARE(rows.at(QStringLiteral("cpu"))[1], QStringLiteral("Fake CPU 9000"));
        // The preset: lanes of the ISA used, the fake facts with their sources; and it loads.
        QCOMPARE(presetField(out, "mapping", "simd_fp32_lanes")[QStringLiteral("value")].toDouble(),
                 static_cast<double>(bs::vectorIsaFp32Lanes(isa)));
        QVERIFY(presetField(out, "clock_ghz")[QStringLiteral("source")].toString().contains(
            QStringLiteral("the OS says 2.500 GHz")));
        QVERIFY(presetField(out, "memory", "onchip", "capacity_mib")[QStringLiteral("source")]
                    .toString()
                    .startsWith(QStringLiteral("sysfs ") + sysfs));
        const Run layers = cli(split(QStringLiteral("layers --model mlp --batch 2 --hardware ") + out));
        QVERIFY2(layers.code == 0, layers.err.c_str());
    }

    void measureMachineRefusesBadTestSwitches() {
        QTemporaryDir tmp;
        const QString out = tmp.filePath(QStringLiteral("x.json"));
        const Run r = cli(split(QStringLiteral("measure-machine --max-isa avx3 --out ") + out));
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.find("--max-isa 'avx3' is not avx512, avx2 or scalar") != std::string::npos,
                 r.err.c_str());
        QVERIFY(!QFile::exists(out));
        const Run help = cli(split("measure-machine --help"));
        QCOMPARE(help.code, 0);
        for (const char* text :
             {"For testing:", "--sysfs-root DIR", "--max-isa ISA", "0x8000001D", "1 MiB per core"})
            QVERIFY2(help.out.find(text) != std::string::npos, text);
    }

  private:
    /// measure-machine's table (quantity, value, unit, source) by quantity.
    static std::map<QString, QStringList> tableRows(const std::string& csv) {
        const auto rows = parseCsv(csv);
        std::map<QString, QStringList> byName;
        if (rows.empty() || rows[0] != QStringList{QStringLiteral("quantity"), QStringLiteral("value"),
                                                   QStringLiteral("unit"), QStringLiteral("source")})
            return byName;
        for (std::size_t i = 1; i < rows.size(); ++i)
            if (rows[i].size() == 4) byName[rows[i][0]] = rows[i];
        return byName;
    }

    /// The object at `path` (keys from the top) of the preset file `file`.
    template <typename... Keys> static QJsonObject presetField(const QString& file, Keys... path) {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly)) return {};
        QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
        for (const char* key : {path...})
            o = o.value(QLatin1String(key)).toObject();
        return o;
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
