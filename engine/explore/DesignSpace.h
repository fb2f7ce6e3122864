#pragma once
// Design-space sweeps (docs/MODEL.md §20): a preset field addressed by its path in the preset format
// (hardware/PresetSchema.h) set to each of a list of values, one or two fields at a time, each
// design point validated as any preset is and evaluated over a batch grid, then summarised at the
// batch an objective picks.
#include "eval/Sweep.h"
#include "hardware/HardwarePreset.h"

#include <QJsonObject>
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bs {

/// What a model knob's axis path starts with: "model.seq", "model.resolution" (height and width).
inline constexpr const char* kModelAxisPrefix = "model.";

/// One varied field: its path (a preset field, "memory.dram.bandwidth_gb_s", "peak_tflops.bf16",
/// or a model knob, "model.seq") and its values.
struct DesignAxis {
    std::string path;
    std::vector<double> values;

    bool isModelKnob() const;
    std::string knobName() const; ///< "seq" for "model.seq"; "" for a preset field
    /// Whether the field changes how GEMMs map onto the units (compute_units, the tile and array
    /// shapes): design points along it cannot reuse each other's mappings (MappingMemo).
    bool changesGemmMapping() const;
};

/// Parses "PATH=LIST": LIST is items separated by commas, each a number ("0.5"), a range of steps
/// of 1 ("16..24"), N values evenly spaced ("1000..4000:64") or a geometric range ("8..1024*2").
/// Throws EngineError naming the path or the value: a path that is neither a number field of the
/// preset format (power modes' fields excluded) nor "model.KNOB", or a value that is not a number.
DesignAxis parseDesignAxis(const std::string& text);

/// "<base id>-<path>-<value>…" with every character that an id may not hold as '-'.
std::string variedId(const std::string& baseId, const std::vector<DesignAxis>& axes,
                     const std::vector<double>& values);

/// `base` (a preset's JSON) with the preset axes' values written in (knob axes skipped), peaks
/// scaled with compute_units and clock_ghz, the varied id and derived_from the base's id; not
/// validated (variedPreset() validates; the window saves it as a user preset).
QJsonObject variedPresetJson(const QJsonObject& base, const std::vector<DesignAxis>& axes,
                             const std::vector<double>& values);

/// `base` (a preset's JSON) with each axis's field set to its value (the source says "varied by
/// explore"), validated as a preset file is. Varying compute_units or clock_ghz scales every
/// peak_tflops entry with it, since a preset's peaks are units × FLOP per clock × clock. The id
/// becomes "<id>-<path>-<value>…" (other characters as '-') and derived_from the base's id. Throws
/// EngineError with the preset validation's lines ("file: memory.dram.bandwidth_gb_s.value: must be > 0").
HardwarePreset variedPreset(const QJsonObject& base, const std::vector<DesignAxis>& axes,
                            const std::vector<double>& values, const std::string& file);

/// The cartesian product of the axes' values, the first axis outermost.
std::vector<std::vector<double>> designPoints(const std::vector<DesignAxis>& axes);

/// What a design point is judged by, at the batch it picks.
enum class Objective { Throughput, Latency, Energy, Cost };
inline constexpr std::array<Objective, 4> kAllObjectives = {Objective::Throughput, Objective::Latency,
                                                            Objective::Energy, Objective::Cost};
/// "throughput", "latency", "energy" or "cost": the --objective value and the session's name.
std::string_view objectiveName(Objective o);
/// The inverse of objectiveName(); throws EngineError naming the value otherwise.
Objective parseObjective(const std::string& text);

/// A design point's sweep summarised: the batch the objective picks (throughput and latency: the
/// highest-throughput batch within the budget, else the knee; energy and cost: the lowest energy
/// or cost per inference within the budget, else among all that fit), its totals, the max
/// throughput that fits and the knee. Empty batch, with the reason, when no batch fits, none meets
/// the budget or (cost) the preset gives no price.
struct DesignSummary {
    std::optional<int> batch;
    Totals totals;
    double maxThroughput_per_s = 0;
    std::optional<int> kneeBatch;
    std::string reason; ///< why no batch was picked
};
DesignSummary summarise(const std::vector<SweepPoint>& sweep, Objective objective,
                        std::optional<double> latencyBudget_s);

/// Which of `points` are on the Pareto front when both coordinates are to be minimised (latency and
/// energy per inference; for throughput, pass its negative): a point is on it when no other point
/// is at least as good in both and better in one. Points with a NaN coordinate are never on it.
/// Equal points are all on the front.
std::vector<bool> paretoFront(const std::vector<std::pair<double, double>>& points);

} // namespace bs
