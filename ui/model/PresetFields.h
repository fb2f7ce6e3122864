#pragma once
// What the preset editor shows of a preset's fields, read from the format's one field table
// (engine/hardware/PresetSchema.h): the group a field belongs to, a human label, its unit and a
// one-line definition. Paths are the ones parsePreset() reports: "memory.dram.bandwidth_gb_s" names a
// {"value", "source"} number, "memory.dram.bandwidth_gb_s.value" its value.
#include "hardware/PresetSchema.h"

#include <QDate>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>

namespace bs {

struct PresetFieldInfo {
    QString label; ///< "DRAM bandwidth"
    QString unit;  ///< "GB/s"; empty for text fields
    QString help;  ///< what the number means (the label's tooltip)
};

namespace presetfields {

QString groupTitle(PresetGroup g);
/// Group of a field path by its top-level key ("clock_ghz" → Compute, "memory.dram.name" → Memory).
PresetGroup groupOf(const QString& path);
/// Label, unit and definition of a number or text field; `json` (the whole preset) supplies names
/// such as the compute unit's ("SM").
PresetFieldInfo info(const QString& path, const QJsonObject& json = {});
/// Keys of an object in the order the form shows them (the documented order, unknown keys last).
QStringList orderedKeys(const QJsonObject& o);
/// True for a {"value": ..., "source": ...} object (compute_units also carries "name").
bool isSourced(const QJsonValue& v);

/// `preset` with the number at `valuePath` ("memory.dram.bandwidth_gb_s.value") set to `value` by
/// the user on `date`: its source becomes "edited by the user on DATE (was: OLD UNIT — OLD SOURCE)"
/// (a later edit keeps the first "was") and the preset's status "user-modified", so that no edited
/// number goes on citing a datasheet.
QJsonObject withUserEdit(const QJsonObject& preset, const QString& valuePath, const QJsonValue& value,
                         const QDate& date);

/// A value as the form shows it: numbers without trailing zeros, tiles as "128×256, 64×64".
QString formatValue(const QJsonValue& v);
/// Parses tile candidates typed as "128x256, 64×64"; returns an empty array if the text is not that.
QJsonValue parseTiles(const QString& text);

} // namespace presetfields
} // namespace bs
