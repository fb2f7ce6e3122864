#include "ScenarioSetup.h"

#include "EngineError.h"

#include <QFileInfo>

namespace bs::cli {

namespace {
int positive(const std::string& text, const std::string& what) {
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
} // namespace

KnobValues knobsFromOptions(const ModelDescriptor& model, const Options& o) {
    KnobValues k;
    if (o.has("seq")) {
        if (model.seqKnob.empty())
            throw EngineError("model '" + model.id + "' has no sequence length (--seq)");
        k[model.seqKnob] = positive(o.value("seq"), "--seq");
    }
    if (o.has("resolution")) {
        if (!model.hasResolution)
            throw EngineError("model '" + model.id + "' has no input resolution (--resolution)");
        const std::string r = o.value("resolution");
        if (const auto x = r.find('x'); x != std::string::npos) {
            k["width"] = positive(r.substr(0, x), "--resolution width");
            k["height"] = positive(r.substr(x + 1), "--resolution height");
        } else {
            k["width"] = k["height"] = positive(r, "--resolution");
        }
    }
    for (const std::string& kv : o.values("param")) {
        const auto eq = kv.find('=');
        if (eq == std::string::npos || eq == 0) throw EngineError("--param '" + kv + "' must be name=value");
        const std::string name = kv.substr(0, eq);
        k[name] = ModelZoo::parseKnobValue(model, name, kv.substr(eq + 1));
    }
    return k;
}

std::map<std::string, std::int64_t> dimsFromOptions(const Options& o) {
    std::map<std::string, std::int64_t> dims;
    for (const std::string& kv : o.values("dim")) {
        const auto eq = kv.find('=');
        if (eq == std::string::npos || eq == 0) throw EngineError("--dim '" + kv + "' must be name=value");
        dims[kv.substr(0, eq)] = positive(kv.substr(eq + 1), "--dim " + kv.substr(0, eq));
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
