#pragma once
// The field table of the preset editor: one row per field of a preset's JSON, grouped (general,
// compute, memory, energy, overheads, efficiency, mapping). A number row has a label, a value
// editor, its unit, its source and a message line for validation errors (red) or warnings. The form
// never changes a preset itself: it emits edited() with the leaf path and the typed value, and the
// editor decides. Editors are named after their JSON path ("memory.dram.bandwidth_gb_s.value",
// "memory.dram.bandwidth_gb_s.source", "name"; the message line "<field>.message").
#include "hardware/PresetLoader.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QScrollArea>
#include <QString>
#include <vector>

class QComboBox;
class QGridLayout;
class QLabel;
class QLineEdit;

namespace bs {

class PresetForm : public QScrollArea {
    Q_OBJECT
  public:
    explicit PresetForm(QWidget* parent = nullptr);

    /// Rebuilds every row from `json`; `readOnly` locks every editor (built-in presets).
    void setPreset(const QJsonObject& json, bool readOnly);
    /// Puts the values of `json` (same fields) into every editor and clears every error.
    void refreshValues(const QJsonObject& json);
    /// Puts the value of one leaf (".value", ".source" or a text field) back from `json` and
    /// clears that leaf's error; the row's other editor keeps what the user typed.
    void refreshField(const QString& field, const QJsonObject& json);

    /// Marks the editor of `field` (a leaf path such as "x.value" or "x.source") invalid with
    /// `message` and scrolls to it; the editor keeps what the user typed.
    void setFieldError(const QString& field, const QString& message);
    /// Clears the error of `field` if that leaf is the one marked invalid.
    void clearFieldError(const QString& field);
    /// Shows warnings on their rows (replacing earlier ones); returns those that fit no row.
    std::vector<PresetIssue> setWarnings(const std::vector<PresetIssue>& warnings);

    /// The row an issue's field path belongs to ("memory.dram.bandwidth_gb_s.value" →
    /// "memory.dram.bandwidth_gb_s"), or "" .
    QString rowFor(const QString& field) const;
    /// Human label of the row `field` belongs to, or the path itself.
    QString labelFor(const QString& field) const;
    bool hasErrors() const;
    bool isReadOnly() const { return readOnly_; }

  signals:
    /// The user finished editing `field` (leaf path); `value` is a number, a string or a tile list.
    void edited(const QString& field, const QJsonValue& value);
    /// The typed text is not even a value (e.g. letters in a number field); nothing was sent.
    void inputRejected(const QString& field, const QString& message);

  private:
    enum class Kind { Number, Tiles, Text, Choice, Fixed };
    struct Row {
        QString path; ///< base path: the {"value","source"} object, or the text field itself
        Kind kind = Kind::Fixed;
        QLineEdit* value = nullptr;
        QComboBox* choice = nullptr;
        QLineEdit* source = nullptr;
        QLabel* message = nullptr;
        QString error, errorField, warning;
    };

    void collect(const QJsonObject& o, const QString& prefix,
                 std::vector<std::pair<QString, Kind>>& out) const;
    void addRow(QGridLayout* grid, const QString& path, Kind kind, const QJsonObject& root);
    void commit(std::size_t rowIndex, bool sourceEditor);
    void fill(Row& row, const QJsonObject& json);
    void updateMessage(Row& row);
    Row* find(const QString& field);
    const Row* find(const QString& field) const;

    std::vector<Row> rows_;
    bool readOnly_ = true;
};

} // namespace bs
