// `batchscope export` and `batchscope report` as a script drives them: every file they write is
// opened and checked (PNG size, SVG content, PDF pages, CSV equal to what `sweep` and `layers`
// print), scenarios come from --scenario or a session (embedded user preset, moved ONNX file), and
// every bad input gives one line naming it, exit code 2 and no file.
#include "CliRun.h"
#include "FileChecks.h"
#include "exportcli/ExportCommands.h"
#include "model/Explorer.h"
#include "model/Session.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace bs;
using namespace bs::test;

namespace {
using Run = CliRun;
/// As splitArgs(); "@TMP@" stands for `tmp`.
QStringList split(const QString& s, const QString& tmp = {}) {
    QString text = s;
    text.replace(QStringLiteral("@TMP@"), tmp);
    return splitArgs(text);
}

const char* kTwo = "--scenario model=resnet50,hardware=h100-sxm,precision=bf16 "
                   "--scenario model=bert-base,hardware=tpu-v4,seq=256";

QString gridList() {
    QStringList b;
    for (int v : sweepGrid())
        b << QString::number(v);
    return b.join(QLatin1Char(','));
}
} // namespace

class TstCliExport : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString t() const { return tmp_.path(); }
    QString file(const QString& name) const { return tmp_.filePath(name); }
    Run run(const QString& args) const { return runCli(split(args, t())); }

  private slots:
    void initTestCase() { QVERIFY(tmp_.isValid()); }

    void helpNamesEveryOption() {
        const Run top = runCli({QStringLiteral("--help")});
        QVERIFY(top.out.find("export ") != std::string::npos);
        QVERIFY(top.out.find("report ") != std::string::npos);
        const Run e = runCli({QStringLiteral("export"), QStringLiteral("--help")});
        QCOMPARE(e.code, 0);
        for (const char* opt : {"--session", "--scenario", "--chart", "--batch", "--out", "--size", "--scale",
                                "--latency-budget-ms", "--energy-breakdown", "--input-len", "--output-len",
                                "--ttft-ms", "--tpot-ms"})
            QVERIFY2(e.out.find(opt) != std::string::npos, opt);
        const Run r = runCli({QStringLiteral("report"), QStringLiteral("--help")});
        for (const char* opt : {"--session", "--scenario", "--title", "--top-layers", "--out"})
            QVERIFY2(r.out.find(opt) != std::string::npos, opt);
    }

    void pngOfOneChartAndOfAll() {
        Run r = run(QStringLiteral("export %1 --chart roofline --batch 16 --out @TMP@/roof.png")
                        .arg(QLatin1String(kTwo)));
        QVERIFY2(r.code == 0, r.err.c_str());
        QVERIFY(r.out.find("roof.png") != std::string::npos);
        const QImage one(file(QStringLiteral("roof.png")));
        QCOMPARE(one.width(), 800);
        QVERIFY(one.height() > 480 && one.height() < 600); // the chart plus its caption
        r = run(QStringLiteral("export %1 --out @TMP@/all@2x.png --size 720x450").arg(QLatin1String(kTwo)));
        QVERIFY2(r.code == 0, r.err.c_str());
        const QImage all(file(QStringLiteral("all@2x.png")));
        QCOMPARE(all.width(), 2 * 2 * 720); // 2 columns of 720, at 2×
    }

    void svgHoldsEveryScenario() {
        const Run r = run(
            QStringLiteral("export %1 --chart utilization --out @TMP@/util.svg").arg(QLatin1String(kTwo)));
        QVERIFY2(r.code == 0, r.err.c_str());
        const XmlContent svg = readXml(readAll(file(QStringLiteral("util.svg"))));
        QVERIFY(svg.valid);
        QVERIFY2(svg.text.contains(QStringLiteral("resnet50 224² · NVIDIA H100 SXM5 80GB · bf16")),
                 qPrintable(svg.text));
        QVERIFY(svg.text.contains(QStringLiteral("bert-base seq 256")));
        QVERIFY(svg.text.contains(QStringLiteral("Batch 64"))); // the default batch, in the caption
    }

    void pdfPages() {
        Run r = run(QStringLiteral("export %1 --chart all --out @TMP@/all.pdf").arg(QLatin1String(kTwo)));
        QVERIFY2(r.code == 0, r.err.c_str());
        QCOMPARE(pdfPageCount(readAll(file(QStringLiteral("all.pdf")))), 4);
        r = run(QStringLiteral("export %1 --chart energy --energy-breakdown --out @TMP@/energy.pdf")
                    .arg(QLatin1String(kTwo)));
        QVERIFY2(r.code == 0, r.err.c_str());
        QCOMPARE(pdfPageCount(readAll(file(QStringLiteral("energy.pdf")))), 1);
    }

    void sweepCsvIsWhatSweepPrints() {
        const Run r =
            run(QStringLiteral("export %1 --chart tradeoff --out @TMP@/sweep.csv").arg(QLatin1String(kTwo)));
        QVERIFY2(r.code == 0, r.err.c_str());
        const auto rows = parseCsv(QString::fromUtf8(readAll(file(QStringLiteral("sweep.csv")))));
        const std::size_t grid = sweepGrid().size();
        QCOMPARE(rows.size(), 1 + 2 * grid);
        QCOMPARE(rows[0].mid(0, 4), (QStringList{QStringLiteral("scenario"), QStringLiteral("model"),
                                                 QStringLiteral("hardware"), QStringLiteral("precision")}));
        // The second scenario's rows, without the four lead columns, are `batchscope sweep`'s.
        const Run sweep = runCli(split(
            QStringLiteral("sweep --model bert-base --hardware tpu-v4 --seq 256 --batches ") + gridList()));
        QCOMPARE(sweep.code, 0);
        const auto expected = parseCsv(QString::fromStdString(sweep.out));
        QCOMPARE(expected.size(), 1 + grid);
        QCOMPARE(rows[0].mid(4), expected[0]);
        for (std::size_t i = 1; i <= grid; ++i) {
            QCOMPARE(rows[grid + i][2], QStringLiteral("tpu-v4"));
            QCOMPARE(rows[grid + i].mid(4), expected[i]);
        }
    }

    void layerCsvIsWhatLayersPrints() {
        const Run r = run(QStringLiteral("export %1 --chart roofline --batch 8 --out @TMP@/layers.csv")
                              .arg(QLatin1String(kTwo)));
        QVERIFY2(r.code == 0, r.err.c_str());
        const auto rows = parseCsv(QString::fromUtf8(readAll(file(QStringLiteral("layers.csv")))));
        const Run layers = runCli(
            split(QStringLiteral("layers --model resnet50 --hardware h100-sxm --precision bf16 --batch 8")));
        const auto expected = parseCsv(QString::fromStdString(layers.out));
        QCOMPARE(rows[0].mid(4), expected[0]);
        for (std::size_t i = 1; i < expected.size(); ++i) {
            QCOMPARE(rows[i][2], QStringLiteral("h100-sxm"));
            QCOMPARE(rows[i].mid(4), expected[i]);
        }
        QVERIFY(rows.size() > expected.size()); // then bert-base's layers
        QCOMPARE(rows.back()[2], QStringLiteral("tpu-v4"));
    }

    void servingChartsCsvAndReport() {
        const QString two = QStringLiteral("--scenario model=llama-3.2-1b,hardware=h100-sxm "
                                           "--scenario model=resnet50,hardware=h100-sxm");
        Run r = run(QStringLiteral("export %1 --chart ttft --input-len 512 --output-len 128 --ttft-ms 200 "
                                   "--tpot-ms 4 --out @TMP@/serving.csv")
                        .arg(two));
        QVERIFY2(r.code == 0, r.err.c_str());
        const auto rows = parseCsv(QString::fromUtf8(readAll(file(QStringLiteral("serving.csv")))));
        const std::size_t grid = sweepGrid().size();
        QCOMPARE(rows.size(), 1 + grid); // the decoder only: resnet50 generates nothing
        // The generation columns are `batchscope generate`'s at the same lengths.
        const Run gen = runCli(split(QStringLiteral("generate --model llama-3.2-1b --hardware h100-sxm "
                                                    "--input-len 512 --output-len 128 --batches ") +
                                     gridList()));
        QCOMPARE(gen.code, 0);
        const auto expected = parseCsv(QString::fromStdString(gen.out));
        const qsizetype columns = 15; // generationColumns(): batch .. max_batch, usd_per_million_tokens
        QCOMPARE(rows[0].mid(4, columns), expected[0].mid(0, columns));
        QCOMPARE(rows[0].mid(4 + columns),
                 (QStringList{QStringLiteral("meets_targets"), QStringLiteral("recommended")}));
        int recommended = 0;
        for (std::size_t i = 1; i <= grid; ++i) {
            QCOMPARE(rows[i].mid(4, columns), expected[i].mid(0, columns));
            if (rows[i].back() == QStringLiteral("true")) {
                ++recommended;
                QCOMPARE(rows[i][4 + columns], QStringLiteral("true")); // it meets the targets
            }
        }
        QCOMPARE(recommended, 1);

        r = run(QStringLiteral("export %1 --chart serving --out @TMP@/serving.pdf").arg(two));
        QVERIFY2(r.code == 0, r.err.c_str());
        QCOMPARE(pdfPageCount(readAll(file(QStringLiteral("serving.pdf")))), 4);
        r = run(QStringLiteral("export %1 --chart interactivity --out @TMP@/inter.svg").arg(two));
        QVERIFY2(r.code == 0, r.err.c_str());
        QVERIFY(readXml(readAll(file(QStringLiteral("inter.svg")))).text.contains(QStringLiteral("KV wall")));

        r = run(QStringLiteral("report %1 --tpot-ms 5 --out @TMP@/serving.html").arg(two));
        QVERIFY2(r.code == 0, r.err.c_str());
        const XmlContent html = readXml(readAll(file(QStringLiteral("serving.html"))));
        QVERIFY2(html.valid, qPrintable(html.error));
        QCOMPARE(html.elements.at(QStringLiteral("svg")), 8); // the batch charts, then the serving ones
        QVERIFY(html.text.contains(QStringLiteral("LLM serving")));
        QVERIFY(html.text.contains(QStringLiteral("TPOT ≤ 5.00 ms")));

        r = run(QStringLiteral("export --scenario model=mlp,hardware=t4 --chart tpot --out @TMP@/x.png"));
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.find("no scenario is a decoder LLM") != std::string::npos, r.err.c_str());
        QVERIFY(!QFile::exists(file(QStringLiteral("x.png"))));
    }

    void onnxScenarioWithDims() {
        const Run r = run(
            QStringLiteral("export --scenario model=@DATA@/resnet18.onnx,hardware=t4,height=224,width=224 "
                           "--chart energy --out @TMP@/onnx.svg"));
        QVERIFY2(r.code == 0, r.err.c_str());
        const XmlContent svg = readXml(readAll(file(QStringLiteral("onnx.svg"))));
        QVERIFY(svg.text.contains(QStringLiteral("resnet18.onnx height=224 width=224 · NVIDIA T4")));
    }

    void reportPdfAndHtml() {
        Run r = run(QStringLiteral("report %1 --latency-budget-ms 5 --title Q4_review --out @TMP@/r.pdf")
                        .arg(QLatin1String(kTwo)));
        QVERIFY2(r.code == 0, r.err.c_str());
        const QByteArray pdf = readAll(file(QStringLiteral("r.pdf")));
        QVERIFY(pdf.startsWith("%PDF-"));
        const int pages = pdfPageCount(pdf);
        QVERIFY(r.out.find("(" + std::to_string(pages) + " pages") != std::string::npos);
        QVERIFY(pages >= 4);
        r = run(QStringLiteral("report %1 --top-layers 5 --out @TMP@/r.html").arg(QLatin1String(kTwo)));
        QVERIFY2(r.code == 0, r.err.c_str());
        const XmlContent html = readXml(readAll(file(QStringLiteral("r.html"))));
        QVERIFY2(html.valid, qPrintable(html.error));
        QCOMPARE(html.elements.at(QStringLiteral("svg")), 4);
        QVERIFY(html.text.contains(QStringLiteral("The 5 slowest of")));
        QVERIFY(html.text.contains(QStringLiteral("Google TPU v4")) ||
                html.text.contains(QStringLiteral("TPU v4")));
    }

    void sessionWithEmbeddedPresetAndMovedModel() {
        // A user preset that exists only in the session: a T4 with a third of its bandwidth.
        QJsonObject slow = QJsonDocument::fromJson(readAll(qEnvironmentVariable("BATCHSCOPE_PRESET_DIR") +
                                                           QStringLiteral("/t4.json")))
                               .object();
        QVERIFY(!slow.isEmpty());
        slow[QStringLiteral("id")] = QStringLiteral("t4-slow");
        slow[QStringLiteral("name")] = QStringLiteral("T4 at 100 GB/s");
        slow[QStringLiteral("derived_from")] = QStringLiteral("t4");
        QJsonObject memory = slow[QStringLiteral("memory")].toObject();
        QJsonObject dram = memory[QStringLiteral("dram")].toObject();
        QJsonObject bw = dram[QStringLiteral("bandwidth_gb_s")].toObject();
        bw[QStringLiteral("value")] = 100;
        dram[QStringLiteral("bandwidth_gb_s")] = bw;
        memory[QStringLiteral("dram")] = dram;
        slow[QStringLiteral("memory")] = memory;

        // The model was saved at a path that no longer exists; it sits in models/ beside the session.
        QDir(t()).mkpath(QStringLiteral("proj/models"));
        QVERIFY(QFile::copy(QStringLiteral(BATCHSCOPE_TEST_DATA_DIR "/resnet18.onnx"),
                            file(QStringLiteral("proj/models/resnet18.onnx"))));
        SessionData d;
        SessionRow a;
        a.spec.modelId = QStringLiteral("resnet50");
        a.spec.presetId = QStringLiteral("t4");
        a.spec.precision = Precision::FP16;
        a.spec.color = QColor(0, 114, 178);
        SessionRow b = a;
        b.spec.presetId = QStringLiteral("t4-slow");
        b.spec.color = QColor(213, 94, 0);
        SessionRow c;
        c.spec.onnxPath = QStringLiteral("/nowhere/resnet18.onnx");
        c.spec.dims = {{"height", 224}, {"width", 224}};
        c.spec.presetId = QStringLiteral("t4");
        c.spec.precision = Precision::FP16;
        c.spec.color = QColor(0, 158, 115);
        c.onnxRelativePath = QStringLiteral("models/resnet18.onnx");
        SessionRow hidden = a;
        hidden.spec.visible = false;
        hidden.spec.modelId = QStringLiteral("mobilenet_v2");
        d.scenarios = {a, b, c, hidden};
        d.userPresets[QStringLiteral("t4-slow")] = slow;
        d.batch = 12;
        d.latencyBudget_ms = 4.0;
        d.selectedScenario = 1;
        const QString session = file(QStringLiteral("proj/meeting.batchscope"));
        QString error;
        QVERIFY2(saveSessionFile(session, d, &error), qPrintable(error));

        Run r = run(QStringLiteral(
            "export --session @TMP@/proj/meeting.batchscope --chart tradeoff --out @TMP@/s.csv"));
        QVERIFY2(r.code == 0, r.err.c_str());
        QVERIFY(r.out.find("batch 12") != std::string::npos);
        QVERIFY(r.out.find("3 scenarios") != std::string::npos); // the hidden one is not drawn
        const auto rows = parseCsv(QString::fromUtf8(readAll(file(QStringLiteral("s.csv")))));
        const std::size_t grid = sweepGrid().size();
        QCOMPARE(rows.size(), 1 + 3 * grid);
        const qsizetype lat = rows[0].indexOf(QStringLiteral("latency_ms"));
        // Batch 1: the slow copy is slower than the stock T4, as its bandwidth says.
        QCOMPARE(rows[1 + grid][2], QStringLiteral("t4-slow"));
        QVERIFY(rows[1 + grid][lat].toDouble() > 1.5 * rows[1][lat].toDouble());
        QVERIFY(rows[1 + 2 * grid][0].startsWith(QStringLiteral("resnet18.onnx")));

        // --batch overrides the session's; the report uses the session's budget.
        r = run(QStringLiteral(
            "export --session @TMP@/proj/meeting.batchscope --batch 3 --chart energy --out @TMP@/s.svg"));
        QVERIFY2(r.code == 0, r.err.c_str());
        QVERIFY(readXml(readAll(file(QStringLiteral("s.svg"))))
                    .text.contains(QStringLiteral("Batch 3, latency budget 4")));
        r = run(QStringLiteral("report --session @TMP@/proj/meeting.batchscope --out @TMP@/s.html"));
        QVERIFY2(r.code == 0, r.err.c_str());
        const XmlContent html = readXml(readAll(file(QStringLiteral("s.html"))));
        QVERIFY(html.text.contains(QStringLiteral("T4 at 100 GB/s (t4-slow)")));
        QVERIFY(html.text.contains(QStringLiteral("derived from t4")));
    }

    void badInputIsOneLineAndNoFile_data() {
        QTest::addColumn<QString>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("no scenario") << "export --out @TMP@/x.png"
                                     << "--session FILE or at least one --scenario";
        QTest::newRow("both")
            << "export --session a.batchscope --scenario model=mlp,hardware=t4 --out @TMP@/x.png"
            << "not both";
        QTest::newRow("no out") << "export --scenario model=mlp,hardware=t4"
                                << "--out FILE is required";
        QTest::newRow("not key=value") << "export --scenario resnet50,hardware=t4 --out @TMP@/x.png"
                                       << "'resnet50' is not key=value";
        QTest::newRow("no hardware") << "export --scenario model=resnet50 --out @TMP@/x.png"
                                     << "hardware= is missing";
        QTest::newRow("unknown model") << "export --scenario model=resnet51,hardware=t4 --out @TMP@/x.png"
                                       << "unknown model 'resnet51'";
        QTest::newRow("unknown preset") << "export --scenario model=resnet50,hardware=h900 --out @TMP@/x.png"
                                        << "h900";
        QTest::newRow("precision the chip lacks")
            << "export --scenario model=resnet50,hardware=t4,precision=fp8 --out @TMP@/x.png"
            << "fp8";
        QTest::newRow("unknown knob")
            << "export --scenario model=resnet50,hardware=t4,depth=3 --out @TMP@/x.png"
            << "depth";
        QTest::newRow("seq on a cnn")
            << "export --scenario model=resnet50,hardware=t4,seq=12 --out @TMP@/x.png"
            << "has no sequence length (seq)";
        QTest::newRow("key twice") << "export --scenario model=mlp,hardware=t4,hardware=l4 --out @TMP@/x.png"
                                   << "hardware given twice";
        QTest::newRow("unknown chart")
            << "export --scenario model=mlp,hardware=t4 --chart pie --out @TMP@/x.png"
            << "--chart 'pie'";
        QTest::newRow("unknown format") << "export --scenario model=mlp,hardware=t4 --out @TMP@/x.gif"
                                        << "unknown format (use .png, .svg, .pdf or .csv)";
        QTest::newRow("report format") << "report --scenario model=mlp,hardware=t4 --out @TMP@/x.docx"
                                       << "use .pdf or .html";
        QTest::newRow("bad size") << "export --scenario model=mlp,hardware=t4 --size 10x10 --out @TMP@/x.png"
                                  << "--size '10x10'";
        QTest::newRow("size below the legend's")
            << "export --scenario model=mlp,hardware=t4 --size 640x400 --out @TMP@/x.png"
            << "between 720x450 and 8000x8000";
        QTest::newRow("bad scale") << "export --scenario model=mlp,hardware=t4 --scale 3 --out @TMP@/x.png"
                                   << "--scale '3'";
        QTest::newRow("batch too big")
            << "export --scenario model=mlp,hardware=t4 --batch 5000 --out @TMP@/x.png"
            << "above 4096";
        QTest::newRow("missing session") << "export --session @TMP@/none.batchscope --out @TMP@/x.png"
                                         << "none.batchscope";
        QTest::newRow("onnx that is not onnx")
            << "export --scenario model=@DATA@/make_onnx_models.py,hardware=t4 --out @TMP@/x.png"
            << "make_onnx_models.py";
        QTest::newRow("onnx without dims")
            << "export --scenario model=@DATA@/resnet18.onnx,hardware=t4 --out @TMP@/x.png"
            << "scenario 1 (resnet18.onnx";
        QTest::newRow("unwritable") << "export --scenario model=mlp,hardware=t4 --out @TMP@/no/dir/x.png"
                                    << "no/dir/x.png";
    }

    void badInputIsOneLineAndNoFile() {
        QFETCH(QString, args);
        QFETCH(QString, message);
        const Run r = run(args);
        QCOMPARE(r.code, 2);
        const QString err = QString::fromStdString(r.err);
        QVERIFY2(err.contains(message), qPrintable(err));
        QCOMPARE(err.count(QLatin1Char('\n')), 1);
        for (const char* out : {"x.png", "x.gif", "x.docx"})
            QVERIFY2(!QFile::exists(file(QString::fromLatin1(out))), out);
    }

    void corruptSessionNamesTheFile() {
        const QString bad = file(QStringLiteral("corrupt.batchscope"));
        QVERIFY(writeAll(
            bad, "{\"format\": \"batchscope-session\", \"version\": 1, \"scenarios\": [{\"precision\": 7}]"));
        const Run r = run(QStringLiteral("report --session @TMP@/corrupt.batchscope --out @TMP@/c.pdf"));
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.find("corrupt.batchscope") != std::string::npos, r.err.c_str());
        QVERIFY(!QFile::exists(file(QStringLiteral("c.pdf"))));
    }

    void failedExportKeepsTheOldFile() {
        const QString keep = file(QStringLiteral("keep.csv"));
        QVERIFY(writeAll(keep, "old"));
        const Run r = run(QStringLiteral(
            "export --scenario model=resnet50,hardware=t4,precision=fp8 --out @TMP@/keep.csv"));
        QCOMPARE(r.code, 2);
        QCOMPARE(readAll(keep), QByteArray("old"));
    }
};

QTEST_MAIN(TstCliExport)
#include "tst_cli_export.moc"
