#include "model/Settings.h"

#include <QDir>
#include <QStandardPaths>

namespace bs {

namespace {
const QString kDark = QStringLiteral("view/darkTheme");
const QString kBatch = QStringLiteral("controls/batch");
const QString kBudget = QStringLiteral("controls/latencyBudgetMs");
const QString kBreakdown = QStringLiteral("view/energyBreakdown");
const QString kRecent = QStringLiteral("files/recent");
const QString kLastDir = QStringLiteral("files/lastDirectory");
const QString kGeometry = QStringLiteral("window/geometry");
const QString kState = QStringLiteral("window/state");
} // namespace

bool Settings::darkTheme() const {
    return s_.value(kDark, false).toBool();
}
void Settings::setDarkTheme(bool on) {
    s_.setValue(kDark, on);
}

int Settings::batch() const {
    const int b = s_.value(kBatch, 64).toInt();
    return b >= 1 && b <= 4096 ? b : 64;
}
void Settings::setBatch(int batch) {
    s_.setValue(kBatch, batch);
}

double Settings::latencyBudgetMs() const {
    const double ms = s_.value(kBudget, 0.0).toDouble();
    return ms > 0 && ms < 1e7 ? ms : 0.0;
}
void Settings::setLatencyBudgetMs(double ms) {
    s_.setValue(kBudget, ms);
}

bool Settings::energyBreakdown() const {
    return s_.value(kBreakdown, false).toBool();
}
void Settings::setEnergyBreakdown(bool on) {
    s_.setValue(kBreakdown, on);
}

QStringList Settings::recentFiles() const {
    return s_.value(kRecent).toStringList();
}
void Settings::addRecentFile(const QString& file) {
    QStringList list = recentFiles();
    list.removeAll(file);
    list.prepend(file);
    while (list.size() > kMaxRecent)
        list.removeLast();
    s_.setValue(kRecent, list);
}

QString Settings::lastDirectory() const {
    return s_.value(kLastDir, QDir::homePath()).toString();
}
void Settings::setLastDirectory(const QString& dir) {
    s_.setValue(kLastDir, dir);
}

QByteArray Settings::windowGeometry() const {
    return s_.value(kGeometry).toByteArray();
}
QByteArray Settings::windowState() const {
    return s_.value(kState).toByteArray();
}
void Settings::setWindow(const QByteArray& geometry, const QByteArray& state) {
    s_.setValue(kGeometry, geometry);
    s_.setValue(kState, state);
}

QString Settings::userPresetDir() {
    const QByteArray env = qgetenv("BATCHSCOPE_USER_PRESET_DIR");
    if (!env.isEmpty()) return QString::fromLocal8Bit(env);
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/presets");
}

} // namespace bs
