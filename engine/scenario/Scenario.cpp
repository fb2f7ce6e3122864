#include "scenario/Scenario.h"

#include "base/EngineError.h"
#include "base/Format.h"
#include "base/Parse.h"
#include "hardware/PresetLoader.h"
#include "onnx/OnnxImport.h"

#include <QDir>
#include <QFileInfo>
#include <algorithm>

namespace bs {

namespace {
std::vector<std::string> split(const std::string& text, char sep) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t at = text.find(sep, start);
        parts.push_back(text.substr(start, at == std::string::npos ? std::string::npos : at - start));
        if (at == std::string::npos) break;
        start = at + 1;
    }
    return parts;
}

// The built-in model's knobs from seq, resolution, knobs and (SPEC) the other keys.
void resolveBuiltinModel(const ModelDescriptor& d, const ScenarioFields& f, Scenario& s) {
    const std::string& p = f.prefix;
    if (!f.dims.empty())
        throw EngineError(p + "dim applies to ONNX files; built-in models take " + p + "param");
    std::vector<std::pair<std::string, std::string>> knobs = f.knobs;
    knobs.insert(knobs.end(), f.others.begin(), f.others.end());
    s.modelId = qs(d.id);
    s.knobs = knobsFrom(d, f.seq, f.resolution, knobs, p);
    ModelZoo::resolve(d, s.knobs); // unknown knobs and bad values fail here
}

Precision precisionField(const std::string& text, const std::string& field) {
    const auto p = parsePrecision(text);
    if (!p) throw EngineError(field + ": unknown precision '" + text + "' (known: " + precisionList() + ")");
    return *p;
}

// precision sets weights, activations and KV cache; weights/activations/kv set one each.
void resolveQuantization(const ScenarioFields& f, Scenario& s) {
    const std::string& p = f.prefix;
    if (f.precision && f.activations)
        throw EngineError(p + "precision sets weights, activations and KV cache; give " + p +
                          "activations or " + p + "precision, not both");
    if (f.precision) s.precision = precisionField(*f.precision, p + "precision");
    if (f.activations) s.precision = precisionField(*f.activations, p + "activations");
    if (f.weights) s.quant.weights = precisionField(*f.weights, p + "weights");
    if (f.kv) s.quant.kv = precisionField(*f.kv, p + "kv");
    const std::string groupName = p + (p.empty() ? "group_size" : "group-size");
    if (f.groupSize) s.quant.groupSize = parsePositive(*f.groupSize, groupName);
    if (s.quant.weights == s.precision) s.quant.weights.reset(); // the same as no scheme: one label
    if (s.quant.kv == s.precision) s.quant.kv.reset();
    const std::string problem = quantizationProblem(s.quant, s.precision);
    if (!problem.empty()) throw EngineError(groupName + ": " + problem);
}

// The ONNX file's symbolic dims from dims and (SPEC) the other keys.
void resolveOnnxModel(const ScenarioFields& f, Scenario& s) {
    const std::string& p = f.prefix;
    const std::string dimSyntax = p.empty() ? "NAME=N" : p + "dim NAME=VALUE";
    const bool anyKnob = !f.knobs.empty();
    for (const auto& [given, name] :
         {std::pair{f.seq.has_value(), "seq"}, std::pair{f.resolution.has_value(), "resolution"},
          std::pair{anyKnob, "param"}})
        if (given)
            throw EngineError(p + name + " applies to built-in models; set an ONNX file's dimensions with " +
                              dimSyntax);
    if (!QFileInfo(qs(f.model)).isFile()) throw EngineError(f.model + ": no such file");
    s.onnxPath = qs(f.model);
    std::vector<std::pair<std::string, std::string>> dims = f.dims;
    dims.insert(dims.end(), f.others.begin(), f.others.end());
    for (const auto& [name, value] : dims)
        s.dims[name] = parsePositive(value, (p.empty() ? "dimension " : p + "dim ") + name);
}
} // namespace

std::string Parallel::text() const {
    std::string t;
    auto add = [&](const char* key, int v) {
        t += (t.empty() ? "" : ",") + std::string(key) + "=" + std::to_string(v);
    };
    if (tp != 1) add("tp", tp);
    if (pp != 1) add("pp", pp);
    if (pp != 1 && mb > 0) add("mb", mb);
    if (ep != 1) add("ep", ep);
    if (dp != 1) add("dp", dp);
    return t;
}

Parallel parseParallel(const std::string& text, const std::string& what) {
    Parallel p;
    std::vector<std::string> seen;
    for (const std::string& part : split(text, ',')) {
        const auto eq = part.find('=');
        if (eq == std::string::npos || eq == 0)
            throw EngineError(what + " '" + part + "' is not key=value (tp=N,dp=D)");
        const std::string key = part.substr(0, eq), value = part.substr(eq + 1);
        if (std::find(seen.begin(), seen.end(), key) != seen.end())
            throw EngineError(what + ": " + key + " given twice");
        seen.push_back(key);
        int* slot = key == "tp"   ? &p.tp
                    : key == "pp" ? &p.pp
                    : key == "mb" ? &p.mb
                    : key == "ep" ? &p.ep
                    : key == "dp" ? &p.dp
                                  : nullptr;
        if (!slot) throw EngineError(what + ": unknown key '" + key + "' (tp, pp, mb, ep, dp)");
        *slot = static_cast<int>(std::min<std::int64_t>(parsePositive(value, what + " " + key), 1 << 20));
    }
    if (p.tp > 64) throw EngineError(what + " tp=" + std::to_string(p.tp) + " is above 64 devices");
    if (p.mb > 0 && p.pp == 1)
        throw EngineError(what + ": mb (micro-batches) needs pipeline stages (pp=2 or more)");
    if (p.mb > 4096) throw EngineError(what + " mb=" + std::to_string(p.mb) + " is above 4096 micro-batches");
    if (p.devices() > 1024)
        throw EngineError(what + " tp × pp × ep = " + std::to_string(p.devices()) + " is above 1024 devices");
    return p;
}

const NodePreset* scenarioNode(const Scenario& s) {
    const int devices = s.parallel.devices();
    const std::string layout = s.parallel.text();
    if (devices == 1 && s.nodeId.isEmpty()) return nullptr;
    const NodeLibrary& lib = NodeLibrary::shipped();
    const std::string preset = s.presetId.toStdString();
    const NodePreset* n = s.nodeId.isEmpty() ? lib.forDevice(preset) : lib.find(s.nodeId.toStdString());
    if (!n && !s.nodeId.isEmpty())
        throw EngineError("unknown node '" + s.nodeId.toStdString() + "' (see 'batchscope nodes')");
    if (!n)
        throw EngineError(layout + " needs a node of " + preset +
                          " devices for their interconnect; none is shipped (see 'batchscope nodes')");
    if (n->device != preset)
        throw EngineError("node " + n->id + " holds " + n->device + " devices, not " + preset);
    if (devices > n->deviceCount())
        throw EngineError(layout + " needs " + std::to_string(devices) + " devices in one node; " + n->id +
                          " has " + std::to_string(n->deviceCount()));
    return n;
}

QString Scenario::modelKey() const {
    QString key = isOnnx() ? QStringLiteral("onnx:") + onnxPath : QStringLiteral("zoo:") + modelId;
    if (parallel.tp > 1) key += QStringLiteral("|tp=%1").arg(parallel.tp);
    if (parallel.ep > 1) key += QStringLiteral("|ep=%1").arg(parallel.ep);
    if (isOnnx())
        for (const auto& [name, value] : dims)
            key += QStringLiteral(";%1=%2").arg(QString::fromStdString(name)).arg(value);
    else
        for (const auto& [name, value] : knobs)
            key += QStringLiteral(";%1=%2").arg(QString::fromStdString(name)).arg(value, 0, 'g', 12);
    return key;
}

QString Scenario::modelLabel() const {
    if (isOnnx()) {
        QString label = QFileInfo(onnxPath).fileName();
        for (const auto& [name, value] : dims)
            label += QStringLiteral(" %1=%2").arg(QString::fromStdString(name)).arg(value);
        return label;
    }
    // A config file reads as its folder and name ("Llama-3.1-8B/config.json"), not its full path.
    const QFileInfo file(modelId);
    QString label = ModelZoo::isConfigPath(modelId.toStdString())
                        ? file.dir().dirName() + QStringLiteral("/") + file.fileName()
                        : modelId;
    const ModelDescriptor* d = ModelZoo::find(modelId.toStdString());
    if (!d) return label;
    KnobValues v;
    try {
        v = ModelZoo::resolve(*d, knobs);
    } catch (const ZooError&) {
        return label;
    }
    if (d->hasResolution) {
        const int h = static_cast<int>(knob(v, "height")), w = static_cast<int>(knob(v, "width"));
        // Not "%1²": QString::arg() would read the superscript two as a placeholder digit.
        label += h == w ? QStringLiteral(" ") + QString::number(h) + QStringLiteral("²")
                        : QStringLiteral(" %1×%2").arg(w).arg(h);
    }
    // In decode the sequence knob is unused and the context length is what matters.
    const bool decode = v.count("phase") && v.count("context") && knob(v, "phase") == 1;
    if (decode)
        label += QStringLiteral(" decode ctx %1").arg(knob(v, "context"));
    else if (!d->seqKnob.empty())
        label += QStringLiteral(" seq %1").arg(knob(v, d->seqKnob));
    // Any other knob the user moved off its default is part of what the scenario is.
    for (const Knob& k : d->knobs) {
        if (k.name == d->seqKnob || k.name == "height" || k.name == "width" ||
            (decode && (k.name == "phase" || k.name == "context")))
            continue;
        const double value = knob(v, k.name);
        if (value == k.value) continue;
        label += k.choices.empty() ? QStringLiteral(" %1=%2").arg(QString::fromStdString(k.name)).arg(value)
                                   : QStringLiteral(" %1").arg(
                                         QString::fromStdString(k.choices[static_cast<std::size_t>(value)]));
    }
    return label;
}

QString Scenario::label(const HardwarePreset* hardware) const {
    QString chip = hardware ? qs(hardware->name) : presetId;
    // A preset already in its mode names it (inPowerMode()); the preset as written does not.
    if (!powerMode.isEmpty() && (!hardware || hardware->powerMode.empty())) {
        const PowerMode* m = hardware ? hardware->findPowerMode(powerMode.toStdString()) : nullptr;
        chip += QStringLiteral(" · ") + (m ? qs(m->name) : powerMode);
    }
    QString label = modelLabel() + QStringLiteral(" · ") + chip + QStringLiteral(" · ") +
                    QString::fromLatin1(precisionName(precision));
    const std::string quantized = quantizationLabel(quant, precision);
    if (!quantized.empty()) label += QStringLiteral(" (") + qs(quantized) + QStringLiteral(")");
    if (runtimeId != qs(Runtime::idealId())) label += QStringLiteral(" · ") + runtimeName();
    if (!parallel.single()) label += QStringLiteral(" · ") + qs(parallel.text());
    return label;
}

QString Scenario::runtimeName() const {
    if (const Runtime* r = RuntimeLibrary::shipped().find(runtimeId.toStdString())) return qs(r->name);
    return QFileInfo(runtimeId).completeBaseName();
}

std::shared_ptr<const Runtime> scenarioRuntime(const Scenario& s) {
    const RuntimeLibrary& lib = RuntimeLibrary::shipped();
    if (const Runtime* r = lib.find(s.runtimeId.toStdString())) return std::make_shared<const Runtime>(*r);
    return std::make_shared<const Runtime>(resolveRuntime(lib, s.runtimeId.toStdString()));
}

const RuntimeClassProfile& runtimeProfileFor(const Runtime& runtime, const HardwarePreset& hardware) {
    if (const RuntimeClassProfile* p = runtime.forClass(hardware.archClass)) return *p;
    throw EngineError("runtime '" + runtime.id + "' has no profile for " +
                      std::string(archClassName(hardware.archClass)) + " chips such as " + hardware.name +
                      " (it has: " + runtime.classList() + ")");
}

QString hardwareProblem(const Scenario& s, const HardwarePreset* hardware) {
    if (!hardware) return QStringLiteral("preset '%1' not found").arg(s.presetId);
    if (!s.powerMode.isEmpty() && !hardware->findPowerMode(s.powerMode.toStdString()))
        return QStringLiteral("%1 has no power mode '%2' (it has: %3)")
            .arg(qs(hardware->name), s.powerMode, qs(hardware->powerModeList()));
    if (!hardware->supports(s.precision))
        return QStringLiteral("%1 has no %2 peak (it has: %3)")
            .arg(qs(hardware->name), QString::fromLatin1(precisionName(s.precision)),
                 qs(hardware->supportedPrecisions()));
    if (const std::string q = quantizationProblem(s.quant, s.precision); !q.empty()) return qs(q);
    try {
        runtimeProfileFor(*scenarioRuntime(s), *hardware);
        scenarioNode(s);
    } catch (const EngineError& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

std::shared_ptr<const HardwarePreset> scenarioHardware(const Scenario& s,
                                                       std::shared_ptr<const HardwarePreset> preset) {
    if (s.powerMode.isEmpty() || !preset) return preset;
    return std::make_shared<const HardwarePreset>(inPowerMode(*preset, s.powerMode.toStdString()));
}

int parsePositive(const std::string& text, const std::string& what) {
    if (const auto v = parsePositiveInt(text)) return *v;
    throw EngineError(what + " '" + text + "' is not a positive integer");
}

KnobValues knobsFrom(const ModelDescriptor& model, const std::optional<std::string>& seq,
                     const std::optional<std::string>& resolution,
                     const std::vector<std::pair<std::string, std::string>>& params,
                     const std::string& prefix) {
    KnobValues k;
    if (seq) {
        if (model.seqKnob.empty())
            throw EngineError("model '" + model.id + "' has no sequence length (" + prefix + "seq)");
        k[model.seqKnob] = parsePositive(*seq, prefix + "seq");
    }
    if (resolution) {
        if (!model.hasResolution)
            throw EngineError("model '" + model.id + "' has no input resolution (" + prefix + "resolution)");
        const std::string& r = *resolution;
        if (const auto x = r.find('x'); x != std::string::npos) {
            k["width"] = parsePositive(r.substr(0, x), prefix + "resolution width");
            k["height"] = parsePositive(r.substr(x + 1), prefix + "resolution height");
        } else {
            k["width"] = k["height"] = parsePositive(r, prefix + "resolution");
        }
    }
    for (const auto& [name, value] : params)
        k[name] = ModelZoo::parseKnobValue(model, name, value);
    return k;
}

ScenarioFields scenarioFieldsFromText(const std::string& text) {
    ScenarioFields f;
    bool model = false, hardware = false;
    std::vector<std::string> seen;
    for (const std::string& part : split(text, ',')) {
        const auto eq = part.find('=');
        if (eq == std::string::npos || eq == 0)
            throw EngineError("'" + part + "' is not key=value (model=ID,hardware=ID,...)");
        const std::string key = part.substr(0, eq), value = part.substr(eq + 1);
        if (std::find(seen.begin(), seen.end(), key) != seen.end()) throw EngineError(key + " given twice");
        seen.push_back(key);
        if (key == "model")
            f.model = value, model = true;
        else if (key == "hardware")
            f.hardware = value, hardware = true;
        else if (key == "precision")
            f.precision = value;
        else if (key == "runtime")
            f.runtime = value;
        else if (key == "power_mode")
            f.powerMode = value;
        else if (key == "weights")
            f.weights = value;
        else if (key == "activations")
            f.activations = value;
        else if (key == "kv")
            f.kv = value;
        else if (key == "group_size")
            f.groupSize = value;
        else if (key == "seq")
            f.seq = value;
        else if (key == "resolution")
            f.resolution = value;
        else if (key == "tp" || key == "dp" || key == "pp" || key == "ep" || key == "mb")
            f.parallel = (f.parallel ? *f.parallel + "," : std::string()) + key + "=" + value;
        else if (key == "node")
            f.node = value;
        else
            f.others.emplace_back(key, value);
    }
    if (!model) throw EngineError("model= is missing (see 'batchscope models')");
    if (!hardware) throw EngineError("hardware= is missing (see 'batchscope presets')");
    return f;
}

Scenario resolveScenario(const ScenarioFields& f, const PresetLibrary& lib, HardwarePreset* hardware) {
    Scenario s;
    *hardware = resolvePreset(lib, f.hardware);
    s.presetId = qs(hardware->id);
    s.precision = hardware->defaultPrecision;
    resolveQuantization(f, s);
    hardware->peakFlops(s.precision); // throws naming the precisions the chip has
    if (f.powerMode) {
        *hardware = inPowerMode(*hardware, *f.powerMode); // throws naming the modes the preset has
        s.powerMode = qs(*f.powerMode);
    }
    if (f.runtime) s.runtimeId = qs(*f.runtime);
    runtimeProfileFor(*scenarioRuntime(s), *hardware); // throws: unknown, invalid or not for this class
    if (const ModelDescriptor* d = ModelZoo::find(f.model))
        resolveBuiltinModel(*d, f, s);
    else if (ModelZoo::isConfigPath(f.model))
        resolveBuiltinModel(ModelZoo::loadConfig(f.model), f, s); // throws naming the file and field
    else if (looksLikeModelFile(f.model) || QFileInfo::exists(qs(f.model)))
        resolveOnnxModel(f, s);
    else
        throw EngineError("unknown model '" + f.model +
                          "' (see 'batchscope models', or give an .onnx file or a Hugging Face config.json)");
    if (f.parallel) s.parallel = parseParallel(*f.parallel, f.prefix + "parallel");
    if (f.node) s.nodeId = qs(*f.node);
    const ModelDescriptor* d = s.isOnnx() ? nullptr : ModelZoo::find(s.modelId.toStdString());
    const Sharding sharding = s.parallel.sharding();
    if (!sharding.single() && (!d || !d->isDecoder()))
        throw EngineError(
            sharding.text() +
            ": tensor and expert parallelism split a decoder LLM's layers (llm, a shipped config "
            "or a config.json); '" +
            f.model + "' runs whole on each device (pp and dp spread any model)");
    try {
        if (!sharding.single()) d->decoder(ModelZoo::resolve(*d, s.knobs)).checkSharding(sharding);
    } catch (const ZooError& e) {
        throw EngineError(e.what());
    }
    scenarioNode(s); // throws: unknown node, other devices, too few
    return s;
}

QJsonObject scenarioToJson(const Scenario& s) {
    QJsonObject o;
    if (s.isOnnx()) {
        o[QStringLiteral("onnx_path")] = s.onnxPath;
        QJsonObject dims;
        for (const auto& [name, value] : s.dims)
            dims[qs(name)] = static_cast<qint64>(value);
        o[QStringLiteral("dims")] = dims;
    } else {
        o[QStringLiteral("model")] = s.modelId;
        QJsonObject knobs;
        for (const auto& [name, value] : s.knobs)
            knobs[qs(name)] = value;
        o[QStringLiteral("knobs")] = knobs;
    }
    o[QStringLiteral("preset")] = s.presetId;
    if (!s.powerMode.isEmpty()) o[QStringLiteral("power_mode")] = s.powerMode;
    o[QStringLiteral("precision")] = QString::fromLatin1(precisionName(s.precision));
    if (s.quant.any()) {
        QJsonObject q;
        if (s.quant.weights)
            q[QStringLiteral("weights")] = QString::fromLatin1(precisionName(*s.quant.weights));
        if (s.quant.kv) q[QStringLiteral("kv")] = QString::fromLatin1(precisionName(*s.quant.kv));
        if (s.quant.groupSize > 0) q[QStringLiteral("group_size")] = s.quant.groupSize;
        o[QStringLiteral("quantization")] = q;
    }
    o[QStringLiteral("runtime")] = s.runtimeId;
    if (!s.parallel.single()) {
        const Parallel& p = s.parallel;
        QJsonObject pj{{QStringLiteral("tp"), p.tp},
                       {QStringLiteral("pp"), p.pp},
                       {QStringLiteral("ep"), p.ep},
                       {QStringLiteral("dp"), p.dp}};
        if (p.pp > 1 && p.mb > 0) pj[QStringLiteral("mb")] = p.mb;
        o[QStringLiteral("parallel")] = pj;
    }
    if (!s.nodeId.isEmpty()) o[QStringLiteral("node")] = s.nodeId;
    if (!s.measuredPath.isEmpty()) o[QStringLiteral("measured")] = s.measuredPath;
    return o;
}

namespace {

// "quantization": {"weights": "int4", "kv": "fp8", "group_size": 128}, every key optional.
void readQuantization(const QJsonObject& o, const JsonFieldReader& r, const QString& field, Scenario& s) {
    const QString qField = jsonField(field, QStringLiteral("quantization"));
    const QJsonValue v = r.get(o, QStringLiteral("quantization"), qField, false);
    if (v.isUndefined()) return;
    const QJsonObject q = r.object(v, qField);
    auto precision = [&](const char* key) -> std::optional<Precision> {
        const QString f = jsonField(qField, QString::fromLatin1(key));
        const QJsonValue pv = q.value(QLatin1String(key));
        if (pv.isUndefined()) return std::nullopt;
        const QString text = r.string(pv, f);
        const auto p = parsePrecision(text.toStdString());
        if (!p) r.fail(f, QStringLiteral("'%1' is not a precision (%2)").arg(text, qs(precisionList())));
        return p;
    };
    s.quant.weights = precision("weights");
    s.quant.kv = precision("kv");
    const QString gField = jsonField(qField, QStringLiteral("group_size"));
    const QJsonValue g = q.value(QStringLiteral("group_size"));
    if (!g.isUndefined()) s.quant.groupSize = static_cast<int>(r.integer(g, gField, 1, 65536));
    for (auto it = q.begin(); it != q.end(); ++it)
        if (it.key() != QLatin1String("weights") && it.key() != QLatin1String("kv") &&
            it.key() != QLatin1String("group_size"))
            r.fail(jsonField(qField, it.key()), QStringLiteral("unknown key (weights, kv, group_size)"));
    const std::string problem = quantizationProblem(s.quant, s.precision);
    if (!problem.empty()) r.fail(gField, qs(problem));
}

// "parallel": {"tp": 4, "pp": 2, "mb": 8, "ep": 1, "dp": 2} (each optional, 1 when absent; mb
// only with pp) and "node": "hgx-a100-8".
void readParallel(const QJsonObject& o, const JsonFieldReader& r, const QString& field, Scenario& s) {
    const QString pField = jsonField(field, QStringLiteral("parallel"));
    const QJsonValue parallel = r.get(o, QStringLiteral("parallel"), pField, false);
    if (!parallel.isUndefined()) {
        const QJsonObject pj = r.object(parallel, pField);
        static const QStringList keys{QStringLiteral("tp"), QStringLiteral("pp"), QStringLiteral("mb"),
                                      QStringLiteral("ep"), QStringLiteral("dp")};
        for (auto it = pj.begin(); it != pj.end(); ++it)
            if (!keys.contains(it.key()))
                r.fail(jsonField(pField, it.key()), QStringLiteral("unknown key (tp, pp, mb, ep, dp)"));
        const auto count = [&](const char* key, int hi, int absent = 1) {
            const QJsonValue v = pj.value(QLatin1String(key));
            return v.isUndefined()
                       ? absent
                       : static_cast<int>(r.integer(v, jsonField(pField, QString::fromLatin1(key)), 1, hi));
        };
        s.parallel.tp = count("tp", 64);
        s.parallel.pp = count("pp", 64);
        s.parallel.mb = count("mb", 4096, 0);
        s.parallel.ep = count("ep", 256);
        s.parallel.dp = count("dp", 1000000);
        if (s.parallel.mb > 0 && s.parallel.pp == 1)
            r.fail(jsonField(pField, QStringLiteral("mb")),
                   QStringLiteral("micro-batches need pp of 2 or more"));
    }
    const QString nodeField = jsonField(field, QStringLiteral("node"));
    const QJsonValue node = r.get(o, QStringLiteral("node"), nodeField, false);
    if (!node.isUndefined()) s.nodeId = r.string(node, nodeField);
}

} // namespace

Scenario scenarioFromJson(const QJsonObject& o, const JsonFieldReader& r, const QString& field) {
    Scenario s;
    const QJsonValue model = o.value(QStringLiteral("model"));
    const QJsonValue onnx = o.value(QStringLiteral("onnx_path"));
    if (model.isUndefined() == onnx.isUndefined())
        r.fail(field, model.isUndefined() ? QStringLiteral("missing \"model\" (or \"onnx_path\")")
                                          : QStringLiteral("has both \"model\" and \"onnx_path\""));
    if (!model.isUndefined()) {
        s.modelId = r.string(model, jsonField(field, QStringLiteral("model")));
        const QString knobsField = jsonField(field, QStringLiteral("knobs"));
        const QJsonValue knobs = r.get(o, QStringLiteral("knobs"), knobsField, false);
        if (!knobs.isUndefined()) {
            const QJsonObject k = r.object(knobs, knobsField);
            for (auto it = k.begin(); it != k.end(); ++it)
                s.knobs[it.key().toStdString()] = r.number(it.value(), jsonField(knobsField, it.key()));
        }
    } else {
        s.onnxPath = r.string(onnx, jsonField(field, QStringLiteral("onnx_path")));
        const QString dimsField = jsonField(field, QStringLiteral("dims"));
        const QJsonValue dims = r.get(o, QStringLiteral("dims"), dimsField, false);
        if (!dims.isUndefined()) {
            const QJsonObject d = r.object(dims, dimsField);
            for (auto it = d.begin(); it != d.end(); ++it)
                s.dims[it.key().toStdString()] =
                    r.integer(it.value(), jsonField(dimsField, it.key()), 1, std::int64_t{1} << 53);
        }
    }
    const QString presetField = jsonField(field, QStringLiteral("preset"));
    s.presetId = r.string(r.get(o, QStringLiteral("preset"), presetField, true), presetField);
    const QString precField = jsonField(field, QStringLiteral("precision"));
    const QString prec = r.string(r.get(o, QStringLiteral("precision"), precField, true), precField);
    const auto p = parsePrecision(prec.toStdString());
    if (!p) r.fail(precField, QStringLiteral("'%1' is not a precision (%2)").arg(prec, qs(precisionList())));
    s.precision = *p;
    readQuantization(o, r, field, s);
    const QString modeField = jsonField(field, QStringLiteral("power_mode"));
    const QJsonValue mode = r.get(o, QStringLiteral("power_mode"), modeField, false);
    if (!mode.isUndefined()) s.powerMode = r.string(mode, modeField);
    const QString runtimeField = jsonField(field, QStringLiteral("runtime"));
    const QJsonValue runtime = r.get(o, QStringLiteral("runtime"), runtimeField, false);
    if (!runtime.isUndefined()) s.runtimeId = r.string(runtime, runtimeField);
    const QString measuredField = jsonField(field, QStringLiteral("measured"));
    const QJsonValue measured = r.get(o, QStringLiteral("measured"), measuredField, false);
    if (!measured.isUndefined()) s.measuredPath = r.string(measured, measuredField);
    readParallel(o, r, field, s);
    return s;
}

} // namespace bs
