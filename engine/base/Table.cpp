#include "base/Table.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cmath>

namespace bs {

namespace {
QString numberText(double v) {
    if (std::isinf(v)) return v > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    if (std::isnan(v)) return QStringLiteral("nan");
    return QString::number(v, 'g', 10);
}
} // namespace

QString Table::cellText(const Cell& c) {
    if (const double* d = std::get_if<double>(&c)) return numberText(*d);
    if (const bool* b = std::get_if<bool>(&c)) return *b ? QStringLiteral("true") : QStringLiteral("false");
    return std::get<QString>(c);
}

QString Table::csvField(const QString& s) {
    if (!s.contains(QLatin1Char(',')) && !s.contains(QLatin1Char('"')) && !s.contains(QLatin1Char('\n')) &&
        !s.contains(QLatin1Char('\r')))
        return s;
    QString out = s;
    out.replace(QStringLiteral("\""), QStringLiteral("\"\""));
    return QLatin1Char('"') + out + QLatin1Char('"');
}

QString Table::toCsv() const {
    QString out;
    auto line = [&](const std::vector<QString>& fields) {
        for (std::size_t i = 0; i < fields.size(); ++i) {
            if (i) out += QLatin1Char(',');
            out += csvField(fields[i]);
        }
        out += QStringLiteral("\r\n");
    };
    line(header_);
    for (const auto& row : rows_) {
        std::vector<QString> f;
        f.reserve(row.size());
        for (const Cell& c : row)
            f.push_back(cellText(c));
        line(f);
    }
    return out;
}

QString Table::toJson() const {
    QJsonArray arr;
    for (const auto& row : rows_) {
        QJsonObject o;
        for (std::size_t i = 0; i < row.size() && i < header_.size(); ++i) {
            const Cell& c = row[i];
            if (const double* d = std::get_if<double>(&c))
                o.insert(header_[i], std::isfinite(*d) ? QJsonValue(*d) : QJsonValue(numberText(*d)));
            else if (const bool* b = std::get_if<bool>(&c))
                o.insert(header_[i], *b);
            else
                o.insert(header_[i], std::get<QString>(c));
        }
        arr.append(o);
    }
    return QString::fromUtf8(QJsonDocument(arr).toJson(QJsonDocument::Indented));
}

} // namespace bs
