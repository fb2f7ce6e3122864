#include "zoo/ModelZoo.h"

#include "base/DataDir.h"
#include "base/EngineError.h"
#include "base/Format.h"
#include "zoo/HfConfig.h"
#include "zoo/ZooModels.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <cmath>
#include <deque>
#include <memory>
#include <mutex>
#include <sstream>

namespace bs {

namespace {

Knob intKnob(std::string name, double value, double min, double max, std::string help) {
    return Knob{std::move(name), value, min, max, std::move(help), {}, true, {}};
}

// A knob of one LLM phase (0 prefill, 1 decode): in the other it has no effect, for `why`.
Knob phaseOnly(Knob k, int phase, std::string why) {
    k.unusedBecause = [phase, why = std::move(why)](const KnobValues& v) {
        const auto it = v.find("phase");
        return it != v.end() && static_cast<int>(it->second) != phase ? why : std::string();
    };
    return k;
}

std::vector<Knob> imageKnobs(double res) {
    return {intKnob("height", res, 16, 8192, "input image height in pixels"),
            intKnob("width", res, 16, 8192, "input image width in pixels"),
            intKnob("classes", res == 416 ? 80 : 1000, 1, 100000, "number of output classes")};
}

// How the model code runs attention: three kernels with copied head transposes, or one fused
// kernel on strided heads (GraphBuilder::fusedAttention; docs/MODEL.md §2).
Knob attentionKnob() {
    return Knob{"attention",
                0,
                0,
                1,
                "eager: Q·Kᵀ, softmax and ·V as three kernels, the heads' transposes copied (an ONNX "
                "export, Hugging Face's eager attention); sdpa: one fused attention kernel reading the "
                "heads in place (PyTorch scaled_dot_product_attention)",
                {"eager", "sdpa"},
                true,
                {}};
}

std::vector<Knob> encoderKnobs(int layers, int hidden, int heads, int ffn) {
    return {intKnob("seq", 128, 1, 16384, "sequence length in tokens"),
            intKnob("layers", layers, 1, 512, "encoder layers"),
            intKnob("hidden", hidden, 8, 65536, "model width d_model"),
            intKnob("heads", heads, 1, 1024, "attention heads (must divide hidden)"),
            intKnob("ffn", ffn, 1, 262144, "feed-forward inner width"),
            intKnob("vocab", 30522, 1, 1000000, "vocabulary size (embedding rows)"),
            attentionKnob()};
}

Knob imbalanceKnob() {
    return Knob{"imbalance", 1.0,   1.0, 64.0, "busiest expert's tokens ÷ mean tokens per expert",
                {},          false, {}};
}

// The phase knobs of a decoder LLM: which pass, the prompt it prefills, the cache it decodes over.
std::vector<Knob> phaseKnobs() {
    return {Knob{"phase",
                 0,
                 0,
                 1,
                 "prefill: process the prompt; decode: one new token per sequence",
                 {"prefill", "decode"},
                 true,
                 {}},
            phaseOnly(intKnob("seq", 512, 1, 131072, "prefill: prompt tokens"), 0,
                      "decode makes one new token per sequence: the prompt length does not enter (context "
                      "sets the KV cache it attends to)"),
            phaseOnly(intKnob("context", 2048, 1, 1048576, "decode: tokens already in the KV cache"), 1,
                      "prefill attends over the prompt itself (seq); context is the KV cache a decode step "
                      "reads")};
}

// The `llm` knobs as an architecture: Llama-2 style, head_dim = hidden / heads, untied head.
DecoderSpec llmSpec(const KnobValues& k) {
    DecoderSpec s;
    s.layers = static_cast<std::int64_t>(knob(k, "layers"));
    s.hidden = static_cast<std::int64_t>(knob(k, "hidden"));
    s.heads = static_cast<std::int64_t>(knob(k, "heads"));
    s.kvHeads = static_cast<std::int64_t>(knob(k, "kv_heads"));
    s.ffn = static_cast<std::int64_t>(knob(k, "ffn"));
    s.vocab = static_cast<std::int64_t>(knob(k, "vocab"));
    if (s.hidden % s.heads != 0)
        throw ZooError("model 'llm': heads (" + std::to_string(s.heads) + ") must divide hidden (" +
                       std::to_string(s.hidden) + ")");
    if (s.heads % s.kvHeads != 0)
        throw ZooError("model 'llm': kv_heads (" + std::to_string(s.kvHeads) + ") must divide heads (" +
                       std::to_string(s.heads) + ")");
    s.headDim = s.hidden / s.heads;
    s.sdpa = knob(k, "attention") == 1;
    return s;
}

// The phase the knobs choose (prefill over seq, or a decode step over context), on one device of
// `sharding`.
Graph decoderPhase(const DecoderSpec& spec, const KnobValues& k, const Sharding& sharding) {
    const bool decode = knob(k, "phase") == 1;
    return zoo::llmDecoder(spec, decode, static_cast<std::int64_t>(knob(k, decode ? "context" : "seq")),
                           sharding);
}

std::function<Graph(const KnobValues&)> decoderBuild(std::function<DecoderSpec(const KnobValues&)> spec) {
    return [spec = std::move(spec)](const KnobValues& k) { return decoderPhase(spec(k), k, {}); };
}

// "8.03 B": parameter counts as model cards say them.
std::string billions(std::int64_t n) {
    return formatNumber(static_cast<double>(n) / 1e9).toStdString() + " B";
}

// "llama · 32 layers · d 4096 · GQA 32/8 · 8.03 B params" (and "· MoE 8 experts top-2 · 12.9 B
// active" for mixtures of experts), counted on the decode graph.
std::string describe(const DecoderSpec& s, const std::string& file) {
    const Graph g = zoo::llmDecoder(s, true, 1);
    std::ostringstream o;
    o << s.family << " (" << QFileInfo(QString::fromStdString(file)).fileName().toStdString() << ") · "
      << s.layers << " layers · d " << s.hidden << " · ";
    if (s.isMla())
        o << "MLA " << s.heads << " heads, latent " << s.mla.kvLoraRank;
    else
        o << (s.kvHeads == s.heads ? "MHA "
              : s.kvHeads == 1     ? "MQA "
                                   : "GQA ")
          << s.heads << "/" << s.kvHeads;
    if (s.slidingWindow > 0)
        o << " · window " << s.slidingWindow << (s.slidingEvery > 1 ? " (alternate layers)" : "");
    o << " · " << billions(g.parameterCount()) << " params";
    if (s.isMoe())
        o << " · MoE " << s.moe.experts << " experts top-" << s.moe.topK
          << (s.moe.shared > 0 ? " + " + std::to_string(s.moe.shared) + " shared" : std::string()) << " · "
          << billions(g.activeParameterCount()) << " active";
    return o.str();
}

// A model read from a config.json: the phase knobs (and the expert imbalance of a mixture).
ModelDescriptor configModel(std::string id, const DecoderSpec& spec, std::string file) {
    ModelDescriptor d;
    d.id = std::move(id);
    d.description = describe(spec, file);
    d.knobs = phaseKnobs();
    if (spec.isMoe()) d.knobs.push_back(imbalanceKnob());
    d.knobs.push_back(attentionKnob());
    if (spec.isMla())
        d.knobs.back().unusedBecause = [](const KnobValues&) {
            return std::string(
                "MLA's absorbed attention is built as it is computed: the knob applies to MHA/GQA");
        };
    d.seqKnob = "seq";
    d.configFile = std::move(file);
    d.decoder = [spec](const KnobValues& k) {
        DecoderSpec s = spec;
        if (s.isMoe()) s.moe.imbalance = knob(k, "imbalance");
        s.sdpa = knob(k, "attention") == 1;
        return s;
    };
    d.build = decoderBuild(d.decoder);
    return d;
}

// presets/models/*.json: each file a Hugging Face config, its id the file name without .json. A
// file that does not read is left out with a warning (tests/engine/tst_llm_configs reads them all).
std::vector<ModelDescriptor> shippedConfigs() {
    std::vector<ModelDescriptor> out;
    const QDir dir(QString::fromStdString(shippedPresetDir()) + QStringLiteral("/models"));
    for (const QFileInfo& fi : dir.entryInfoList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
        try {
            out.push_back(configModel(fi.completeBaseName().toStdString(),
                                      decoderSpecFromHfConfig(fi.absoluteFilePath()),
                                      fi.absoluteFilePath().toStdString()));
        } catch (const std::exception& e) {
            qWarning("batchscope: %s (the model is left out)", e.what());
        }
    }
    return out;
}

std::vector<ModelDescriptor> makeModels() {
    std::vector<ModelDescriptor> m;
    m.push_back({"resnet18", "torchvision ResNet-18 (11.7 M params, 1.81 GMACs at 224²)", imageKnobs(224), "",
                 true, [](const KnobValues& k) { return zoo::resnet(k, 18); }});
    m.push_back({"resnet50", "torchvision ResNet-50 (25.6 M params, 4.09 GMACs at 224²)", imageKnobs(224), "",
                 true, [](const KnobValues& k) { return zoo::resnet(k, 50); }});
    m.push_back({"mobilenet_v2", "torchvision MobileNetV2 (3.5 M params, 0.30 GMACs at 224²)",
                 imageKnobs(224), "", true, zoo::mobilenetV2});
    m.push_back({"mlp",
                 "multi-layer perceptron: depth Linear(width→width)+ReLU layers (seed 003)",
                 {intKnob("depth", 8, 1, 1024, "number of Linear layers"),
                  intKnob("width", 1024, 1, 131072, "features per layer")},
                 "",
                 false,
                 zoo::mlp});
    m.push_back({"distilbert", "DistilBERT-base encoder (6 layers, d 768, 12 heads, FFN 3072)",
                 encoderKnobs(6, 768, 12, 3072), "seq", false,
                 [](const KnobValues& k) { return zoo::bertEncoder(k, "distilbert"); }});
    m.push_back({"bert-base", "BERT-base encoder with pooler (12 layers, d 768, 12 heads, FFN 3072)",
                 encoderKnobs(12, 768, 12, 3072), "seq", false,
                 [](const KnobValues& k) { return zoo::bertEncoder(k, "bert-base"); }});
    m.push_back({"bert-large", "BERT-large encoder with pooler (24 layers, d 1024, 16 heads, FFN 4096)",
                 encoderKnobs(24, 1024, 16, 4096), "seq", false,
                 [](const KnobValues& k) { return zoo::bertEncoder(k, "bert-large"); }});
    m.push_back({"yolov3", "YOLOv3 (Darknet-53 backbone, 3 detection scales; 65.9 GFLOPs at 416²)",
                 imageKnobs(416), "", true, zoo::yolov3});
    ModelDescriptor llm{
        "llm",
        "decoder-only LLM (Llama-style: RMSNorm, GQA attention, SwiGLU FFN) in prefill or decode phase",
        {intKnob("layers", 32, 1, 512, "decoder layers"), intKnob("hidden", 4096, 64, 65536, "model width"),
         intKnob("heads", 32, 1, 1024, "query heads"),
         intKnob("kv_heads", 32, 1, 1024, "key/value heads (grouped-query attention when < heads)"),
         intKnob("ffn", 11008, 1, 262144, "SwiGLU inner width"),
         intKnob("vocab", 32000, 1, 1000000, "vocabulary size")},
        "seq",
        false,
        {},
        llmSpec};
    for (Knob& k : phaseKnobs())
        llm.knobs.push_back(std::move(k));
    llm.knobs.push_back(attentionKnob());
    llm.build = decoderBuild(llm.decoder);
    m.push_back(std::move(llm));
    m.push_back(
        {"moe",
         "mixture-of-experts transformer block (attention + top-k routed SwiGLU experts, Mixtral-style)",
         {intKnob("seq", 128, 1, 131072, "tokens per sample"),
          intKnob("hidden", 4096, 64, 65536, "model width"), intKnob("heads", 32, 1, 1024, "attention heads"),
          intKnob("ffn", 14336, 1, 262144, "expert inner width"), intKnob("experts", 8, 1, 1024, "experts E"),
          intKnob("top_k", 2, 1, 1024, "experts per token k"), imbalanceKnob()},
         "seq",
         false,
         zoo::moeBlock});
    for (ModelDescriptor& c : shippedConfigs())
        m.push_back(std::move(c));
    return m;
}

// Config files read by loadConfig(), by absolute path, each with the modification time it was
// read at. A file changed since is read again and the newer entry wins; the deque keeps every
// descriptor in place, so a pointer handed out earlier stays valid.
struct ConfigEntry {
    ModelDescriptor model;
    QDateTime modified;
};
struct ConfigRegistry {
    std::mutex mutex;
    std::deque<ConfigEntry> entries;
    const ConfigEntry* latest(const std::string& id) const {
        for (auto it = entries.rbegin(); it != entries.rend(); ++it)
            if (it->model.id == id) return &*it;
        return nullptr;
    }
};

ConfigRegistry& registry() {
    static ConfigRegistry r;
    return r;
}

} // namespace

const std::vector<ModelDescriptor>& ModelZoo::models() {
    static const std::vector<ModelDescriptor> all = makeModels();
    return all;
}

const ModelDescriptor* ModelZoo::find(const std::string& id) {
    for (const ModelDescriptor& m : models())
        if (m.id == id) return &m;
    if (!isConfigPath(id)) return nullptr;
    ConfigRegistry& r = registry();
    const std::lock_guard<std::mutex> lock(r.mutex);
    const ConfigEntry* e = r.latest(id);
    return e ? &e->model : nullptr;
}

bool ModelZoo::isConfigPath(const std::string& idOrPath) {
    return QString::fromStdString(idOrPath).endsWith(QLatin1String(".json"), Qt::CaseInsensitive);
}

const ModelDescriptor& ModelZoo::loadConfig(const std::string& path) {
    const QFileInfo file(QString::fromStdString(path));
    const std::string id = file.absoluteFilePath().toStdString();
    const QDateTime modified = file.lastModified();
    ConfigRegistry& r = registry();
    {
        const std::lock_guard<std::mutex> lock(r.mutex);
        if (const ConfigEntry* e = r.latest(id); e && e->modified == modified) return e->model;
    }
    ConfigEntry e{configModel(id, decoderSpecFromHfConfig(file.absoluteFilePath()), id), modified};
    const std::lock_guard<std::mutex> lock(r.mutex);
    if (const ConfigEntry* known = r.latest(id); known && known->modified == modified)
        return known->model; // another thread read it meanwhile
    r.entries.push_back(std::move(e));
    return r.entries.back().model;
}

KnobValues ModelZoo::resolve(const ModelDescriptor& model, const KnobValues& overrides) {
    KnobValues v;
    for (const Knob& k : model.knobs)
        v[k.name] = k.value;
    for (const auto& [name, value] : overrides) {
        const auto it = v.find(name);
        if (it == v.end()) {
            std::string known;
            for (const Knob& k : model.knobs)
                known += (known.empty() ? "" : ", ") + k.name;
            throw ZooError("model '" + model.id + "' has no knob '" + name + "' (knobs: " + known + ")");
        }
        for (const Knob& k : model.knobs) {
            if (k.name != name) continue;
            if (!std::isfinite(value) || value < k.min || value > k.max ||
                (k.integer && value != std::floor(value))) {
                std::ostringstream s;
                s << "model '" << model.id << "': knob '" << name << "' = " << value << " is out of range ["
                  << k.min << ", " << k.max << "]" << (k.integer ? " (integer)" : "");
                throw ZooError(s.str());
            }
        }
        it->second = value;
    }
    return v;
}

Graph ModelZoo::build(const std::string& id, const KnobValues& overrides, const Sharding& sharding) {
    // A config file named in a session or an export is read the first time it is built.
    const ModelDescriptor* m = isConfigPath(id) ? &loadConfig(id) : find(id);
    if (!m) throw ZooError("unknown model '" + id + "' (see 'batchscope models')");
    if (!sharding.single() && !m->isDecoder())
        throw ZooError(sharding.text() +
                       ": tensor and expert parallelism split a decoder LLM's layers "
                       "(llm, a shipped config or a config.json); '" +
                       id + "' is not one");
    const KnobValues k = resolve(*m, overrides);
    Graph g = sharding.single() ? m->build(k) : decoderPhase(m->decoder(k), k, sharding);
    g.name = id;
    return g;
}

double ModelZoo::parseKnobValue(const ModelDescriptor& model, const std::string& knobName,
                                const std::string& text) {
    for (const Knob& k : model.knobs) {
        if (k.name != knobName) continue;
        for (std::size_t i = 0; i < k.choices.size(); ++i)
            if (k.choices[i] == text) return static_cast<double>(i);
        std::size_t used = 0;
        double v = 0;
        try {
            v = std::stod(text, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != text.size() || text.empty()) {
            std::string expect = k.choices.empty() ? "a number" : "one of";
            for (const std::string& c : k.choices)
                expect += " " + c;
            throw ZooError("model '" + model.id + "': knob '" + knobName + "' = '" + text + "' is not " +
                           expect);
        }
        return v;
    }
    return resolve(model, {{knobName, 0}}).at(knobName); // throws the unknown-knob message
}

double knob(const KnobValues& values, const std::string& name) {
    const auto it = values.find(name);
    if (it == values.end()) throw ZooError("internal: knob '" + name + "' not resolved");
    return it->second;
}

} // namespace bs
