#pragma once
// Session files in the window: captures what the window shows (scenarios, the user presets they
// use, batch, latency budget, selection) into a SessionData and applies one back; the Open / Save /
// Save as actions; the "*" in the title; autosave with crash recovery.
//
// Autosave: after every change (debounced) and every 30 s while there are unsaved changes, the
// session goes to autosave.batchscope in autosaveDir(). A marker file next to it says "this run has
// not ended"; cleanExit() removes both. A marker found at startAutosave() means the last run
// crashed, and askRecover() is offered the autosave. A QLockFile per slot keeps two running
// windows from sharing (or recovering) one autosave: a second window takes autosave-2, and so on.
// Format and policies: docs/SESSIONS.md.
#include "model/Session.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QTimer>
#include <functional>
#include <memory>

class QAction;
class QWidget;
class QLockFile;

namespace bs {

class BatchControls;
class Explorer;

/// What the controller acts on. Only the window wires it (MainWindow::sessionTarget()).
struct SessionTarget {
    Explorer* explorer = nullptr;
    BatchControls* batch = nullptr;
    QWidget* window = nullptr; ///< the dialogs' parent; its title names the session file
    std::function<void(int scenarioId)> selectScenario; ///< -1: none selected
    std::function<void(const QString& message)> showStatus;
};

class SessionController : public QObject {
    Q_OBJECT
  public:
    explicit SessionController(SessionTarget target, QObject* parent = nullptr);
    ~SessionController()
        override; ///< without cleanExit() the marker stays: a crash, as far as the next run knows

    /// Open session… (Ctrl+Shift+O), Save session (Ctrl+S), Save session as… (Ctrl+Shift+S).
    QList<QAction*> fileActions() const { return {openAction_, saveAction_, saveAsAction_}; }

    /// What the window shows now; ONNX paths get a relative path to `sessionFile`'s folder.
    SessionData capture(const QString& sessionFile = {}) const;

    struct ApplyReport {
        QStringList relocated; ///< "model.onnx: found at /new/place/model.onnx"
        QStringList problems;  ///< files not found, presets that could not be added
        QString text() const;
    };
    /// Replaces every scenario, the batch, the budget and the selection with `data`. Embedded user
    /// presets missing here are added to the preset store (renamed when the id holds a different
    /// preset). ONNX files that moved are looked for relative to `sessionFile`.
    ApplyReport apply(const SessionData& data, const QString& sessionFile);

    /// Reads and applies `file`; on an unreadable, corrupt or newer file shows the message and
    /// leaves the window unchanged.
    bool openSession(const QString& file);
    /// To the current session file; without one, asks for a file (chooseFile).
    bool saveSession();
    bool saveSessionAs(const QString& file);
    QString sessionFile() const { return sessionFile_; }
    bool isDirty() const { return dirty_; }
    /// The last message shown to the user (status bar or warning).
    QString lastMessage() const { return lastMessage_; }

    /// Takes an autosave slot, offers recovery if the last run in it crashed, writes the marker and
    /// starts the timers. Call once the window is shown.
    void startAutosave();
    /// startAutosave() took a slot: this is an interactive window.
    bool autosaveRunning() const { return lock_ != nullptr; }
    /// The window's starting state (restored settings, the default comparison) is not a change the
    /// user made: "Untitled", not "Untitled*", until there is one.
    void startUnchanged() { setDirty(false); }
    /// Removes the autosave and the marker (the app is quitting normally).
    void cleanExit();
    bool autosaveNow();
    void setAutosaveIntervals(int periodic_ms, int afterChange_ms);
    /// $BATCHSCOPE_AUTOSAVE_DIR, else QStandardPaths::AppDataLocation.
    static QString autosaveDir();
    QString autosaveFile() const;
    QString markerFile() const;

    // The dialogs, replaceable (tests answer without a modal loop). Defaults use message boxes
    // and file dialogs parented to the window.
    std::function<bool(const QString& question)> askRecover;
    std::function<bool(const QString& question)> confirmDiscard;
    std::function<void(const QString& message)> showWarning;
    /// Returns the chosen file, or "" when cancelled.
    std::function<QString(bool forSave)> chooseFile;

  signals:
    void dirtyChanged(bool dirty);
    void sessionFileChanged(const QString& file);

  private:
    void markChanged();
    void setDirty(bool dirty);
    void setSessionFile(const QString& file);
    void updateTitle();
    void inform(const QString& message);
    void warn(const QString& message);
    void offerRecovery();
    void writeMarker();
    QString slotBase() const;

    SessionTarget target_;
    QPointer<QWidget> window_; ///< target_.window, gone when the window is
    QAction* openAction_;
    QAction* saveAction_;
    QAction* saveAsAction_;
    QString sessionFile_;
    QString lastMessage_;
    bool dirty_ = false;
    bool applying_ = false;
    bool autosavePending_ = false;
    std::unique_ptr<QLockFile> lock_;
    int slot_ = 0;
    QTimer periodic_;
    QTimer afterChange_;
};

} // namespace bs
