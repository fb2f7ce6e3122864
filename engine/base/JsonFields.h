#pragma once
// Reads a JSON document one field at a time; every failure throws FileError naming the file and the
// field's path in the document ("s.batchscope: scenarios[2].preset: missing").
#include "base/EngineError.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <cstdint>

namespace bs {

class JsonFieldReader {
  public:
    explicit JsonFieldReader(const QString& file) : file_(file) {}

    [[noreturn]] void fail(const QString& field, const QString& problem) const;
    [[noreturn]] void wrongType(const QJsonValue& v, const QString& field, const QString& expected) const;
    /// `o[key]`; undefined when absent and not `required` (then fails with "missing").
    QJsonValue get(const QJsonObject& o, const QString& key, const QString& field, bool required) const;
    /// A non-empty string.
    QString string(const QJsonValue& v, const QString& field) const;
    QJsonObject object(const QJsonValue& v, const QString& field) const;
    double number(const QJsonValue& v, const QString& field) const;
    std::int64_t integer(const QJsonValue& v, const QString& field, std::int64_t lo, std::int64_t hi) const;

  private:
    QString file_;
};

/// "parent.key", or "key" at the top.
QString jsonField(const QString& parent, const QString& key);

} // namespace bs
