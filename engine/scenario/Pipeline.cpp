#include "scenario/Pipeline.h"

#include "hardware/PresetLoader.h"

#include <QFileInfo>

namespace bs {

ModelPreparation prepareModel(const Scenario& s, OnnxImportOptions onnx) {
    ModelPreparation out;
    if (s.isOnnx()) {
        onnx.dims = s.dims;
        OnnxModel m = importOnnxFile(s.onnxPath.toStdString(), onnx);
        out.onnx = std::make_shared<const OnnxSummary>(std::move(m.summary));
        out.model = std::make_shared<const PreparedModel>(std::move(m.graph));
    } else {
        out.model = std::make_shared<const PreparedModel>(
            ModelZoo::build(s.modelId.toStdString(), s.knobs, s.parallel.sharding()));
    }
    return out;
}

EvalInput withParallel(EvalInput in, const Scenario& s) {
    if (const NodePreset* node = scenarioNode(s)) in.link = &node->link;
    in.layout = s.parallel.layout();
    in.replicas = s.parallel.dp;
    return in;
}

PreparedScenario prepareScenario(const ScenarioFields& fields, const PresetLibrary& lib) {
    PreparedScenario p;
    HardwarePreset hardware;
    p.scenario = resolveScenario(fields, lib, &hardware);
    p.hardware = std::make_shared<const HardwarePreset>(std::move(hardware));
    p.runtime = scenarioRuntime(p.scenario);
    p.prepared = prepareModel(p.scenario);
    return p;
}

std::string measuredModelName(const Scenario& s) {
    return s.isOnnx() ? QFileInfo(s.onnxPath).fileName().toStdString() : s.modelId.toStdString();
}

namespace {

// Whether every knob a row's `params` names has the scenario's value `v`: a row that ran
// attention=sdpa is not an eager scenario's. Knobs it does not name are not checked, as an empty
// column is not; a knob the model does not have, or a cell that does not parse, never matches.
bool paramsAgree(const ModelDescriptor& d, const KnobValues& v, const std::string& params) {
    try {
        for (const auto& [name, value] : parseParams(params))
            if (ModelZoo::parseKnobValue(d, name, value) != knob(v, name)) return false;
    } catch (const std::exception&) {
        return false;
    }
    return true;
}

} // namespace

std::vector<MeasuredPoint> measuredPointsFor(const MeasuredSet& set, const Scenario& s,
                                             const HardwarePreset& hardware) {
    std::optional<int> seq, resolution;
    const ModelDescriptor* d = s.isOnnx() ? nullptr : ModelZoo::find(s.modelId.toStdString());
    KnobValues v;
    if (d) {
        v = ModelZoo::resolve(*d, s.knobs);
        if (!d->seqKnob.empty()) seq = static_cast<int>(knob(v, d->seqKnob));
        if (d->hasResolution) resolution = static_cast<int>(knob(v, "height"));
    }
    const std::string model = measuredModelName(s), precision(precisionName(s.precision));
    const auto name = [&](const std::optional<Precision>& p) {
        return p && *p != s.precision ? std::string(precisionName(*p)) : std::string();
    };
    const SchemeKeys scheme{name(s.quant.weights), name(s.quant.kv), s.quant.groupSize};
    // Rows timed under another runtime are not this scenario's; the ideal bound is compared with
    // any runtime's rows (it claims no runtime). An ONNX model has no knobs for params to name.
    const bool anyRuntime = s.runtimeId == QString::fromStdString(Runtime::idealId());
    const std::string runtime = s.runtimeId.toStdString();
    const auto keep = [&](const MeasuredPoint& p) {
        if (!anyRuntime && !p.runtime.empty() && p.runtime != runtime) return false;
        return d ? paramsAgree(*d, v, p.params) : p.params.empty();
    };
    std::vector<MeasuredPoint> pts =
        selectPoints(set, model, hardware.id, precision, seq, resolution, scheme, keep);
    if (pts.empty() && !hardware.derivedFrom.empty())
        pts = selectPoints(set, model, hardware.derivedFrom, precision, seq, resolution, scheme, keep);
    return pts;
}

} // namespace bs
