#pragma once
// The explorer's state and evaluation: the scenario list, the current batch, the latency budget and
// the selection, turned into ExplorerSnapshots for the views.
//
// Work that can take long runs on a private thread pool, never on the UI thread: building or
// importing a model (an ONNX import forks libonnx shape inference, with progress and cancel) and
// sweeping a scenario over the batch grid. Each job carries the key it was started for; results
// whose key is no longer wanted are dropped (a slider or an edit that moved on makes them stale).
// A batch step only re-evaluates every scenario at the new batch (microseconds per scenario), so
// it happens on the UI thread and the views get ChangeBatch without any sweep being redone.
#include "model/ExplorerTypes.h"
#include "model/ScenarioListModel.h"
#include "onnx/OnnxImport.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QThreadPool>
#include <QTimer>
#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <set>

namespace bs {

class PresetStore;

class Explorer : public QObject {
    Q_OBJECT
  public:
    explicit Explorer(PresetStore* presets, QObject* parent = nullptr);
    ~Explorer() override; ///< cancels imports and waits for running jobs

    ScenarioListModel* scenarios() { return &scenarios_; }
    PresetStore* presets() const { return presets_; }
    const ExplorerSnapshot& snapshot() const { return snap_; }

    int batch() const { return batch_; }
    void setBatch(int batch);
    std::optional<double> latencyBudget() const { return budget_s_; }
    void setLatencyBudget(std::optional<double> budget_s);
    /// The serving view's lengths and targets: new lengths recompute the decoder scenarios'
    /// generations (on the pool); new targets only move the recommendations.
    const ServingSettings& serving() const { return serving_; }
    void setServing(const ServingSettings& serving);
    /// The design-space view's set-up; held here so that sessions save and restore it. Nothing
    /// is recomputed: the view runs its sweep when asked.
    const DesignSpaceSettings& designSpace() const { return designSpace_; }
    void setDesignSpace(const DesignSpaceSettings& settings);
    /// Throughput per device on the batch charts (EvaluatedScenario::throughputScale).
    void setPerDevice(bool perDevice);
    int selectedScenarioId() const { return selectedId_; }
    void selectScenario(int id);
    void selectLayer(int layerIndex); ///< in the selected scenario; -1 clears

    /// ResNet-50 and ResNet-18 on H100 SXM and TPU v4 (the seeds' comparison).
    void addDefaultScenarios();
    /// A new scenario for a built-in model or an ONNX file on `presetId` at the preset's default
    /// precision; returns its id.
    int addScenario(const QString& modelIdOrFile, const QString& presetId);

    /// What is known about a scenario's model: ready, being prepared, or failed (with the message
    /// and, for an ONNX file, the symbolic dims that still need values).
    struct ModelStatus {
        std::shared_ptr<const PreparedModel> model;
        std::shared_ptr<const OnnxSummary> onnx;
        bool preparing = false;
        QString error;
        QStringList unboundDims;
    };
    ModelStatus modelStatus(const Scenario& spec) const;
    bool isBusy() const { return jobsRunning_ > 0 || refreshTimer_.isActive(); }
    void cancelImports();
    /// Cancels the import of one model (the scenario panel's Cancel button).
    void cancelImport(const QString& modelKey);
    /// Forgets a finished (or failed, or cancelled) model so that it is built or imported again.
    void reloadModel(const ScenarioRow& spec);

  signals:
    void snapshotChanged(const bs::ExplorerSnapshot& snapshot, unsigned changes);
    void busyChanged(bool busy);
    /// setServing() changed the lengths or the targets (sessions save them).
    void servingChanged();
    /// setDesignSpace() changed the design-space view's set-up (sessions save it).
    void designSpaceChanged();
    /// An ONNX import (or a model build) reached `stage` (step of steps).
    void modelProgress(const QString& modelKey, int step, int steps, const QString& stage);
    /// A model finished preparing (error empty) or failed.
    void modelPrepared(const QString& modelKey, const QString& error);

  private:
    struct ModelEntry {
        std::shared_ptr<const PreparedModel> model;
        std::shared_ptr<const OnnxSummary> onnx;
        QString error;
        QStringList unboundDims;
        bool preparing = false;
        std::shared_ptr<std::atomic<bool>> cancel;
    };
    struct SweepTask {
        QString key;
        std::shared_ptr<const PreparedModel> model;
        std::shared_ptr<const HardwarePreset> hardware;
        std::shared_ptr<const Runtime> runtime;
        Precision precision;
        Quantization quant;
        Scenario scenario; ///< for its parallel layout (withParallel)
    };

    void scheduleRefresh();
    void refresh();
    void startPreparing(const ScenarioRow& spec);
    void startSweep(SweepTask task);
    /// Computes a decoder scenario's generation over the grid (computeServing) on the pool;
    /// `task.key` is its servingKey().
    void startServing(const ScenarioRow& spec, SweepTask task);
    /// Model, preset (with its edit revision) and precision: what a sweep depends on.
    QString sweepKey(const ScenarioRow& spec) const;
    /// The sweep key plus the serving lengths.
    QString servingKey(const ScenarioRow& spec) const;
    void publish(unsigned changes);
    void resolveSelection();
    /// Reads (once per file version) and compares the scenario's measured sweep.
    void attachMeasured(EvaluatedScenario& e, const ScenarioRow& spec);
    void jobStarted();
    void jobFinished();

    PresetStore* presets_;
    ScenarioListModel scenarios_;
    ExplorerSnapshot snap_;
    int batch_ = 64;
    std::optional<double> budget_s_;
    bool perDevice_ = false;
    ServingSettings serving_;
    DesignSpaceSettings designSpace_;
    int selectedId_ = -1;
    int selectedLayer_ = -1;
    QHash<QString, ModelEntry> models_;
    QHash<QString, int> presetRevision_;
    struct MeasuredFile {
        QDateTime modified;
        std::shared_ptr<const MeasuredSet> set;
        QString error;
    };
    QHash<QString, MeasuredFile> measuredFiles_;
    std::map<QString, std::vector<SweepPoint>> sweeps_;
    std::set<QString> sweepsInFlight_;
    /// Generations by servingKey(); nullopt: the scenario's model is not a decoder LLM.
    std::map<QString, std::optional<ServingCurve>> servings_;
    std::set<QString> servingsInFlight_;
    QThreadPool pool_;
    QTimer refreshTimer_;
    int jobsRunning_ = 0;
};

} // namespace bs
