#include "measured/Calibration.h"

#include "base/EngineError.h"
#include "base/Format.h"
#include "eval/Evaluator.h"
#include "hardware/PresetSchema.h"

#include <QJsonArray>
#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <sstream>

namespace bs {

namespace {

constexpr double kMinFraction = 0.005;
constexpr double kMinDispatchUs = 0.01;
constexpr double kMaxDispatchUs = 1e5;

double logistic(double x) {
    return 1.0 / (1.0 + std::exp(-x));
}
double logit(double p) {
    return std::log(p / (1 - p));
}
double toFraction(double x) {
    return kMinFraction + (1 - kMinFraction) * logistic(x);
}
double fromFraction(double f) {
    const double p = std::clamp((f - kMinFraction) / (1 - kMinFraction), 1e-6, 1 - 1e-6);
    return logit(p);
}

struct Errors {
    double sumSq = 0; ///< Σ ln(model/measured)²
    double mdape = 0;
    int n = 0;
};

Errors errorsOf(const HardwarePreset& hw, const std::vector<CalibrationSweep>& sweeps) {
    Errors e;
    std::vector<double> ape;
    for (const CalibrationSweep& s : sweeps) {
        const EvalInput sc{s.model, &hw, s.precision, s.runtime};
        for (const MeasuredPoint& p : s.points) {
            const double model = evaluateTotals(sc, p.batch).latency_s;
            const double l = std::log(model / p.latency_s);
            e.sumSq += l * l;
            ape.push_back(std::abs(model / p.latency_s - 1));
            ++e.n;
        }
    }
    e.mdape = median(ape);
    return e;
}

using Vec = std::vector<double>;

/// Nelder–Mead (reflection 1, expansion 2, contraction ½, shrink ½) from `x0` with initial steps.
Vec nelderMead(const std::function<double(const Vec&)>& f, Vec x0, double step, int maxEvals, int* evals) {
    const std::size_t n = x0.size();
    std::vector<Vec> simplex{x0};
    for (std::size_t i = 0; i < n; ++i) {
        Vec x = x0;
        x[i] += step;
        simplex.push_back(x);
    }
    std::vector<double> fx;
    for (const Vec& x : simplex)
        fx.push_back(f(x)), ++*evals;
    auto order = [&] {
        std::vector<std::size_t> idx(simplex.size());
        for (std::size_t i = 0; i < idx.size(); ++i)
            idx[i] = i;
        std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return fx[a] < fx[b]; });
        std::vector<Vec> s;
        std::vector<double> v;
        for (std::size_t i : idx)
            s.push_back(simplex[i]), v.push_back(fx[i]);
        simplex = std::move(s);
        fx = std::move(v);
    };
    while (*evals < maxEvals) {
        order();
        if (std::abs(fx.back() - fx.front()) <= 1e-10 * (std::abs(fx.front()) + 1e-12)) break;
        Vec centroid(n, 0.0);
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t d = 0; d < n; ++d)
                centroid[d] += simplex[i][d] / static_cast<double>(n);
        auto along = [&](double t) {
            Vec x(n);
            for (std::size_t d = 0; d < n; ++d)
                x[d] = centroid[d] + t * (simplex[n][d] - centroid[d]);
            return x;
        };
        const Vec xr = along(-1.0);
        const double fr = f(xr);
        ++*evals;
        if (fr < fx[0]) {
            const Vec xe = along(-2.0);
            const double fe = f(xe);
            ++*evals;
            if (fe < fr)
                simplex[n] = xe, fx[n] = fe;
            else
                simplex[n] = xr, fx[n] = fr;
        } else if (fr < fx[n - 1]) {
            simplex[n] = xr, fx[n] = fr;
        } else {
            const bool outside = fr < fx[n];
            const Vec xc = along(outside ? -0.5 : 0.5);
            const double fc = f(xc);
            ++*evals;
            if (fc < std::min(fr, fx[n])) {
                simplex[n] = xc, fx[n] = fc;
            } else {
                for (std::size_t i = 1; i <= n; ++i) {
                    for (std::size_t d = 0; d < n; ++d)
                        simplex[i][d] = simplex[0][d] + 0.5 * (simplex[i][d] - simplex[0][d]);
                    fx[i] = f(simplex[i]);
                    ++*evals;
                }
            }
        }
    }
    order();
    return simplex.front();
}

std::string percent(double v) {
    return formatPercent(v, 1).toStdString();
}

} // namespace

CalibrationResult calibrate(const HardwarePreset& base, const std::vector<CalibrationSweep>& sweeps,
                            const CalibrationKnobs& knobs) {
    int points = 0;
    for (const CalibrationSweep& s : sweeps) {
        if (!s.model) throw EngineError("calibration: sweep '" + s.label + "' has no model");
        base.peakFlops(s.precision); // throws naming the precisions the chip has
        points += static_cast<int>(s.points.size());
    }
    if (points == 0) throw EngineError("calibration: no measured points to fit");
    if (!knobs.computeFraction && !knobs.bandwidthFraction && !knobs.dispatch)
        throw EngineError("calibration: no knob to fit");

    CalibrationResult r;
    r.points = points;
    r.knobs = knobs;
    r.computeFraction[0] = base.computeFraction.value;
    r.bandwidthFraction[0] = base.bandwidthFraction.value;
    r.dispatchUs[0] = base.dispatchUs.value;
    const Errors before = errorsOf(base, sweeps);
    r.mdape[0] = before.mdape;
    r.rmsLog[0] = std::sqrt(before.sumSq / before.n);

    HardwarePreset trial = base;
    auto apply = [&](const Vec& x, HardwarePreset& hw) {
        std::size_t i = 0;
        if (knobs.computeFraction) {
            // Both compute paths move by the same factor: their measured ratio is kept.
            hw.computeFraction.value = toFraction(x[i++]);
            if (base.vectorComputeFraction.value > 0)
                hw.vectorComputeFraction.value =
                    std::min(1.0, base.vectorComputeFraction.value * hw.computeFraction.value /
                                      base.computeFraction.value);
        }
        if (knobs.bandwidthFraction) hw.bandwidthFraction.value = toFraction(x[i++]);
        if (knobs.dispatch)
            hw.dispatchUs.value = std::clamp(std::exp(x[i++]), kMinDispatchUs, kMaxDispatchUs);
    };
    const auto objective = [&](const Vec& x) {
        apply(x, trial);
        return errorsOf(trial, sweeps).sumSq;
    };
    Vec x0;
    if (knobs.computeFraction) x0.push_back(fromFraction(base.computeFraction.value));
    if (knobs.bandwidthFraction) x0.push_back(fromFraction(base.bandwidthFraction.value));
    if (knobs.dispatch) x0.push_back(std::log(std::max(base.dispatchUs.value, kMinDispatchUs)));
    Vec best = nelderMead(objective, x0, 1.0, 600, &r.evaluations);
    best = nelderMead(objective, best, 0.3, r.evaluations + 400,
                      &r.evaluations); // restart: escapes a collapsed simplex

    HardwarePreset fitted = base;
    apply(best, fitted);
    const Errors after = errorsOf(fitted, sweeps);
    r.improved = after.sumSq < before.sumSq && after.mdape <= before.mdape;
    r.fitted = r.improved ? fitted : base;
    const Errors kept = r.improved ? after : before;
    r.mdape[1] = kept.mdape;
    r.rmsLog[1] = std::sqrt(kept.sumSq / kept.n);
    r.computeFraction[1] = r.fitted.computeFraction.value;
    r.bandwidthFraction[1] = r.fitted.bandwidthFraction.value;
    r.dispatchUs[1] = r.fitted.dispatchUs.value;
    r.fitted.status = "calibrated";
    return r;
}

QJsonObject calibratedPresetJson(const QJsonObject& baseJson, const CalibrationResult& r,
                                 const std::string& id, const std::string& fittedTo,
                                 const std::string& date) {
    QJsonObject o = baseJson;
    const QString baseId = o.value(QStringLiteral("id")).toString();
    o[QStringLiteral("id")] = QString::fromStdString(id);
    o[QStringLiteral("name")] =
        QString(o.value(QStringLiteral("name")).toString() + QStringLiteral(" (calibrated)"));
    o[QStringLiteral("status")] = QStringLiteral("calibrated");
    o[QStringLiteral("derived_from")] = baseId;
    const std::string record = "calibrated " + date + ": least-squares fit (log latency, Nelder-Mead) to " +
                               fittedTo + ", " + std::to_string(r.points) + " points; median abs error " +
                               percent(r.mdape[0]) + " -> " + percent(r.mdape[1]) +
                               (r.improved ? "" : " (fit did not improve: the origin's values kept)");
    const QString note = o.value(QStringLiteral("notes")).toString();
    o[QStringLiteral("notes")] = QString(QString::fromStdString(record) +
                                         (note.isEmpty() ? QString() : QString(QStringLiteral(". ") + note)));
    // Fitted knobs replace value and source through the format's field table (PresetSchema.h).
    const auto fitted = [&](const char* path, double v, const char* what) {
        o = withSourcedValue(o, QString::fromLatin1(path), v,
                             QString::fromStdString(std::string("fitted: ") + what + "; " + record));
    };
    if (r.improved && r.knobs.computeFraction) {
        fitted("efficiency.compute_fraction", r.computeFraction[1], "achievable compute fraction");
        if (r.fitted.vectorComputeFraction.value > 0)
            fitted("efficiency.vector_compute_fraction", r.fitted.vectorComputeFraction.value,
                   "achievable vector compute fraction, moved by the compute fraction's factor");
    }
    if (r.improved && r.knobs.bandwidthFraction)
        fitted("efficiency.bandwidth_fraction", r.bandwidthFraction[1], "achievable bandwidth fraction");
    if (r.improved && r.knobs.dispatch)
        fitted("overheads.dispatch_us", r.dispatchUs[1], "dispatch overhead per fused layer");
    return o;
}

} // namespace bs
