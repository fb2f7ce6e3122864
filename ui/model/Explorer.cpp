#include "model/Explorer.h"

#include "measured/Measured.h"
#include "model/PresetStore.h"
#include "model/SnapshotBuilder.h"
#include "scenario/Pipeline.h"

#include <QFileInfo>
#include <algorithm>
#include <cmath>

namespace bs {

Explorer::Explorer(PresetStore* presets, QObject* parent)
    : QObject(parent), presets_(presets), scenarios_(presets) {
    // Two cores on the machines this runs on in CI; more where there are more.
    pool_.setMaxThreadCount(std::max(2, QThread::idealThreadCount() - 1));
    refreshTimer_.setSingleShot(true);
    refreshTimer_.setInterval(0);
    connect(&refreshTimer_, &QTimer::timeout, this, &Explorer::refresh);
    connect(&scenarios_, &ScenarioListModel::specChanged, this, &Explorer::scheduleRefresh);
    connect(&scenarios_, &ScenarioListModel::visibilityChanged, this, &Explorer::scheduleRefresh);
    connect(&scenarios_, &QAbstractItemModel::rowsInserted, this, &Explorer::scheduleRefresh);
    connect(&scenarios_, &QAbstractItemModel::rowsRemoved, this, &Explorer::scheduleRefresh);
    if (presets_) {
        connect(presets_, &PresetStore::presetChanged, this, [this](const QString& id) {
            ++presetRevision_[id];
            scheduleRefresh();
        });
        connect(presets_, &PresetStore::presetsChanged, this, &Explorer::scheduleRefresh);
    }
}

Explorer::~Explorer() {
    cancelImports();
    pool_.waitForDone();
}

void Explorer::scheduleRefresh() {
    const bool wasBusy = isBusy();
    refreshTimer_.start();
    if (!wasBusy) emit busyChanged(true);
}

void Explorer::jobStarted() {
    const bool wasBusy = isBusy();
    ++jobsRunning_;
    if (!wasBusy) emit busyChanged(true);
}

void Explorer::jobFinished() {
    --jobsRunning_;
    if (!isBusy()) emit busyChanged(false);
}

int Explorer::addScenario(const QString& modelIdOrFile, const QString& presetId) {
    ScenarioRow s;
    if (ModelZoo::isConfigPath(modelIdOrFile.toStdString())) // a Hugging Face config.json
        s.modelId = QFileInfo(modelIdOrFile).absoluteFilePath();
    else if (looksLikeModelFile(modelIdOrFile.toStdString()))
        s.onnxPath = QFileInfo(modelIdOrFile).absoluteFilePath();
    else
        s.modelId = modelIdOrFile;
    s.presetId = presetId;
    const auto hw = presets_ ? presets_->find(presetId) : nullptr;
    s.precision = hw ? hw->defaultPrecision : Precision::FP32;
    const int id = scenarios_.add(s);
    if (selectedId_ < 0) selectedId_ = id;
    return id;
}

void Explorer::addDefaultScenarios() {
    for (const char* model : {"resnet50", "resnet18"})
        for (const char* chip : {"h100-sxm", "tpu-v4"})
            if (presets_ && presets_->contains(QString::fromLatin1(chip)))
                addScenario(QString::fromLatin1(model), QString::fromLatin1(chip));
}

Explorer::ModelStatus Explorer::modelStatus(const Scenario& spec) const {
    const auto it = models_.constFind(spec.modelKey());
    if (it == models_.cend()) return {}; // not requested yet: the next refresh starts it
    return {it->model, it->onnx, it->preparing, it->error, it->unboundDims};
}

void Explorer::cancelImports() {
    for (ModelEntry& e : models_)
        if (e.preparing && e.cancel) e.cancel->store(true);
}

void Explorer::cancelImport(const QString& modelKey) {
    const auto it = models_.find(modelKey);
    if (it != models_.end() && it->preparing && it->cancel) it->cancel->store(true);
}

void Explorer::reloadModel(const ScenarioRow& spec) {
    const auto it = models_.find(spec.modelKey());
    if (it == models_.end()) return;
    if (it->preparing) return; // already being read
    models_.erase(it);
    // Sweeps of the old model must not be reused for the new one.
    const QString prefix = spec.modelKey() + QStringLiteral("|");
    for (auto sw = sweeps_.begin(); sw != sweeps_.end();)
        sw = sw->first.startsWith(prefix) ? sweeps_.erase(sw) : std::next(sw);
    for (auto sv = servings_.begin(); sv != servings_.end();)
        sv = sv->first.startsWith(prefix) ? servings_.erase(sv) : std::next(sv);
    scheduleRefresh();
}

void Explorer::setBatch(int batch) {
    batch = std::clamp(batch, 1, kMaxBatch);
    if (batch == batch_) return;
    batch_ = batch;
    publish(ChangeBatch);
}

void Explorer::setLatencyBudget(std::optional<double> budget_s) {
    if (budget_s && !(*budget_s > 0)) budget_s.reset();
    if (budget_s == budget_s_) return;
    budget_s_ = budget_s;
    publish(ChangeBudget);
}

void Explorer::setPerDevice(bool perDevice) {
    if (perDevice == perDevice_) return;
    perDevice_ = perDevice;
    publish(ChangeSweeps);
}

void Explorer::setServing(const ServingSettings& serving) {
    ServingSettings s = serving;
    if (s.ttft_s && !(*s.ttft_s > 0)) s.ttft_s.reset();
    if (s.tpot_s && !(*s.tpot_s > 0)) s.tpot_s.reset();
    if (s == serving_) return;
    const bool lengths =
        s.lengths.input != serving_.lengths.input || s.lengths.output != serving_.lengths.output;
    serving_ = s;
    if (lengths)
        scheduleRefresh();
    else
        publish(ChangeTargets);
    emit servingChanged();
}

void Explorer::setDesignSpace(const DesignSpaceSettings& settings) {
    if (settings == designSpace_) return;
    designSpace_ = settings;
    emit designSpaceChanged();
}

void Explorer::selectScenario(int id) {
    if (id == selectedId_) return;
    selectedId_ = id;
    selectedLayer_ = -1;
    publish(ChangeSelection);
}

void Explorer::selectLayer(int layerIndex) {
    if (layerIndex == selectedLayer_) return;
    selectedLayer_ = layerIndex;
    publish(ChangeSelection);
}

QString Explorer::sweepKey(const ScenarioRow& spec) const {
    return spec.modelKey() + QStringLiteral("|") + spec.presetId + QStringLiteral("#") +
           QString::number(presetRevision_.value(spec.presetId)) + QStringLiteral("|") +
           QString::fromLatin1(precisionName(spec.precision)) + QStringLiteral("|") + spec.runtimeId +
           QStringLiteral("|") + spec.powerMode + QStringLiteral("|") +
           QString::fromStdString(quantizationLabel(spec.quant, spec.precision));
}

QString Explorer::servingKey(const ScenarioRow& spec) const {
    return sweepKey(spec) +
           QStringLiteral("|serving %1→%2").arg(serving_.lengths.input).arg(serving_.lengths.output);
}

void Explorer::refresh() {
    std::set<QString> wantedModels, wantedSweeps, wantedServings;
    std::vector<SweepTask> tasks;
    std::vector<std::pair<ScenarioRow, SweepTask>> servingTasks;
    for (const ScenarioRow& spec : scenarios_.specs()) {
        const QString key = spec.modelKey();
        wantedModels.insert(key); // hidden scenarios keep their model: showing them again is instant
        if (!spec.visible) continue;
        const auto it = models_.constFind(key);
        if (it == models_.cend()) {
            startPreparing(spec);
            continue;
        }
        if (!it->model) continue;
        const auto hw = presets_ ? presets_->find(spec.presetId) : nullptr;
        if (!hardwareProblem(spec, hw.get()).isEmpty()) continue;
        const QString sk = sweepKey(spec);
        wantedSweeps.insert(sk);
        const bool queued =
            std::any_of(tasks.begin(), tasks.end(), [&](const SweepTask& t) { return t.key == sk; });
        const SweepTask task{
            sk,         it->model, scenarioHardware(spec, hw), scenarioRuntime(spec), spec.precision,
            spec.quant, spec};
        if (!sweeps_.count(sk) && !sweepsInFlight_.count(sk) && !queued) tasks.push_back(task);
        if (spec.isOnnx()) continue; // only zoo and config models can be decoder LLMs
        const QString vk = servingKey(spec);
        wantedServings.insert(vk);
        const bool servingQueued = std::any_of(servingTasks.begin(), servingTasks.end(),
                                               [&](const auto& t) { return t.second.key == vk; });
        if (!servings_.count(vk) && !servingsInFlight_.count(vk) && !servingQueued) {
            servingTasks.emplace_back(spec, task);
            servingTasks.back().second.key = vk;
        }
    }
    for (auto it = models_.begin(); it != models_.end();) {
        if (wantedModels.count(it.key())) {
            ++it;
        } else if (it->preparing) {
            // Nobody wants it any more (dims changed, scenario removed): free the worker thread.
            if (it->cancel) it->cancel->store(true);
            ++it;
        } else {
            it = models_.erase(it);
        }
    }
    for (auto it = sweeps_.begin(); it != sweeps_.end();)
        it = wantedSweeps.count(it->first) ? std::next(it) : sweeps_.erase(it);
    for (auto it = servings_.begin(); it != servings_.end();)
        it = wantedServings.count(it->first) ? std::next(it) : servings_.erase(it);
    for (SweepTask& t : tasks)
        startSweep(std::move(t));
    for (auto& [spec, t] : servingTasks)
        startServing(spec, std::move(t));
    publish(ChangeSweeps);
    if (!isBusy()) emit busyChanged(false);
}

void Explorer::startPreparing(const ScenarioRow& spec) {
    const QString key = spec.modelKey();
    ModelEntry& entry = models_[key];
    entry = ModelEntry{};
    entry.preparing = true;
    entry.cancel = std::make_shared<std::atomic<bool>>(false);
    auto cancel = entry.cancel;
    jobStarted();
    pool_.start([this, key, spec, cancel] {
        ModelEntry result;
        try {
            OnnxImportOptions opt;
            opt.cancel = cancel.get();
            opt.progress = [this, key](int step, int steps, const std::string& stage) {
                const QString s = QString::fromStdString(stage);
                QMetaObject::invokeMethod(
                    this, [this, key, step, steps, s] { emit modelProgress(key, step, steps, s); },
                    Qt::QueuedConnection);
            };
            ModelPreparation prepared = bs::prepareModel(spec, std::move(opt));
            result.model = std::move(prepared.model);
            result.onnx = std::move(prepared.onnx);
        } catch (const OnnxUnboundDimsError& e) {
            result.error = QString::fromUtf8(e.what());
            for (const std::string& n : e.names)
                result.unboundDims << QString::fromStdString(n);
        } catch (const std::exception& e) {
            result.error = QString::fromUtf8(e.what());
        }
        QMetaObject::invokeMethod(
            this,
            [this, key, cancel, result]() mutable {
                const auto it = models_.find(key);
                // Dropped if the scenario moved on (its entry was replaced by a newer job).
                if (it != models_.end() && it->cancel == cancel) {
                    result.preparing = false;
                    *it = result;
                    scheduleRefresh(); // before jobFinished(): busy stays true until the refresh
                    emit modelPrepared(key, result.error);
                }
                jobFinished();
            },
            Qt::QueuedConnection);
    });
}

void Explorer::startSweep(SweepTask task) {
    sweepsInFlight_.insert(task.key);
    jobStarted();
    pool_.start([this, task] {
        std::vector<SweepPoint> points;
        try {
            const EvalInput in = withParallel({task.model.get(), task.hardware.get(), task.precision,
                                               &runtimeProfileFor(*task.runtime, *task.hardware), task.quant},
                                              task.scenario);
            points = sweepBatches(in, sweepGrid());
        } catch (const std::exception&) {
            // The scenario's own evaluation reports the error; an empty sweep draws nothing.
        }
        QMetaObject::invokeMethod(
            this,
            [this, key = task.key, points = std::move(points)]() mutable {
                sweepsInFlight_.erase(key);
                sweeps_[key] = std::move(points);
                scheduleRefresh();
                jobFinished();
            },
            Qt::QueuedConnection);
    });
}

void Explorer::startServing(const ScenarioRow& spec, SweepTask task) {
    const QString key = task.key;
    servingsInFlight_.insert(key);
    jobStarted();
    pool_.start([this, key, spec, task, lengths = serving_.lengths] {
        std::optional<ServingCurve> curve;
        try {
            const EvalInput on = withParallel({task.model.get(), task.hardware.get(), task.precision,
                                               &runtimeProfileFor(*task.runtime, *task.hardware), task.quant},
                                              task.scenario);
            curve = computeServing(spec, on, lengths, sweepGrid());
        } catch (const std::exception&) {
            // As for a sweep: the scenario's own evaluation reports why it cannot run.
        }
        QMetaObject::invokeMethod(
            this,
            [this, key, curve = std::move(curve)]() mutable {
                servingsInFlight_.erase(key);
                servings_[key] = std::move(curve);
                scheduleRefresh();
                jobFinished();
            },
            Qt::QueuedConnection);
    });
}

void Explorer::attachMeasured(EvaluatedScenario& e, const ScenarioRow& spec) {
    e.measured.file = spec.measuredPath;
    const QFileInfo info(spec.measuredPath);
    MeasuredFile& f = measuredFiles_[spec.measuredPath];
    const bool stale = (!f.set && f.error.isEmpty()) || f.modified != info.lastModified();
    if (stale) {
        f = MeasuredFile{info.lastModified(), nullptr, QString()};
        try {
            f.set = std::make_shared<const MeasuredSet>(readMeasuredFile(spec.measuredPath.toStdString()));
        } catch (const std::exception& ex) {
            f.error = QString::fromUtf8(ex.what());
        }
    }
    if (!f.set) {
        e.measured.error = f.error;
        return;
    }
    try {
        const std::vector<MeasuredPoint> pts = measuredPointsFor(*f.set, spec, *e.hardware);
        if (pts.empty()) {
            e.measured.error = QStringLiteral("%1 has no points for %2 on %3 at %4 (a row's model, hardware, "
                                              "runtime, precision, seq, resolution, scheme and params must "
                                              "be the scenario's or empty)")
                                   .arg(QFileInfo(spec.measuredPath).fileName(),
                                        QString::fromStdString(measuredModelName(spec)),
                                        QString::fromStdString(e.hardware->id),
                                        QString::fromLatin1(precisionName(spec.precision)));
            return;
        }
        e.measured.comparison = std::make_shared<const Comparison>(compareMeasured(e.input(), pts));
    } catch (const std::exception& ex) {
        e.measured.error = QString::fromUtf8(ex.what());
    }
}

void Explorer::resolveSelection() {
    snap_.selectedScenario = -1;
    snap_.selectedLayer = -1;
    for (std::size_t i = 0; i < snap_.scenarios.size(); ++i)
        if (snap_.scenarios[i].id == selectedId_) snap_.selectedScenario = static_cast<int>(i);
    if (snap_.selectedScenario < 0) return;
    const auto& layers = snap_.scenarios[static_cast<std::size_t>(snap_.selectedScenario)].current.layers;
    if (selectedLayer_ >= 0 && selectedLayer_ < static_cast<int>(layers.size()))
        snap_.selectedLayer = selectedLayer_;
}

void Explorer::publish(unsigned changes) {
    snap_.batch = batch_;
    snap_.latencyBudget_s = budget_s_;
    snap_.serving = serving_;
    snap_.perDevice = perDevice_;
    if (changes & ChangeSweeps) {
        snap_.sweepBatches = sweepGrid();
        snap_.scenarios.clear();
        for (const ScenarioRow& spec : scenarios_.specs()) {
            if (!spec.visible) continue;
            EvaluatedScenario e = beginEvaluation(spec, presets_ ? presets_->find(spec.presetId) : nullptr);
            const auto m = models_.constFind(spec.modelKey());
            if (e.error.isEmpty() && (m == models_.cend() || m->preparing))
                e.error = QStringLiteral("preparing the model…");
            else if (e.error.isEmpty() && !m->model)
                e.error = m->error;
            if (e.error.isEmpty()) {
                e.model = m->model;
                const auto sw = sweeps_.find(sweepKey(spec));
                if (sw != sweeps_.end()) e.sweep = sw->second;
                finishEvaluation(e, batch_, budget_s_);
                if (e.model && !spec.measuredPath.isEmpty()) attachMeasured(e, spec);
                if (const auto sv = servings_.find(servingKey(spec)); e.model && sv != servings_.end()) {
                    e.serving = sv->second;
                    servingAtBatch(e, batch_, snap_.sweepBatches);
                    recommendServing(e, serving_);
                }
            }
            e.throughputScale = perDevice_ ? 1.0 / (spec.parallel.devices() * spec.parallel.dp) : 1.0;
            snap_.scenarios.push_back(std::move(e));
        }
        if (!scenarios_.find(selectedId_)) {
            selectedId_ = scenarios_.specs().empty() ? -1 : scenarios_.specs().front().id;
            selectedLayer_ = -1;
        }
    } else {
        for (EvaluatedScenario& e : snap_.scenarios) {
            if (!e.model) continue;
            if (changes & ChangeBatch) {
                evaluateAtBatch(e, batch_);
                servingAtBatch(e, batch_, snap_.sweepBatches);
            }
            if (changes & ChangeBudget) e.recommendedBatch = recommendedBatch(e.sweep, budget_s_);
            if (changes & ChangeTargets) recommendServing(e, serving_);
        }
    }
    resolveSelection();
    emit snapshotChanged(snap_, changes);
}

} // namespace bs
