#include "model/PresetFieldCommand.h"

#include "model/PresetStore.h"

namespace bs {

PresetFieldCommand::PresetFieldCommand(PresetStore* store, const QString& presetId, const QJsonObject& before,
                                       const QJsonObject& after, const QString& text,
                                       std::function<void(const QString&, bool)> applied)
    : QUndoCommand(text), store_(store), id_(presetId), before_(before), after_(after),
      applied_(std::move(applied)) {}

void PresetFieldCommand::undo() {
    apply(before_);
}

void PresetFieldCommand::redo() {
    if (firstRedo_) {
        firstRedo_ = false;
        return;
    }
    apply(after_);
}

void PresetFieldCommand::apply(const QJsonObject& json) {
    // Both states passed validation once; update() can still fail if the file cannot be written
    // or the preset was deleted behind our back. The store then keeps what it had.
    const bool ok = store_->update(id_, json);
    if (applied_) applied_(id_, ok);
}

} // namespace bs
