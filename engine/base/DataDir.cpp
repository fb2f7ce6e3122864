#include "base/DataDir.h"

#include <QCoreApplication>
#include <QDir>

namespace bs {

std::string shippedPresetDir() {
    const QByteArray env = qgetenv("BATCHSCOPE_PRESET_DIR");
    if (!env.isEmpty()) return env.toStdString();
    if (QCoreApplication::instance()) {
        const QString installed =
            QCoreApplication::applicationDirPath() + QStringLiteral("/../share/batchscope/presets");
        if (QDir(installed).exists()) return QDir::cleanPath(installed).toStdString();
    }
#ifdef BATCHSCOPE_SOURCE_PRESET_DIR
    return BATCHSCOPE_SOURCE_PRESET_DIR;
#else
    return "presets";
#endif
}

} // namespace bs
