#pragma once
// The built-in parametric models. Each has an id, a one-line description and knobs (resolution,
// sequence length, width, ...) with defaults and ranges; build() turns knob values into a Graph.
#include "graph/Graph.h"
#include "zoo/DecoderSpec.h"

#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace bs {

using KnobValues = std::map<std::string, double>;

struct Knob {
    std::string name;
    double value = 0; ///< default (for a choice knob: index into choices)
    double min = 0;
    double max = 0;
    std::string help;
    std::vector<std::string> choices; ///< non-empty: a named choice (e.g. phase=prefill|decode)
    bool integer = true;
    /// Why the knob has no effect at these values ("" when it has): the window disables it and
    /// says why. Unset: it always applies.
    std::function<std::string(const KnobValues&)> unusedBecause;
};

class ZooError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct ModelDescriptor {
    std::string id;
    std::string description;
    std::vector<Knob> knobs;
    /// Knob a "--seq" sweep varies, and the knobs "--resolution" sets (empty where not applicable).
    std::string seqKnob;
    bool hasResolution = false;
    std::function<Graph(const KnobValues&)> build;
    /// Decoder LLMs (the `llm` model, Hugging Face configs): the architecture at these knob values,
    /// which generation (eval/Generation.h) needs beyond the graphs. Unset for other models.
    std::function<DecoderSpec(const KnobValues&)> decoder = {};
    /// The config.json a config model was read from ("" for the built-in builders).
    std::string configFile = {};
    bool isDecoder() const { return static_cast<bool>(decoder); }
    /// One of the built-in builders (not a config.json model).
    bool builtIn() const { return configFile.empty(); }
};

class ModelZoo {
  public:
    static const std::vector<ModelDescriptor>& models();
    /// A built-in model, a shipped config (presets/models/ID.json) or a config.json file already
    /// read by loadConfig() (by its absolute path); nullptr otherwise.
    static const ModelDescriptor* find(const std::string& id);
    /// Reads a Hugging Face config.json (zoo/HfConfig.h) into a model whose id is the file's
    /// absolute path, so that find() knows it from then on. Throws FileError naming the file and
    /// the field.
    static const ModelDescriptor& loadConfig(const std::string& path);
    /// Whether `idOrPath` names a config file rather than a model id (it ends in .json).
    static bool isConfigPath(const std::string& idOrPath);
    /// Complete knob values: defaults overridden by `overrides`. Throws ZooError naming an unknown
    /// knob or a value out of range.
    static KnobValues resolve(const ModelDescriptor& model, const KnobValues& overrides);
    /// resolve() + build. Throws ZooError for an unknown id. A `sharding` over several devices:
    /// one device's graph, for decoder LLMs only (zoo::llmDecoder).
    static Graph build(const std::string& id, const KnobValues& overrides = {},
                       const Sharding& sharding = {});
    /// Parses a knob value given as text ("224", "decode"); throws ZooError naming the knob.
    static double parseKnobValue(const ModelDescriptor& model, const std::string& knob,
                                 const std::string& text);
};

/// Reads a knob that resolve() guaranteed is present.
double knob(const KnobValues& values, const std::string& name);

} // namespace bs
