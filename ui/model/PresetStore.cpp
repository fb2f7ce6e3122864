#include "model/PresetStore.h"

#include "base/AtomicWrite.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

namespace bs {

PresetStore::PresetStore(const QString& shippedDir, const QString& userDir, QObject* parent)
    : QObject(parent), userDir_(userDir) {
    loadDir(shippedDir, true);
    if (!userDir.isEmpty()) loadDir(userDir, false);
}

void PresetStore::loadDir(const QString& dir, bool builtIn) {
    const QDir d(dir);
    for (const QFileInfo& fi : d.entryInfoList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
        const std::string path = fi.filePath().toStdString();
        PresetLoadResult r = loadPresetFile(path);
        loadIssues_.insert(loadIssues_.end(), r.issues.begin(), r.issues.end());
        if (!r.preset) continue;
        const QString id = QString::fromStdString(r.preset->id);
        if (contains(id)) {
            loadIssues_.push_back({path, "id", "duplicate preset id '" + r.preset->id + "'", false});
            continue;
        }
        QFile f(fi.filePath());
        if (!f.open(QIODevice::ReadOnly)) continue; // loadPresetFile just read it; a race at worst
        Entry e;
        e.json = QJsonDocument::fromJson(f.readAll()).object();
        e.preset = std::make_shared<const HardwarePreset>(std::move(*r.preset));
        e.builtIn = builtIn;
        e.file = fi.filePath();
        entries_.push_back(std::move(e));
    }
}

int PresetStore::indexOf(const QString& id) const {
    const std::string key = id.toStdString();
    for (std::size_t i = 0; i < entries_.size(); ++i)
        if (entries_[i].preset->id == key) return static_cast<int>(i);
    return -1;
}

QStringList PresetStore::ids() const {
    QStringList out;
    for (const Entry& e : entries_)
        out << QString::fromStdString(e.preset->id);
    return out;
}

std::shared_ptr<const HardwarePreset> PresetStore::find(const QString& id) const {
    const int i = indexOf(id);
    return i < 0 ? nullptr : entries_[static_cast<std::size_t>(i)].preset;
}

bool PresetStore::isBuiltIn(const QString& id) const {
    const int i = indexOf(id);
    return i >= 0 && entries_[static_cast<std::size_t>(i)].builtIn;
}

QJsonObject PresetStore::json(const QString& id) const {
    const int i = indexOf(id);
    return i < 0 ? QJsonObject() : entries_[static_cast<std::size_t>(i)].json;
}

QString PresetStore::originOf(const QString& id) const {
    const auto p = find(id);
    return p ? QString::fromStdString(p->derivedFrom) : QString();
}

QString PresetStore::fileOf(const QString& id) const {
    const int i = indexOf(id);
    return i < 0 ? QString() : entries_[static_cast<std::size_t>(i)].file;
}

bool PresetStore::save(const QString& file, const QJsonObject& json, QString* error) const {
    if (!QDir().mkpath(QFileInfo(file).absolutePath())) {
        if (error) *error = QStringLiteral("cannot create directory %1").arg(QFileInfo(file).absolutePath());
        return false;
    }
    return writeFileAtomically(file, QJsonDocument(json).toJson(QJsonDocument::Indented), error);
}

bool PresetStore::idTaken(const QString& id) const {
    // A file that failed to load still occupies its name: never overwrite what the user may repair.
    return contains(id) || QFileInfo::exists(QDir(userDir_).filePath(id + QStringLiteral(".json")));
}

QString PresetStore::duplicate(const QString& id, QString* error) {
    const int i = indexOf(id);
    if (i < 0) {
        if (error) *error = QStringLiteral("unknown preset '%1'").arg(id);
        return {};
    }
    if (userDir_.isEmpty()) {
        if (error) *error = QStringLiteral("no user preset directory");
        return {};
    }
    const Entry& src = entries_[static_cast<std::size_t>(i)];
    // A copy of a copy still diffs against the shipped preset it came from.
    const QString origin = src.builtIn ? id : originOf(id);
    QString newId = id + QStringLiteral("-copy");
    for (int n = 2; idTaken(newId); ++n)
        newId = id + QStringLiteral("-copy-%1").arg(n);
    QJsonObject json = src.json;
    json[QStringLiteral("id")] = newId;
    json[QStringLiteral("name")] =
        QString(json.value(QStringLiteral("name")).toString() + QStringLiteral(" (copy)"));
    if (!origin.isEmpty()) json[QStringLiteral("derived_from")] = origin;
    return addUserPreset(newId, json, error) ? newId : QString();
}

bool PresetStore::addUserPreset(const QString& id, const QJsonObject& json, QString* error) {
    const QString file = QDir(userDir_).filePath(id + QStringLiteral(".json"));
    PresetLoadResult r = parsePreset(QJsonDocument(json).toJson().toStdString(), file.toStdString());
    if (!r.preset) {
        if (error) {
            QStringList problems;
            for (const PresetIssue& issue : r.issues)
                if (!issue.warning) problems << QString::fromStdString(issue.str());
            *error = QStringLiteral("preset '%1' does not validate: %2")
                         .arg(id, problems.join(QStringLiteral("; ")));
        }
        return false;
    }
    if (!save(file, json, error)) return false;
    r.preset->file = file.toStdString();
    entries_.push_back({std::make_shared<const HardwarePreset>(std::move(*r.preset)), json, false, file});
    emit presetsChanged();
    return true;
}

bool PresetStore::update(const QString& id, const QJsonObject& input, std::vector<PresetIssue>* issues) {
    const int i = indexOf(id);
    auto fail = [&](const std::string& msg) {
        if (issues) issues->push_back({id.toStdString(), "", msg, false});
        return false;
    };
    if (i < 0) return fail("unknown preset");
    Entry& e = entries_[static_cast<std::size_t>(i)];
    if (e.builtIn) return fail("built-in presets are read-only; duplicate it to edit");
    QJsonObject json = input;
    json[QStringLiteral("id")] = id;
    PresetLoadResult r = parsePreset(QJsonDocument(json).toJson().toStdString(), e.file.toStdString());
    if (issues) *issues = r.issues;
    if (!r.preset) return false;
    QString error;
    if (!save(e.file, json, &error)) return fail(error.toStdString());
    e.json = json;
    e.preset = std::make_shared<const HardwarePreset>(std::move(*r.preset));
    emit presetChanged(id);
    return true;
}

bool PresetStore::remove(const QString& id, QString* error) {
    const int i = indexOf(id);
    if (i < 0 || entries_[static_cast<std::size_t>(i)].builtIn) {
        if (error) *error = QStringLiteral("'%1' is not a user preset").arg(id);
        return false;
    }
    const QString file = entries_[static_cast<std::size_t>(i)].file;
    if (QFile::exists(file) && !QFile::remove(file)) {
        if (error) *error = QStringLiteral("cannot delete %1").arg(file);
        return false;
    }
    const QString origin = originOf(id);
    entries_.erase(entries_.begin() + i);
    emit presetRemoved(id, origin);
    emit presetsChanged();
    return true;
}

QString PresetStore::importPreset(const QJsonObject& input, QString* error) {
    const QString id = input.value(QStringLiteral("id")).toString();
    if (id.isEmpty()) {
        if (error) *error = QStringLiteral("the preset has no \"id\"");
        return {};
    }
    if (userDir_.isEmpty()) {
        if (error) *error = QStringLiteral("no user preset directory");
        return {};
    }
    QString newId = id;
    for (int n = 2; idTaken(newId); ++n)
        newId = id + QStringLiteral("-%1").arg(n);
    QJsonObject json = input;
    json[QStringLiteral("id")] = newId;
    return addUserPreset(newId, json, error) ? newId : QString();
}

} // namespace bs
