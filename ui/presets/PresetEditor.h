#pragma once
// The preset editor: pick a preset, read every number with its unit and source, and edit user
// presets. Built-in presets are read-only ("Duplicate to edit" makes a user copy in the user's data
// directory). Every edit goes through PresetStore::update(), so the preset in use is always the last
// valid one: an invalid value stays in its field with the validator's message and never reaches the
// store. Accepted edits are undoable (undoStack()) and the "Differences" tab lists every field that
// differs from the preset the user preset came from. The store's presetChanged() is what makes the
// explorer re-evaluate every scenario using the preset.
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QWidget>
#include <vector>

class QComboBox;
class QLabel;
class QPushButton;
class QTabWidget;
class QTableWidget;
class QToolButton;
class QUndoStack;

namespace bs {

class PresetForm;
class PresetStore;
struct PresetIssue;

class PresetEditor : public QWidget {
    Q_OBJECT
  public:
    explicit PresetEditor(PresetStore* store, QWidget* parent = nullptr);

    /// Shows preset `id` (also selectable from the combo box at the top).
    void showPreset(const QString& id);
    QString currentId() const { return current_; }
    /// Accepted edits of every user preset; the main window puts its actions in the Edit menu.
    QUndoStack* undoStack() const { return undo_; }

    /// "Duplicate to edit": copies the shown preset into a new user preset and shows it; returns the
    /// new id, or "" (with a statusMessage) on failure.
    QString duplicateCurrent();
    /// Deletes the shown user preset, asking first when `askFirst`; true if it was deleted.
    bool deleteCurrent(bool askFirst = true);

  signals:
    void presetCreated(const QString& id); ///< "Duplicate to edit" made a new user preset
    void statusMessage(const QString& text);

  private:
    void rebuildCombo();
    void onEdited(const QString& field, const QJsonValue& value);
    void onPresetChanged(const QString& id);
    void onPresetsChanged();
    void onCommandApplied(const QString& id, bool ok);
    void showIssues(const std::vector<PresetIssue>& issues);
    void showLoadIssues();
    void updateDiff();
    QString describe(const QString& field, const QJsonValue& value) const;

    PresetStore* store_;
    QUndoStack* undo_;
    QString current_;
    bool committing_ = false; ///< inside our own store update: the form already shows the edit

    QComboBox* combo_;
    QPushButton* duplicate_;
    QPushButton* delete_;
    QToolButton* undoButton_;
    QToolButton* redoButton_;
    QWidget* banner_;
    QLabel* loadIssues_;
    QLabel* messages_;
    QTabWidget* tabs_;
    PresetForm* form_;
    QLabel* diffHeader_;
    QLabel* diffEmpty_;
    QTableWidget* diffTable_;
};

} // namespace bs
