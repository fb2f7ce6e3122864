#pragma once
// Calibration: fits a preset's efficiency knobs — achievable compute fraction, achievable DRAM
// bandwidth fraction and the dispatch overhead per fused layer — to one or more measured sweeps by
// least squares on the log of latency (so a 2× error counts the same at 1 ms and at 100 ms):
//
//   minimise  Σ_points ( ln(model latency) − ln(measured latency) )²
//
// with Nelder–Mead over unconstrained coordinates (logistic for the fractions, log for the
// dispatch time), started from the preset's own values and restarted from the best point found.
// The fit is kept only if it lowers both that sum and the median absolute percentage error of the
// fitted points; otherwise the preset's own values are returned (calibration never makes the
// fitted data's error worse). Formulas: docs/MODEL.md "Calibration".
#include "graph/PreparedModel.h"
#include "hardware/HardwarePreset.h"
#include "measured/Measured.h"

#include <QJsonObject>
#include <string>
#include <vector>

namespace bs {

/// One measured sweep to fit: a model at a precision and its points.
struct CalibrationSweep {
    const PreparedModel* model = nullptr; ///< as prepared (the runtime's fusion is applied here)
    Precision precision = Precision::FP32;
    std::vector<MeasuredPoint> points;
    std::string label;                            ///< "resnet50 fp32" for messages and the preset's record
    const RuntimeClassProfile* runtime = nullptr; ///< the runtime the sweep was timed under; null: ideal
};

struct CalibrationKnobs {
    bool computeFraction = true;
    bool bandwidthFraction = true;
    bool dispatch = true;
};

struct CalibrationResult {
    HardwarePreset fitted;       ///< the base preset with the fitted knobs (status "calibrated")
    double computeFraction[2]{}; ///< before, after
    double bandwidthFraction[2]{};
    double dispatchUs[2]{};
    double mdape[2]{};  ///< over every fitted point
    double rmsLog[2]{}; ///< sqrt(mean squared log error)
    int points = 0;
    int evaluations = 0;
    bool improved = false;  ///< false: the preset's own values were kept
    CalibrationKnobs knobs; ///< which knobs were fitted
};

/// Throws EngineError when there is nothing to fit (no points) or the preset cannot run a sweep.
CalibrationResult calibrate(const HardwarePreset& base, const std::vector<CalibrationSweep>& sweeps,
                            const CalibrationKnobs& knobs = {});

/// `baseJson` (the preset file the fit started from) turned into the calibrated preset: new id and
/// name, status "calibrated", derived_from the base, and notes that say what it was fitted to
/// (file, sweeps, points, errors before and after, date). The knobs that were fitted and moved get
/// that record as their source; the others keep the base's value and source.
QJsonObject calibratedPresetJson(const QJsonObject& baseJson, const CalibrationResult& r,
                                 const std::string& id, const std::string& fittedTo, const std::string& date);

} // namespace bs
