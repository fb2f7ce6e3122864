#include "ScenarioSetup.h"

#include "EngineError.h"
#include "Measured.h"

#include <QFileInfo>
#include <cmath>

namespace bs::cli {

int parsePositive(const std::string& text, const std::string& what) {
    std::size_t used = 0;
    long v = 0;
    try {
        v = std::stol(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != text.size() || text.empty() || v < 1 || v > 1'000'000)
        throw EngineError(what + " '" + text + "' is not a positive integer");
    return static_cast<int>(v);
}

std::optional<double> latencyBudgetFromOptions(const Options& o) {
    if (!o.has("latency-budget-ms")) return std::nullopt;
    const std::string v = o.value("latency-budget-ms");
    const std::optional<double> parsed = parseNumber(v);
    const double ms = parsed.value_or(-1);
    if (!parsed || ms < 0)
        throw EngineError("--latency-budget-ms '" + v + "' is not a number ≥ 0 (0: no budget)");
    if (ms == 0) return std::nullopt;
    return ms / 1e3;
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

KnobValues knobsFromOptions(const ModelDescriptor& model, const Options& o) {
    std::vector<std::pair<std::string, std::string>> params;
    for (const std::string& kv : o.values("param")) {
        const auto eq = kv.find('=');
        if (eq == std::string::npos || eq == 0) throw EngineError("--param '" + kv + "' must be name=value");
        params.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    }
    auto opt = [&](const char* name) {
        return o.has(name) ? std::optional<std::string>(o.value(name)) : std::nullopt;
    };
    return knobsFrom(model, opt("seq"), opt("resolution"), params, "--");
}

std::map<std::string, std::int64_t> dimsFromOptions(const Options& o) {
    std::map<std::string, std::int64_t> dims;
    for (const std::string& kv : o.values("dim")) {
        const auto eq = kv.find('=');
        if (eq == std::string::npos || eq == 0) throw EngineError("--dim '" + kv + "' must be name=value");
        dims[kv.substr(0, eq)] = parsePositive(kv.substr(eq + 1), "--dim " + kv.substr(0, eq));
    }
    return dims;
}

ScenarioSetup ScenarioSetup::fromOptions(const Options& o) {
    ScenarioSetup s;
    if (!o.has("model")) throw EngineError("--model is required (see 'batchscope models')");
    if (!o.has("hardware")) throw EngineError("--hardware is required (see 'batchscope presets')");
    s.modelId = o.value("model");
    const ModelDescriptor* desc = ModelZoo::find(s.modelId);
    Graph graph;
    if (desc) {
        if (o.has("dim")) throw EngineError("--dim applies to ONNX files; built-in models take --param");
        s.knobs = ModelZoo::resolve(*desc, knobsFromOptions(*desc, o));
    } else if (looksLikeModelFile(s.modelId) || QFileInfo::exists(QString::fromStdString(s.modelId))) {
        for (const char* zooOnly : {"seq", "resolution", "param"})
            if (o.has(zooOnly))
                throw EngineError(
                    std::string("--") + zooOnly +
                    " applies to built-in models; set an ONNX file's dimensions with --dim NAME=VALUE");
        s.fromFile = true;
        s.dims = dimsFromOptions(o);
        OnnxModel imported = importOnnxFile(s.modelId, OnnxImportOptions::withDims(s.dims));
        graph = std::move(imported.graph);
        s.onnx = std::move(imported.summary);
    } else {
        throw EngineError("unknown model '" + s.modelId +
                          "' (see 'batchscope models', or give an .onnx file)");
    }
    const PresetLibrary lib = PresetLibrary::shipped();
    s.hardware = resolvePreset(lib, o.value("hardware"));
    s.precision = s.hardware.defaultPrecision;
    if (o.has("precision")) {
        const auto p = parsePrecision(o.value("precision"));
        if (!p)
            throw EngineError("unknown precision '" + o.value("precision") + "' (known: " + precisionList() +
                              ")");
        s.precision = *p;
    }
    s.hardware.peakFlops(s.precision); // throws naming the precisions the chip has
    s.model =
        std::make_unique<PreparedModel>(s.fromFile ? std::move(graph) : ModelZoo::build(s.modelId, s.knobs));
    return s;
}

} // namespace bs::cli
