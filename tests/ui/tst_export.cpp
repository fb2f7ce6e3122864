// Export of charts and tables, checked by opening every file written: PNG pixel sizes at 1× and
// 2× and print colours, SVG that parses and holds every scenario's label and curve, PDF page
// counts, CSV that parses and carries the engine's numbers (the layer table byte for byte what
// `batchscope layers` prints), print mode leaving the on-screen chart as it was, and the Export
// menu and context actions of a real main window.
#include "FileChecks.h"
#include "SnapshotMaker.h"
#include "TestWindow.h"
#include "charts/ChartGrid.h"
#include "charts/ChartSupport.h"
#include "charts/EnergyChart.h"
#include "charts/LatencyThroughputChart.h"
#include "charts/RooflineChart.h"
#include "charts/UtilizationChart.h"
#include "eval/ResultTables.h"
#include "eval/Sweep.h"
#include "export/ChartExport.h"
#include "export/ExportActions.h"
#include "exportcli/CommandLine.h"
#include "hardware/PresetLoader.h"
#include "model/CsvExport.h"
#include "model/Explorer.h"
#include "window/MainWindow.h"
#include "zoo/ModelZoo.h"

#include <QAction>
#include <QApplication>
#include <QChart>
#include <QContextMenuEvent>
#include <QDir>
#include <QFile>
#include <QFontMetricsF>
#include <QGuiApplication>
#include <QImage>
#include <QLegend>
#include <QLineSeries>
#include <QMenu>
#include <QPointer>
#include <QRegularExpression>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QXmlStreamReader>
#include <cmath>
#include <map>
#include <memory>
#include <sstream>

using namespace bs;
using namespace bs::test;

namespace {

XmlContent readSvg(const QString& path) {
    return readXml(readAll(path));
}

/// Pixels within `tol` of `c` in each channel.
int countColour(const QImage& img, const QColor& c, int tol = 6) {
    int n = 0;
    const QImage rgb = img.convertToFormat(QImage::Format_RGB32);
    for (int y = 0; y < rgb.height(); ++y) {
        const auto* line = reinterpret_cast<const QRgb*>(rgb.constScanLine(y));
        for (int x = 0; x < rgb.width(); ++x)
            if (std::abs(qRed(line[x]) - c.red()) <= tol && std::abs(qGreen(line[x]) - c.green()) <= tol &&
                std::abs(qBlue(line[x]) - c.blue()) <= tol)
                ++n;
    }
    return n;
}

double number(const QString& s) {
    bool ok = false;
    const double v = s.toDouble(&ok);
    if (!ok) qWarning("not a number: %s", qPrintable(s));
    return v;
}

bool sameHue(const QColor& a, const QColor& b) {
    if (!a.isValid() || a.hsvSaturationF() < 0.3) return false;
    const double d = std::abs(a.hsvHueF() - b.hsvHueF());
    return std::min(d, 1 - d) < 0.03;
}

bool near(double a, double b) {
    // The tables print 10 significant digits.
    return std::abs(a - b) <= 1e-9 * std::max(std::abs(a), std::abs(b)) + 1e-12;
}

void copyToScreenshots(const QString& from, const QString& name) {
    QDir().mkpath(QStringLiteral(BATCHSCOPE_SCREENSHOT_DIR));
    const QString to = QStringLiteral(BATCHSCOPE_SCREENSHOT_DIR "/") + name;
    QFile::remove(to);
    QFile::copy(from, to);
}

} // namespace

class TstExport : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    SnapshotMaker maker_;
    ExplorerSnapshot snap_;
    std::vector<std::unique_ptr<SnapshotChart>> charts_;

    QString file(const QString& name) const { return tmp_.filePath(name); }
    std::vector<SnapshotChart*> charts() const {
        std::vector<SnapshotChart*> out;
        for (const auto& c : charts_)
            out.push_back(c.get());
        return out;
    }

  private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        snap_ = maker_.make({{"resnet50", "h100-sxm", Precision::BF16, kBlue},
                             {"resnet50", "tpu-v4", Precision::BF16, kOrange}},
                            64, powersOfTwo(1024));
        snap_.selectedScenario = 0;
        charts_.push_back(std::make_unique<RooflineChart>());
        charts_.push_back(std::make_unique<UtilizationChart>());
        charts_.push_back(std::make_unique<LatencyThroughputChart>());
        charts_.push_back(std::make_unique<EnergyChart>());
        for (const auto& c : charts_) {
            c->resize(800, 500);
            c->setSnapshot(snap_, ChangeAll);
        }
    }

    void captionNamesBatchAndScenarios() {
        const QString caption = exportCaption(snap_);
        QVERIFY2(caption.startsWith(QStringLiteral("Batch 64 — ")), qPrintable(caption));
        for (const EvaluatedScenario& e : snap_.scenarios)
            QVERIFY2(caption.contains(e.label), qPrintable(caption));
        // Wrapped: lines fit, every label whole on one line, nothing lost.
        const QStringList lines = captionLines(snap_, 380);
        QVERIFY2(lines.size() >= 2, qPrintable(lines.join(QLatin1Char('|'))));
        QFont font = QGuiApplication::font(); // the caption's font
        font.setPointSizeF(std::max(9.0, font.pointSizeF()));
        for (const QString& l : lines)
            QVERIFY2(QFontMetricsF(font).horizontalAdvance(l) <= 380, qPrintable(l));
        for (const EvaluatedScenario& e : snap_.scenarios) {
            bool whole = false;
            for (const QString& l : lines)
                whole = whole || l.contains(e.label);
            QVERIFY2(whole, qPrintable(lines.join(QLatin1Char('|'))));
        }
        auto squeezed = [](QString t) { return t.remove(QRegularExpression(QStringLiteral("\\s"))); };
        QCOMPARE(squeezed(lines.join(QString())), squeezed(caption));
        // Narrower than a label: the label breaks at spaces, still nothing lost.
        const QStringList narrow = captionLines(snap_, 150);
        QVERIFY(narrow.size() > lines.size());
        QCOMPARE(squeezed(narrow.join(QString())), squeezed(caption));
        ExplorerSnapshot budget = snap_;
        budget.latencyBudget_s = 0.005;
        QVERIFY2(exportCaption(budget).startsWith(QStringLiteral("Batch 64, latency budget 5.00 ms")),
                 qPrintable(exportCaption(budget)));
    }

    void pngAtOneAndTwoTimes_data() {
        QTest::addColumn<int>("chart");
        QTest::newRow("roofline") << 0;
        QTest::newRow("utilization") << 1;
        QTest::newRow("latency-throughput") << 2;
        QTest::newRow("energy") << 3;
    }
    void pngAtOneAndTwoTimes() {
        QFETCH(int, chart);
        SnapshotChart* c = charts_[static_cast<std::size_t>(chart)].get();
        const QString one = file(QStringLiteral("chart%1.png").arg(chart));
        const QString two = file(QStringLiteral("chart%1@2x.png").arg(chart));
        QString error;
        QVERIFY2(exportChart(c, one, 1, &error), qPrintable(error));
        QVERIFY2(exportChart(c, two, exportScaleFromName(two), &error), qPrintable(error));
        const QImage a(one), b(two);
        QVERIFY(!a.isNull() && !b.isNull());
        QCOMPARE(a.width(), 800);
        // The caption (one or two lines) sits under the 800×500 chart.
        QVERIFY2(a.height() > 500 && a.height() < 560, qPrintable(QString::number(a.height())));
        QCOMPARE(b.size(), a.size() * 2);
        // Print theme: white paper, the scenarios in their own colours.
        QCOMPARE(a.pixelColor(2, 2), QColor(Qt::white));
        QCOMPARE(a.pixelColor(a.width() - 3, a.height() - 3), QColor(Qt::white));
        QVERIFY2(countColour(a, kBlue) > 40, qPrintable(QString::number(countColour(a, kBlue))));
        QVERIFY2(countColour(a, kOrange) > 40, qPrintable(QString::number(countColour(a, kOrange))));
        const QString tag = QString::fromLatin1(QTest::currentDataTag());
        copyToScreenshots(one, QStringLiteral("export-%1.png").arg(tag));
        copyToScreenshots(two, QStringLiteral("export-%1@2x.png").arg(tag));
    }

    void smallChartExportsAtMinimumSize() {
        RooflineChart small;
        small.resize(400, 250);
        small.setSnapshot(snap_, ChangeAll);
        QCOMPARE(exportChartSize(&small), kMinExportSize);
        QString error;
        QVERIFY2(exportChart(&small, file(QStringLiteral("small.png")), 1, &error), qPrintable(error));
        QCOMPARE(QImage(file(QStringLiteral("small.png"))).width(), kMinExportSize.width());
    }

    void svgParsesAndHoldsTheSeries_data() { pngAtOneAndTwoTimes_data(); }
    void svgParsesAndHoldsTheSeries() {
        QFETCH(int, chart);
        const QString path = file(QStringLiteral("chart%1.svg").arg(chart));
        QString error;
        QVERIFY2(exportChart(charts_[static_cast<std::size_t>(chart)].get(), path, 1, &error),
                 qPrintable(error));
        copyToScreenshots(path,
                          QStringLiteral("export-%1.svg").arg(QString::fromLatin1(QTest::currentDataTag())));
        QVERIFY(QSvgRenderer(path).isValid());
        const XmlContent svg = readSvg(path);
        QVERIFY(svg.valid);
        QVERIFY2(svg.text.contains(QStringLiteral("Batch 64")), qPrintable(svg.text));
        for (const EvaluatedScenario& e : snap_.scenarios) {
            QVERIFY2(svg.text.contains(e.label), qPrintable(e.label + QStringLiteral("\n") + svg.text));
            // Curves in the scenario's colour; the roofline draws its layers as marker images and
            // its roofs in a darker shade of that colour.
            int shapes = 0;
            for (const auto& [stroke, n] : svg.strokedShapes)
                if (sameHue(QColor::fromString(stroke), e.color)) shapes += n;
            QVERIFY2(shapes >= 1, qPrintable(e.color.name()));
            if (chart != 0)
                QVERIFY2(svg.strokedShapes.count(e.color.name()) == 1, qPrintable(e.color.name()));
        }
        // A vector picture of the chart's logical size (SVG width and height are in mm).
        QCOMPARE(QSvgRenderer(path).viewBox().size(),
                 QImage(file(QStringLiteral("chart%1.png").arg(chart))).size());
    }

    void pdfOnePagePerChart() {
        QString error;
        const QString one = file(QStringLiteral("roofline.pdf"));
        QVERIFY2(exportChart(charts_[0].get(), one, 1, &error), qPrintable(error));
        const QByteArray a = readAll(one);
        QVERIFY(a.startsWith("%PDF-"));
        QCOMPARE(pdfPageCount(a), 1);
        const QString all = file(QStringLiteral("all.pdf"));
        QVERIFY2(exportAllCharts(charts(), all, 1, &error), qPrintable(error));
        const QByteArray b = readAll(all);
        QVERIFY(b.startsWith("%PDF-"));
        QCOMPARE(pdfPageCount(b), 4);
        QVERIFY(b.contains("/Type /Pages") || b.contains("/Type/Pages"));
        copyToScreenshots(all, QStringLiteral("export-all.pdf"));
    }

    void allFourAsOnePicture() {
        QString error;
        const QString one = file(QStringLiteral("all.png"));
        const QString two = file(QStringLiteral("all@2x.png"));
        QVERIFY2(exportAllCharts(charts(), one, 1, &error), qPrintable(error));
        QVERIFY2(exportAllCharts(charts(), two, 2, &error), qPrintable(error));
        const QImage a(one), b(two);
        QCOMPARE(a.width(), 1600);
        QVERIFY2(a.height() > 1000 && a.height() < 1060, qPrintable(QString::number(a.height())));
        QCOMPARE(b.size(), a.size() * 2);
        // Each quadrant holds a chart in the scenarios' colours.
        for (int q = 0; q < 4; ++q) {
            const QImage cell = a.copy((q % 2) * 800, (q / 2) * 500, 800, 500);
            QVERIFY2(countColour(cell, kBlue, 30) > 40, qPrintable(QString::number(q)));
        }
        // The caption under the grid is the figure's legend: each scenario's key in its colour.
        const QImage caption = a.copy(0, 1000, 1600, a.height() - 1000);
        QVERIFY2(countColour(caption, kBlue) > 20, qPrintable(QString::number(countColour(caption, kBlue))));
        copyToScreenshots(one, QStringLiteral("export-all.png"));

        const QString svgPath = file(QStringLiteral("all.svg"));
        QVERIFY2(exportAllCharts(charts(), svgPath, 1, &error), qPrintable(error));
        const XmlContent svg = readSvg(svgPath);
        QVERIFY(svg.valid);
        QVERIFY(QSvgRenderer(svgPath).isValid());
        QCOMPARE(QSvgRenderer(svgPath).viewBox().size(), a.size());
        for (const char* title : {"Roofline", "Utilization", "Energy"})
            QVERIFY2(svg.text.contains(QString::fromLatin1(title), Qt::CaseInsensitive), title);
    }

    void printModeRestoresTheScreenState() {
        UtilizationChart c;
        c.setDarkTheme(true);
        c.resize(700, 300); // below kCompactHeight_px
        c.show();
        QVERIFY(QTest::qWaitForWindowExposed(&c));
        c.setSnapshot(snap_, ChangeAll);
        QVERIFY(c.compact());
        QCOMPARE(c.chart()->theme(), QChart::ChartThemeDark);
        QVERIFY(!c.chart()->legend()->isVisible());
        const QString compactTitle = c.chart()->title();
        const int seriesBefore = static_cast<int>(c.chart()->series().size());

        c.setPrintMode(true);
        QCOMPARE(c.chart()->theme(), QChart::ChartThemeLight);
        QVERIFY(!c.compact());
        QVERIFY(c.chart()->legend()->isVisible());
        QVERIFY(c.chart()->title().size() > compactTitle.size()); // second title line back
        QVERIFY(c.darkTheme());                                   // what the user asked for
        c.setPrintMode(false);

        QCOMPARE(c.chart()->theme(), QChart::ChartThemeDark);
        QVERIFY(c.compact());
        QVERIFY(!c.chart()->legend()->isVisible());
        QCOMPARE(c.chart()->title(), compactTitle);
        QCOMPARE(static_cast<int>(c.chart()->series().size()), seriesBefore);
        QCOMPARE(c.curves().front().fits->pen().color(), kBlue); // scenario colours kept
        QCOMPARE(c.curves().back().fits->pen().color(), kOrange);

        // An export draws a print copy: the chart on screen does not change at all.
        QString error;
        const QString path = file(QStringLiteral("dark.png"));
        QVERIFY2(exportChart(&c, path, 1, &error), qPrintable(error));
        QVERIFY(c.darkTheme() && c.compact() && !c.printMode());
        QCOMPARE(c.chart()->theme(), QChart::ChartThemeDark);
        QCOMPARE(c.chart()->title(), compactTitle);
        const QImage img(path);
        QCOMPARE(img.pixelColor(2, 2), QColor(Qt::white));
        QCOMPARE(img.width(), 720); // the minimum export width
    }

    void sweepCsvMatchesTheEngine() {
        ExplorerSnapshot s = snap_;
        s.scenarios[1].label = QStringLiteral("resnet50, \"tuned\" · Google TPU v4 · bf16"); // quoting
        EvaluatedScenario failed;
        failed.id = 9;
        failed.label = QStringLiteral("broken");
        failed.error = QStringLiteral("no model");
        s.scenarios.push_back(failed);
        const QString path = file(QStringLiteral("sweep.csv"));
        QString error;
        QVERIFY2(exportSweepCsv(s, path, &error), qPrintable(error));
        const std::vector<QStringList> rows = parseCsv(QString::fromUtf8(readAll(path)));
        std::vector<QString> header = scenarioColumns();
        for (const QString& c : sweepColumns())
            header.push_back(c);
        QCOMPARE(rows.front(), QStringList(header.begin(), header.end()));
        const std::size_t nb = s.sweepBatches.size();
        QCOMPARE(rows.size(), 1 + 2 * nb); // the failed scenario has no rows
        auto col = [&](const char* name) { return rows.front().indexOf(QString::fromLatin1(name)); };
        for (std::size_t k = 0; k < 2; ++k) {
            const EvaluatedScenario& e = s.scenarios[k];
            for (std::size_t i = 0; i < nb; ++i) {
                const QStringList& r = rows[1 + k * nb + i];
                const Totals& t = e.sweep[i].totals;
                QCOMPARE(r.size(), rows.front().size());
                QCOMPARE(r[col("scenario")], e.label);
                QCOMPARE(r[col("model")], QStringLiteral("resnet50"));
                QCOMPARE(r[col("hardware")], QString::fromStdString(e.hardware->id));
                QCOMPARE(r[col("precision")], QStringLiteral("bf16"));
                QCOMPARE(number(r[col("batch")]), static_cast<double>(s.sweepBatches[i]));
                QVERIFY(near(number(r[col("latency_ms")]), t.latency_s * 1e3));
                QVERIFY(near(number(r[col("throughput_per_s")]), t.throughput_per_s));
                QVERIFY(near(number(r[col("utilization")]), t.utilization));
                QVERIFY(near(number(r[col("energy_per_inference_mj")]), t.energyPerInference.total() * 1e3));
                QVERIFY(near(number(r[col("peak_memory_mb")]), t.peakMemoryBytes / 1e6));
                QCOMPARE(r[col("fits_memory")],
                         t.fitsMemory ? QStringLiteral("true") : QStringLiteral("false"));
            }
        }
    }

    void layerCsvIsTheCliTable() {
        ExplorerSnapshot s = maker_.make({{"resnet50", "h100-sxm", Precision::BF16, kBlue},
                                          {"resnet50", "tpu-v4", Precision::BF16, kOrange}},
                                         16, powersOfTwo(64));
        s.selectedScenario = 1;
        const QString path = file(QStringLiteral("layers.csv"));
        QString error;
        QVERIFY2(exportLayerCsv(s, path, &error), qPrintable(error));
        std::ostringstream out, err;
        const int code = bs::cli::runCommandLine(
            QStringList{QStringLiteral("layers"), QStringLiteral("--model"), QStringLiteral("resnet50"),
                        QStringLiteral("--hardware"), QStringLiteral("tpu-v4"), QStringLiteral("--precision"),
                        QStringLiteral("bf16"), QStringLiteral("--batch"), QStringLiteral("16")},
            out, err);
        QCOMPARE(code, 0);
        const QByteArray csv = readAll(path);
        QCOMPARE(csv, QByteArray::fromStdString(out.str()));
        // And the numbers are the snapshot's: latency_ms of every row against the placements.
        const std::vector<QStringList> rows = parseCsv(QString::fromUtf8(csv));
        const int idx = rows.front().indexOf(QStringLiteral("index"));
        const int lat = rows.front().indexOf(QStringLiteral("latency_ms"));
        QVERIFY(rows.size() > 50);
        for (std::size_t i = 1; i < rows.size(); ++i) {
            const auto& p = s.scenarios[1].current.layers;
            const int layer = static_cast<int>(number(rows[i][idx]));
            const auto it =
                std::find_if(p.begin(), p.end(), [&](const LayerPlacement& l) { return l.index == layer; });
            QVERIFY(it != p.end());
            QVERIFY(near(number(rows[i][lat]), it->latency_s * 1e3));
        }

        // No selection: no file, an error naming the path.
        s.selectedScenario = -1;
        const QString none = file(QStringLiteral("none.csv"));
        QVERIFY(!exportLayerCsv(s, none, &error));
        QVERIFY2(error.contains(none), qPrintable(error));
        QVERIFY(!QFile::exists(none));
    }

    void errorsNameThePathAndKeepOldFiles() {
        QString error;
        const QString missingDir = file(QStringLiteral("no/such/dir/chart.png"));
        QVERIFY(!exportChart(charts_[1].get(), missingDir, 1, &error));
        QVERIFY2(error.contains(missingDir), qPrintable(error));
        QVERIFY(!exportChart(charts_[1].get(), file(QStringLiteral("chart.gif")), 1, &error));
        QVERIFY2(error.contains(QStringLiteral("chart.gif")) && error.contains(QStringLiteral(".png")),
                 qPrintable(error));
        QVERIFY(!exportChart(charts_[1].get(), file(QStringLiteral("chart3x.png")), 3, &error));
        QVERIFY(!exportSweepCsv(snap_, missingDir, &error));
        QVERIFY2(error.contains(missingDir), qPrintable(error));
        // A failed export leaves what was there.
        const QString keep = file(QStringLiteral("keep.png"));
        QVERIFY(exportChart(charts_[1].get(), keep, 1, &error));
        const QByteArray before = readAll(keep);
        QVERIFY(!exportChart(charts_[1].get(), keep, 5, &error));
        QCOMPARE(readAll(keep), before);
    }

    void exportMenuOfTheMainWindow() {
        MainWindow w(testWindowOptions(tmp_));
        w.resize(1400, 900);
        w.show();
        QTRY_VERIFY_WITH_TIMEOUT(!w.explorer()->isBusy(), 60000);
        QCoreApplication::processEvents();
        // The window's own Export menu when it has one, else one made here (never two: each adds
        // "Export this chart…" to the charts).
        std::unique_ptr<ExportActions> made;
        ExportActions* exports = w.findChild<ExportActions*>();
        if (!exports)
            made = std::make_unique<ExportActions>(w.explorer(), w.charts(), &w), exports = made.get();
        ExportActions& ex = *exports;
        QStringList asked, errors;
        QString next;
        ex.chooseFile = [&](const QString& title, const QString& name, const QString& filter) {
            asked << title + QLatin1Char('|') + name + QLatin1Char('|') + filter;
            return next;
        };
        ex.reportError = [&](const QString& m) { errors << m; };

        const QChart::ChartTheme themeBefore = w.charts()->roofline()->chart()->theme();
        const QList<QAction*> actions = ex.actions();
        QCOMPARE(actions.size(), 10); // four charts, all four, separator, two CSVs, separator, report
        QVERIFY(actions[5]->isSeparator());
        QVERIFY(ex.sweepCsvAction()->isEnabled());
        QVERIFY(ex.layerCsvAction()->isEnabled());

        // Each chart: its menu entry writes the picture the extension asks for.
        const std::vector<SnapshotChart*> charts = ex.charts();
        QCOMPARE(charts.size(), std::size_t{4});
        QCOMPARE(charts[0], static_cast<SnapshotChart*>(w.charts()->roofline()));
        next = file(QStringLiteral("menu-roofline@2x.png"));
        actions[0]->trigger();
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
        QVERIFY(asked.last().contains(QStringLiteral("roofline.png")));
        QVERIFY(asked.last().contains(QStringLiteral("*@2x.png")));
        const QImage two(next);
        QCOMPARE(two.width(), 2 * exportChartSize(w.charts()->roofline()).width());
        next = file(QStringLiteral("menu-energy.pdf"));
        actions[3]->trigger();
        QCOMPARE(pdfPageCount(readAll(next)), 1);

        // Right-click: every chart offers "Export this chart…"; the energy breakdown stays.
        for (SnapshotChart* c : charts) {
            QAction* a = ex.contextAction(c);
            QVERIFY(a && c->actions().contains(a));
            QCOMPARE(c->contextMenuPolicy(), Qt::ActionsContextMenu);
        }
        // A real right-click on the energy chart's plot: the menu holds the breakdown toggle and
        // the export.
        QStringList menuTexts;
        QTimer::singleShot(0, this, [&] {
            if (auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget())) {
                for (QAction* a : menu->actions())
                    menuTexts << a->text();
                menu->close();
            }
        });
        QWidget* viewport = w.charts()->energy()->viewport();
        const QPoint at = viewport->rect().center();
        QContextMenuEvent rightClick(QContextMenuEvent::Mouse, at, viewport->mapToGlobal(at));
        QCoreApplication::sendEvent(viewport, &rightClick);
        QVERIFY2(menuTexts.filter(QStringLiteral("breakdown")).size() == 1,
                 qPrintable(menuTexts.join(QLatin1Char('|'))));
        QVERIFY2(menuTexts.contains(QStringLiteral("Export this chart…")),
                 qPrintable(menuTexts.join(QLatin1Char('|'))));
        next = file(QStringLiteral("context.svg"));
        ex.contextAction(w.charts()->utilization())->trigger();
        QVERIFY(QSvgRenderer(next).isValid());

        next = file(QStringLiteral("menu-all.pdf"));
        ex.allChartsAction()->trigger();
        QCOMPARE(pdfPageCount(readAll(next)), 4);

        const ExplorerSnapshot& s = w.explorer()->snapshot();
        next = file(QStringLiteral("menu-sweep.csv"));
        ex.sweepCsvAction()->trigger();
        std::size_t usableCount = 0;
        for (const EvaluatedScenario& e : s.scenarios)
            usableCount += usable(e) ? 1 : 0;
        QVERIFY(usableCount >= 2);
        QCOMPARE(parseCsv(QString::fromUtf8(readAll(next))).size(), 1 + usableCount * s.sweepBatches.size());

        next = file(QStringLiteral("menu-layers.csv"));
        ex.layerCsvAction()->trigger();
        QVERIFY(layerCsvProblem(s).isEmpty());
        QCOMPARE(QString::fromUtf8(readAll(next)), layerCsvTable(s).toCsv());

        // Cancelled dialog: nothing written, nothing reported. Failure: reported with the path.
        next.clear();
        QVERIFY(!ex.exportSweepInteractive());
        QVERIFY(errors.isEmpty());
        next = file(QStringLiteral("missing/dir/x.csv"));
        QVERIFY(!ex.exportSweepInteractive());
        QCOMPARE(errors.size(), 1);
        QVERIFY(errors.front().contains(next));
        if (made) { // gone with the actions object: no dead entry left in the context menu
            const QPointer<QAction> context = made->contextAction(w.charts()->energy());
            made.reset();
            QVERIFY(context.isNull());
            QVERIFY(!w.charts()->energy()->actions().isEmpty()); // the breakdown toggle stays
        }
        // The window's charts were never switched to print mode.
        for (SnapshotChart* c : charts) {
            QVERIFY(!c->printMode());
            QCOMPARE(c->chart()->theme(), themeBefore);
        }
    }
};

QTEST_MAIN(TstExport)
#include "tst_export.moc"
