#include "model/PresetDiff.h"

#include "model/PresetFields.h"

namespace bs {

namespace {

void walk(const QJsonObject& a, const QJsonObject& b, const QString& prefix,
          std::vector<PresetDiffEntry>& out) {
    QJsonObject both = a;
    for (auto it = b.begin(); it != b.end(); ++it)
        if (!both.contains(it.key())) both.insert(it.key(), it.value());
    for (const QString& key : presetfields::orderedKeys(both)) {
        const QString path = prefix.isEmpty() ? key : QString(prefix + QLatin1Char('.') + key);
        if (prefix.isEmpty() && (key == QStringLiteral("id") || key == QStringLiteral("name") ||
                                 key == QStringLiteral("derived_from")))
            continue;
        const QJsonValue va = a.value(key), vb = b.value(key);
        if (va.isObject() && vb.isObject()) {
            walk(va.toObject(), vb.toObject(), path, out);
            continue;
        }
        // Numbers compare by value: 40 and 40.0 are the same field.
        const bool same = (va.isDouble() && vb.isDouble()) ? va.toDouble() == vb.toDouble() : va == vb;
        if (!same) out.push_back({path, va, vb});
    }
}

} // namespace

std::vector<PresetDiffEntry> diffPresets(const QJsonObject& origin, const QJsonObject& current) {
    std::vector<PresetDiffEntry> out;
    walk(origin, current, {}, out);
    return out;
}

} // namespace bs
