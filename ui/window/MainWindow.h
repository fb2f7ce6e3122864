#pragma once
// The explorer window: the scenario list and the selected scenario's editor on the left, the batch
// and latency-budget controls on top, one summary line per scenario, the four linked charts, the
// per-layer table, and the preset editor in a dock. It wires views to the Explorer and holds no
// evaluation logic of its own.
#include "window/SessionController.h"

#include <QList>
#include <QMainWindow>
#include <QTimer>
#include <memory>
#include <vector>

class QDockWidget;
class QLabel;
class QListView;
class QMenu;
class QTabWidget;

namespace bs {

class BatchControls;
class ChartGrid;
class Explorer;
class LayerTablePanel;
class ModelPanel;
class PresetEditor;
class PresentationWindow;
class SessionController;
class PresetStore;
class ServingView;
class DesignSpaceView;
class SummaryLines;
class Settings;
struct ExplorerSnapshot;

struct MainWindowOptions {
    QString settingsFile;           ///< empty: the application's QSettings
    QString userPresetDir;          ///< empty: Settings::userPresetDir()
    bool defaultScenarios = true;   ///< start with the seeds' comparison
    bool restoreWindowState = true; ///< geometry and dock layout from the last session
};

class MainWindow : public QMainWindow {
    Q_OBJECT
  public:
    explicit MainWindow(const MainWindowOptions& options = {}, QWidget* parent = nullptr);
    ~MainWindow() override;

    Explorer* explorer() const { return explorer_; }
    BatchControls* batchControls() const { return controls_; }
    /// The four linked charts.
    ChartGrid* charts() const { return charts_; }
    /// The LLM serving view, a tab beside the batch charts.
    ServingView* servingView() const { return serving_; }
    DesignSpaceView* designSpaceView() const { return design_; }
    /// The tabs "Batch" (the four batch charts) and "Serving".
    QTabWidget* chartTabs() const { return chartTabs_; }
    LayerTablePanel* layerTable() const { return table_; }
    ModelPanel* modelPanel() const { return modelPanel_; }
    PresetEditor* presetEditor() const { return presetEditor_; }
    QListView* scenarioList() const { return list_; }
    /// The summary lines, one label per visible scenario (full story in each line's tooltip).
    SummaryLines* summary() const { return summary_; }
    QStringList summaryLines() const;
    /// Adds a scenario for `file` on the selected scenario's preset (import runs in the background).
    void openOnnx(const QString& file);
    void setDarkTheme(bool dark);
    bool darkTheme() const { return dark_; }
    /// Opens the charts full screen with large type (F5); returns the window (it deletes itself on close).
    PresentationWindow* startPresentation();
    /// Session files, autosave and recovery. main() calls session()->startAutosave() once the
    /// window is shown; tests do not, so they never touch the user's autosave.
    SessionController* session() const { return session_; }
    /// What a SessionController acts on in this window (the window's own uses it; tests make more).
    SessionTarget sessionTarget();
    /// Selects scenario `id` in the explorer and the list; -1 clears the list's selection.
    void selectScenario(int id);

  protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

  private:
    void buildCentre();
    void buildDocks();
    void addDockToggles();
    void buildStatusBar();
    void connectViews();
    void connectPresetEditor();
    void applySettings(const MainWindowOptions& options);
    void buildMenus();
    QAction* buildFileMenu();
    void buildExportAndMeasuredMenus();
    void buildEditMenu();
    QList<QAction*> buildScenarioMenu();
    void buildViewMenu();
    void buildHelpMenu();
    void buildToolBar(QAction* open, const QList<QAction*>& scenarioActions);
    void onSnapshot(const ExplorerSnapshot& s, unsigned changes);
    void updateRecentMenu();
    void chooseOnnx();
    void addScenario();
    void showMetricHelp();

    std::unique_ptr<Settings> settings_;
    PresetStore* presets_;
    Explorer* explorer_;
    BatchControls* controls_;
    QListView* list_;
    ModelPanel* modelPanel_;
    SummaryLines* summary_;
    /// Narrower windows open the preset editor as a tab beside the scenarios, not as a third column.
    static constexpr int kSideBySideDocksWidth_px = 1400;
    ChartGrid* charts_;
    ServingView* serving_;
    DesignSpaceView* design_;
    QTabWidget* chartTabs_;
    LayerTablePanel* table_;
    PresetEditor* presetEditor_;
    QDockWidget* scenarioDock_ = nullptr;
    QDockWidget* presetDock_ = nullptr;
    QMenu* recentMenu_ = nullptr;
    QLabel* busy_ = nullptr;
    SessionController* session_ = nullptr;
    QAction* darkAction_ = nullptr;
    QAction* breakdownAction_ = nullptr;
    bool dark_ = false;
    QTimer summaryTimer_;
};

} // namespace bs
