#pragma once
// A header plus rows of cells, written as RFC 4180 CSV (header row, CRLF, quoted where needed) or
// as a JSON array of objects (numbers stay numbers). The command line's output and the explorer's
// CSV export both go through it, so a file saved from the window reads like the CLI's.
#include <QString>
#include <variant>
#include <vector>

namespace bs {

using Cell = std::variant<double, QString, bool>;

class Table {
  public:
    explicit Table(std::vector<QString> header) : header_(std::move(header)) {}
    void addRow(std::vector<Cell> row) { rows_.push_back(std::move(row)); }
    QString toCsv() const;
    QString toJson() const;
    const std::vector<QString>& header() const { return header_; }
    const std::vector<std::vector<Cell>>& rows() const { return rows_; }

    static QString csvField(const QString& s);
    /// How a cell is written in CSV: numbers with 10 significant digits, "inf", "true"/"false".
    static QString cellText(const Cell& c);

  private:
    std::vector<QString> header_;
    std::vector<std::vector<Cell>> rows_;
};

} // namespace bs
