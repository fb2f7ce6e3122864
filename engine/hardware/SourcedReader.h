#pragma once
// Reads the data files whose every number carries its source — hardware presets and runtime
// profiles — collecting one issue per problem with the file and the JSON field path
// ("presets/t4.json: memory.dram.bandwidth_gb_s.value: must be > 0") instead of stopping at the
// first. A number is {"value": number, "source": "datasheet … | estimate: reasoning"}.
#include "hardware/HardwarePreset.h"

#include <QJsonObject>
#include <string>
#include <vector>

namespace bs {

struct PresetIssue {
    std::string file;
    std::string field;
    std::string message;
    bool warning = false;
    std::string str() const; ///< "file: field: message" (prefixed "warning: " for warnings)
};

/// True when any issue is an error (not a warning).
bool hasErrors(const std::vector<PresetIssue>& issues);
/// The errors of `issues`, one per line (what a command prints before exiting 2).
std::string errorLines(const std::vector<PresetIssue>& issues);

class SourcedReader {
  public:
    SourcedReader(std::string file, std::vector<PresetIssue>& issues)
        : file_(std::move(file)), issues_(issues) {}

    void error(const std::string& field, const std::string& msg) {
        issues_.push_back({file_, field, msg, false});
    }
    void warn(const std::string& field, const std::string& msg) {
        issues_.push_back({file_, field, msg, true});
    }

    /// The object at parent[key] (empty, with an issue, when missing and required or not an object).
    QJsonObject object(const QJsonObject& parent, const char* key, const std::string& path,
                       bool required = true);
    /// A non-empty string at parent[key].
    std::string string(const QJsonObject& parent, const char* key, const std::string& path,
                       bool required = true);
    /// A {"value": number, "source": "..."} object with value in (minExclusive, maxInclusive]
    /// (or exactly 0 when allowZero).
    Sourced number(const QJsonObject& parent, const char* key, const std::string& path, double minExclusive,
                   double maxInclusive, bool required = true, bool allowZero = false);
    /// A {"value": "one of choices", "source": "..."} object; returns the value ("" on error).
    Sourced choice(const QJsonObject& parent, const char* key, const std::string& path,
                   const std::vector<std::string>& choices, std::string* value);
    /// Every key of `o` (at `path`) that is not in `known` is an "unknown field" error.
    void onlyKeys(const QJsonObject& o, const std::string& path, const std::vector<std::string>& known);

    static std::string join(const std::string& path, const char* key);
    static std::string fmt(double v);

  private:
    std::string file_;
    std::vector<PresetIssue>& issues_;
};

} // namespace bs
