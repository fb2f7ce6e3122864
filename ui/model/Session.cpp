#include "model/Session.h"

#include "base/AtomicWrite.h"
#include "base/JsonFields.h"
#include "eval/Sweep.h"
#include "explore/DesignSpace.h"
#include "hardware/PresetLoader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <cmath>
#include <limits>

namespace bs {

namespace {

const QString kFormatName = QStringLiteral("batchscope-session");
using Reader = JsonFieldReader;

QString optionalString(const Reader& r, const QJsonObject& o, const QString& key, const QString& field) {
    const QString f = jsonField(field, key);
    const QJsonValue v = r.get(o, key, f, false);
    return v.isUndefined() ? QString() : r.string(v, f);
}

// A row: the scenario's own JSON (Scenario.h) plus the window's colour and visibility and the paths
// relative to the session's folder.
SessionRow readScenario(const Reader& r, const QJsonValue& value, const QString& field) {
    const QJsonObject o = r.object(value, field);
    SessionRow out;
    ScenarioRow& s = out.spec;
    static_cast<Scenario&>(s) = scenarioFromJson(o, r, field);
    if (s.isOnnx()) out.onnxRelativePath = optionalString(r, o, QStringLiteral("onnx_relative_path"), field);
    const QString colorField = jsonField(field, QStringLiteral("color"));
    const QString color = r.string(r.get(o, QStringLiteral("color"), colorField, true), colorField);
    s.color = QColor(color);
    if (!s.color.isValid()) r.fail(colorField, QStringLiteral("'%1' is not a colour (#rrggbb)").arg(color));
    const QString visField = jsonField(field, QStringLiteral("visible"));
    const QJsonValue visible = r.get(o, QStringLiteral("visible"), visField, true);
    if (!visible.isBool()) r.wrongType(visible, visField, QStringLiteral("true or false"));
    s.visible = visible.toBool();
    out.measuredRelativePath = optionalString(r, o, QStringLiteral("measured_relative_path"), field);
    return out;
}

QJsonObject writeScenario(const SessionRow& sc) {
    const ScenarioRow& s = sc.spec;
    QJsonObject o = scenarioToJson(s);
    if (s.isOnnx() && !sc.onnxRelativePath.isEmpty())
        o[QStringLiteral("onnx_relative_path")] = sc.onnxRelativePath;
    o[QStringLiteral("color")] = s.color.name(s.color.alpha() == 255 ? QColor::HexRgb : QColor::HexArgb);
    o[QStringLiteral("visible")] = s.visible;
    if (!s.measuredPath.isEmpty() && !sc.measuredRelativePath.isEmpty())
        o[QStringLiteral("measured_relative_path")] = sc.measuredRelativePath;
    return o;
}

// "serving": {"input_tokens", "output_tokens", "ttft_ms", "tpot_ms"}; a session written before the
// serving view has none and reads as the view's defaults.
ServingSettings readServing(const Reader& r, const QJsonObject& o) {
    ServingSettings s;
    const auto tokens = [&](const char* key, int fallback) {
        const QString field = QStringLiteral("serving.") + QLatin1String(key);
        const QJsonValue v = r.get(o, QLatin1String(key), field, false);
        return v.isUndefined() ? fallback : static_cast<int>(r.integer(v, field, 1, 131072));
    };
    s.lengths = {tokens("input_tokens", s.lengths.input), tokens("output_tokens", s.lengths.output)};
    const auto target = [&](const char* key) -> std::optional<double> {
        const QString field = QStringLiteral("serving.") + QLatin1String(key);
        const QJsonValue v = r.get(o, QLatin1String(key), field, false);
        if (v.isUndefined() || v.isNull()) return std::nullopt;
        const double ms = r.number(v, field);
        if (!(ms >= 0 && std::isfinite(ms)))
            r.fail(field, QStringLiteral("must be ≥ 0 (or null: no target)"));
        return ms > 0 ? std::optional<double>(ms / 1e3) : std::nullopt;
    };
    s.ttft_s = target("ttft_ms");
    s.tpot_s = target("tpot_ms");
    return s;
}

// "design_space": {"axes": [{"path", "values"}, ...one or two], "objective", "metric", "pareto"};
// a session written before the view has none and reads as its defaults. Each axis is checked as
// a Run would check it (a path of the preset format or model.KNOB, values that parse), so a bad
// one names its field instead of failing later in the view.
DesignSpaceSettings readDesignSpace(const Reader& r, const QJsonObject& o) {
    DesignSpaceSettings s;
    const QString axesField = QStringLiteral("design_space.axes");
    const QJsonValue axesValue = r.get(o, QStringLiteral("axes"), axesField, true);
    if (!axesValue.isArray()) r.wrongType(axesValue, axesField, QStringLiteral("an array"));
    const QJsonArray axes = axesValue.toArray();
    if (axes.isEmpty() || axes.size() > 2) r.fail(axesField, QStringLiteral("must hold one or two axes"));
    QString* const paths[] = {&s.path1, &s.path2};
    QString* const values[] = {&s.values1, &s.values2};
    for (qsizetype i = 0; i < axes.size(); ++i) {
        const QString field = axesField + QStringLiteral("[%1]").arg(i);
        const QJsonObject a = r.object(axes[i], field);
        *paths[i] = r.string(r.get(a, QStringLiteral("path"), field + QStringLiteral(".path"), true),
                             field + QStringLiteral(".path"));
        *values[i] = r.string(r.get(a, QStringLiteral("values"), field + QStringLiteral(".values"), true),
                              field + QStringLiteral(".values"));
        try {
            parseDesignAxis(QString(*paths[i] + QLatin1Char('=') + *values[i]).toStdString());
        } catch (const EngineError& e) {
            r.fail(field, QString::fromUtf8(e.what()).remove(QStringLiteral("--vary ")));
        }
    }
    const auto choice = [&](const char* key, const QStringList& names, QString* out) {
        const QString field = QStringLiteral("design_space.") + QLatin1String(key);
        const QString v = r.string(r.get(o, QLatin1String(key), field, true), field);
        if (!names.contains(v))
            r.fail(field, QStringLiteral("'%1' is not %2").arg(v, names.join(QStringLiteral(", "))));
        *out = v;
    };
    choice("objective", DesignSpaceSettings::kObjectives, &s.objective);
    choice("metric", DesignSpaceSettings::kMetrics, &s.metric);
    choice("pareto", DesignSpaceSettings::kParetos, &s.pareto);
    return s;
}

QJsonObject writeDesignSpace(const DesignSpaceSettings& s) {
    QJsonArray axes{QJsonObject{{QStringLiteral("path"), s.path1}, {QStringLiteral("values"), s.values1}}};
    if (!s.path2.isEmpty())
        axes.append(QJsonObject{{QStringLiteral("path"), s.path2}, {QStringLiteral("values"), s.values2}});
    return QJsonObject{{QStringLiteral("axes"), axes},
                       {QStringLiteral("objective"), s.objective},
                       {QStringLiteral("metric"), s.metric},
                       {QStringLiteral("pareto"), s.pareto}};
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

QString locateSessionOnnx(const SessionRow& scenario, const QString& sessionFile) {
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
    const auto ms = [](const std::optional<double>& s) {
        return s ? QJsonValue(*s * 1e3) : QJsonValue(QJsonValue::Null);
    };
    root[QStringLiteral("serving")] =
        QJsonObject{{QStringLiteral("input_tokens"), data.serving.lengths.input},
                    {QStringLiteral("output_tokens"), data.serving.lengths.output},
                    {QStringLiteral("ttft_ms"), ms(data.serving.ttft_s)},
                    {QStringLiteral("tpot_ms"), ms(data.serving.tpot_s)}};
    root[QStringLiteral("design_space")] = writeDesignSpace(data.designSpace);
    QJsonArray scenarios;
    for (const SessionRow& sc : data.scenarios)
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
                                   QStringLiteral("batch"), 1, kMaxBatch));
    const QJsonValue budget =
        r.get(root, QStringLiteral("latency_budget_ms"), QStringLiteral("latency_budget_ms"), false);
    if (!budget.isUndefined() && !budget.isNull()) {
        const double ms = r.number(budget, QStringLiteral("latency_budget_ms"));
        if (!(ms >= 0 && std::isfinite(ms)))
            r.fail(QStringLiteral("latency_budget_ms"), QStringLiteral("must be ≥ 0 (or null: no budget)"));
        if (ms > 0) out.latencyBudget_ms = ms;
    }
    const QJsonValue serving = r.get(root, QStringLiteral("serving"), QStringLiteral("serving"), false);
    if (!serving.isUndefined()) out.serving = readServing(r, r.object(serving, QStringLiteral("serving")));
    const QJsonValue design =
        r.get(root, QStringLiteral("design_space"), QStringLiteral("design_space"), false);
    if (!design.isUndefined())
        out.designSpace = readDesignSpace(r, r.object(design, QStringLiteral("design_space")));
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
            const QString field = jsonField(QStringLiteral("presets"), it.key());
            const QJsonObject preset = r.object(it.value(), field);
            if (preset.value(QStringLiteral("id")).toString() != it.key())
                r.fail(jsonField(field, QStringLiteral("id")),
                       QStringLiteral("must be \"%1\"").arg(it.key()));
            // Validated here so that a bad embedded preset stops the load before the window changes.
            const PresetLoadResult pr = parsePreset(QJsonDocument(preset).toJson().toStdString(), "");
            for (const PresetIssue& issue : pr.issues)
                if (!issue.warning)
                    r.fail(jsonField(field, QString::fromStdString(issue.field)),
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
                     const BeforeCommitHook& beforeCommit) {
    return writeFileAtomically(path, sessionToJson(data), error, beforeCommit);
}

} // namespace bs
