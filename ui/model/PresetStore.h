#pragma once
// The presets the window can use: the shipped ones (read-only) and the user's own, stored as JSON
// files in a user directory (QStandardPaths::AppDataLocation/presets by default). A user preset is
// made by duplicating another ("duplicate to edit") and remembers its origin in "derived_from".
// Every change goes through parsePreset(), so a preset held here is always valid; handing out
// shared_ptr<const> copies means a snapshot being drawn never sees a half-edited preset.
#include "hardware/HardwarePreset.h"
#include "hardware/PresetLoader.h"

#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QStringList>
#include <memory>
#include <vector>

namespace bs {

class PresetStore : public QObject {
    Q_OBJECT
  public:
    /// Loads the shipped presets from `shippedDir` and user presets from `userDir` (created on
    /// first save). Files that fail validation are skipped and reported in loadIssues().
    PresetStore(const QString& shippedDir, const QString& userDir, QObject* parent = nullptr);

    QStringList ids() const; ///< shipped first (file order), then user presets
    std::shared_ptr<const HardwarePreset> find(const QString& id) const;
    bool contains(const QString& id) const { return indexOf(id) >= 0; }
    bool isBuiltIn(const QString& id) const;
    /// The JSON the preset was read from (or last saved as); empty object if unknown id.
    QJsonObject json(const QString& id) const;
    /// "derived_from" of a user preset, or "" .
    QString originOf(const QString& id) const;
    QString userDir() const { return userDir_; }
    QString fileOf(const QString& id) const;
    const std::vector<PresetIssue>& loadIssues() const { return loadIssues_; }

    /// Copies `id` into a new user preset ("<id>-copy", "-copy-2", ...; name gets " (copy)"),
    /// saves it and returns the new id; on failure returns "" and sets *error.
    QString duplicate(const QString& id, QString* error = nullptr);
    /// Validates `json` as the new content of user preset `id` (its "id" is forced to `id`). On
    /// success saves the file, replaces the preset and emits presetChanged(id). On failure nothing
    /// changes and `issues` gets every problem (field paths as in PresetIssue::field).
    bool update(const QString& id, const QJsonObject& json, std::vector<PresetIssue>* issues = nullptr);
    /// Deletes a user preset (file included). Built-in presets cannot be removed.
    bool remove(const QString& id, QString* error = nullptr);
    /// Adds a preset saved elsewhere (embedded in a session file) as a user preset: keeps its "id"
    /// when free, else "<id>-2", "-3", ...; validates and saves it, emits presetsChanged() and
    /// returns the id it got. On failure returns "" and sets *error.
    QString importPreset(const QJsonObject& json, QString* error = nullptr);

  signals:
    void presetChanged(const QString& id);
    void presetsChanged(); ///< one added or removed
    /// A user preset was deleted; `origin` is the preset it had been duplicated from ("" if none).
    void presetRemoved(const QString& id, const QString& origin);

  private:
    struct Entry {
        std::shared_ptr<const HardwarePreset> preset;
        QJsonObject json;
        bool builtIn = false;
        QString file;
    };
    int indexOf(const QString& id) const;
    /// A loaded preset or a user file (perhaps one that failed to load) already has this id.
    bool idTaken(const QString& id) const;
    void loadDir(const QString& dir, bool builtIn);
    bool save(const QString& file, const QJsonObject& json, QString* error) const;
    /// Validates `json` (whose id is `id`), writes <userDir>/<id>.json and adds it; duplicate()
    /// and importPreset() differ only in how they pick the id.
    bool addUserPreset(const QString& id, const QJsonObject& json, QString* error);

    QString userDir_;
    std::vector<Entry> entries_;
    std::vector<PresetIssue> loadIssues_;
};

} // namespace bs
