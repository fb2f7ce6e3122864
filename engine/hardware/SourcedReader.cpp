#include "hardware/SourcedReader.h"

#include <QJsonValue>
#include <QStringList>
#include <algorithm>
#include <cmath>

namespace bs {

namespace {

QString q(const char* s) {
    return QString::fromLatin1(s);
}

// The "source" member of a sourced object: required, non-empty.
std::string sourceOf(SourcedReader& r, const QJsonObject& o, const std::string& field) {
    const QJsonValue src = o.value(q("source"));
    if (!src.isString() || src.toString().trimmed().isEmpty()) {
        r.error(field + ".source", "missing: every number needs its source (or \"estimate: reasoning\")");
        return {};
    }
    return src.toString().toStdString();
}

} // namespace

std::string PresetIssue::str() const {
    return (warning ? "warning: " : "") + file + ": " + (field.empty() ? "" : field + ": ") + message;
}

bool hasErrors(const std::vector<PresetIssue>& issues) {
    return std::any_of(issues.begin(), issues.end(), [](const PresetIssue& i) { return !i.warning; });
}

std::string errorLines(const std::vector<PresetIssue>& issues) {
    std::string msg;
    for (const PresetIssue& i : issues)
        if (!i.warning) msg += (msg.empty() ? "" : "\n") + i.str();
    return msg;
}

QJsonObject SourcedReader::object(const QJsonObject& parent, const char* key, const std::string& path,
                                  bool required) {
    const QJsonValue v = parent.value(q(key));
    if (v.isUndefined()) {
        if (required) error(join(path, key), "missing");
        return {};
    }
    if (!v.isObject()) error(join(path, key), "must be an object");
    return v.toObject();
}

std::string SourcedReader::string(const QJsonObject& parent, const char* key, const std::string& path,
                                  bool required) {
    const QJsonValue v = parent.value(q(key));
    if (v.isUndefined()) {
        if (required) error(join(path, key), "missing");
        return {};
    }
    if (!v.isString() || v.toString().trimmed().isEmpty()) {
        error(join(path, key), "must be a non-empty string");
        return {};
    }
    return v.toString().toStdString();
}

Sourced SourcedReader::number(const QJsonObject& parent, const char* key, const std::string& path,
                              double minExclusive, double maxInclusive, bool required, bool allowZero) {
    const std::string field = join(path, key);
    const QJsonValue v = parent.value(q(key));
    if (v.isUndefined()) {
        if (required) error(field, "missing");
        return {};
    }
    if (!v.isObject()) {
        error(field, "must be an object {\"value\": number, \"source\": \"...\"}");
        return {};
    }
    const QJsonObject o = v.toObject();
    Sourced out;
    const QJsonValue val = o.value(q("value"));
    if (val.isUndefined())
        error(field + ".value", "missing");
    else if (!val.isDouble())
        error(field + ".value", "must be a number (NaN and text are not numbers)");
    else {
        out.value = val.toDouble();
        if (!std::isfinite(out.value))
            error(field + ".value", "must be finite");
        else if (out.value <= minExclusive && !(allowZero && out.value == 0))
            error(field + ".value", std::string(allowZero ? "must be ≥ " : "must be > ") + fmt(minExclusive) +
                                        " (got " + fmt(out.value) + ")");
        else if (out.value > maxInclusive)
            error(field + ".value", "must be ≤ " + fmt(maxInclusive) + " (got " + fmt(out.value) + ")");
    }
    out.source = sourceOf(*this, o, field);
    onlyKeys(o, field, {"value", "source"});
    return out;
}

Sourced SourcedReader::choice(const QJsonObject& parent, const char* key, const std::string& path,
                              const std::vector<std::string>& choices, std::string* value) {
    const std::string field = join(path, key);
    const QJsonObject o = object(parent, key, path);
    Sourced out;
    if (o.isEmpty() && !parent.value(QString::fromLatin1(key)).isObject()) return out; // reported
    const QJsonValue val = o.value(q("value"));
    const std::string text = val.toString().toStdString();
    if (!val.isString() || std::find(choices.begin(), choices.end(), text) == choices.end()) {
        std::string list;
        for (const std::string& c : choices)
            list += (list.empty() ? "" : ", ") + c;
        error(field + ".value", "must be one of " + list);
    } else {
        *value = text;
    }
    out.source = sourceOf(*this, o, field);
    onlyKeys(o, field, {"value", "source"});
    return out;
}

void SourcedReader::onlyKeys(const QJsonObject& o, const std::string& path,
                             const std::vector<std::string>& known) {
    for (const QString& k : o.keys())
        if (std::find(known.begin(), known.end(), k.toStdString()) == known.end())
            error(join(path, k.toStdString().c_str()), "unknown field");
}

std::string SourcedReader::join(const std::string& path, const char* key) {
    return path.empty() ? std::string(key) : path + "." + key;
}

std::string SourcedReader::fmt(double v) {
    std::string r = std::to_string(v);
    r.erase(r.find_last_not_of('0') + 1);
    if (!r.empty() && r.back() == '.') r.pop_back();
    return r;
}

} // namespace bs
