#pragma once
// One undoable edit of a user preset: the whole JSON before and after. The edit is already in the
// store when the command is pushed, so the first redo() does nothing; later undo()/redo() go through
// PresetStore::update() like any edit (validated, saved, presetChanged emitted).
#include <QJsonObject>
#include <QString>
#include <QUndoCommand>
#include <functional>

namespace bs {

class PresetStore;

class PresetFieldCommand : public QUndoCommand {
  public:
    /// `applied(id, ok)` runs after every undo/redo that touched the store (ok: the store accepted it).
    PresetFieldCommand(PresetStore* store, const QString& presetId, const QJsonObject& before,
                       const QJsonObject& after, const QString& text,
                       std::function<void(const QString&, bool)> applied);

    void undo() override;
    void redo() override;
    QString presetId() const { return id_; }

  private:
    void apply(const QJsonObject& json);

    PresetStore* store_;
    QString id_;
    QJsonObject before_, after_;
    std::function<void(const QString&, bool)> applied_;
    bool firstRedo_ = true;
};

} // namespace bs
