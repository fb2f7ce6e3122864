#pragma once
// Reads and validates hardware presets (docs/PRESETS.md). Every problem is reported with the
// file and the JSON field path: "presets/t4.json: memory.dram.bandwidth_gb_s.value: must be > 0".
// Errors make the preset unusable; warnings (e.g. a peak that units × FLOP/clock × clock does not
// reproduce within 10 %) are reported but the preset loads.
#include "base/DataDir.h"
#include "hardware/HardwarePreset.h"
#include "hardware/SourcedReader.h"

#include <optional>
#include <string>
#include <vector>

namespace bs {

struct PresetLoadResult {
    std::optional<HardwarePreset> preset; ///< empty when any error was found
    std::vector<PresetIssue> issues;
    bool ok() const { return preset.has_value(); }
};

/// Parses preset JSON text; `file` names it in messages.
PresetLoadResult parsePreset(const std::string& jsonText, const std::string& file);
/// The checks between fields that parsePreset() runs last (a peak for every precision with an energy,
/// static power below the limit, ...), on a preset changed in code (a design point of `explore`).
std::vector<PresetIssue> presetCrossChecks(const HardwarePreset& preset, const std::string& file);
/// Reads and parses a preset file (a missing or unreadable file is an error, not an exception).
PresetLoadResult loadPresetFile(const std::string& path);

/// The shipped presets plus any directory of user presets, by id.
class PresetLibrary {
  public:
    /// Loads every *.json in `dir` (sorted by file name). Files that fail are skipped and their
    /// issues kept; a duplicate id is an error on the second file.
    void loadDirectory(const std::string& dir);
    void add(HardwarePreset preset);
    const std::vector<HardwarePreset>& presets() const { return presets_; }
    const std::vector<PresetIssue>& issues() const { return issues_; }
    const HardwarePreset* find(const std::string& id) const;

    /// Shipped presets (base/DataDir.h shippedPresetDir()); throws EngineError if the directory is missing or
    /// holds none.
    static PresetLibrary shipped();

  private:
    std::vector<HardwarePreset> presets_;
    std::vector<PresetIssue> issues_;
};

/// Resolves a --hardware argument: a preset id from `lib`, or a path to a JSON file. Throws
/// EngineError with every error of the file (one per line) or an "unknown preset" message.
HardwarePreset resolvePreset(const PresetLibrary& lib, const std::string& idOrPath);

} // namespace bs
