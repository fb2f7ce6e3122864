#include "window/MainWindow.h"

#include "charts/ChartGrid.h"
#include "charts/EnergyChart.h"
#include "charts/LatencyThroughputChart.h"
#include "charts/RooflineChart.h"
#include "charts/UtilizationChart.h"
#include "export/ExportActions.h"
#include "measured/MeasuredActions.h"
#include "model/Explorer.h"
#include "model/PresetStore.h"
#include "model/Settings.h"
#include "presets/PresetEditor.h"
#include "window/BatchControls.h"
#include "window/DesignSpaceView.h"
#include "window/LayerTablePanel.h"
#include "window/ModelPanel.h"
#include "window/PresentationWindow.h"
#include "window/ServingView.h"
#include "window/SessionController.h"
#include "window/SummaryLines.h"
#include "window/Theme.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QLabel>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QScrollArea>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QUndoStack>
#include <QVBoxLayout>

namespace bs {

namespace {
// A dock's contents in a scroll area: the dock's minimum is then a strip, not its contents' width,
// so the window fits a 1024×700 screen with both docks open (narrow docks scroll instead).
QScrollArea* scrollable(QWidget* contents) {
    auto* area = new QScrollArea;
    area->setWidget(contents);
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    area->setMinimumWidth(200);
    return area;
}
} // namespace

MainWindow::MainWindow(const MainWindowOptions& options, QWidget* parent)
    : QMainWindow(parent),
      settings_(options.settingsFile.isEmpty() ? std::make_unique<Settings>()
                                               : std::make_unique<Settings>(options.settingsFile)) {
    setWindowTitle(tr("Batchscope — what batch size does to a model on a chip"));
    setAcceptDrops(true);
    setDockNestingEnabled(true);

    const QString userDir =
        options.userPresetDir.isEmpty() ? Settings::userPresetDir() : options.userPresetDir;
    presets_ = new PresetStore(QString::fromStdString(shippedPresetDir()), userDir, this);
    explorer_ = new Explorer(presets_, this);

    buildCentre();
    buildDocks();
    buildMenus();
    addDockToggles();
    buildStatusBar();
    connectViews();
    connectPresetEditor();
    applySettings(options);
    if (options.defaultScenarios) explorer_->addDefaultScenarios();
    if (explorer_->scenarios()->rowCount() > 0) selectScenario(explorer_->scenarios()->specs().front().id);
    session_->startUnchanged();
}

// Top: the batch controls; centre: summary lines, the 2×2 charts and the layer table.
void MainWindow::buildCentre() {
    // The batch and budget controls sit in a toolbar so they stay put.
    controls_ = new BatchControls;
    auto* controlBar = addToolBar(tr("Batch"));
    controlBar->setObjectName(QStringLiteral("batchToolBar"));
    controlBar->setMovable(false);
    controlBar->addWidget(controls_);

    // Centre: summary lines, the 2×2 charts, the layer table.
    summary_ = new SummaryLines;
    charts_ = new ChartGrid(2);
    serving_ = new ServingView;
    chartTabs_ = new QTabWidget;
    chartTabs_->setObjectName(QStringLiteral("chartTabs"));
    chartTabs_->setDocumentMode(true);
    chartTabs_->addTab(charts_, tr("Batch"));
    chartTabs_->addTab(serving_, tr("Serving (LLM)"));
    design_ = new DesignSpaceView(explorer_);
    // Scrolls when the window is small (1024×700): its two rows of controls are wider than the charts need.
    chartTabs_->addTab(scrollable(design_), tr("Design space"));
    chartTabs_->setTabToolTip(
        2, tr("Sweep preset fields (bandwidth, on-chip SRAM, units, power, price) or model "
              "knobs over the shown scenarios: the metric against them, a heat map with "
              "the latency budget's contour, and the Pareto front."));
    chartTabs_->setTabToolTip(0, tr("What the batch does to every scenario: roofline, utilization, "
                                    "latency vs throughput, energy."));
    chartTabs_->setTabToolTip(1, tr("LLM generation of the decoder scenarios: throughput vs "
                                    "interactivity, TTFT and TPOT against targets, memory and the "
                                    "KV-cache wall."));
    table_ = new LayerTablePanel;
    auto* splitter = new QSplitter(Qt::Vertical);
    splitter->setObjectName(QStringLiteral("centralSplitter"));
    auto* top = new QWidget;
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->setSpacing(0);
    topLayout->addWidget(summary_);
    topLayout->addWidget(chartTabs_, 1);
    splitter->addWidget(top);
    splitter->addWidget(table_);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({640, 300});
    setCentralWidget(splitter);
}

// Left: the scenario list and the selected scenario's editor; right (hidden): the preset editor.
void MainWindow::buildDocks() {
    list_ = new QListView;
    list_->setObjectName(QStringLiteral("scenarioList"));
    list_->setModel(explorer_->scenarios());
    list_->setSelectionMode(QAbstractItemView::SingleSelection);
    list_->setToolTip(
        tr("Scenarios: model × hardware × runtime × precision. Tick to show, select to edit and to see "
           "its layers in the table."));
    modelPanel_ = new ModelPanel(explorer_);
    auto* left = new QSplitter(Qt::Vertical);
    left->addWidget(list_);
    left->addWidget(modelPanel_);
    left->setSizes({160, 400});
    scenarioDock_ = new QDockWidget(tr("Scenarios"), this);
    scenarioDock_->setObjectName(QStringLiteral("scenarioDock"));
    scenarioDock_->setWidget(scrollable(left));
    addDockWidget(Qt::LeftDockWidgetArea, scenarioDock_);

    presetEditor_ = new PresetEditor(presets_);
    presetDock_ = new QDockWidget(tr("Preset editor"), this);
    presetDock_->setObjectName(QStringLiteral("presetDock"));
    presetDock_->setWidget(scrollable(presetEditor_));
    addDockWidget(Qt::RightDockWidgetArea, presetDock_);
    presetDock_->hide();
    // Three columns (scenarios, charts, editor) leave the charts a strip on a small screen: there
    // the editor opens as a tab beside the scenario list instead.
    connect(presetDock_, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (!visible || presetDock_->isFloating() || width() >= kSideBySideDocksWidth_px) return;
        if (!tabifiedDockWidgets(scenarioDock_).contains(presetDock_)) {
            tabifyDockWidget(scenarioDock_, presetDock_);
            presetDock_->raise();
        }
    });
}

void MainWindow::addDockToggles() {
    auto* viewMenu = menuBar()->findChild<QMenu*>(QStringLiteral("viewMenu"));
    if (viewMenu) {
        viewMenu->addSeparator();
        viewMenu->addAction(scenarioDock_->toggleViewAction());
        viewMenu->addAction(presetDock_->toggleViewAction());
    }
    if (auto* tools = findChild<QToolBar*>(QStringLiteral("scenarioToolBar"))) {
        QAction* presetsAction = presetDock_->toggleViewAction();
        presetsAction->setText(tr("Preset editor"));
        presetsAction->setToolTip(
            tr("Show the hardware preset editor: duplicate a built-in preset to edit it"));
        tools->addAction(presetsAction);
    }
}

void MainWindow::buildStatusBar() {
    busy_ = new QLabel;
    busy_->setObjectName(QStringLiteral("busyLabel"));
    statusBar()->addPermanentWidget(busy_);
    if (presets_->ids().isEmpty())
        statusBar()->addPermanentWidget(
            new QLabel(tr("<b>No hardware presets found</b> in %1 (set BATCHSCOPE_PRESET_DIR)")
                           .arg(QString::fromStdString(shippedPresetDir()).toHtmlEscaped())));
}

// The views follow the explorer and select in both directions.
void MainWindow::connectViews() {
    summaryTimer_.setSingleShot(true);
    summaryTimer_.setInterval(80);
    connect(&summaryTimer_, &QTimer::timeout, this, [this] { summary_->setSnapshot(explorer_->snapshot()); });
    connect(explorer_, &Explorer::snapshotChanged, this, &MainWindow::onSnapshot);
    // A permanent label: transient messages ("Importing…", "Added a scenario…") stay readable.
    connect(explorer_, &Explorer::busyChanged, this, [this](bool busy) {
        busy_->setText(busy ? tr("Evaluating…") : tr("Ready"));
        // "Importing x…" ends with the import; the model panel says how it went.
        if (!busy && statusBar()->currentMessage().startsWith(tr("Importing"))) statusBar()->clearMessage();
    });
    connect(controls_, &BatchControls::batchChanged, explorer_, &Explorer::setBatch);
    connect(controls_, &BatchControls::inputRefused, this,
            [this](const QString& message) { statusBar()->showMessage(message, 8000); });
    connect(controls_, &BatchControls::latencyBudgetChanged, explorer_, &Explorer::setLatencyBudget);
    connect(controls_, &BatchControls::perDeviceChanged, explorer_, &Explorer::setPerDevice);
    connect(list_->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& cur) {
                const int id = cur.isValid() ? cur.data(ScenarioListModel::IdRole).toInt() : -1;
                explorer_->selectScenario(id);
                // The table keeps its row when the new scenario has the same layers; the roofline
                // ring must agree with it either way.
                table_->selectLayer(explorer_->snapshot().selectedLayer);
                modelPanel_->setScenario(id);
                if (const ScenarioRow* s = explorer_->scenarios()->find(id))
                    presetEditor_->showPreset(s->presetId);
            });
    connect(charts_->roofline(), &RooflineChart::layerClicked, this, [this](int scenarioIndex, int layer) {
        const auto& sc = explorer_->snapshot().scenarios;
        if (scenarioIndex < 0 || scenarioIndex >= static_cast<int>(sc.size())) return;
        selectScenario(sc[static_cast<std::size_t>(scenarioIndex)].id);
        explorer_->selectLayer(layer);
        table_->selectLayer(layer);
    });
    connect(table_, &LayerTablePanel::layerSelected, explorer_, &Explorer::selectLayer);
    for (SnapshotChart* chart : charts_->charts())
        connect(chart, &SnapshotChart::batchClicked, controls_, &BatchControls::setBatch);
    connect(serving_, &ServingView::batchClicked, controls_, &BatchControls::setBatch);
    connect(design_, &DesignSpaceView::scenarioAdded, this, [this](int id, const QString& message) {
        selectScenario(id);
        statusBar()->showMessage(message, 8000);
    });
    connect(serving_, &ServingView::settingsChanged, explorer_, &Explorer::setServing);
    connect(modelPanel_, &ModelPanel::openOnnxRequested, this, &MainWindow::chooseOnnx);
}

// The preset editor's messages, "duplicate to edit" and deleted copies.
void MainWindow::connectPresetEditor() {
    connect(presetEditor_, &PresetEditor::statusMessage, this,
            [this](const QString& m) { statusBar()->showMessage(m, 5000); });
    connect(presetEditor_, &PresetEditor::presetCreated, this, [this](const QString& id) {
        // "Duplicate to edit" on the selected scenario's preset: a new scenario runs the same model
        // on the copy, so every edit shows against the original side by side.
        const ScenarioRow* s = explorer_->scenarios()->find(explorer_->selectedScenarioId());
        if (!s || presets_->originOf(id) != s->presetId) return;
        ScenarioRow copy = *s;
        copy.presetId = id;
        copy.color = QColor();
        const int newId = explorer_->scenarios()->add(copy);
        selectScenario(newId);
        statusBar()->showMessage(tr("Added a scenario on %1; edits to it re-evaluate that scenario").arg(id),
                                 8000);
    });

    connect(presets_, &PresetStore::presetRemoved, this, [this](const QString& id, const QString& origin) {
        // Scenarios on a deleted copy go back to the preset it came from rather than to an error.
        if (origin.isEmpty() || !presets_->contains(origin)) return;
        int moved = 0;
        for (ScenarioRow s : explorer_->scenarios()->specs()) {
            if (s.presetId != id) continue;
            s.presetId = origin;
            if (const auto hw = presets_->find(origin); hw && !hw->supports(s.precision))
                s.precision = hw->defaultPrecision;
            explorer_->scenarios()->update(s);
            ++moved;
        }
        if (moved > 0)
            statusBar()->showMessage(
                tr("%1 deleted: %n scenario(s) moved back to %2", nullptr, moved).arg(id, origin), 8000);
    });
}

void MainWindow::applySettings(const MainWindowOptions& options) {
    controls_->setBatch(settings_->batch());
    explorer_->setBatch(controls_->batch());
    const double budgetMs = settings_->latencyBudgetMs();
    controls_->setLatencyBudget_s(budgetMs > 0 ? std::optional<double>(budgetMs * 1e-3) : std::nullopt);
    charts_->energy()->setBreakdownVisible(settings_->energyBreakdown());
    breakdownAction_->setChecked(settings_->energyBreakdown());
    if (options.restoreWindowState) {
        restoreGeometry(settings_->windowGeometry());
        restoreState(settings_->windowState());
    }
    setDarkTheme(settings_->darkTheme());
    for (const PresetIssue& issue : presets_->loadIssues())
        if (!issue.warning) statusBar()->showMessage(QString::fromStdString(issue.str()), 15000);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus() {
    QAction* open = buildFileMenu();
    buildExportAndMeasuredMenus();
    buildEditMenu();
    const QList<QAction*> scenarioActions = buildScenarioMenu();
    buildViewMenu();
    buildHelpMenu();
    buildToolBar(open, scenarioActions);
}

// Open model (returned for the toolbar), recent files, the session actions, Quit.
QAction* MainWindow::buildFileMenu() {
    auto* file = menuBar()->addMenu(tr("&File"));
    auto* open = file->addAction(tr("&Open model…"), this, &MainWindow::chooseOnnx);
    open->setShortcut(QKeySequence::Open);
    open->setToolTip(tr("Import an ONNX model (also: drag a .onnx file onto the window) or a decoder LLM's "
                        "Hugging Face config.json"));
    recentMenu_ = file->addMenu(tr("Open &recent"));
    updateRecentMenu();
    file->addSeparator();
    session_ = new SessionController(sessionTarget(), this);
    file->addActions(session_->fileActions());
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    return open;
}

void MainWindow::buildExportAndMeasuredMenus() {
    auto* exports = new ExportActions(explorer_, charts_, this, this);
    exports->showStatus = [this](const QString& m) { statusBar()->showMessage(m, 5000); };
    auto* exportMenu = menuBar()->addMenu(tr("E&xport"));
    exportMenu->setObjectName(QStringLiteral("exportMenu"));
    exportMenu->addActions(exports->actions());

    auto* measured = new MeasuredActions(explorer_, this, this);
    measured->selectScenario = [this](int id) { selectScenario(id); };
    addDockWidget(Qt::BottomDockWidgetArea, measured->dock());
    measured->dock()->hide();
    auto* measuredMenu = menuBar()->addMenu(tr("&Measured"));
    measuredMenu->setObjectName(QStringLiteral("measuredMenu"));
    measuredMenu->addActions(measured->actions());
}

void MainWindow::buildEditMenu() {
    auto* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = presetEditor_->undoStack()->createUndoAction(this, tr("Undo preset edit"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = presetEditor_->undoStack()->createRedoAction(this, tr("Redo preset edit"));
    redo->setShortcut(QKeySequence::Redo);
    edit->addAction(undo);
    edit->addAction(redo);
}

// Add, Duplicate, Remove (returned for the toolbar).
QList<QAction*> MainWindow::buildScenarioMenu() {
    auto* scen = menuBar()->addMenu(tr("&Scenario"));
    auto* add = scen->addAction(tr("&Add"), this, &MainWindow::addScenario);
    add->setToolTip(tr("Add a scenario (a copy of the selected one's model on the next preset)"));
    auto* dup = scen->addAction(tr("&Duplicate"), this, [this] {
        const int id = explorer_->scenarios()->duplicate(explorer_->selectedScenarioId());
        if (id >= 0) selectScenario(id);
    });
    dup->setToolTip(tr("Duplicate the selected scenario (then change its model, preset or precision)"));
    auto* rem = scen->addAction(tr("&Remove"), this, [this] {
        explorer_->scenarios()->remove(explorer_->selectedScenarioId());
        if (!explorer_->scenarios()->specs().empty())
            selectScenario(explorer_->scenarios()->specs().front().id);
    });
    rem->setShortcut(QKeySequence::Delete);
    // Delete acts on the scenario list only: in the layer table or a text field it must not
    // remove a scenario.
    rem->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    list_->addAction(rem);
    rem->setToolTip(tr("Remove the selected scenario"));

    return {add, dup, rem};
}

void MainWindow::buildViewMenu() {
    auto* view = menuBar()->addMenu(tr("&View"));
    view->setObjectName(QStringLiteral("viewMenu"));
    darkAction_ = view->addAction(tr("&Dark theme"));
    darkAction_->setCheckable(true);
    connect(darkAction_, &QAction::toggled, this, &MainWindow::setDarkTheme);
    breakdownAction_ = view->addAction(tr("&Energy breakdown"));
    breakdownAction_->setCheckable(true);
    breakdownAction_->setToolTip(
        tr("Split the selected scenario's energy per inference into static, compute, "
           "DRAM and on-chip memory"));
    connect(breakdownAction_, &QAction::toggled, charts_->energy(), &EnergyChart::setBreakdownVisible);
    view->addSeparator();
    auto* present = view->addAction(tr("&Presentation mode"), this, [this] { startPresentation(); });
    present->setShortcut(Qt::Key_F5);
    present->setToolTip(tr("The four charts full screen with large type; arrow keys step the batch, Space "
                           "plays the batch sweep, Esc leaves"));
    connect(charts_->energy(), &EnergyChart::breakdownVisibleChanged, breakdownAction_, &QAction::setChecked);
}

void MainWindow::buildHelpMenu() {
    auto* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Metrics…"), this, &MainWindow::showMetricHelp);
    help->addAction(tr("&About Batchscope"), this, [this] {
        QMessageBox::about(this, tr("About Batchscope"),
                           tr("Batchscope places every layer of a model on a chip's roofline and shows what "
                              "batch size does to latency, throughput, utilization and energy.\nFormulas: "
                              "docs/MODEL.md. Presets and their sources: docs/PRESETS.md."));
    });
}

void MainWindow::buildToolBar(QAction* open, const QList<QAction*>& scenarioActions) {
    auto* tools = addToolBar(tr("Scenarios"));
    tools->setObjectName(QStringLiteral("scenarioToolBar"));
    tools->addAction(open);
    tools->addSeparator();
    tools->addActions(scenarioActions);
    tools->addSeparator();
    tools->addAction(darkAction_);
    tools->addAction(breakdownAction_);
    insertToolBarBreak(tools);
}

SessionTarget MainWindow::sessionTarget() {
    SessionTarget t;
    t.explorer = explorer_;
    t.batch = controls_;
    t.window = this;
    t.selectScenario = [this](int id) {
        if (id < 0)
            list_->setCurrentIndex({});
        else
            selectScenario(id);
    };
    t.showStatus = [this](const QString& m) { statusBar()->showMessage(m, 8000); };
    return t;
}

PresentationWindow* MainWindow::startPresentation() {
    auto* p = new PresentationWindow(explorer_, controls_, screen());
    for (SnapshotChart* c : p->charts())
        c->setDarkTheme(dark_);
    p->showFullScreen();
    p->activateWindow();
    p->setFocus();
    return p;
}

void MainWindow::showMetricHelp() {
    QMessageBox::information(
        this, tr("Metrics"),
        tr("<b>Arithmetic intensity</b>: FLOPs per byte moved through the memory level that bounds the "
           "layer.<br>"
           "<b>Attained FLOP/s</b>: a layer's FLOPs ÷ its latency (FLOPs = 2 × MACs + vector FLOPs).<br>"
           "<b>Ridge</b>: peak FLOP/s ÷ DRAM bandwidth; layers left of it are memory-bound.<br>"
           "<b>Utilization</b>: total FLOPs ÷ (latency × dense peak), FLOP-weighted over layers.<br>"
           "<b>Latency</b>: one batch end to end; <b>throughput</b>: batch ÷ latency.<br>"
           "<b>Energy per inference</b>: (static power × latency + compute + DRAM + on-chip energy) ÷ "
           "batch.<br>"
           "<b>Critical batch</b>: the batch from which a layer's compute time reaches its memory time.<br>"
           "Details and sources: docs/MODEL.md."));
}

void MainWindow::selectScenario(int id) {
    const int row = explorer_->scenarios()->rowOf(id);
    if (row < 0) return;
    list_->setCurrentIndex(explorer_->scenarios()->index(row));
}

void MainWindow::addScenario() {
    const ScenarioRow* cur = explorer_->scenarios()->find(explorer_->selectedScenarioId());
    const QStringList ids = presets_->ids();
    if (ids.isEmpty()) return;
    QString preset = ids.front();
    if (cur) preset = ids[(ids.indexOf(cur->presetId) + 1) % ids.size()];
    const int id = explorer_->addScenario(
        cur ? (cur->isOnnx() ? cur->onnxPath : cur->modelId) : QStringLiteral("resnet50"), preset);
    if (cur) {
        ScenarioRow s = *explorer_->scenarios()->find(id);
        s.knobs = cur->knobs;
        s.dims = cur->dims;
        explorer_->scenarios()->update(s);
    }
    selectScenario(id);
}

void MainWindow::openOnnx(const QString& file) {
    const ScenarioRow* cur = explorer_->scenarios()->find(explorer_->selectedScenarioId());
    const QString preset = cur ? cur->presetId : QStringLiteral("h100-sxm");
    if (presets_->ids().isEmpty()) {
        statusBar()->showMessage(tr("No hardware presets: cannot add a scenario"), 8000);
        return;
    }
    const int id =
        explorer_->addScenario(file, presets_->contains(preset) ? preset : presets_->ids().value(0));
    // Opening a file again reads it again (it may have been re-exported since).
    explorer_->reloadModel(*explorer_->scenarios()->find(id));
    settings_->addRecentFile(QFileInfo(file).absoluteFilePath());
    settings_->setLastDirectory(QFileInfo(file).absolutePath());
    updateRecentMenu();
    selectScenario(id);
    statusBar()->showMessage(tr("Importing %1…").arg(QFileInfo(file).fileName()));
}

void MainWindow::chooseOnnx() {
    const QString file = QFileDialog::getOpenFileName(
        this, tr("Open model"), settings_->lastDirectory(),
        tr("Models (*.onnx *.json);;ONNX models (*.onnx);;Hugging Face configs (*.json);;All files (*)"));
    if (!file.isEmpty()) openOnnx(file);
}

void MainWindow::updateRecentMenu() {
    recentMenu_->clear();
    const QStringList files = settings_->recentFiles();
    for (const QString& f : files)
        recentMenu_->addAction(QFileInfo(f).fileName(), this, [this, f] { openOnnx(f); })->setToolTip(f);
    recentMenu_->setEnabled(!files.isEmpty());
}

void MainWindow::onSnapshot(const ExplorerSnapshot& s, unsigned changes) {
    charts_->setSnapshot(s, changes);
    serving_->setSnapshot(s, changes);
    if (!(s.serving == serving_->settings())) serving_->setSettings(s.serving); // a session loaded
    const EvaluatedScenario* sel =
        s.selectedScenario >= 0 ? &s.scenarios[static_cast<std::size_t>(s.selectedScenario)] : nullptr;
    if (changes & (ChangeSweeps | ChangeBatch | ChangeSelection)) {
        QString hint;
        if (!sel)
            if (const ScenarioRow* spec = explorer_->scenarios()->find(explorer_->selectedScenarioId()))
                hint = tr("%1 is hidden: tick it in the scenario list to see its layers.")
                           .arg(explorer_->scenarios()->label(*spec));
        table_->setScenario(sel, hint);
    }
    // While the slider moves the charts get every step; the summary text (a story per scenario and
    // a rich-text layout each) follows once the slider rests for a moment.
    if (changes == ChangeBatch)
        summaryTimer_.start();
    else
        summary_->setSnapshot(s);
}

QStringList MainWindow::summaryLines() const {
    return summary_->lines();
}

void MainWindow::setDarkTheme(bool dark) {
    dark_ = dark;
    if (darkAction_ && darkAction_->isChecked() != dark) darkAction_->setChecked(dark);
    applyApplicationTheme(dark);
    charts_->setDarkTheme(dark);
    serving_->setDarkTheme(dark);
    design_->setDarkTheme(dark);
    settings_->setDarkTheme(dark);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    // Only an interactive window (autosave running) asks; tests close windows freely.
    if (session_->autosaveRunning() && session_->isDirty()) {
        const auto answer = QMessageBox::question(
            this, tr("Unsaved session"), tr("Save the changes to this session before closing?"),
            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
        if (answer == QMessageBox::Cancel || (answer == QMessageBox::Save && !session_->saveSession())) {
            event->ignore();
            return;
        }
    }
    session_->cleanExit();
    settings_->setWindow(saveGeometry(), saveState());
    settings_->setBatch(controls_->batch());
    const auto budget = controls_->latencyBudget_s();
    settings_->setLatencyBudgetMs(budget ? *budget * 1e3 : 0.0);
    settings_->setEnergyBreakdown(charts_->energy()->breakdownVisible());
    explorer_->cancelImports();
    QMainWindow::closeEvent(event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile() && url.toLocalFile().endsWith(QStringLiteral(".onnx"), Qt::CaseInsensitive)) {
            event->acceptProposedAction();
            return;
        }
}

void MainWindow::dropEvent(QDropEvent* event) {
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile() && url.toLocalFile().endsWith(QStringLiteral(".onnx"), Qt::CaseInsensitive))
            openOnnx(url.toLocalFile());
    event->acceptProposedAction();
}

} // namespace bs
