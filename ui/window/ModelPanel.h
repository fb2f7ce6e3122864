#pragma once
// Edits the selected scenario: its model (built-in with knobs such as resolution or sequence
// length, or an ONNX file with its symbolic dims), preset, runtime, precision and colour; shows an ONNX
// import's progress (with cancel) and its summary (ops not costed, warnings) or its error.
#include <QWidget>
#include <functional>

class QComboBox;
class QVBoxLayout;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QToolButton;

namespace bs {

class Explorer;
struct HardwarePreset;
struct ScenarioRow;

class ModelPanel : public QWidget {
    Q_OBJECT
  public:
    explicit ModelPanel(Explorer* explorer, QWidget* parent = nullptr);
    void setScenario(int id); ///< -1 disables the panel
    int scenarioId() const { return id_; }
    void refreshPresets();
    QComboBox* modelCombo() const { return model_; }
    QComboBox* presetCombo() const { return preset_; }
    QComboBox* precisionCombo() const { return precision_; }
    QComboBox* runtimeCombo() const { return runtime_; }
    QComboBox* powerModeCombo() const { return powerMode_; }
    QPlainTextEdit* summaryView() const { return summary_; }

  signals:
    void openOnnxRequested();

  private:
    void buildScenarioForm(QVBoxLayout* layout);
    void buildModelRows(QVBoxLayout* layout);
    void connectEditors();
    void connectExplorer();
    void applyDimsText();
    void fillRuntimes(const ScenarioRow& spec, const HardwarePreset* hw);
    void fillPowerModes(const ScenarioRow& spec, const HardwarePreset* hw);
    void rebuild();
    void scheduleRebuild();
    void rebuildKnobs(const ScenarioRow& spec); ///< editors for the model's knobs (model changed)
    void updateKnobValues(const ScenarioRow& spec);
    void updateStatus();
    void apply(const ScenarioRow& spec);
    /// The selected scenario with `change` made to it, applied (nothing when none is selected).
    void editScenario(const std::function<void(ScenarioRow&)>& change);

    Explorer* explorer_;
    int id_ = -1;
    QToolButton* color_;
    QComboBox* model_;
    QFormLayout* knobs_;
    QWidget* knobBox_;
    QLineEdit* dims_;
    QLineEdit* parallel_; ///< "tp=4,dp=2"
    QWidget* dimsRow_;
    QComboBox* preset_;
    QComboBox* precision_;
    QComboBox* runtime_;
    QComboBox* powerMode_;
    QFormLayout* form_;
    QProgressBar* progress_;
    QPushButton* cancel_;
    QPushButton* reload_;
    QLabel* status_;
    QPlainTextEdit* summary_;
    bool updating_ = false;
    bool rebuildPending_ = false;
    QString knobsFor_; ///< model id or file the knob editors were built for
};

} // namespace bs
