#include "base/AtomicWrite.h"

#include <QSaveFile>

namespace bs {

bool writeFileAtomically(const QString& path, const FileContentWriter& write, QString* error,
                         const BeforeCommitHook& beforeCommit) {
    QSaveFile file(path);
    const auto failed = [&](const QString& why) {
        if (error) *error = QStringLiteral("cannot write %1: %2").arg(path, why);
        file.cancelWriting();
        return false;
    };
    if (!file.open(QIODevice::WriteOnly)) return failed(file.errorString());
    if (const QString why = write(file); !why.isEmpty()) return failed(why);
    if (beforeCommit && !beforeCommit(file))
        return failed(QStringLiteral("the write was interrupted; the previous file is unchanged"));
    if (!file.commit()) return failed(file.errorString());
    return true;
}

bool writeFileAtomically(const QString& path, const QByteArray& bytes, QString* error,
                         const BeforeCommitHook& beforeCommit) {
    const auto write = [&](QIODevice& file) {
        return file.write(bytes) == bytes.size() ? QString() : file.errorString();
    };
    return writeFileAtomically(path, write, error, beforeCommit);
}

} // namespace bs
