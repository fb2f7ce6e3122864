#pragma once
// The preset format (docs/PRESETS.md) declared once: every field's path, kind, group, label, unit,
// range, whether it is required and what it means. The loader validates against it
// (PresetLoader.cpp), the editor's form shows it (ui/model/PresetFields), the JSON writers (machine
// probe, calibration, the window's copies) set fields through it, and the tests patch presets
// through it: adding a field is one row here plus the HardwarePreset member it fills.
#include "hardware/HardwarePreset.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>
#include <optional>
#include <string>
#include <vector>

namespace bs {

/// The editor's groups, in display order.
enum class PresetGroup { General, Compute, Memory, Energy, Overheads, Efficiency, Mapping, Cost };

enum class PresetFieldKind {
    Version,      ///< the format version: the number 1
    Text,         ///< a non-empty string
    Number,       ///< {"value": number, "source": "..."}
    PerPrecision, ///< {"fp32": Number, "bf16": Number, ...}
    Tiles,        ///< {"value": [[M, N], ...], "source": "..."}
    Object,       ///< an object holding other fields
};

struct PresetField {
    const char* path; ///< "memory.dram.bandwidth_gb_s"; a per-precision map's entries are "PATH.bf16"
    PresetFieldKind kind;
    PresetGroup group;
    const char* label; ///< "DRAM bandwidth"; per precision: "Peak %1" (%1 = the precision)
    const char* unit;  ///< "GB/s"; "" for text
    const char* help;  ///< one line: what the number means
    double minExclusive = 0;
    double maxInclusive = 0;
    bool allowZero = false; ///< the value may be exactly 0 (idle power, dispatch)
    bool required = true;
    std::optional<ArchClass> onlyFor; ///< class-specific mapping fields
};

/// Every field, in the documented order (the form shows them in this order).
const std::vector<PresetField>& presetFields();
/// The field at `path`, or null. A per-precision entry ("peak_tflops.bf16") is its map's field; a
/// power mode's field ("power_modes.30w.clock_ghz") is the wildcard row ("power_modes.*.clock_ghz").
const PresetField* presetField(const QString& path);
/// The keys directly under `parentPath` ("" for the top level) that a preset of class `cls` may
/// have; `cls` empty: any class.
QStringList presetChildKeys(const QString& parentPath, std::optional<ArchClass> cls = std::nullopt);

/// The value at a dotted path; undefined if any part is missing.
QJsonValue presetValueAt(const QJsonObject& root, const QString& path);
/// `root` with the value at a dotted path replaced (intermediate objects are created).
QJsonObject withPresetValueAt(const QJsonObject& root, const QString& path, const QJsonValue& value);
/// The member a Number field (or a per-precision entry: "peak_tflops.bf16") fills, or null for
/// any other path, a precision the preset lacks and a power mode's fields. What lets a design-space
/// sweep set a field of a loaded preset without writing and re-reading its JSON (tst_preset checks
/// it against the loader for every field).
Sourced* presetNumber(HardwarePreset& preset, const std::string& path);
const Sourced* presetNumber(const HardwarePreset& preset, const std::string& path);
/// `root` with the Number (or per-precision entry) at `path` set to {value, source}; throws
/// EngineError when `path` is not a Number field of the format, so a writer cannot misspell a key.
QJsonObject withSourcedValue(const QJsonObject& root, const QString& path, double value,
                             const QString& source);

} // namespace bs
