// The validation suite on the shipped datasets (presets/measured, presets/measured/public): every
// file parses, every row is evaluated or skipped for a known reason, and the errors stay within
// the thresholds. Fused runtimes and this machine's PyTorch are held to the runtimes issue's
// targets (out-of-sample MdAPE ≤ 20 %, ≤ 30 % at batch 1–4; ≤ 20 % for this machine without
// calibration). Eager and compiled GPU runtimes do not meet the 20 % target yet
// (docs/VALIDATION.md): their bounds here are today's errors with a margin, so that a change
// that makes them worse fails. Board power is held to the energy issue's 30 %.
#include "validation/Validation.h"

#include <QtTest>

using namespace bs;

class TstValidation : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() {
        report_ = runValidation(shippedValidationFiles(), PresetLibrary::shipped(), RuntimeLibrary::shipped(),
                                true);
        QVERIFY(report_.datasets.size() >= 15);
    }

    void everyShippedRowIsEvaluated() {
        int points = 0;
        for (const ValidationDataset& d : report_.datasets) {
            points += static_cast<int>(d.points.size());
            // Every shipped row names a shipped preset and runtime profile: none is skipped.
            for (const std::string& s : d.skipped)
                QFAIL((d.file + ": " + s).c_str());
        }
        QVERIFY(points >= 450);
    }

    void fusedRuntimesMeetTheTargets() {
        const auto fused = [](const ValidationDataset& d) {
            return ValidationReport::family(d.runtime, d.cls) == "fused";
        };
        const auto all = pointsOf(report_, fused);
        QVERIFY(all.size() >= 200);
        QVERIFY2(*mdapePct(all, 1) <= 20, qPrintable(QString::number(*mdapePct(all, 1))));
        const auto small = pointsOf(report_, fused, 4);
        QVERIFY2(*mdapePct(small, 1) <= 30, qPrintable(QString::number(*mdapePct(small, 1))));
    }

    void thisMachineWithoutCalibration() {
        const auto cpu = pointsOf(report_, [](const ValidationDataset& d) {
            return d.file.find("torch-cpu-epyc-2core.csv") != std::string::npos;
        });
        QCOMPARE(cpu.size(), std::size_t{28});
        QVERIFY2(*mdapePct(cpu, 0) <= 20, qPrintable(QString::number(*mdapePct(cpu, 0))));
    }

    void cpuDecodeRowsAreScoredAsDecodeSteps() {
        // OpenVINO's LLM figures are ms per generated token (Llama-2-7B, batch 1) with int8 or
        // fp16 weights. Scored as one decode step the model streams the 6.7-13.5 GB of weights
        // (~26-52 ms at the 8490H's 261 GB/s, 39-78 ms at the 8380's 174 GB/s) where OpenVINO
        // measures 52-275 ms: ratios 0.3-0.75. Read as the llm's default 512-token prefill (the rows
        // had no params before: 7 TFLOP at a few TFLOP/s) they were seconds, 5-11x too slow.
        int rows = 0;
        for (const ValidationDataset& d : report_.datasets) {
            if (d.file.find("ov2024.1-xeon-") == std::string::npos) continue;
            for (const ValidationPoint& p : d.points) {
                if (p.measured.model != "llm") continue;
                ++rows;
                QVERIFY(p.measured.params.find("phase=decode") != std::string::npos);
                const double ratio = p.shipped_s / p.measured.latency_s;
                QVERIFY2(ratio > 0.25 && ratio < 2.5, qPrintable(QString::number(ratio)));
            }
        }
        QCOMPARE(rows, 4);
    }

    void eagerAndCompiledDoNotGetWorse() {
        // Today (2026-12-06): eager 28.5 %, compiled 31.2 % out of sample.
        for (const auto& [family, bound] : {std::pair{"eager", 33.0}, std::pair{"compiled", 36.0}}) {
            const auto pts = pointsOf(report_, [f = std::string(family)](const ValidationDataset& d) {
                return ValidationReport::family(d.runtime, d.cls) == f;
            });
            QVERIFY(!pts.empty());
            QVERIFY2(*mdapePct(pts, 1) <= bound, family);
        }
    }

    void fitsAreReportedPerRuntimeAndClass() {
        // One in-sample fit per runtime and chip class with single-pass rows, over that key's
        // points, inside its grid (overhead × 1/16 … 256, GEMM efficiency 0.2 … 1), flagged when
        // at an end of it; the Markdown lists them.
        std::map<std::string, int> points;
        for (const ValidationDataset& d : report_.datasets)
            if (!d.generation) points[d.runtime + "/" + d.cls] += static_cast<int>(d.points.size());
        QCOMPARE(report_.fits.size(), points.size());
        for (const FittedConstants& f : report_.fits) {
            QCOMPARE(f.points, points.at(f.runtime + "/" + f.cls));
            const double o = f.fit.overheadScale, g = f.fit.gemmEfficiency;
            QVERIFY(o >= 1.0 / 16 * (1 - 1e-9) && o <= 256 * (1 + 1e-9));
            QVERIFY(g >= 0.2 - 1e-9 && g <= 1 + 1e-9);
            QCOMPARE(f.atGridEdge, o <= 1.0 / 16 * (1 + 1e-9) || o >= 256 * (1 - 1e-9) || g <= 0.2 + 1e-9);
            QVERIFY(f.overheadField == "host_us_per_op" || f.overheadField == "per_inference_us");
        }
        QVERIFY(validationMarkdown(report_).find("### Fitted constants") != std::string::npos);
    }

    void boardPowerMeetsTheEnergyTarget() {
        // The energy issue's target: board power within 30 % (median) of the measurements, with
        // the shipped presets (no energy constant is fitted to these datasets). Energy per
        // inference does not meet 30 % on the vLLM decode data yet (its time per step is off,
        // docs/VALIDATION.md): held at today's error with a margin.
        const auto all = pointsOf(report_, [](const ValidationDataset&) { return true; });
        const auto power = powerMdapePct(all, false);
        QVERIFY(power);
        QVERIFY2(*power <= 30, qPrintable(QString::number(*power)));
        const auto energy = powerMdapePct(all, true);
        QVERIFY(energy);
        QVERIFY2(*energy <= 35, qPrintable(QString::number(*energy)));
    }

    void generationDatasetsAreScoredShippedOnly() {
        // The static-batching generation datasets (LLM-Inference-Bench: vLLM and TensorRT-LLM on
        // an A100 and an H100; vLLM PR #23197's BF16 / INT8 / INT4 weight-only Llama-3.1-8B on an
        // H100): every row is an end-to-end time, scored with the shipped profiles, never fitted.
        // Today 6–19 % per dataset; held below 25 % as a regression guard. Hugging Face generate()
        // in eager PyTorch (optimum-benchmark: Mistral-7B and Vicuna-7B on an A100, 5 batches
        // each) is a host-bound decode loop the eager profile gets to 36–39 %: held below 45 %.
        int sets = 0;
        for (const ValidationDataset& d : report_.datasets) {
            if (!d.generation || multiDevice(d)) continue;
            ++sets;
            const bool eager = d.runtime == "pytorch-eager";
            QVERIFY(d.points.size() >= (eager ? 5u : 12u));
            for (const ValidationPoint& p : d.points) {
                QVERIFY(p.measured.inputLen && p.measured.outputLen);
                QVERIFY(!p.outOfSample_s && !p.inSample_s);
            }
            const auto err =
                mdapePct(pointsOf(report_, [&](const ValidationDataset& x) { return x.file == d.file; }), 0);
            QVERIFY(err);
            QVERIFY2(*err <= (eager ? 45 : 25), (d.file + ": " + std::to_string(*err)).c_str());
        }
        QCOMPARE(sets, 7);
    }

    void multiDeviceGenerationIsScored() {
        // Tensor-parallel generation scored with the node's link (docs/MODEL.md §19), never fitted:
        // vLLM PR #2192 (Llama-2-70B tp=4, LLaMA-33B tp=2 on A100-80GB; 29 %, the model too fast)
        // and LLM-Inference-Bench's tp=2/4 static batches on A100-40GB (Polaris) and H100 under
        // TensorRT-LLM and vLLM (613 rows; 8-18 % each). Held below 40 % per dataset as a
        // regression guard.
        int sets = 0;
        for (const ValidationDataset& d : report_.datasets) {
            if (!multiDevice(d)) continue;
            ++sets;
            QVERIFY(d.generation);
            QVERIFY(d.points.size() >= 2);
            for (const ValidationPoint& p : d.points)
                QVERIFY(p.measured.tp && *p.measured.tp > 1 && !p.outOfSample_s && !p.inSample_s);
            const auto err =
                mdapePct(pointsOf(report_, [&](const ValidationDataset& x) { return x.file == d.file; }), 0);
            QVERIFY(err);
            QVERIFY2(*err <= 40, (d.file + ": " + std::to_string(*err)).c_str());
        }
        QCOMPARE(sets, 5);
    }

    void outOfSampleNeedsAnotherDataset() {
        // pytorch-eager on CPU has one dataset (this machine): nothing to fit it on, so no
        // out-of-sample score. openvino has two (Xeon 8490H and 8380): each is scored out of sample.
        for (const ValidationDataset& d : report_.datasets) {
            if (d.cls != "cpu") continue;
            for (const ValidationPoint& p : d.points) {
                QCOMPARE(bool(p.outOfSample_s), d.runtime == "openvino");
                QVERIFY(p.inSample_s);
            }
        }
    }

  private:
    static bool multiDevice(const ValidationDataset& d) {
        return std::any_of(d.points.begin(), d.points.end(),
                           [](const ValidationPoint& p) { return p.measured.tp && *p.measured.tp > 1; });
    }

    ValidationReport report_;
};

QTEST_GUILESS_MAIN(TstValidation)
#include "tst_validation.moc"
