#include "Session.h"

#include "Explorer.h"
#include "PresetLoader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QSaveFile>
#include <cmath>
#include <limits>

namespace bs {

namespace {

const QString kFormatName = QStringLiteral("batchscope-session");

QString typeName(const QJsonValue& v) {
    switch (v.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

// Validates one field at a time; every failure names the file and the field's path in the document.
class Reader {
  public:
    explicit Reader(const QString& file) : file_(file) {}

    [[noreturn]] void fail(const QString& field, const QString& problem) const {
        const QString where = field.isEmpty() ? file_ : QString(file_ + QStringLiteral(": ") + field);
        throw SessionError(where + QStringLiteral(": ") + problem);
    }

    QJsonValue get(const QJsonObject& o, const QString& key, const QString& field, bool required) const {
        const QJsonValue v = o.value(key);
        if (v.isUndefined() && required) fail(field, QStringLiteral("missing"));
        return v;
    }

    [[noreturn]] void wrongType(const QJsonValue& v, const QString& field, const QString& expected) const {
        fail(field, QStringLiteral("expected %1, found %2").arg(expected, typeName(v)));
    }

    QString string(const QJsonValue& v, const QString& field) const {
        if (!v.isString()) wrongType(v, field, QStringLiteral("a string"));
        if (v.toString().isEmpty()) fail(field, QStringLiteral("must not be empty"));
        return v.toString();
    }

    QJsonObject object(const QJsonValue& v, const QString& field) const {
        if (!v.isObject()) wrongType(v, field, QStringLiteral("an object"));
        return v.toObject();
    }

    double number(const QJsonValue& v, const QString& field) const {
        if (!v.isDouble()) wrongType(v, field, QStringLiteral("a number"));
        return v.toDouble();
    }

    std::int64_t integer(const QJsonValue& v, const QString& field, std::int64_t lo, std::int64_t hi) const {
        const double d = number(v, field);
        if (std::floor(d) != d) fail(field, QStringLiteral("expected an integer, found %1").arg(d));
        if (d < static_cast<double>(lo) || d > static_cast<double>(hi))
            fail(field, QStringLiteral("%1 is outside %2..%3").arg(d).arg(lo).arg(hi));
        return v.toInteger();
    }

  private:
    QString file_;
};

QString at(const QString& parent, const QString& key) {
    return parent.isEmpty() ? key : parent + QStringLiteral(".") + key;
}

SessionScenario readScenario(const Reader& r, const QJsonValue& value, const QString& field) {
    const QJsonObject o = r.object(value, field);
    SessionScenario out;
    ScenarioSpec& s = out.spec;
    const QJsonValue model = o.value(QStringLiteral("model"));
    const QJsonValue onnx = o.value(QStringLiteral("onnx_path"));
    if (model.isUndefined() == onnx.isUndefined())
        r.fail(field, model.isUndefined() ? QStringLiteral("missing \"model\" (or \"onnx_path\")")
                                          : QStringLiteral("has both \"model\" and \"onnx_path\""));
    if (!model.isUndefined()) {
        s.modelId = r.string(model, at(field, QStringLiteral("model")));
        const QString knobsField = at(field, QStringLiteral("knobs"));
        const QJsonValue knobs = r.get(o, QStringLiteral("knobs"), knobsField, false);
        if (!knobs.isUndefined()) {
            const QJsonObject k = r.object(knobs, knobsField);
            for (auto it = k.begin(); it != k.end(); ++it)
                s.knobs[it.key().toStdString()] = r.number(it.value(), at(knobsField, it.key()));
        }
    } else {
        s.onnxPath = r.string(onnx, at(field, QStringLiteral("onnx_path")));
        const QString relField = at(field, QStringLiteral("onnx_relative_path"));
        const QJsonValue rel = r.get(o, QStringLiteral("onnx_relative_path"), relField, false);
        if (!rel.isUndefined()) out.onnxRelativePath = r.string(rel, relField);
        const QString dimsField = at(field, QStringLiteral("dims"));
        const QJsonValue dims = r.get(o, QStringLiteral("dims"), dimsField, false);
        if (!dims.isUndefined()) {
            const QJsonObject d = r.object(dims, dimsField);
            for (auto it = d.begin(); it != d.end(); ++it)
                s.dims[it.key().toStdString()] =
                    r.integer(it.value(), at(dimsField, it.key()), 1, std::int64_t{1} << 53);
        }
    }
    s.presetId = r.string(r.get(o, QStringLiteral("preset"), at(field, QStringLiteral("preset")), true),
                          at(field, QStringLiteral("preset")));
    const QString precField = at(field, QStringLiteral("precision"));
    const QString prec = r.string(r.get(o, QStringLiteral("precision"), precField, true), precField);
    const auto p = parsePrecision(prec.toStdString());
    if (!p)
        r.fail(precField, QStringLiteral("'%1' is not a precision (%2)")
                              .arg(prec, QString::fromStdString(precisionList())));
    s.precision = *p;
    const QString colorField = at(field, QStringLiteral("color"));
    const QString color = r.string(r.get(o, QStringLiteral("color"), colorField, true), colorField);
    s.color = QColor(color);
    if (!s.color.isValid()) r.fail(colorField, QStringLiteral("'%1' is not a colour (#rrggbb)").arg(color));
    const QString visField = at(field, QStringLiteral("visible"));
    const QJsonValue visible = r.get(o, QStringLiteral("visible"), visField, true);
    if (!visible.isBool()) r.wrongType(visible, visField, QStringLiteral("true or false"));
    s.visible = visible.toBool();
    const QString measuredField = at(field, QStringLiteral("measured"));
    const QJsonValue measured = r.get(o, QStringLiteral("measured"), measuredField, false);
    if (!measured.isUndefined()) s.measuredPath = r.string(measured, measuredField);
    const QString measuredRelField = at(field, QStringLiteral("measured_relative_path"));
    const QJsonValue measuredRel =
        r.get(o, QStringLiteral("measured_relative_path"), measuredRelField, false);
    if (!measuredRel.isUndefined()) out.measuredRelativePath = r.string(measuredRel, measuredRelField);
    return out;
}

QJsonObject writeScenario(const SessionScenario& sc) {
    const ScenarioSpec& s = sc.spec;
    QJsonObject o;
    if (s.isOnnx()) {
        o[QStringLiteral("onnx_path")] = s.onnxPath;
        if (!sc.onnxRelativePath.isEmpty()) o[QStringLiteral("onnx_relative_path")] = sc.onnxRelativePath;
        QJsonObject dims;
        for (const auto& [name, value] : s.dims)
            dims[QString::fromStdString(name)] = static_cast<qint64>(value);
        o[QStringLiteral("dims")] = dims;
    } else {
        o[QStringLiteral("model")] = s.modelId;
        QJsonObject knobs;
        for (const auto& [name, value] : s.knobs)
            knobs[QString::fromStdString(name)] = value;
        o[QStringLiteral("knobs")] = knobs;
    }
    o[QStringLiteral("preset")] = s.presetId;
    o[QStringLiteral("precision")] = QString::fromLatin1(precisionName(s.precision));
    o[QStringLiteral("color")] = s.color.name(s.color.alpha() == 255 ? QColor::HexRgb : QColor::HexArgb);
    o[QStringLiteral("visible")] = s.visible;
    if (!s.measuredPath.isEmpty()) {
        o[QStringLiteral("measured")] = s.measuredPath;
        if (!sc.measuredRelativePath.isEmpty())
            o[QStringLiteral("measured_relative_path")] = sc.measuredRelativePath;
    }
    return o;
}

} // namespace

QString locateSessionFile(const QString& path, const QString& relativePath, const QString& sessionFile) {
    if (QFileInfo(path).isFile()) return path;
    if (sessionFile.isEmpty()) return {};
    const QDir base = QFileInfo(sessionFile).absoluteDir();
    QStringList candidates;
    if (!relativePath.isEmpty()) candidates << QDir::cleanPath(base.absoluteFilePath(relativePath));
    candidates << base.absoluteFilePath(QFileInfo(path).fileName());
    for (const QString& c : candidates)
        if (QFileInfo(c).isFile()) return c;
    return {};
}

QString locateSessionOnnx(const SessionScenario& scenario, const QString& sessionFile) {
    return locateSessionFile(scenario.spec.onnxPath, scenario.onnxRelativePath, sessionFile);
}

QByteArray sessionToJson(const SessionData& data) {
    // QJsonObject keeps its keys sorted and QJsonDocument writes doubles in their shortest
    // round-trip form: the same data always gives the same bytes.
    QJsonObject root;
    root[QStringLiteral("format")] = kFormatName;
    root[QStringLiteral("version")] = SessionData::kFormatVersion;
    root[QStringLiteral("batch")] = data.batch;
    root[QStringLiteral("latency_budget_ms")] =
        data.latencyBudget_ms ? QJsonValue(*data.latencyBudget_ms) : QJsonValue(QJsonValue::Null);
    root[QStringLiteral("selected_scenario")] = data.selectedScenario;
    QJsonArray scenarios;
    for (const SessionScenario& sc : data.scenarios)
        scenarios.append(writeScenario(sc));
    root[QStringLiteral("scenarios")] = scenarios;
    QJsonObject presets;
    for (const auto& [id, json] : data.userPresets)
        presets[id] = json;
    root[QStringLiteral("presets")] = presets;
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

SessionData sessionFromJson(const QByteArray& json, const QString& fileName) {
    const Reader r(fileName);
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        r.fail({}, QStringLiteral("not valid JSON (%1 at byte %2)")
                       .arg(parseError.errorString())
                       .arg(parseError.offset));
    if (!doc.isObject()) r.fail({}, QStringLiteral("not a Batchscope session (expected a JSON object)"));
    const QJsonObject root = doc.object();
    if (root.value(QStringLiteral("format")).toString() != kFormatName)
        r.fail(QStringLiteral("format"),
               QStringLiteral("not a Batchscope session (expected \"format\": \"%1\")").arg(kFormatName));
    const int version =
        static_cast<int>(r.integer(r.get(root, QStringLiteral("version"), QStringLiteral("version"), true),
                                   QStringLiteral("version"), 1, std::numeric_limits<int>::max()));
    if (version > SessionData::kFormatVersion)
        throw SessionError(
            QStringLiteral("%1 was written by a newer Batchscope (format %2; this one reads %3)")
                .arg(fileName)
                .arg(version)
                .arg(SessionData::kFormatVersion));

    SessionData out;
    out.batch =
        static_cast<int>(r.integer(r.get(root, QStringLiteral("batch"), QStringLiteral("batch"), true),
                                   QStringLiteral("batch"), 1, Explorer::kMaxBatch));
    const QJsonValue budget =
        r.get(root, QStringLiteral("latency_budget_ms"), QStringLiteral("latency_budget_ms"), false);
    if (!budget.isUndefined() && !budget.isNull()) {
        const double ms = r.number(budget, QStringLiteral("latency_budget_ms"));
        if (!(ms >= 0 && std::isfinite(ms)))
            r.fail(QStringLiteral("latency_budget_ms"), QStringLiteral("must be ≥ 0 (or null: no budget)"));
        if (ms > 0) out.latencyBudget_ms = ms;
    }
    const QJsonValue scenarios = r.get(root, QStringLiteral("scenarios"), QStringLiteral("scenarios"), true);
    if (!scenarios.isArray()) r.wrongType(scenarios, QStringLiteral("scenarios"), QStringLiteral("an array"));
    const QJsonArray list = scenarios.toArray();
    constexpr qsizetype kMaxScenarios = 256; // each one is evaluated and drawn on four charts
    if (list.size() > kMaxScenarios)
        r.fail(
            QStringLiteral("scenarios"),
            QStringLiteral("%1 scenarios; a session holds at most %2").arg(list.size()).arg(kMaxScenarios));
    for (qsizetype i = 0; i < list.size(); ++i)
        out.scenarios.push_back(readScenario(r, list[i], QStringLiteral("scenarios[%1]").arg(i)));
    const QJsonValue selected =
        r.get(root, QStringLiteral("selected_scenario"), QStringLiteral("selected_scenario"), false);
    if (!selected.isUndefined())
        out.selectedScenario = static_cast<int>(r.integer(selected, QStringLiteral("selected_scenario"), -1,
                                                          static_cast<std::int64_t>(list.size()) - 1));

    const QJsonValue presets = r.get(root, QStringLiteral("presets"), QStringLiteral("presets"), false);
    if (!presets.isUndefined()) {
        const QJsonObject p = r.object(presets, QStringLiteral("presets"));
        for (auto it = p.begin(); it != p.end(); ++it) {
            const QString field = at(QStringLiteral("presets"), it.key());
            const QJsonObject preset = r.object(it.value(), field);
            if (preset.value(QStringLiteral("id")).toString() != it.key())
                r.fail(at(field, QStringLiteral("id")), QStringLiteral("must be \"%1\"").arg(it.key()));
            // Validated here so that a bad embedded preset stops the load before the window changes.
            const PresetLoadResult pr = parsePreset(QJsonDocument(preset).toJson().toStdString(), "");
            for (const PresetIssue& issue : pr.issues)
                if (!issue.warning)
                    r.fail(at(field, QString::fromStdString(issue.field)),
                           QString::fromStdString(issue.message));
            out.userPresets[it.key()] = preset;
        }
    }
    return out;
}

SessionData readSessionFile(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw SessionError(QStringLiteral("cannot read %1: %2").arg(path, f.errorString()));
    // Sessions hold specs and a few presets: kilobytes. A huge file is not one; do not read it.
    constexpr qint64 kMaxSessionBytes = 64ll << 20;
    if (f.size() > kMaxSessionBytes)
        throw SessionError(QStringLiteral("%1: larger than 64 MiB; not a session").arg(path));
    return sessionFromJson(f.readAll(), path);
}

bool saveSessionFile(const QString& path, const SessionData& data, QString* error,
                     const SessionSaveHook& beforeCommit) {
    const QByteArray bytes = sessionToJson(data);
    // QSaveFile writes a temporary file next to `path` and renames it over `path` on commit(); it
    // never falls back to writing in place, which could leave a half-written session.
    QSaveFile f(path);
    const auto failed = [&](const QString& why) {
        if (error) *error = QStringLiteral("cannot save %1: %2").arg(path, why);
        f.cancelWriting();
        return false;
    };
    if (!f.open(QIODevice::WriteOnly)) return failed(f.errorString());
    if (f.write(bytes) != bytes.size()) return failed(f.errorString());
    if (beforeCommit && !beforeCommit(f))
        return failed(QStringLiteral("the save was interrupted; the previous file is unchanged"));
    if (!f.commit()) return failed(f.errorString());
    return true;
}

} // namespace bs
