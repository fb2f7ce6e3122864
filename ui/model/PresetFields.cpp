#include "model/PresetFields.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <algorithm>
#include <string_view>

namespace bs::presetfields {

namespace {

QString humanize(const QString& key) {
    QString s = key;
    s.replace(QLatin1Char('_'), QLatin1Char(' '));
    if (!s.isEmpty()) s[0] = s[0].toUpper();
    return s;
}

// The documented order: every key as it first appears in the schema's paths, then the precisions.
// (QJsonObject itself sorts keys alphabetically.)
const QStringList& keyOrder() {
    static const QStringList order = [] {
        QStringList o;
        for (const PresetField& f : presetFields())
            for (const QString& k : QString::fromLatin1(f.path).split(QLatin1Char('.')))
                if (!o.contains(k)) o << k;
        for (const char* p : {"fp32", "tf32", "fp16", "bf16", "fp8", "int8"})
            o << QString::fromLatin1(p);
        return o;
    }();
    return order;
}

} // namespace

QString groupTitle(PresetGroup g) {
    switch (g) {
    case PresetGroup::General:
        return QStringLiteral("General");
    case PresetGroup::Compute:
        return QStringLiteral("Compute");
    case PresetGroup::Memory:
        return QStringLiteral("Memory");
    case PresetGroup::Energy:
        return QStringLiteral("Energy");
    case PresetGroup::Overheads:
        return QStringLiteral("Overheads");
    case PresetGroup::Efficiency:
        return QStringLiteral("Efficiency");
    case PresetGroup::Mapping:
        return QStringLiteral("Mapping");
    case PresetGroup::Cost:
        return QStringLiteral("Cost");
    }
    return {};
}

PresetGroup groupOf(const QString& path) {
    const PresetField* f = presetField(path.section(QLatin1Char('.'), 0, 0));
    return f ? f->group : PresetGroup::General;
}

PresetFieldInfo info(const QString& path, const QJsonObject& json) {
    const PresetField* f = presetField(path);
    if (!f) return {humanize(path.section(QLatin1Char('.'), -1)), QString(), path};
    const QString label = QString::fromUtf8(f->label), unit = QString::fromUtf8(f->unit),
                  help = QString::fromUtf8(f->help);
    if (f->kind == PresetFieldKind::PerPrecision) {
        const QString precision = path == QLatin1String(f->path) ? QStringLiteral("each precision")
                                                                 : path.section(QLatin1Char('.'), -1);
        const bool ops = f->path == std::string_view("peak_tflops") && precision == QStringLiteral("int8");
        return {label.arg(precision), ops ? QStringLiteral("TOP/s") : unit, help.arg(precision)};
    }
    if (path.startsWith(QStringLiteral("power_modes.")) && path.count(QLatin1Char('.')) == 2) {
        // One set of rows per mode: the label says which ("30w · Mode clock").
        return {path.section(QLatin1Char('.'), 1, 1) + QStringLiteral(" · ") + label, unit, help};
    }
    if (path == QStringLiteral("compute_units")) { // its unit is the unit's name ("SM")
        const QString unitName = json.value(QStringLiteral("compute_units"))
                                     .toObject()
                                     .value(QStringLiteral("name"))
                                     .toString(QStringLiteral("units"));
        return {label, unitName, help.arg(unitName)};
    }
    return {label, unit, help};
}

QStringList orderedKeys(const QJsonObject& o) {
    QStringList keys = o.keys();
    const QStringList& order = keyOrder();
    std::stable_sort(keys.begin(), keys.end(), [&](const QString& a, const QString& b) {
        const auto rank = [&](const QString& k) {
            const qsizetype i = order.indexOf(k);
            return i < 0 ? order.size() : i;
        };
        return rank(a) < rank(b);
    });
    return keys;
}

bool isSourced(const QJsonValue& v) {
    const QJsonObject o = v.toObject();
    return v.isObject() && o.contains(QStringLiteral("value")) && o.contains(QStringLiteral("source"));
}

QJsonObject withUserEdit(const QJsonObject& preset, const QString& valuePath, const QJsonValue& value,
                         const QDate& date) {
    QJsonObject out = withPresetValueAt(preset, valuePath, value);
    if (!valuePath.endsWith(QStringLiteral(".value"))) return out;
    const QString field = valuePath.chopped(6);
    const QString sourcePath = field + QStringLiteral(".source");
    const QString oldSource = presetValueAt(preset, sourcePath).toString();
    const QString edited = QStringLiteral("edited by the user on ");
    QString was;
    if (oldSource.startsWith(edited) && oldSource.contains(QStringLiteral(" (was: ")))
        was = oldSource.mid(oldSource.indexOf(QStringLiteral(" (was: ")) + 7).chopped(1);
    else {
        const QString unit = info(field, preset).unit;
        was = formatValue(presetValueAt(preset, valuePath)) +
              (unit.isEmpty() ? QString() : QLatin1Char(' ') + unit);
        if (!oldSource.isEmpty()) was += QStringLiteral(" — ") + oldSource;
    }
    const QString source =
        edited + date.toString(Qt::ISODate) + QStringLiteral(" (was: ") + was + QLatin1Char(')');
    out = withPresetValueAt(out, sourcePath, source);
    out[QStringLiteral("status")] = QStringLiteral("user-modified");
    return out;
}

QString formatValue(const QJsonValue& v) {
    if (v.isDouble()) return QString::number(v.toDouble(), 'g', 12);
    if (v.isString()) return v.toString();
    if (v.isArray()) {
        QStringList tiles;
        for (const QJsonValue& t : v.toArray()) {
            const QJsonArray pair = t.toArray();
            if (pair.size() == 2)
                tiles << QStringLiteral("%1×%2").arg(pair.at(0).toInt()).arg(pair.at(1).toInt());
            else
                tiles << QStringLiteral("?");
        }
        return tiles.join(QStringLiteral(", "));
    }
    if (v.isBool()) return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (v.isUndefined()) return QStringLiteral("(absent)");
    return {};
}

QJsonValue parseTiles(const QString& text) {
    static const QRegularExpression tile(QStringLiteral("^\\s*(\\d+)\\s*[x×*]\\s*(\\d+)\\s*$"));
    QJsonArray out;
    for (const QString& part : text.split(QLatin1Char(','))) {
        const QRegularExpressionMatch m = tile.match(part);
        if (!m.hasMatch()) return QJsonArray();
        bool okM = false, okN = false;
        const int tm = m.captured(1).toInt(&okM), tn = m.captured(2).toInt(&okN);
        if (!okM || !okN) return QJsonArray();
        out.append(QJsonArray{tm, tn});
    }
    return out;
}

} // namespace bs::presetfields
