#pragma once
// Every persisted setting of the window, typed, in one place: no QSettings key strings elsewhere.
#include <QByteArray>
#include <QSettings>
#include <QString>
#include <QStringList>

namespace bs {

class Settings {
  public:
    /// Uses the application's QSettings (organisation/application names set in main()).
    Settings() = default;
    /// For tests: a private INI file.
    explicit Settings(const QString& iniFile) : s_(iniFile, QSettings::IniFormat) {}

    bool darkTheme() const;
    void setDarkTheme(bool on);
    int batch() const; ///< default 64
    void setBatch(int batch);
    double latencyBudgetMs() const; ///< 0 = no budget
    void setLatencyBudgetMs(double ms);
    bool energyBreakdown() const;
    void setEnergyBreakdown(bool on);
    QStringList recentFiles() const;
    /// Puts `file` first (most recent), at most kMaxRecent kept.
    void addRecentFile(const QString& file);
    static constexpr int kMaxRecent = 8;
    QString lastDirectory() const;
    void setLastDirectory(const QString& dir);
    QByteArray windowGeometry() const;
    QByteArray windowState() const;
    void setWindow(const QByteArray& geometry, const QByteArray& state);
    /// Where user presets live: QStandardPaths::AppDataLocation/presets unless overridden by
    /// $BATCHSCOPE_USER_PRESET_DIR (tests, portable setups).
    static QString userPresetDir();

  private:
    QSettings s_;
};

} // namespace bs
