// Opening models in the window: ONNX files (dropped, imported off the UI thread with a dims
// prompt, cancelled, broken, reloaded after a failed import, summarised) and Hugging Face
// config.json files. Split from tst_main_window.cpp, which had passed 600 lines.
#include "TestWindow.h"
#include "model/Explorer.h"
#include "window/MainWindow.h"
#include "window/ModelPanel.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLineEdit>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace bs;
using test::saveShot;
using test::waitIdle;

class TstModelImport : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

    MainWindowOptions options(bool defaults = true) const { return test::testWindowOptions(tmp_, defaults); }

  private slots:
    void initTestCase() { QVERIFY(tmp_.isValid()); }

    void reloadAfterAFailedImport() {
        MainWindow w(options(false));
        w.show();
        const QString file = tmp_.filePath(QStringLiteral("reexported.onnx"));
        QFile::remove(file);
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("half written");
        f.close();
        w.openOnnx(file);
        waitIdle(w);
        QVERIFY(!w.explorer()->snapshot().scenarios[0].error.isEmpty());
        // The user re-exports the model and presses Reload.
        QFile::remove(file);
        QVERIFY(QFile::copy(QStringLiteral(BATCHSCOPE_TEST_DATA_DIR "/distilbert_encoder.onnx"), file));
        auto* reload = w.modelPanel()->findChild<QPushButton*>(QStringLiteral("reloadModel"));
        QVERIFY(reload && reload->isVisible());
        QTest::mouseClick(reload, Qt::LeftButton);
        waitIdle(w);
        const EvaluatedScenario& e = w.explorer()->snapshot().scenarios[0];
        QVERIFY2(e.error.isEmpty(), qPrintable(e.error));
        QCOMPARE(e.model->params(), std::int64_t{66362880});
    }

    // A Hugging Face config.json opens as a model like an ONNX file; edited and opened again, it is
    // read again.
    void openAConfigJson() {
        MainWindow w(options(false));
        w.show();
        QDir(tmp_.path()).mkpath(QStringLiteral("Llama-3.2-1B"));
        const QString file = tmp_.filePath(QStringLiteral("Llama-3.2-1B/config.json"));
        QFile::remove(file);
        QVERIFY(QFile::copy(
            QStringLiteral(BATCHSCOPE_TEST_DATA_DIR "/../../presets/models/llama-3.2-1b.json"), file));
        w.openOnnx(file);
        waitIdle(w);
        const EvaluatedScenario& e = w.explorer()->snapshot().scenarios[0];
        QVERIFY2(e.error.isEmpty(), qPrintable(e.error));
        QCOMPARE(e.model->params(), std::int64_t{1235814400});
        QVERIFY2(e.label.startsWith(QStringLiteral("Llama-3.2-1B/config.json")), qPrintable(e.label));
        auto* combo = w.modelPanel()->findChild<QComboBox*>(QStringLiteral("modelCombo"));
        QVERIFY(combo && combo->currentText() == QStringLiteral("Llama-3.2-1B/config.json"));
        auto* phase = w.modelPanel()->findChild<QComboBox*>(QStringLiteral("knob_phase")); // its knobs
        QVERIFY(phase && phase->isVisible());
        w.grab().save(QStringLiteral(BATCHSCOPE_SCREENSHOT_DIR "/config-json-model.png"));
        // 2 layers instead of 16, saved a minute later: read again on the next open.
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadWrite));
        const QByteArray text = f.readAll().replace("\"num_hidden_layers\": 16", "\"num_hidden_layers\": 2");
        f.resize(0);
        f.write(text);
        QVERIFY(f.setFileTime(QFileInfo(file).lastModified().addSecs(60), QFileDevice::FileModificationTime));
        f.close();
        w.openOnnx(file);
        waitIdle(w);
        QVERIFY(w.explorer()->snapshot().scenarios.back().model->params() < 1235814400);
    }

    void droppingAnOnnxFileImportsIt() {
        MainWindow w(options(false));
        w.show();
        QMimeData mime;
        mime.setUrls(
            {QUrl::fromLocalFile(QStringLiteral(BATCHSCOPE_TEST_DATA_DIR "/distilbert_encoder.onnx"))});
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&w, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&w, &drop);
        waitIdle(w);
        QCOMPARE(w.explorer()->snapshot().scenarios.size(), std::size_t{1});
        const EvaluatedScenario& e = w.explorer()->snapshot().scenarios[0];
        QVERIFY2(e.error.isEmpty(), qPrintable(e.error));
        QCOMPARE(e.model->params(), std::int64_t{66362880});
        // A text file is not offered to the importer.
        QMimeData text;
        text.setUrls({QUrl::fromLocalFile(QStringLiteral(BATCHSCOPE_TEST_DATA_DIR "/make_onnx_models.py"))});
        QDragEnterEvent enterText(QPoint(10, 10), Qt::CopyAction, &text, Qt::LeftButton, Qt::NoModifier);
        enterText.setAccepted(false);
        QCoreApplication::sendEvent(&w, &enterText);
        QVERIFY(!enterText.isAccepted());
    }

    void onnxImportRunsOffTheUiThreadAndAsksForDims() {
        MainWindow w(options(false));
        w.show();
        const QString file = QStringLiteral(BATCHSCOPE_TEST_DATA_DIR "/resnet18.onnx");
        w.openOnnx(file);
        waitIdle(w);
        const ScenarioRow* spec = w.explorer()->scenarios()->find(w.explorer()->selectedScenarioId());
        QVERIFY(spec && spec->isOnnx());
        Explorer::ModelStatus st = w.explorer()->modelStatus(*spec);
        QCOMPARE(st.unboundDims, (QStringList{QStringLiteral("height"), QStringLiteral("width")}));
        QVERIFY(!w.explorer()->snapshot().scenarios[0].error.isEmpty());
        // The user types the dims and presses Enter: the file is imported again with them.
        auto* dims = w.modelPanel()->findChild<QLineEdit*>(QStringLiteral("onnxDims"));
        QVERIFY(dims && dims->isVisible());
        dims->setText(QStringLiteral("height=224, width=224"));
        QTest::keyClick(dims, Qt::Key_Return);
        int eventLoopTurns = 0;
        while (w.explorer()->isBusy() && eventLoopTurns < 100000) {
            QTest::qWait(1); // the UI thread keeps turning while the import runs
            ++eventLoopTurns;
        }
        QVERIFY(eventLoopTurns > 0);
        waitIdle(w);
        spec = w.explorer()->scenarios()->find(w.explorer()->selectedScenarioId());
        st = w.explorer()->modelStatus(*spec);
        QVERIFY2(st.model, qPrintable(st.error));
        QCOMPARE(st.model->params(), std::int64_t{11689512});
        const EvaluatedScenario& e = w.explorer()->snapshot().scenarios[0];
        QVERIFY2(e.error.isEmpty(), qPrintable(e.error));
        QVERIFY(e.label.contains(QStringLiteral("resnet18.onnx")));
        QVERIFY(w.modelPanel()->summaryView()->isVisible());
        QVERIFY(w.modelPanel()->summaryView()->toPlainText().contains(QStringLiteral("nodes")));
    }

    void onnxSummarySaysWhatTheImporterDecided() {
        // A run-time If and a QDQ file: the panel says which branch was costed, and the quantization.
        MainWindow w(options(false));
        w.show();
        const std::pair<const char*, const char*> files[] = {
            {"if_runtime.onnx", "warning: node 'If_0' (If): condition 'c' is known only at run time"},
            {"qdq.onnx", "Quantization: int8 QDQ: 1 QuantizeLinear/DequantizeLinear pairs"}};
        for (const auto& [file, line] : files) {
            w.openOnnx(QStringLiteral(BATCHSCOPE_TEST_DATA_DIR "/../fuzz/seeds/onnx/") + QLatin1String(file));
            waitIdle(w);
            const QString text = w.modelPanel()->summaryView()->toPlainText();
            QVERIFY2(text.contains(QLatin1String(line)), qPrintable(text));
        }
        saveShot(&w, QStringLiteral("onnx-qdq-summary.png"));
    }

    void cancellingAnImportLeavesAMessage() {
        MainWindow w(options(false));
        // Not shown: painting in processEvents() below could outlast the 15 ms import.

        ScenarioRow s;
        s.onnxPath = QStringLiteral(BATCHSCOPE_TEST_DATA_DIR "/resnet50.onnx");
        s.dims = {{"height", 224}, {"width", 224}};
        s.presetId = QStringLiteral("h100-sxm");
        s.precision = Precision::BF16;
        w.explorer()->scenarios()->add(s);
        // Let the refresh start the import job, then press Cancel as the user would.
        for (int i = 0;
             i < 1000 && !w.explorer()->modelStatus(w.explorer()->scenarios()->specs()[0]).preparing; ++i)
            QCoreApplication::processEvents(); // not QTRY: its 50 ms poll would let the import finish
        QVERIFY(w.explorer()->modelStatus(w.explorer()->scenarios()->specs()[0]).preparing);
        w.explorer()->cancelImports();
        waitIdle(w);
        const Explorer::ModelStatus st = w.explorer()->modelStatus(w.explorer()->scenarios()->specs()[0]);
        QVERIFY(!st.model);
        QVERIFY2(st.error.contains(QStringLiteral("import cancelled")), qPrintable(st.error));
    }

    void brokenOnnxGivesAMessageNotACrash() {
        MainWindow w(options(false));
        w.show();
        const QString bad = tmp_.filePath(QStringLiteral("bad.onnx"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("this is not a protobuf");
        f.close();
        w.openOnnx(bad);
        waitIdle(w);
        const EvaluatedScenario& e = w.explorer()->snapshot().scenarios.at(0);
        QVERIFY(e.error.contains(QStringLiteral("bad.onnx")));
        QVERIFY(w.summaryLines().join(QString()).contains(QStringLiteral("bad.onnx")));
    }
};

QTEST_MAIN(TstModelImport)
#include "tst_model_import.moc"
