#pragma once
// Helpers shared by the suites that check files the app writes: read and write whole files, parse
// RFC 4180 CSV, count PDF pages, and read what an SVG (or an XHTML page with inline SVG) says.
#include <QByteArray>
#include <QFile>
#include <QRegularExpression>
#include <QString>
#include <QStringList>
#include <QXmlStreamReader>
#include <map>
#include <vector>

namespace bs::test {

inline QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

inline bool writeAll(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

/// RFC 4180: quoted fields, doubled quotes, CRLF.
inline std::vector<QStringList> parseCsv(const QString& s) {
    std::vector<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < s.size(); ++i) {
        const QChar c = s[i];
        if (quoted) {
            if (c == QLatin1Char('"') && i + 1 < s.size() && s[i + 1] == QLatin1Char('"'))
                field += c, ++i;
            else if (c == QLatin1Char('"'))
                quoted = false;
            else
                field += c;
        } else if (c == QLatin1Char('"')) {
            quoted = true;
        } else if (c == QLatin1Char(',')) {
            row << field, field.clear();
        } else if (c == QLatin1Char('\r')) {
            continue;
        } else if (c == QLatin1Char('\n')) {
            row << field, field.clear(), rows.push_back(row), row.clear();
        } else {
            field += c;
        }
    }
    return rows;
}

/// Page objects ("/Type /Page", not "/Type /Pages") of a PDF whose objects are not compressed
/// (QPdfWriter compresses streams only).
inline int pdfPageCount(const QByteArray& pdf) {
    static const QRegularExpression page(QStringLiteral("/Type\\s*/Page(?![a-zA-Z])"));
    return static_cast<int>(QString::fromLatin1(pdf).count(page));
}

/// Everything an XML document (SVG, XHTML) says in text, how many path/polyline elements are
/// stroked in each colour, and how many elements of each name it has.
struct XmlContent {
    QString text;
    std::map<QString, int> strokedShapes; ///< "#1f77b4" → count
    std::map<QString, int> elements;      ///< "svg" → count
    bool valid = false;
    QString error;
};

inline XmlContent readXml(const QByteArray& bytes) {
    XmlContent out;
    QXmlStreamReader xml(bytes);
    std::vector<QString> strokes{QString()};
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement()) {
            const QString stroke = xml.attributes().value(QStringLiteral("stroke")).toString();
            strokes.push_back(stroke.isEmpty() ? strokes.back() : stroke.toLower());
            const QString name = xml.name().toString();
            ++out.elements[name];
            if (name == QLatin1String("path") || name == QLatin1String("polyline"))
                ++out.strokedShapes[strokes.back()];
        } else if (xml.isEndElement()) {
            strokes.pop_back();
        } else if (xml.isCharacters() && !xml.isWhitespace()) {
            out.text += xml.text() + QLatin1Char('\n');
        }
    }
    out.valid = !xml.hasError();
    if (xml.hasError())
        out.error = QStringLiteral("line %1: %2").arg(xml.lineNumber()).arg(xml.errorString());
    return out;
}

} // namespace bs::test
