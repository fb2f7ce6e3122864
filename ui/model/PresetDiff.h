#pragma once
// What a user preset changed relative to the preset it was duplicated from: every leaf of the JSON
// (a number's value or source, a text field, a list) that differs. Identity fields (id, name,
// derived_from) differ by construction and are not compared.
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <vector>

namespace bs {

struct PresetDiffEntry {
    QString path;       ///< leaf path: "memory.dram.bandwidth_gb_s.value", "status"
    QJsonValue origin;  ///< undefined when the origin lacks the field
    QJsonValue current; ///< undefined when the current preset lacks the field
};

/// Entries in the form's display order.
std::vector<PresetDiffEntry> diffPresets(const QJsonObject& origin, const QJsonObject& current);

} // namespace bs
