#pragma once
// The validation suite: published and self-measured latencies (presets/measured/*.csv and
// presets/measured/public/*.csv, one row per point with its model, hardware, runtime and source)
// scored against the model, per dataset (file) and per runtime (docs/VALIDATION.md).
//
// Two scores per dataset:
//   - shipped: the runtime profiles as shipped, nothing fitted here;
//   - fitted, leave-one-dataset-out: two constants of the runtime's profile for the chip class —
//     its host overhead (host_us_per_op, or per_inference_us under a graph launch) and its GEMM
//     efficiency — fitted to the runtime's *other* datasets (median |log(model ÷ measured)|) and
//     scored on this one. In-sample (fitted to all datasets, this one included) is reported
//     beside it so the gap shows.
#include "hardware/PresetLoader.h"
#include "measured/Measured.h"
#include "runtime/Runtime.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace bs {

struct ValidationPoint {
    MeasuredPoint measured;
    double shipped_s = 0;                ///< model latency, shipped profile
    double shippedPower_w = 0;           ///< model average board power, shipped presets
    double shippedEnergy_j = 0;          ///< model energy per inference (per token in decode)
    std::optional<double> outOfSample_s; ///< fitted on the other datasets
    std::optional<double> inSample_s;    ///< fitted on all datasets
};

struct ValidationDataset {
    std::string file;                ///< as given
    std::string runtime, hardware;   ///< of the first usable row ("" when none)
    std::string cls;                 ///< chip class of the hardware
    std::vector<std::string> models; ///< distinct model ids
    std::vector<ValidationPoint> points;
    std::vector<std::string> skipped; ///< "line 12: unknown hardware 'xeon-8380'"
    /// The runtime's profile file cites this dataset as a source of one of its numbers, so its
    /// "shipped" score is not out of sample.
    bool informsShippedProfile = false;
    /// Generation rows (input_len/output_len: end-to-end time of a static batch). Scored with the
    /// shipped profiles only (a fit would evaluate every row's prefill and decode steps per grid
    /// point) and kept out of the per-family tables, which score single forward passes.
    bool generation = false;
};

/// A fitted pair of constants for one runtime on one chip class.
struct RuntimeFit {
    double overheadScale = 1; ///< × the profile's host overhead constant
    double gemmEfficiency = 1;
};

/// The in-sample fit of one runtime on one chip class, against what the profile ships.
struct FittedConstants {
    std::string runtime, cls;
    int datasets = 0, points = 0;
    std::string overheadField;     ///< "host_us_per_op" or "per_inference_us"
    double overheadShipped_us = 0; ///< the profile's value
    RuntimeFit fit;                ///< overheadScale applies to max(shipped, 1 µs)
    double gemmShipped = 0;
    bool atGridEdge = false; ///< a constant at the end of its grid: not a fit
    double overheadFitted_us() const;
};

struct ValidationReport {
    std::vector<ValidationDataset> datasets;
    std::vector<FittedConstants> fits; ///< one per runtime and chip class with data
    /// Runtime id → "fused", "eager", "compiled" or "cpu": the families the thresholds name.
    static std::string family(const std::string& runtime, const std::string& cls);
};

/// Loads every dataset, evaluates every point with the shipped runtime profiles and, when `fit`,
/// scores the leave-one-dataset-out fits. Hardware ids resolve in `presets` or among the preset
/// files (*.json) in a dataset's folder (a measured machine). Rows that cannot be evaluated are
/// listed in `skipped`, never dropped silently. Throws MeasuredError for a file that does not parse.
ValidationReport runValidation(const std::vector<std::string>& files, const PresetLibrary& presets,
                               const RuntimeLibrary& runtimes, bool fit);

/// The shipped datasets: *.csv of shippedPresetDir()/../measured (or the installed
/// measured/ folder) and its public/ subfolder, sorted.
std::vector<std::string> shippedValidationFiles();

/// The points of the datasets `in` accepts, batches up to `maxBatch`.
std::vector<const ValidationPoint*> pointsOf(const ValidationReport& r,
                                             const std::function<bool(const ValidationDataset&)>& in,
                                             int maxBatch = 1 << 30);

/// Median absolute percentage error (%) of model ÷ measured − 1 over `pts`, using `which` model
/// time (0: shipped, 1: out-of-sample, 2: in-sample); points with no such time are left out.
/// Empty when no point qualifies. `maxBatch` keeps only batches up to it.
std::optional<double> mdapePct(const std::vector<const ValidationPoint*>& pts, int which,
                               int maxBatch = 1 << 30);

/// Median absolute percentage error (%) of the model's board power (`energy` false) or energy per
/// inference (true) over the points that measured it; empty when none did.
std::optional<double> powerMdapePct(const std::vector<const ValidationPoint*>& pts, bool energy);

/// The Markdown tables of docs/VALIDATION.md: per dataset, per runtime family, batch 1–4 of fused
/// runtimes, and the skipped rows.
std::string validationMarkdown(const ValidationReport& r);

} // namespace bs
