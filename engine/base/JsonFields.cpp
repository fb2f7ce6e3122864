#include "base/JsonFields.h"

#include <cmath>

namespace bs {

namespace {
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
} // namespace

void JsonFieldReader::fail(const QString& field, const QString& problem) const {
    const QString where = field.isEmpty() ? file_ : QString(file_ + QStringLiteral(": ") + field);
    throw FileError(where + QStringLiteral(": ") + problem);
}

void JsonFieldReader::wrongType(const QJsonValue& v, const QString& field, const QString& expected) const {
    fail(field, QStringLiteral("expected %1, found %2").arg(expected, typeName(v)));
}

QJsonValue JsonFieldReader::get(const QJsonObject& o, const QString& key, const QString& field,
                                bool required) const {
    const QJsonValue v = o.value(key);
    if (v.isUndefined() && required) fail(field, QStringLiteral("missing"));
    return v;
}

QString JsonFieldReader::string(const QJsonValue& v, const QString& field) const {
    if (!v.isString()) wrongType(v, field, QStringLiteral("a string"));
    if (v.toString().isEmpty()) fail(field, QStringLiteral("must not be empty"));
    return v.toString();
}

QJsonObject JsonFieldReader::object(const QJsonValue& v, const QString& field) const {
    if (!v.isObject()) wrongType(v, field, QStringLiteral("an object"));
    return v.toObject();
}

double JsonFieldReader::number(const QJsonValue& v, const QString& field) const {
    if (!v.isDouble()) wrongType(v, field, QStringLiteral("a number"));
    return v.toDouble();
}

std::int64_t JsonFieldReader::integer(const QJsonValue& v, const QString& field, std::int64_t lo,
                                      std::int64_t hi) const {
    const double d = number(v, field);
    if (std::floor(d) != d) fail(field, QStringLiteral("expected an integer, found %1").arg(d));
    if (d < static_cast<double>(lo) || d > static_cast<double>(hi))
        fail(field, QStringLiteral("%1 is outside %2..%3").arg(d).arg(lo).arg(hi));
    return v.toInteger();
}

QString jsonField(const QString& parent, const QString& key) {
    return parent.isEmpty() ? key : parent + QStringLiteral(".") + key;
}

} // namespace bs
