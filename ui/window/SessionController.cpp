#include "window/SessionController.h"

#include "base/AtomicWrite.h"
#include "model/Explorer.h"
#include "model/PresetStore.h"
#include "window/BatchControls.h"

#include <QAction>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QJsonDocument>
#include <QListView>
#include <QLocale>
#include <QLockFile>
#include <QMessageBox>
#include <QStandardPaths>
#include <QStatusBar>

namespace bs {

namespace {

const QString kSuffix = QStringLiteral(".batchscope");
constexpr int kAutosaveSlots = 8;

QJsonObject withoutId(QJsonObject json) {
    json.remove(QStringLiteral("id"));
    return json;
}

} // namespace

QString SessionController::ApplyReport::text() const {
    return (relocated + problems).join(QLatin1Char('\n'));
}

SessionController::SessionController(SessionTarget target, QObject* parent)
    : QObject(parent), target_(std::move(target)), window_(target_.window) {
    openAction_ = new QAction(tr("Open &session…"), this);
    openAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    openAction_->setToolTip(tr("Open a .batchscope session: its scenarios, presets, batch and budget "
                               "replace the current ones"));
    saveAction_ = new QAction(tr("&Save session"), this);
    saveAction_->setShortcut(QKeySequence::Save);
    saveAction_->setToolTip(tr("Save the scenarios, the user presets they use, the batch and the budget"));
    saveAsAction_ = new QAction(tr("Save session &as…"), this);
    saveAsAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    connect(openAction_, &QAction::triggered, this, [this] {
        if (dirty_ &&
            !confirmDiscard(tr("The current session has unsaved changes. Open another one anyway?")))
            return;
        const QString file = chooseFile(false);
        if (!file.isEmpty()) openSession(file);
    });
    connect(saveAction_, &QAction::triggered, this, [this] { saveSession(); });
    connect(saveAsAction_, &QAction::triggered, this, [this] {
        const QString file = chooseFile(true);
        if (!file.isEmpty()) saveSessionAs(file);
    });

    askRecover = [this](const QString& q) {
        return QMessageBox::question(window_, tr("Recover session"), q) == QMessageBox::Yes;
    };
    confirmDiscard = [this](const QString& q) {
        return QMessageBox::question(window_, tr("Unsaved changes"), q) == QMessageBox::Yes;
    };
    showWarning = [this](const QString& m) { QMessageBox::warning(window_, tr("Session"), m); };
    chooseFile = [this](bool forSave) {
        const QString dir =
            sessionFile_.isEmpty() ? QDir::homePath() : QFileInfo(sessionFile_).absolutePath();
        const QString filter = tr("Batchscope sessions (*.batchscope);;All files (*)");
        return forSave ? QFileDialog::getSaveFileName(window_, tr("Save session"), dir, filter)
                       : QFileDialog::getOpenFileName(window_, tr("Open session"), dir, filter);
    };

    periodic_.setInterval(30000);
    afterChange_.setSingleShot(true);
    afterChange_.setInterval(1000); // a slider drag is one change, not fifty writes
    const auto saveIfPending = [this] {
        if (autosavePending_) autosaveNow();
    };
    connect(&periodic_, &QTimer::timeout, this, saveIfPending);
    connect(&afterChange_, &QTimer::timeout, this, saveIfPending);

    ScenarioListModel* list = target_.explorer->scenarios();
    connect(list, &QAbstractItemModel::rowsInserted, this, &SessionController::markChanged);
    connect(list, &QAbstractItemModel::rowsRemoved, this, &SessionController::markChanged);
    connect(list, &QAbstractItemModel::dataChanged, this, &SessionController::markChanged);
    connect(target_.batch, &BatchControls::batchChanged, this, &SessionController::markChanged);
    connect(target_.batch, &BatchControls::latencyBudgetChanged, this, &SessionController::markChanged);
    connect(target_.explorer, &Explorer::servingChanged, this, &SessionController::markChanged);
    connect(target_.explorer, &Explorer::designSpaceChanged, this, &SessionController::markChanged);
    if (PresetStore* presets = target_.explorer->presets())
        connect(presets, &PresetStore::presetChanged, this, [this](const QString& id) {
            // An edited user preset is embedded in the session, so the session changed with it.
            for (const ScenarioRow& s : target_.explorer->scenarios()->specs())
                if (s.presetId == id) return markChanged();
        });
    updateTitle();
}

SessionController::~SessionController() = default;

void SessionController::markChanged() {
    if (applying_ || !window_) return;
    setDirty(true);
    autosavePending_ = true;
    if (lock_) afterChange_.start();
}

void SessionController::setDirty(bool dirty) {
    if (dirty == dirty_) return;
    dirty_ = dirty;
    updateTitle();
    emit dirtyChanged(dirty);
}

void SessionController::setSessionFile(const QString& file) {
    if (file == sessionFile_) return;
    sessionFile_ = file;
    updateTitle();
    if (lock_) writeMarker(); // a recovered autosave then knows which file it belongs to
    emit sessionFileChanged(file);
}

void SessionController::updateTitle() {
    if (!window_) return;
    const QString name = sessionFile_.isEmpty() ? tr("Untitled") : QFileInfo(sessionFile_).fileName();
    window_->setWindowTitle(name + (dirty_ ? QStringLiteral("*") : QString()) +
                            QStringLiteral(" — Batchscope"));
}

void SessionController::inform(const QString& message) {
    lastMessage_ = message;
    if (window_ && target_.showStatus) target_.showStatus(message);
}

void SessionController::warn(const QString& message) {
    lastMessage_ = message;
    if (showWarning) showWarning(message);
}

SessionData SessionController::capture(const QString& sessionFile) const {
    SessionData d;
    if (!window_) return d;
    Explorer* ex = target_.explorer;
    const PresetStore* presets = ex->presets();
    const QDir base = QFileInfo(sessionFile).absoluteDir();
    for (const ScenarioRow& spec : ex->scenarios()->specs()) {
        SessionRow sc{spec, {}, {}};
        sc.spec.id = 0;
        if (spec.isOnnx() && !sessionFile.isEmpty())
            sc.onnxRelativePath = base.relativeFilePath(spec.onnxPath);
        if (!spec.measuredPath.isEmpty() && !sessionFile.isEmpty())
            sc.measuredRelativePath = base.relativeFilePath(spec.measuredPath);
        if (presets && presets->contains(spec.presetId) && !presets->isBuiltIn(spec.presetId))
            d.userPresets[spec.presetId] = presets->json(spec.presetId);
        d.scenarios.push_back(std::move(sc));
    }
    d.batch = ex->batch();
    // The box's value, not the explorer's seconds: it is what the user typed, rounded as shown.
    const double budget_ms = target_.batch->budgetBox()->value();
    if (budget_ms > 0) d.latencyBudget_ms = budget_ms;
    d.serving = ex->serving();
    d.designSpace = ex->designSpace();
    d.selectedScenario = ex->scenarios()->rowOf(ex->selectedScenarioId());
    return d;
}

SessionController::ApplyReport SessionController::apply(const SessionData& data, const QString& sessionFile) {
    ApplyReport report;
    if (!window_) return report;
    Explorer* ex = target_.explorer;
    PresetStore* presets = ex->presets();

    // Presets first: each scenario must find its preset when it is added.
    std::map<QString, QString> renamed;
    for (const auto& [id, json] : data.userPresets) {
        if (!presets) break;
        if (presets->contains(id) && presets->json(id) == json) continue;
        // The same preset added by an earlier open of this session: reuse it rather than pile up copies.
        QString same;
        for (const QString& other : presets->ids())
            if (!presets->isBuiltIn(other) && withoutId(presets->json(other)) == withoutId(json))
                same = other;
        QString error;
        const QString got = same.isEmpty() ? presets->importPreset(json, &error) : same;
        if (got.isEmpty())
            report.problems << tr("Preset %1 could not be added: %2").arg(id, error);
        else if (got != id) {
            renamed[id] = got;
            report.relocated
                << tr("Preset %1 here differs from the session's; the session's copy is %2").arg(id, got);
        }
    }

    std::vector<ScenarioRow> specs;
    for (const SessionRow& sc : data.scenarios) {
        ScenarioRow s = sc.spec;
        if (const auto it = renamed.find(s.presetId); it != renamed.end()) s.presetId = it->second;
        if (presets && !presets->contains(s.presetId))
            report.problems << tr("Preset %1 is not available here").arg(s.presetId);
        if (s.isOnnx() && !QFileInfo::exists(s.onnxPath)) {
            const QString found = locateSessionOnnx(sc, sessionFile);
            if (found.isEmpty())
                report.problems << tr("%1 not found (also looked next to the session)").arg(s.onnxPath);
            else
                report.relocated << tr("%1 moved: using %2").arg(s.onnxPath, found);
            if (!found.isEmpty()) s.onnxPath = found;
        }
        if (!s.measuredPath.isEmpty() && !QFileInfo::exists(s.measuredPath)) {
            const QString found = locateSessionFile(s.measuredPath, sc.measuredRelativePath, sessionFile);
            if (found.isEmpty())
                report.problems << tr("%1 not found (also looked next to the session)").arg(s.measuredPath);
            else
                report.relocated << tr("%1 moved: using %2").arg(s.measuredPath, found);
            if (!found.isEmpty()) s.measuredPath = found;
        }
        specs.push_back(std::move(s));
    }
    report.relocated.removeDuplicates();
    report.problems.removeDuplicates();

    applying_ = true;
    ScenarioListModel* list = ex->scenarios();
    while (!list->specs().empty())
        list->remove(list->specs().back().id);
    std::vector<int> ids;
    for (const ScenarioRow& s : specs)
        ids.push_back(list->add(s));
    target_.batch->setBatch(data.batch);
    ex->setBatch(data.batch);
    target_.batch->setLatencyBudget_s(
        data.latencyBudget_ms ? std::optional<double>(*data.latencyBudget_ms * 1e-3) : std::nullopt);
    ex->setServing(data.serving); // the serving view's boxes follow the snapshot
    ex->setDesignSpace(data.designSpace);
    if (data.selectedScenario >= 0 && data.selectedScenario < static_cast<int>(ids.size()))
        target_.selectScenario(ids[static_cast<std::size_t>(data.selectedScenario)]);
    else
        target_.selectScenario(-1);
    applying_ = false;

    // What the window shows now differs from the file when something had to be found elsewhere.
    setDirty(!report.relocated.isEmpty());
    autosavePending_ = true;
    if (lock_) afterChange_.start();
    return report;
}

bool SessionController::openSession(const QString& file) {
    const QString path = QFileInfo(file).absoluteFilePath();
    SessionData data;
    try {
        data = readSessionFile(path);
    } catch (const SessionError& e) {
        warn(e.message());
        return false;
    }
    const ApplyReport report = apply(data, path);
    setSessionFile(path);
    const QString opened = tr("Opened %1").arg(QFileInfo(path).fileName());
    if (!report.problems.isEmpty())
        warn(opened + QStringLiteral("\n") + report.text());
    else
        inform(report.relocated.isEmpty()
                   ? opened
                   : opened + QStringLiteral(". ") + report.relocated.join(QStringLiteral("; ")));
    return true;
}

bool SessionController::saveSession() {
    if (sessionFile_.isEmpty()) {
        const QString file = chooseFile(true);
        return !file.isEmpty() && saveSessionAs(file);
    }
    return saveSessionAs(sessionFile_);
}

bool SessionController::saveSessionAs(const QString& file) {
    QString path = QFileInfo(file).absoluteFilePath();
    if (QFileInfo(path).suffix().isEmpty()) path += kSuffix;
    QString error;
    if (!saveSessionFile(path, capture(path), &error)) {
        warn(error);
        return false;
    }
    setSessionFile(path);
    setDirty(false);
    inform(tr("Saved %1").arg(QFileInfo(path).fileName()));
    return true;
}

QString SessionController::autosaveDir() {
    const QString env = qEnvironmentVariable("BATCHSCOPE_AUTOSAVE_DIR");
    return env.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) : env;
}

QString SessionController::slotBase() const {
    return QDir(autosaveDir())
        .filePath(slot_ == 0 ? QStringLiteral("autosave") : QStringLiteral("autosave-%1").arg(slot_ + 1));
}

QString SessionController::autosaveFile() const {
    return slotBase() + kSuffix;
}

QString SessionController::markerFile() const {
    return slotBase() + QStringLiteral(".running");
}

void SessionController::setAutosaveIntervals(int periodic_ms, int afterChange_ms) {
    periodic_.setInterval(periodic_ms);
    afterChange_.setInterval(afterChange_ms);
}

void SessionController::startAutosave() {
    if (lock_) return;
    if (!QDir().mkpath(autosaveDir())) {
        inform(tr("Autosave is off: cannot create %1").arg(autosaveDir()));
        return;
    }
    for (slot_ = 0; slot_ < kAutosaveSlots; ++slot_) {
        auto lock = std::make_unique<QLockFile>(slotBase() + QStringLiteral(".lock"));
        lock->setStaleLockTime(0); // stale only when its process is gone: a window may run for days
        if (lock->tryLock(0)) {
            lock_ = std::move(lock);
            break;
        }
    }
    if (!lock_) {
        slot_ = 0;
        inform(
            tr("Autosave is off: %1 other Batchscope windows hold every autosave slot").arg(kAutosaveSlots));
        return;
    }
    if (QFileInfo::exists(markerFile()) && QFileInfo::exists(autosaveFile())) offerRecovery();
    writeMarker();
    periodic_.start();
    autosaveNow();
}

void SessionController::offerRecovery() {
    SessionData data;
    try {
        data = readSessionFile(autosaveFile());
    } catch (const SessionError& e) {
        warn(tr("Batchscope did not exit cleanly, and its autosave cannot be read:\n%1").arg(e.message()));
        return;
    }
    QFile marker(markerFile());
    QString session;
    if (marker.open(QIODevice::ReadOnly))
        session = QJsonDocument::fromJson(marker.readAll())
                      .object()
                      .value(QStringLiteral("session_file"))
                      .toString();
    const QString when = QLocale().toString(QFileInfo(autosaveFile()).lastModified(), QLocale::ShortFormat);
    const int n = static_cast<int>(data.scenarios.size());
    const QString count = n == 1 ? tr("1 scenario") : tr("%1 scenarios").arg(n);
    const QString from = session.isEmpty() ? QString() : tr(", from %1").arg(QFileInfo(session).fileName());
    const QString question =
        tr("Batchscope did not exit cleanly. Restore the session autosaved at %1 (%2%3)?")
            .arg(when, count, from);
    if (!askRecover || !askRecover(question)) return;
    const ApplyReport report = apply(data, session);
    setSessionFile(session);
    setDirty(true); // recovered work is not in the session file yet
    const QString recovered = tr("Recovered the autosaved session");
    if (!report.problems.isEmpty())
        warn(recovered + QStringLiteral("\n") + report.text());
    else
        inform(recovered);
}

void SessionController::writeMarker() {
    QJsonObject o;
    o[QStringLiteral("pid")] = QCoreApplication::applicationPid();
    o[QStringLiteral("session_file")] = sessionFile_;
    QString error;
    if (!writeFileAtomically(markerFile(), QJsonDocument(o).toJson(), &error))
        inform(tr("Autosave: %1").arg(error));
}

bool SessionController::autosaveNow() {
    if (!lock_ || !window_) return false;
    QString error;
    // Relative ONNX paths against the session file, so a recovered session resolves them the same.
    if (!saveSessionFile(autosaveFile(), capture(sessionFile_), &error)) {
        inform(tr("Autosave failed: %1").arg(error)); // retried by the 30 s timer
        return false;
    }
    autosavePending_ = false;
    return true;
}

void SessionController::cleanExit() {
    periodic_.stop();
    afterChange_.stop();
    if (!lock_) return;
    QFile::remove(autosaveFile());
    QFile::remove(markerFile());
    lock_->unlock();
    lock_.reset();
}

} // namespace bs
