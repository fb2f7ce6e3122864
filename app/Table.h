#pragma once
// A header plus rows of cells, written as RFC 4180 CSV (header row, CRLF, quoted where needed)
// or as a JSON array of objects (numbers stay numbers). Every command's output goes through it.
#include <QString>
#include <iosfwd>
#include <variant>
#include <vector>

namespace bs::cli {

using Cell = std::variant<double, QString, bool>;

class Table {
  public:
    explicit Table(std::vector<QString> header) : header_(std::move(header)) {}
    void addRow(std::vector<Cell> row) { rows_.push_back(std::move(row)); }
    QString toCsv() const;
    QString toJson() const;
    const std::vector<std::vector<Cell>>& rows() const { return rows_; }

    static QString csvField(const QString& s);

  private:
    std::vector<QString> header_;
    std::vector<std::vector<Cell>> rows_;
};

} // namespace bs::cli
