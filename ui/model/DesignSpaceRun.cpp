#include "model/DesignSpaceRun.h"

#include "base/EngineError.h"
#include "hardware/PresetSchema.h"
#include "model/Explorer.h"
#include "model/PresetStore.h"

#include <QtConcurrent>
#include <cmath>
#include <limits>

namespace bs {

namespace {

// The scenario's current value of `axis`: its preset's field, or its model's knob (NaN if none).
double currentValue(const DesignAxis& axis, const ScenarioRow& spec, const HardwarePreset& hw) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    if (!axis.isModelKnob()) {
        const Sourced* s = presetNumber(hw, axis.path);
        return s ? s->value : nan;
    }
    const ModelDescriptor* d = spec.isOnnx() ? nullptr : ModelZoo::find(spec.modelId.toStdString());
    if (!d) return nan;
    const KnobValues v = ModelZoo::resolve(*d, spec.knobs);
    const auto it = v.find(axis.knobName() == "resolution" ? std::string("height") : axis.knobName());
    return it == v.end() ? nan : it->second;
}

} // namespace

DesignSpaceRun::DesignSpaceRun(Explorer* explorer, QObject* parent) : QObject(parent), explorer_(explorer) {
    connect(&watcher_, &QFutureWatcher<QString>::finished, this, [this] {
        const QString error = watcher_.result();
        if (cancel_) {
            emit cancelled();
        } else if (!error.isEmpty()) {
            emit failed(error);
        } else {
            result_ = std::move(pending_);
            emit finished();
        }
    });
}

DesignSpaceRun::~DesignSpaceRun() {
    cancel_ = true;
    watcher_.waitForFinished();
}

QString DesignSpaceRun::start(const QStringList& axisTexts, Objective objective) {
    if (running()) return tr("a design-space sweep is already running");
    DesignSpaceResult r;
    try {
        for (const QString& text : axisTexts)
            r.request.axes.push_back(parseDesignAxis(text.toStdString()));
    } catch (const EngineError& e) {
        return QString::fromStdString(e.what());
    }
    r.request.batches = sweepGrid();
    r.request.objective = objective;
    r.request.latencyBudget_s = explorer_->latencyBudget();
    auto prepared = std::make_shared<std::vector<PreparedScenario>>();
    const auto& specs = explorer_->scenarios()->specs();
    for (const EvaluatedScenario& sc : explorer_->snapshot().scenarios) {
        const auto spec =
            std::find_if(specs.begin(), specs.end(), [&](const ScenarioRow& s) { return s.id == sc.id; });
        if (spec == specs.end() || !sc.error.isEmpty() || !sc.model || !sc.hardware) continue;
        prepared->push_back(
            {*spec, {sc.model, {}}, sc.hardware, sc.runtime ? sc.runtime : scenarioRuntime(*spec)});
        r.scenarios.push_back(*spec);
        r.labels.push_back(sc.label);
        std::vector<double> current;
        for (const DesignAxis& a : r.request.axes)
            current.push_back(currentValue(a, *spec, *sc.hardware));
        r.current.push_back(current);
    }
    if (prepared->empty()) return tr("no evaluated scenario is shown: tick one in the scenario list");
    pending_ = r;
    cancel_ = false;
    const ExploreRequest request = r.request;
    ExploreControl control;
    control.cancel = &cancel_;
    control.progress = [this](std::size_t done, std::size_t total) {
        QMetaObject::invokeMethod(
            this, [this, done, total] { emit progress(static_cast<int>(done), static_cast<int>(total)); },
            Qt::QueuedConnection);
    };
    watcher_.setFuture(QtConcurrent::run([this, prepared, request, control]() -> QString {
        try {
            pending_.rows = exploreDesignSpace(*prepared, request, control);
            return {};
        } catch (const std::exception& e) {
            return QString::fromStdString(e.what());
        }
    }));
    return {};
}

void DesignSpaceRun::cancel() {
    cancel_ = true;
}

int DesignSpaceRun::adopt(std::size_t row, QString* error) {
    if (row >= result_.rows.size()) return -1;
    const DesignRow& d = result_.rows[row];
    ScenarioRow spec = result_.scenarios[d.scenario];
    const std::vector<DesignAxis>& axes = result_.request.axes;
    const bool presetAxis =
        std::any_of(axes.begin(), axes.end(), [](const DesignAxis& a) { return !a.isModelKnob(); });
    if (presetAxis) {
        PresetStore* store = explorer_->presets();
        QJsonObject json = variedPresetJson(store->json(spec.presetId), axes, d.values);
        QStringList what;
        for (std::size_t i = 0; i < axes.size(); ++i)
            if (!axes[i].isModelKnob())
                what << QStringLiteral("%1 %2").arg(QString::fromStdString(axes[i].path)).arg(d.values[i]);
        const QString name = json.value(QStringLiteral("name")).toString() + QStringLiteral(" (") +
                             what.join(QStringLiteral(", ")) + QStringLiteral(")");
        json[QStringLiteral("name")] = name;
        const QString id = store->importPreset(json, error);
        if (id.isEmpty()) return -1;
        spec.presetId = id;
    }
    static_cast<Scenario&>(spec) = withKnobValues(spec, axes, d.values);
    spec.id = 0;
    spec.visible = true;
    return explorer_->scenarios()->add(spec);
}

} // namespace bs
