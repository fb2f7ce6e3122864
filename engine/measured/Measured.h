#pragma once
// Measured data: batch sweeps timed on real hardware, read from a documented CSV or from the JSON
// lines profilers write (one object per timed run), compared with the model point by point, with
// anomalies flagged. Format and rules: docs/MEASURED.md.
//
// CSV: a header row naming the columns (any order, case-insensitive), '#' lines are comments.
//   batch             required, integer ≥ 1
//   latency_ms        time of one batch, ms            } at least one of the two per row;
//   throughput_per_s  inferences per second            } latency = batch ÷ throughput otherwise
//   energy_mj         energy per inference, mJ         optional
//   power_w           average board power over the run, W   optional
//   model, hardware, precision, seq, resolution        optional scenario keys
//   runtime           runtime id (validation datasets)  optional scenario key
//   params            other model knobs, "layers=16;phase=decode"   optional scenario key
//   source, covers    where the row comes from and what its latency covers (text, not used)
// JSON lines: {"batch_size": 4, "forward_ms": 175.2, ...}; batch from batch|batch_size|bs, time
// from latency_ms|forward_ms|forward_pass_ms|forward_time_ms|time_ms (or *_s in seconds), plus the
// same optional keys. Rows with equal keys and batch are repeated runs: their median is the point.
#include "eval/Evaluator.h"

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace bs {

/// A measured file that cannot be used: "file.csv: line 7: latency_ms: 'abc' is not a number".
class MeasuredError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct MeasuredPoint {
    std::string model; ///< scenario keys; "" when the file does not say
    std::string hardware;
    std::string runtime; ///< runtime id ("" when the file does not say)
    std::string params;  ///< other knobs of a built-in model, "name=value;name=value"
    std::string precision;
    std::optional<int> seq;
    std::optional<int> resolution;
    /// A generation row (`batchscope generate`, static batching): prompt and generated tokens per
    /// sequence; latency_s is then the batch's end-to-end time and energy_j per output token.
    std::optional<int> inputLen, outputLen;
    /// A quantization scheme (docs/MODEL.md §18): weight and KV-cache precisions, weight group
    /// size ("" / none when the row does not say: everything at `precision`).
    std::string weights, kv;
    std::optional<int> groupSize;
    std::optional<int> tp; ///< tensor-parallel devices the row ran on (tp column); none: one
    int batch = 1;
    double latency_s = 0;           ///< median over `runs`
    std::optional<double> energy_j; ///< per inference, median
    std::optional<double> power_w;  ///< average board power while it ran, median
    int runs = 1;                   ///< rows (timed runs) behind the point
    int line = 0;                   ///< first line it came from
    double perSample_s() const { return latency_s / batch; }
    double throughput_per_s() const { return batch / latency_s; }
};

struct MeasuredSet {
    std::string file;
    std::vector<MeasuredPoint> points; ///< sorted by keys, then batch
    std::vector<std::string> warnings; ///< unknown columns, rows skipped with a reason
};

/// Parses `text` (CSV or JSON lines, told apart by the first non-comment character); `file` names it
/// in messages. Throws MeasuredError naming the line and field of the first bad row.
MeasuredSet parseMeasured(const std::string& text, const std::string& file);
MeasuredSet readMeasuredFile(const std::string& path);

/// A scenario's quantization scheme as a measured row spells it: precision names ("" for none)
/// and the group size (0 for per channel).
struct SchemeKeys {
    std::string weights, kv;
    int groupSize = 0;
};

/// The points whose keys do not contradict the scenario (an empty key matches anything; generation
/// rows never match a forward pass), sorted by
/// batch. `seq`/`resolution` of the scenario, when given, must equal the point's when it has one.
/// A row's scheme (weights, kv, group_size) must be the scenario's `scheme`; a row's weights or kv
/// equal to its precision count as no scheme.
/// `keep`, when given, drops rows first too (the scenario's params and runtime), so two rows that
/// differ only there are not a duplicate batch.
std::vector<MeasuredPoint> selectPoints(const MeasuredSet& set, const std::string& model,
                                        const std::string& hardware, const std::string& precision,
                                        std::optional<int> seq = std::nullopt,
                                        std::optional<int> resolution = std::nullopt,
                                        const SchemeKeys& scheme = {},
                                        const std::function<bool(const MeasuredPoint&)>& keep = {});

/// A `params` cell, "name=value;name=value", as (name, value) pairs: names and values trimmed,
/// empty entries skipped. Throws MeasuredError for an entry that is not name=value.
std::vector<std::pair<std::string, std::string>> parseParams(const std::string& params);

/// One measured point against the model.
struct PointComparison {
    MeasuredPoint measured;
    double model_s = 0;          ///< modelled latency of the batch
    double modelUtilization = 0; ///< the model's FLOP-weighted utilization at the batch
    /// The same FLOPs in the measured time: modelUtilization × model ÷ measured latency.
    double measuredUtilization() const { return modelUtilization * model_s / measured.latency_s; }
    double error = 0; ///< model ÷ measured − 1 (negative: the model is optimistic)
    /// Per-sample time against the geometric interpolation of its neighbours in log batch
    /// (measured ÷ trend − 1); absent at the ends of the sweep.
    std::optional<double> trendDeparture;
    /// measured ÷ model against the same interpolation of the neighbours' ratios (at the ends: the
    /// nearest neighbour's ratio), so a model bias that is constant or changes smoothly with batch
    /// is not a departure: ratio ÷ neighbours' ratio − 1.
    double modelDeparture = 0;
    /// Both departures beyond the threshold, in the same direction. Points are flagged largest
    /// departure first, and the departures of the others are then measured against their nearest
    /// unflagged neighbours, so a single spike does not also flag the points beside it.
    bool anomaly = false;
};

struct Comparison {
    std::vector<PointComparison> points;
    double mdape = 0;       ///< median of |error|
    double medianRatio = 1; ///< median of measured ÷ model
    int anomalies = 0;
};

/// Default anomaly threshold: 20 % departure from both the neighbours' trend and the model.
inline constexpr double kAnomalyThreshold = 0.20;

/// Compares `points` (one scenario's, sorted by batch) with the model. Throws EngineError from the
/// evaluator (e.g. a precision the chip lacks).
Comparison compareMeasured(const EvalInput& s, const std::vector<MeasuredPoint>& points,
                           double threshold = kAnomalyThreshold);

/// `text` as a finite number, whole string, in the C locale ("20.5" whatever LC_NUMERIC says);
/// empty when it is not one.
std::optional<double> parseNumber(const std::string& text);

/// Median of `v` (empty: 0).
double median(std::vector<double> v);

} // namespace bs
