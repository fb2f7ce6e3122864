// The window as a first-time user meets it: a restart with restored settings, the smallest screen it
// must fit, legends and colours that tell scenarios apart, an edited preset value's provenance, and
// the screenshots the README links.
#include "TestWindow.h"
#include "charts/ChartGrid.h"
#include "charts/ChartSupport.h"
#include "charts/LatencyThroughputChart.h"
#include "export/ChartExport.h"
#include "model/Explorer.h"
#include "model/ScenarioListModel.h"
#include "model/ScenarioRow.h"
#include "window/BatchControls.h"
#include "window/MainWindow.h"
#include "window/PresentationWindow.h"

#include <QAbstractAxis>
#include <QChart>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFontMetricsF>
#include <QGraphicsScene>
#include <QGraphicsTextItem>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineEdit>
#include <QLogValueAxis>
#include <QScatterSeries>
#include <QSet>
#include <QSettings>
#include <QSpinBox>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTextDocumentFragment>
#include <cmath>

using namespace bs;
using test::saveShot;

namespace {

/// How often each axis title of `chart` is drawn: an axis left behind by a rebuild draws its title
/// (and its tick labels) a second time.
std::vector<qsizetype> axisTitleCounts(SnapshotChart* chart) {
    QStringList visible;
    for (QGraphicsItem* item : chart->scene()->items())
        if (auto* text = dynamic_cast<QGraphicsTextItem*>(item); text && text->isVisible())
            visible << text->toPlainText();
    std::vector<qsizetype> counts;
    for (QAbstractAxis* axis : chart->chart()->axes())
        counts.push_back(visible.count(axis->titleText()));
    return counts;
}

/// Each chart has two axes, each drawn at most once (`laidOut`: exactly once).
/// WCAG 2 relative luminance of an sRGB colour (0 black, 1 white).
double relativeLuminance(const QColor& c) {
    auto linear = [](double v) { return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * linear(c.redF()) + 0.7152 * linear(c.greenF()) + 0.0722 * linear(c.blueF());
}

void verifyOneSetOfAxes(MainWindow& w, bool laidOut) {
    for (SnapshotChart* chart : w.charts()->charts()) {
        QCOMPARE(chart->chart()->axes().size(), qsizetype{2});
        for (qsizetype n : axisTitleCounts(chart))
            QVERIFY2(laidOut ? n == 1 : n <= 1,
                     qPrintable(QStringLiteral("chart %1: an axis title drawn %2 times")
                                    .arg(static_cast<int>(chart->kind()))
                                    .arg(n)));
    }
}

} // namespace

class TstFirstUse : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

  private slots:
    void initTestCase() { QVERIFY(tmp_.isValid()); }

    // A restored batch and budget reach the charts while the window is built, before the event
    // loop runs: the axes those first builds made must not stay drawn under the real ones.
    void restartWithRestoredSettingsDrawsOneSetOfAxes() {
        QTemporaryDir dir;
        const MainWindowOptions o = test::testWindowOptions(dir);
        {
            QSettings s(o.settingsFile, QSettings::IniFormat);
            s.setValue(QStringLiteral("controls/batch"), 32);
            s.setValue(QStringLiteral("controls/latencyBudgetMs"), 10.0);
        }
        MainWindow w(o);
        w.resize(1600, 1000);
        QCOMPARE(w.explorer()->batch(), 32);
        QVERIFY(w.batchControls()->latencyBudget_s().has_value());
        w.show();
        // In the application the deletions Qt Charts deferred while the window was built never ran
        // (QTest's waits run them, which hid the bug): lay the charts out without running them.
        for (int pass = 0; pass < 4; ++pass) {
            QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
            w.grab();
        }
        verifyOneSetOfAxes(w, false);
        QTRY_VERIFY_WITH_TIMEOUT(!w.explorer()->isBusy(), 60000);
        QCoreApplication::processEvents();
        verifyOneSetOfAxes(w, true);
        saveShot(&w, QStringLiteral("first-use-restart.png"));
    }

    // A 1024×700 screen shows the whole window in every state a first session reaches.
    void windowFitsASmallScreen() {
        QTemporaryDir dir;
        MainWindow w(test::testWindowOptions(dir));
        w.resize(1024, 700);
        w.show();
        QTRY_VERIFY_WITH_TIMEOUT(!w.explorer()->isBusy(), 60000);
        QStringList tooBig;
        auto fits = [&](const char* state) {
            QCoreApplication::processEvents();
            const QSize min = w.minimumSizeHint().expandedTo(w.minimumSize());
            qInfo("%s: minimum %dx%d", state, min.width(), min.height());
            if (qEnvironmentVariableIsSet("BATCHSCOPE_TEST_VERBOSE"))
                for (QWidget* c : w.findChildren<QWidget*>()) {
                    const QSize m = c->minimumSizeHint().expandedTo(c->minimumSize());
                    if (c->isVisible() && (m.width() > 250 || m.height() > 250))
                        qInfo() << c->metaObject()->className() << c->objectName() << m;
                }
            if (min.width() > 1024 || min.height() > 700)
                tooBig << QStringLiteral("%1: %2×%3")
                              .arg(QLatin1String(state))
                              .arg(min.width())
                              .arg(min.height());
        };
        fits("default");
        w.findChild<QDockWidget*>(QStringLiteral("presetDock"))->show();
        fits("preset editor open");
        saveShot(&w, QStringLiteral("first-use-1024x700-preset-editor.png"));
        w.findChild<QDockWidget*>(QStringLiteral("presetDock"))->hide();
        w.openOnnx(QStringLiteral(BATCHSCOPE_TEST_DATA_DIR "/resnet18.onnx"));
        QTRY_VERIFY_WITH_TIMEOUT(!w.explorer()->isBusy(), 60000);
        fits("ONNX import waiting for dims");
        saveShot(&w, QStringLiteral("first-use-onnx-dims.png"));
        // The import ended: the status bar no longer says it is importing, the Dims field is
        // empty and its placeholder names what is missing without a number that looks entered.
        QVERIFY2(!w.statusBar()->currentMessage().startsWith(QStringLiteral("Importing")),
                 qPrintable(w.statusBar()->currentMessage()));
        auto* dims = w.findChild<QLineEdit*>(QStringLiteral("onnxDims"));
        QVERIFY(dims->text().isEmpty());
        QCOMPARE(dims->placeholderText(), QStringLiteral("height=?, width=?"));
        while (w.explorer()->scenarios()->rowCount() < 12)
            w.explorer()->addScenario(QStringLiteral("resnet18"), QStringLiteral("h100-sxm"));
        QTRY_VERIFY_WITH_TIMEOUT(!w.explorer()->isBusy(), 60000);
        fits("12 scenarios");
        saveShot(&w, QStringLiteral("first-use-12-scenarios.png"));
        QVERIFY2(tooBig.isEmpty(), qPrintable(tooBig.join(QStringLiteral("; "))));
    }

    // Scenarios on screen never share a colour, however many are added, removed and duplicated,
    // and the palette has no pale yellow that is hard to read on white.
    void noTwoScenariosShareAColour() {
        QTemporaryDir dir;
        MainWindow w(test::testWindowOptions(dir));
        ScenarioListModel* list = w.explorer()->scenarios();
        auto verifyDistinct = [&] {
            QSet<QRgb> seen;
            for (const ScenarioRow& r : list->specs()) {
                QVERIFY2(!seen.contains(r.color.rgb()), qPrintable(r.color.name()));
                seen.insert(r.color.rgb());
                // Readable on white: contrast at least 2:1 (Okabe–Ito's yellow had 1.2:1).
                QVERIFY2(1.05 / (relativeLuminance(r.color) + 0.05) >= 2.0, qPrintable(r.color.name()));
            }
        };
        while (list->rowCount() < 20)
            list->duplicate(list->specs().front().id);
        verifyDistinct();
        for (int k = 0; k < 5; ++k)
            list->remove(list->specs()[static_cast<std::size_t>(2 * k)].id);
        w.explorer()->addScenario(QStringLiteral(BATCHSCOPE_TEST_DATA_DIR "/resnet18.onnx"),
                                  QStringLiteral("h100-sxm"));
        while (list->rowCount() < 24)
            w.explorer()->addScenario(QStringLiteral("resnet18"), QStringLiteral("h100-sxm"));
        verifyDistinct();
    }

    // The exported figure names every scenario by its whole label with its colour; the charts' own
    // legends, one row each, no longer carry (and elide) the scenario names.
    void exportedLegendNamesScenariosInFull() {
        QTemporaryDir dir;
        MainWindow w(test::testWindowOptions(dir));
        w.resize(1600, 1000);
        w.show();
        QTRY_VERIFY_WITH_TIMEOUT(!w.explorer()->isBusy(), 60000);
        const ExplorerSnapshot& s = w.explorer()->snapshot();
        QStringList labels;
        for (const EvaluatedScenario& e : s.scenarios)
            labels << e.label;
        const QString keyed = captionLines(s, 1600).join(QLatin1Char('\n'));
        for (const QString& label : labels)
            QVERIFY2(keyed.contains(QStringLiteral("■ ") + label), qPrintable(keyed));
        for (SnapshotChart* chart : w.charts()->charts()) {
            auto copy = makePrintChart(chart->kind(), s, QSize(800, 500), false);
            for (QLegendMarker* m : copy->chart()->legend()->markers())
                QVERIFY2(!m->isVisible() || !labels.contains(m->label()), qPrintable(m->label()));
        }
        const QString png = dir.filePath(QStringLiteral("all.png"));
        QString error;
        std::vector<SnapshotChart*> charts(w.charts()->charts().begin(), w.charts()->charts().end());
        QVERIFY2(exportAllCharts(charts, png, 1, &error), qPrintable(error));
        QDir().mkpath(QStringLiteral(BATCHSCOPE_SCREENSHOT_DIR));
        QFile::remove(QStringLiteral(BATCHSCOPE_SCREENSHOT_DIR "/first-use-export-2x2.png"));
        QVERIFY(QFile::copy(png, QStringLiteral(BATCHSCOPE_SCREENSHOT_DIR "/first-use-export-2x2.png")));
    }

    // An LLM decode scenario speaks in tokens, says its KV cache and memory wall, keeps batches
    // that do not fit out of the latency scale, and disables the knob decode ignores.
    void llmDecodeSpeaksInTokens() {
        test::EmptyWindow window;
        MainWindow& w = window.w;
        const int id = w.explorer()->addScenario(QStringLiteral("llm"), QStringLiteral("h100-sxm"));
        ScenarioRow row = *w.explorer()->scenarios()->find(id);
        row.knobs["phase"] = 1;
        w.explorer()->scenarios()->update(row);
        w.selectScenario(id);
        w.batchControls()->setBatch(32);
        QTRY_VERIFY_WITH_TIMEOUT(!w.explorer()->isBusy(), 60000);
        QCoreApplication::processEvents();
        const QString line = w.summaryLines().value(0);
        for (const char* words : {" tokens/s at ", " per token", "/token", "KV cache ", "fits up to batch "})
            QVERIFY2(line.contains(QLatin1String(words)), qPrintable(line));
        QVERIFY2(!line.contains(QStringLiteral("inf/s")) && !line.contains(QStringLiteral("/inference")),
                 qPrintable(line));
        SnapshotChart* tradeoff = w.charts()->charts()[2];
        QStringList titles;
        for (QAbstractAxis* a : tradeoff->chart()->axes())
            titles << a->titleText();
        QVERIFY2(titles.contains(QStringLiteral("throughput (tokens/s)")) &&
                     titles.contains(QStringLiteral("time per token (ms)")),
                 qPrintable(titles.join(QStringLiteral(", "))));
        // The grid reaches batches whose KV cache does not fit; the axis stays on those that do.
        const EvaluatedScenario& e = w.explorer()->snapshot().scenarios.front();
        double fitMax_ms = 0, allMax_ms = 0;
        for (const SweepPoint& p : e.sweep) {
            allMax_ms = std::max(allMax_ms, p.totals.latency_s * 1e3);
            if (p.totals.fitsMemory) fitMax_ms = std::max(fitMax_ms, p.totals.latency_s * 1e3);
        }
        QVERIFY(allMax_ms > 10 * fitMax_ms);
        QVERIFY(axisRange(tradeoff->chart()->axes(Qt::Vertical).front()).second <= 10 * fitMax_ms);
        // The memory wall is marked on the batch charts.
        const QString wall = QStringLiteral("fits ≤ %1").arg(*largestFittingBatch(e));
        QVERIFY2(w.charts()->charts()[1]->annotationTexts().contains(wall),
                 qPrintable(w.charts()->charts()[1]->annotationTexts().join(QStringLiteral(", "))));
        // seq has no effect in decode: disabled, and its tooltip says why.
        auto* seq = w.findChild<QWidget*>(QStringLiteral("knob_seq"));
        QVERIFY(seq && !seq->isEnabled());
        QVERIFY2(seq->toolTip().startsWith(QStringLiteral("No effect here")), qPrintable(seq->toolTip()));
        QVERIFY(w.findChild<QWidget*>(QStringLiteral("knob_context"))->isEnabled());
        saveShot(&w, QStringLiteral("first-use-llm-decode.png"));
    }

    // The dark theme with a hidden scenario (its box unticked and visible), and presentation mode
    // at 1600×1000: one legend line, batch labels not elided.
    void darkThemeAndPresentation() {
        QTemporaryDir dir;
        MainWindow w(test::testWindowOptions(dir));
        w.resize(1600, 1000);
        w.show();
        QTRY_VERIFY_WITH_TIMEOUT(!w.explorer()->isBusy(), 60000);
        w.explorer()->scenarios()->setVisible(w.explorer()->scenarios()->specs().back().id, false);
        w.setDarkTheme(true);
        QTRY_VERIFY_WITH_TIMEOUT(!w.explorer()->isBusy(), 60000);
        QCoreApplication::processEvents();
        QVERIFY(!qApp->styleSheet().isEmpty());
        saveShot(&w, QStringLiteral("first-use-dark.png"));
        w.setDarkTheme(false);
        QVERIFY(qApp->styleSheet().isEmpty());

        PresentationWindow* p = w.startPresentation();
        p->setAttribute(Qt::WA_DontShowOnScreen);
        p->showNormal();
        p->resize(1600, 1000);
        QTRY_VERIFY_WITH_TIMEOUT(!w.explorer()->isBusy(), 60000);
        QCoreApplication::processEvents();
        // Every scenario in full on one line.
        QLabel* legend = p->legendLabel();
        const QString plain = QTextDocumentFragment::fromHtml(legend->text()).toPlainText();
        for (const EvaluatedScenario& e : w.explorer()->snapshot().scenarios)
            QVERIFY2(plain.contains(e.label), qPrintable(plain));
        QVERIFY(!legend->wordWrap());
        QVERIFY(QFontMetricsF(legend->font()).horizontalAdvance(plain) <= p->width());
        for (SnapshotChart* c : p->charts())
            if (auto* batchAxis = qobject_cast<QLogValueAxis*>(c->chart()->axes(Qt::Horizontal).value(0));
                batchAxis && batchAxis->base() != 10)
                QVERIFY2(batchAxis->base() >= 4,
                         "presentation type labels every other power of two or fewer");
        saveShot(p, QStringLiteral("first-use-presentation.png"));
        p->close();
    }

    // Typing 5000 in the batch box is refused with a message (it used to become 500 silently);
    // clicking a recommendation star moves to its batch.
    void batchBoxAndStars() {
        QTemporaryDir dir;
        MainWindow w(test::testWindowOptions(dir));
        w.resize(1600, 1000);
        w.show();
        QTRY_VERIFY_WITH_TIMEOUT(!w.explorer()->isBusy(), 60000);
        QSpinBox* box = w.batchControls()->spinBox();
        box->setFocus();
        box->selectAll();
        QTest::keyClicks(box, QStringLiteral("5000"));
        QCOMPARE(box->text(), QStringLiteral("5000"));
        QTest::keyClick(box, Qt::Key_Return);
        QCOMPARE(w.explorer()->batch(), 64);
        QCOMPARE(box->value(), 64);
        QVERIFY2(w.statusBar()->currentMessage().contains(QStringLiteral("outside 1–4096")),
                 qPrintable(w.statusBar()->currentMessage()));

        auto* tradeoff = w.charts()->latencyThroughput();
        QScatterSeries* star = tradeoff->recommendedSeries().front();
        QCOMPARE(star->count(), qsizetype{1});
        const int recommended = *w.explorer()->snapshot().scenarios.front().recommendedBatch;
        QVERIFY(recommended != 64);
        const QPointF at = tradeoff->chart()->mapToPosition(star->at(0), star);
        const QPoint viewPos = tradeoff->mapFromScene(tradeoff->chart()->mapToScene(at));
        QTest::mouseClick(tradeoff->viewport(), Qt::LeftButton, {}, viewPos);
        QCOMPARE(w.batchControls()->batch(), recommended);
        QTRY_COMPARE_WITH_TIMEOUT(w.explorer()->batch(), recommended, 60000);
    }
};

QTEST_MAIN(TstFirstUse)
#include "tst_first_use.moc"
