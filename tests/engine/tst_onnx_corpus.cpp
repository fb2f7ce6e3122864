// Robustness over Debian's libonnx-testdata (about 1,000 small models from the ONNX project): every
// file imports and evaluates, or fails with one OnnxError line naming the file. Nothing else may
// escape: no other exception, no crash, no hang (ctest's timeout would catch one).
// $BATCHSCOPE_ONNX_CORPUS overrides the directory; the test skips when it is absent.
#include "eval/Evaluator.h"
#include "graph/PreparedModel.h"
#include "hardware/PresetLoader.h"
#include "onnx/OnnxImport.h"

#include <QtTest>
#include <algorithm>
#include <cmath>
#include <filesystem>

using namespace bs;

class TstOnnxCorpus : public QObject {
    Q_OBJECT

  private slots:
    void everyModelImportsOrFailsClearly() {
        const QByteArray env = qgetenv("BATCHSCOPE_ONNX_CORPUS");
        const std::filesystem::path root = env.isEmpty()
                                               ? std::filesystem::path("/usr/share/libonnx-testdata/data")
                                               : std::filesystem::path(env.toStdString());
        if (!std::filesystem::is_directory(root)) QSKIP("libonnx-testdata is not installed");
        std::vector<std::filesystem::path> files;
        for (const auto& e : std::filesystem::recursive_directory_iterator(root))
            if (e.is_regular_file() && e.path().extension() == ".onnx") files.push_back(e.path());
        std::sort(files.begin(), files.end());
        QVERIFY2(files.size() > 500, qPrintable(QString::number(files.size())));

        const PresetLibrary lib = PresetLibrary::shipped();
        const HardwarePreset& gpu = resolvePreset(lib, "h100-sxm");
        const HardwarePreset& cpu = resolvePreset(lib, "xeon-8490h");
        int imported = 0, refused = 0, withNotCosted = 0;
        for (const auto& path : files) {
            const std::string file = path.string();
            try {
                OnnxModel m = importOnnxFile(file);
                const PreparedModel pm(std::move(m.graph));
                if (!m.summary.notCosted.empty()) ++withNotCosted;
                for (const HardwarePreset* hw : {&gpu, &cpu})
                    for (int batch : {1, 3}) {
                        const Totals t = evaluateTotals({&pm, hw, hw->defaultPrecision}, batch);
                        QVERIFY2(std::isfinite(t.latency_s) && t.latency_s >= 0, file.c_str());
                        QVERIFY2(std::isfinite(t.energyPerInference.total()), file.c_str());
                        QVERIFY2(t.utilization >= 0 && t.utilization <= 1 + 1e-9, file.c_str());
                    }
                ++imported;
            } catch (const OnnxError& e) {
                const std::string msg = e.what();
                QVERIFY2(msg.rfind(file + ": ", 0) == 0, msg.c_str());
                QVERIFY2(msg.find('\n') == std::string::npos, msg.c_str());
                QVERIFY2(msg.size() > file.size() + 10, msg.c_str());
                ++refused;
            } catch (const std::exception& e) {
                QFAIL(qPrintable(
                    QString::fromStdString(file + ": escaped as a non-import error: " + e.what())));
            }
        }
        qInfo("%zu models: %d imported and evaluated (%d with ops not costed), %d refused with a message",
              files.size(), imported, withNotCosted, refused);
        // Most of the corpus is plain tensor ops; a collapse here means the importer regressed.
        QVERIFY(imported > static_cast<int>(files.size()) * 8 / 10);
    }
};

QTEST_GUILESS_MAIN(TstOnnxCorpus)
#include "tst_onnx_corpus.moc"
