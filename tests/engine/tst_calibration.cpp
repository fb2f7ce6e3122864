// Calibration: recovering knobs from synthetic sweeps made by the engine itself with noise, never
// making the fitted data's error worse, refusing nothing to fit, and the presets it writes.
#include "MeasuredTestSupport.h"
#include "TestSupport.h"
#include "hardware/PresetLoader.h"
#include "measured/Calibration.h"
#include "zoo/ModelZoo.h"

#include <QJsonDocument>
#include <QtTest>
#include <cmath>

using namespace bs;
using namespace bs::test;

class TstCalibration : public QObject {
    Q_OBJECT
    PresetLibrary lib_ = PresetLibrary::shipped();

  private slots:
    void calibrationRecoversKnownKnobs() {
        // Truth: the Xeon preset with other efficiency knobs; data: the engine's own latencies ±3 %.
        const HardwarePreset* stock = lib_.find("xeon-8490h");
        QVERIFY(stock);
        HardwarePreset truth = *stock;
        truth.computeFraction.value = 0.45;
        truth.bandwidthFraction.value = 0.55;
        truth.dispatchUs.value = 40;
        const PreparedModel resnet(ModelZoo::build("resnet50", {}));
        const PreparedModel bert(ModelZoo::build("bert-base", {}));
        const PreparedModel mlp(ModelZoo::build("mlp", {}));
        const std::vector<int> batches{1, 2, 4, 8, 16, 32, 64};
        std::vector<CalibrationSweep> sweeps{
            {&resnet, Precision::FP32, synthetic(resnet, truth, Precision::FP32, batches, 0.03, 1),
             "resnet50"},
            {&bert, Precision::FP32, synthetic(bert, truth, Precision::FP32, batches, 0.03, 2), "bert-base"},
            {&mlp, Precision::FP32, synthetic(mlp, truth, Precision::FP32, batches, 0.03, 3), "mlp"}};
        const CalibrationResult r = calibrate(*stock, sweeps);
        QVERIFY(r.improved);
        QCOMPARE(r.points, 21);
        qInfo(
            "fit: compute %.3f (0.45), bandwidth %.3f (0.55), dispatch %.1f us (40); MdAPE %.1f%% -> %.1f%%",
            r.computeFraction[1], r.bandwidthFraction[1], r.dispatchUs[1], r.mdape[0] * 100,
            r.mdape[1] * 100);
        QVERIFY(std::abs(r.computeFraction[1] / 0.45 - 1) < 0.10);
        QVERIFY(std::abs(r.bandwidthFraction[1] / 0.55 - 1) < 0.15);
        QVERIFY(std::abs(r.dispatchUs[1] / 40 - 1) < 0.35);
        QVERIFY(r.mdape[1] < 0.03);
        QVERIFY(r.mdape[1] < r.mdape[0]);
        QCOMPARE(r.fitted.computeFraction.value, r.computeFraction[1]);
        QCOMPARE(r.fitted.status, std::string("calibrated"));
    }

    void calibrationNeverMakesTheErrorWorse_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("exactly the stock preset") << 0;
        QTest::newRow("noise the knobs cannot explain") << 1;
        QTest::newRow("one point") << 2;
    }

    void calibrationNeverMakesTheErrorWorse() {
        QFETCH(int, kind);
        const HardwarePreset* stock = lib_.find("t4");
        QVERIFY(stock);
        const PreparedModel resnet(ModelZoo::build("resnet18", {}));
        std::vector<MeasuredPoint> pts =
            synthetic(resnet, *stock, Precision::FP16,
                      kind == 2 ? std::vector<int>{8} : std::vector<int>{1, 4, 16, 64}, 0, 7);
        if (kind == 1) // a zig-zag no efficiency knob can produce
            for (std::size_t i = 0; i < pts.size(); ++i)
                pts[i].latency_s *= i % 2 ? 3.0 : 0.4;
        const CalibrationResult r = calibrate(*stock, {{&resnet, Precision::FP16, pts, "resnet18"}});
        QVERIFY2(r.mdape[1] <= r.mdape[0] && r.rmsLog[1] <= r.rmsLog[0],
                 qPrintable(QStringLiteral("%1 -> %2").arg(r.mdape[0]).arg(r.mdape[1])));
        if (!r.improved) {
            QCOMPARE(r.computeFraction[1], stock->computeFraction.value);
            QCOMPARE(r.dispatchUs[1], stock->dispatchUs.value);
        }
    }

    void calibrationRefusesNothingToFit() {
        const HardwarePreset* stock = lib_.find("t4");
        const PreparedModel mlp(ModelZoo::build("mlp", {}));
        QVERIFY_THROWS_EXCEPTION(std::exception, calibrate(*stock, {{&mlp, Precision::FP16, {}, "mlp"}}));
        QVERIFY_THROWS_EXCEPTION(
            std::exception, calibrate(*stock, {{&mlp, Precision::FP8,
                                                synthetic(mlp, *stock, Precision::FP16, {1}, 0, 1), "mlp"}}));
    }

    void calibratedPresetLoadsAndSaysWhatItWasFittedTo() {
        const HardwarePreset* stock = lib_.find("xeon-8490h");
        const PreparedModel mlp(ModelZoo::build("mlp", {}));
        HardwarePreset truth = *stock;
        truth.computeFraction.value = 0.3;
        const CalibrationResult r =
            calibrate(*stock, {{&mlp, Precision::FP32,
                                synthetic(mlp, truth, Precision::FP32, {1, 8, 64}, 0.01, 4), "mlp fp32"}});
        const QJsonObject json = calibratedPresetJson(presetJson(stock->file), r, "xeon-fitted",
                                                      "sweep.csv (mlp fp32 batch 1-64)", "2026-11-29");
        const PresetLoadResult loaded =
            parsePreset(QJsonDocument(json).toJson().toStdString(), "xeon-fitted.json");
        QVERIFY2(loaded.ok(), loaded.issues.empty() ? "" : loaded.issues.front().str().c_str());
        const HardwarePreset& p = *loaded.preset;
        QCOMPARE(p.id, std::string("xeon-fitted"));
        QCOMPARE(p.status, std::string("calibrated"));
        QCOMPARE(p.derivedFrom, std::string("xeon-8490h"));
        QCOMPARE(p.computeFraction.value, r.computeFraction[1]);
        QVERIFY(p.computeFraction.source.find("sweep.csv (mlp fp32 batch 1-64)") != std::string::npos);
        QVERIFY(p.computeFraction.source.find("2026-11-29") != std::string::npos);
        QVERIFY(p.notes.find("median abs error") != std::string::npos);
    }

    // A preset with its own SIMT fraction: the fit moves both fractions by one factor, so an fp32
    // sweep (SIMT GEMMs on the A100) still finds the truth, half of each, and the file says both.
    void calibrationMovesBothComputePathsTogether() {
        const HardwarePreset* stock = lib_.find("a100-sxm4-40gb");
        QVERIFY(stock && stock->vectorComputeFraction.value > 0);
        const PreparedModel mlp(ModelZoo::build("mlp", {{"width", 4096}}));
        HardwarePreset truth = *stock;
        truth.computeFraction.value /= 2;
        truth.vectorComputeFraction.value /= 2;
        const CalibrationResult r = calibrate(
            *stock,
            {{&mlp, Precision::FP32, synthetic(mlp, truth, Precision::FP32, {256, 1024, 4096}, 0, 5), "mlp"}},
            {true, false, false});
        QVERIFY(r.improved);
        QVERIFY(std::abs(r.fitted.computeFraction.value / truth.computeFraction.value - 1) < 0.02);
        QVERIFY(std::abs(r.fitted.vectorComputeFraction.value / truth.vectorComputeFraction.value - 1) <
                0.02);
        const QJsonObject json =
            calibratedPresetJson(presetJson(stock->file), r, "a100-fitted", "mlp fp32", "2026-12-06");
        const PresetLoadResult loaded =
            parsePreset(QJsonDocument(json).toJson().toStdString(), "a100-fitted.json");
        QVERIFY(loaded.ok());
        QCOMPARE(loaded.preset->vectorComputeFraction.value, r.fitted.vectorComputeFraction.value);
        QVERIFY(loaded.preset->vectorComputeFraction.source.find("fitted") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TstCalibration)
#include "tst_calibration.moc"
