// The report, checked by opening what it writes: the HTML parses as XML and holds the four charts
// as inline SVG with every scenario's curve, the recommendations equal the engine's recommend(),
// the top layers are the engine's slowest, every preset number appears with its source; the PDF
// has the pages its layout says, with a page per chart at most; errors name the file and leave an
// old report intact; the window's Export → Report action writes one.
#include "FileChecks.h"
#include "SnapshotMaker.h"
#include "TestWindow.h"
#include "charts/ChartSupport.h"
#include "export/ChartExport.h"
#include "export/ExportActions.h"
#include "export/Report.h"
#include "model/Explorer.h"
#include "model/SnapshotBuilder.h"
#include "window/MainWindow.h"

#include <QAction>
#include <QDir>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cmath>

using namespace bs;
using namespace bs::test;

namespace {

/// The cells of the table row that contains `rowStart`, from the first whole cell after it.
QString cellAfter(const QString& html, const QString& rowStart, int column) {
    const qsizetype at = html.indexOf(rowStart);
    if (at < 0) return {};
    const qsizetype end = html.indexOf(QStringLiteral("</tr>"), at);
    const QString row = html.mid(at, end - at);
    static const QRegularExpression cell(QStringLiteral("<td[^>]*>(.*?)</td>"));
    QStringList cells;
    for (auto it = cell.globalMatch(row); it.hasNext();)
        cells << it.next().captured(1);
    return column < cells.size() ? cells[column] : QString();
}

} // namespace

class TstReport : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    SnapshotMaker maker_;
    ExplorerSnapshot snap_;

    QString file(const QString& name) const { return tmp_.filePath(name); }

  private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        snap_ = maker_.make({{"resnet50", "h100-sxm", Precision::BF16, kBlue},
                             {"bert-base", "tpu-v4", Precision::BF16, kOrange}},
                            32, sweepGrid(), 0.010);
        snap_.selectedScenario = 0;
    }

    void formatFromExtension() {
        QCOMPARE(reportFormat(QStringLiteral("a/r.PDF")), ReportFormat::Pdf);
        QCOMPARE(reportFormat(QStringLiteral("r.html")), ReportFormat::Html);
        QCOMPARE(reportFormat(QStringLiteral("r.htm")), ReportFormat::Html);
        QCOMPARE(reportFormat(QStringLiteral("r.docx")), ReportFormat::Unknown);
    }

    void htmlParsesAndHoldsEverySection() {
        const QString path = file(QStringLiteral("report.html"));
        QString error;
        int pages = 0;
        QVERIFY2(writeReport(snap_, path, ReportOptions{}, &error, &pages), qPrintable(error));
        QCOMPARE(pages, 1);
        const QByteArray bytes = readAll(path);
        const XmlContent xml = readXml(bytes);
        QVERIFY2(xml.valid, qPrintable(xml.error));
        // Four inline charts, no external file.
        QCOMPARE(xml.elements.at(QStringLiteral("svg")), 4);
        QVERIFY(!bytes.contains("src=\"chart-"));
        for (const char* section :
             {"Scenarios", "Recommendations", "Charts", "Top layers by time at batch 32", "Hardware presets"})
            QVERIFY2(xml.text.contains(QString::fromUtf8(section)), section);
        // Each scenario's label (in the tables and the chart legends) and its curve colour.
        for (const EvaluatedScenario& e : snap_.scenarios) {
            QVERIFY2(xml.text.count(e.label) >= 2, qPrintable(e.label)); // scenarios, top layers
            QVERIFY2(xml.strokedShapes.count(e.color.name()) && xml.strokedShapes.at(e.color.name()) >= 3,
                     qPrintable(e.color.name()));
        }
        // Each preset with its numbers and sources.
        for (const EvaluatedScenario& e : snap_.scenarios) {
            const HardwarePreset& p = *e.hardware;
            QVERIFY(xml.text.contains(QString::fromStdString(p.name)));
            QVERIFY2(xml.text.contains(QString::fromStdString(p.dram.bandwidthGBs.source)),
                     p.dram.bandwidthGBs.source.c_str());
            // Names are escaped once: "Compute units (SM)", not "&amp;..." in the parsed text.
            QVERIFY(xml.text.contains(
                QStringLiteral("Compute units (%1)").arg(QString::fromStdString(p.unitName))));
            QVERIFY(xml.text.contains(formatNumber(p.dram.bandwidthGBs.value)));
            QVERIFY(xml.text.contains(QString::fromStdString(p.peakTflops.at(Precision::BF16).source)));
        }
        QVERIFY(xml.text.contains(QStringLiteral("latency budget 10.0 ms")) ||
                xml.text.contains(QStringLiteral("latency budget 10 ms")));
    }

    void recommendationsAreTheEngines() {
        const QString html = reportHtml(snap_, ReportOptions{}, ChartEmbedding::ImageResource);
        int n = 0;
        for (const EvaluatedScenario& e : snap_.scenarios) {
            ++n;
            const std::vector<Recommendation> recs = recommend(e.sweep, snap_.latencyBudget_s);
            QCOMPARE(recs.size(), std::size_t{4});
            for (const Recommendation& r : recs) {
                // The row: scenario cell, goal, batch, latency, throughput, utilization, energy, why.
                const QString start =
                    QStringLiteral("</span>&#160;S%1</td><td>").arg(n) + QString::fromStdString(r.what);
                QVERIFY2(html.contains(start),
                         qPrintable(e.label + QLatin1Char('/') + QString::fromStdString(r.what)));
                QVERIFY(r.batch);
                // Cells after the scenario's: goal, batch, latency, throughput, utilization, energy.
                QCOMPARE(cellAfter(html, start, 1), QString::number(*r.batch));
                QCOMPARE(cellAfter(html, start, 2), formatNumber(r.totals.latency_s * 1e3));
                QCOMPARE(cellAfter(html, start, 5), formatNumber(r.totals.energyPerInference.total() * 1e3));
            }
            // Within the budget, and the max-throughput batch is at least as fast per second.
            QVERIFY(recs[0].totals.latency_s <= 0.010);
            QVERIFY(recs[1].totals.throughput_per_s >= recs[0].totals.throughput_per_s);
        }
    }

    void topLayersAreTheSlowest() {
        const QString html = reportHtml(snap_, ReportOptions{}, ChartEmbedding::ImageResource);
        for (const EvaluatedScenario& e : snap_.scenarios) {
            std::vector<LayerPlacement> layers = e.current.layers;
            std::stable_sort(
                layers.begin(), layers.end(),
                [](const LayerPlacement& a, const LayerPlacement& b) { return a.latency_s > b.latency_s; });
            const qsizetype section = html.indexOf(QStringLiteral("</span>&#160;S%1 %2</h3>")
                                                       .arg(&e - snap_.scenarios.data() + 1)
                                                       .arg(e.label.toHtmlEscaped()));
            QVERIFY2(section > 0, qPrintable(e.label));
            const QString name =
                QString::fromStdString(e.model->layers()[static_cast<std::size_t>(layers[0].index)].name);
            // Numbers never wrap; names may wrap after '_' or '+' (zero-width spaces), never mid-word.
            const QString first =
                QStringLiteral("<td align=\"right\" style=\"white-space: nowrap\">%1</td><td>%2</td>")
                    .arg(layers[0].index)
                    .arg(name.toHtmlEscaped().replace(QLatin1Char('_'), QStringLiteral("_&#8203;")));
            const qsizetype row = html.indexOf(first, section);
            QVERIFY2(row > section, qPrintable(name));
            // Ten rows, in falling latency.
            const qsizetype end = html.indexOf(QStringLiteral("</table>"), section);
            QCOMPARE(html.mid(section, end - section).count(QStringLiteral("<tr>")), 11);
        }
        ReportOptions three;
        three.topLayers = 3;
        const QString short3 = reportHtml(snap_, three, ChartEmbedding::ImageResource);
        QVERIFY(short3.contains(QStringLiteral("The 3 slowest of")));
    }

    void pdfHasTheLaidOutPages() {
        const QString path = file(QStringLiteral("report.pdf"));
        QString error;
        int pages = 0;
        QVERIFY2(writeReport(snap_, path, ReportOptions{}, &error, &pages), qPrintable(error));
        const QByteArray pdf = readAll(path);
        QVERIFY(pdf.startsWith("%PDF-"));
        QCOMPARE(pdfPageCount(pdf), pages);
        // Two scenarios: tables, four charts at page width (two a page at most), layers, presets.
        QVERIFY2(pages >= 4 && pages <= 12, qPrintable(QString::number(pages)));
        // The charts are embedded as images (4 of them, plus none other).
        QCOMPARE(static_cast<int>(pdf.count("/Subtype /Image")), 4);
        // One scenario has fewer pages than two.
        ExplorerSnapshot one = snap_;
        one.scenarios.resize(1);
        int onePages = 0;
        QVERIFY(writeReport(one, file(QStringLiteral("one.pdf")), ReportOptions{}, &error, &onePages));
        QVERIFY(onePages < pages);
        copyToScreenshots(path);
    }

    void scenarioThatFailedIsListedNotDropped() {
        ExplorerSnapshot s = snap_;
        EvaluatedScenario broken;
        broken.id = 99;
        broken.label = QStringLiteral("net.onnx · NVIDIA T4 · fp16");
        broken.color = kGreen;
        broken.error = QStringLiteral("net.onnx: node 'Conv_3': input 'x' is not defined");
        s.scenarios.push_back(broken);
        const QString html = reportHtml(s, ReportOptions{}, ChartEmbedding::ImageResource);
        QVERIFY(html.contains(QStringLiteral("not evaluated: net.onnx: node &#x27;Conv_3&#x27;")) ||
                html.contains(QStringLiteral("not evaluated: net.onnx: node 'Conv_3'")));
    }

    void errorsNameTheFileAndKeepTheOldOne() {
        QString error;
        const QString missingDir = file(QStringLiteral("no/such/dir/report.pdf"));
        QVERIFY(!writeReport(snap_, missingDir, ReportOptions{}, &error));
        QVERIFY2(error.contains(missingDir), qPrintable(error));
        QVERIFY(!writeReport(snap_, file(QStringLiteral("report.docx")), ReportOptions{}, &error));
        QVERIFY2(error.contains(QStringLiteral("report.docx")) && error.contains(QStringLiteral(".html")),
                 qPrintable(error));
        // A target that is a directory: refused with its name, and the directory is left as it was.
        const QString dir = file(QStringLiteral("taken.html"));
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(writeAll(dir + QStringLiteral("/inside.txt"), "keep"));
        QVERIFY(!writeReport(snap_, dir, ReportOptions{}, &error));
        QVERIFY2(error.contains(dir), qPrintable(error));
        QCOMPARE(readAll(dir + QStringLiteral("/inside.txt")), QByteArray("keep"));
        // Control characters (possible in ONNX names) are dropped, so the page stays XML.
        ExplorerSnapshot odd = snap_;
        odd.scenarios[0].label += QChar(0x01);
        QVERIFY(writeReport(odd, file(QStringLiteral("odd.html")), ReportOptions{}, &error));
        const XmlContent xml = readXml(readAll(file(QStringLiteral("odd.html"))));
        QVERIFY2(xml.valid, qPrintable(xml.error));
    }

    void windowExportMenuWritesAReport() {
        MainWindow w(testWindowOptions(tmp_));
        w.resize(1400, 900);
        w.show();
        QTRY_VERIFY_WITH_TIMEOUT(!w.explorer()->isBusy(), 60000);
        QCoreApplication::processEvents();
        ExportActions* ex = w.findChild<ExportActions*>();
        QVERIFY(ex);
        QVERIFY(ex->reportAction()->isEnabled());
        QVERIFY(ex->actions().contains(ex->reportAction()));
        QString next = file(QStringLiteral("window-report.html"));
        QStringList errors;
        ex->chooseFile = [&](const QString&, const QString&, const QString& filter) {
            return filter.contains(QStringLiteral("*.html")) ? next : QString();
        };
        ex->reportError = [&](const QString& m) { errors << m; };
        ex->reportAction()->trigger();
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
        const XmlContent xml = readXml(readAll(next));
        QVERIFY2(xml.valid, qPrintable(xml.error));
        for (const EvaluatedScenario& e : w.explorer()->snapshot().scenarios)
            QVERIFY2(xml.text.contains(e.label), qPrintable(e.label));
        next = file(QStringLiteral("window-report.pdf"));
        ex->reportAction()->trigger();
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
        QVERIFY(pdfPageCount(readAll(next)) >= 4);
        // While the window is still preparing or sweeping, no half-finished report.
        w.explorer()->addScenario(QStringLiteral("bert-large"), QStringLiteral("a100-sxm4-80gb"));
        QCoreApplication::processEvents();
        QVERIFY(w.explorer()->isBusy());
        QVERIFY(!ex->reportAction()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(ex->reportAction()->isEnabled(), 60000);
    }

  private:
    static void copyToScreenshots(const QString& from) {
        QDir().mkpath(QStringLiteral(BATCHSCOPE_SCREENSHOT_DIR));
        const QString to = QStringLiteral(BATCHSCOPE_SCREENSHOT_DIR "/report.pdf");
        QFile::remove(to);
        QFile::copy(from, to);
    }
};

QTEST_MAIN(TstReport)
#include "tst_report.moc"
