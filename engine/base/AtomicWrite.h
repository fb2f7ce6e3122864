#pragma once
// Every file Batchscope writes (sessions, presets, charts, CSV, reports, the autosave marker) is
// written through here: the content goes to a temporary file next to the target, and only a
// complete file replaces it (QSaveFile renames on commit and never falls back to writing in place).
// A failed or interrupted write leaves the previous file intact and no temporary file behind.
#include <QByteArray>
#include <QIODevice>
#include <QString>
#include <functional>

namespace bs {

/// Writes the file's content into the open temporary file; returns "" or why it failed.
using FileContentWriter = std::function<QString(QIODevice& file)>;
/// Called after the content is written and before it replaces the target; returning false abandons
/// the write, as a crash or a full disk would at that point (tests).
using BeforeCommitHook = std::function<bool(QIODevice& file)>;

/// Writes `path` atomically with `write`. On failure returns false and sets *error to
/// "cannot write PATH: WHY".
bool writeFileAtomically(const QString& path, const FileContentWriter& write, QString* error,
                         const BeforeCommitHook& beforeCommit = {});
/// Writes `bytes` to `path` atomically; a short write is a failure.
bool writeFileAtomically(const QString& path, const QByteArray& bytes, QString* error,
                         const BeforeCommitHook& beforeCommit = {});

} // namespace bs
