#pragma once
// A session file (.batchscope): everything needed to reopen a comparison, on this machine or
// another one. JSON with a format name and version; the scenarios in list order, the JSON of every
// user preset they use (so the session opens where those presets do not exist), the batch, the
// latency budget and the selected scenario. Format and policies: docs/SESSIONS.md.
//
// This file is pure data: no window, no preset store. Writing is deterministic (keys sorted,
// doubles in their shortest round-trip form), so save → load → save gives identical bytes.
#include "base/AtomicWrite.h"
#include "base/EngineError.h"
#include "model/ExplorerTypes.h"
#include "model/ScenarioRow.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <functional>
#include <map>
#include <optional>
#include <vector>

namespace bs {

struct SessionRow {
    ScenarioRow spec; ///< `id` is not stored: the list assigns new ids on load
    /// For an ONNX model: its path relative to the session file's folder (the fallback when the
    /// absolute path no longer exists); empty otherwise.
    QString onnxRelativePath;
    /// The measured file's path relative to the session's folder (the fallback when it moved).
    QString measuredRelativePath;
};

struct SessionData {
    static constexpr int kFormatVersion = 1;
    std::vector<SessionRow> scenarios;          ///< in list order
    std::map<QString, QJsonObject> userPresets; ///< user presets the scenarios use, by id
    int batch = 64;
    std::optional<double> latencyBudget_ms; ///< as the budget box shows it; empty: no budget
    ServingSettings serving;                ///< the serving view's lengths and targets
    DesignSpaceSettings designSpace;        ///< the design-space view's axes and choices
    int selectedScenario = -1;              ///< index into scenarios, or -1
};

/// A session file that cannot be read: the message names the file and, where one is at fault, the
/// field ("s.batchscope: scenarios[2].precision: 'fp12' is not a precision (fp32, ...)").
using SessionError = FileError;

/// Where a scenario's ONNX file is now: its absolute path when that exists; else, for a session
/// read from `sessionFile`, the session's own layout (the relative path from its folder: a project
/// folder moved whole), then the file name next to the session (a session mailed with its model).
/// "" when none of these is a file.
QString locateSessionOnnx(const SessionRow& scenario, const QString& sessionFile);
/// The same search for any file a session refers to: `path`, then `relativePath` from the
/// session's folder, then the file name next to the session; "" when none is a file.
QString locateSessionFile(const QString& path, const QString& relativePath, const QString& sessionFile);

QByteArray sessionToJson(const SessionData& data);
/// Parses and validates a whole session (embedded presets included); throws SessionError.
/// `fileName` only names the file in messages.
SessionData sessionFromJson(const QByteArray& json, const QString& fileName);
/// Reads `path` and parses it; throws SessionError (also when the file cannot be read).
SessionData readSessionFile(const QString& path);

/// Writes atomically (AtomicWrite.h): the previous file is replaced only once the new one is
/// complete, so an interrupted save leaves it intact. On failure returns false and sets *error.
bool saveSessionFile(const QString& path, const SessionData& data, QString* error,
                     const BeforeCommitHook& beforeCommit = {});

} // namespace bs
