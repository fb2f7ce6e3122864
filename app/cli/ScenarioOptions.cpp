#include "cli/ScenarioOptions.h"

#include "base/EngineError.h"
#include "hardware/PresetLoader.h"

namespace bs::cli {

namespace {
/// name=value items of a repeatable option.
std::vector<std::pair<std::string, std::string>> pairs(const Options& o, const char* option) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const std::string& kv : o.values(option)) {
        const auto eq = kv.find('=');
        if (eq == std::string::npos || eq == 0)
            throw EngineError(std::string("--") + option + " '" + kv + "' must be name=value");
        out.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    }
    return out;
}
} // namespace

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

std::map<std::string, std::int64_t> dimsFromOptions(const Options& o) {
    std::map<std::string, std::int64_t> dims;
    for (const auto& [name, value] : pairs(o, "dim"))
        dims[name] = parsePositive(value, "--dim " + name);
    return dims;
}

const std::vector<OptionSpec>& scenarioOptionSpecs() {
    static const std::vector<OptionSpec> specs = {
        {"model", true, false},      {"hardware", true, false},   {"runtime", true, false},
        {"precision", true, false},  {"seq", true, false},        {"resolution", true, false},
        {"param", true, true},       {"format", true, false},     {"dim", true, true},
        {"power-mode", true, false}, {"weights", true, false},    {"activations", true, false},
        {"kv", true, false},         {"group-size", true, false}, {"parallel", true, false},
        {"node", true, false},
    };
    return specs;
}

ScenarioFields scenarioFieldsFromOptions(const Options& o) {
    if (!o.has("model")) throw EngineError("--model is required (see 'batchscope models')");
    if (!o.has("hardware")) throw EngineError("--hardware is required (see 'batchscope presets')");
    auto opt = [&](const char* name) {
        return o.has(name) ? std::optional<std::string>(o.value(name)) : std::nullopt;
    };
    ScenarioFields f;
    f.prefix = "--";
    f.model = o.value("model");
    f.hardware = o.value("hardware");
    f.precision = opt("precision");
    f.runtime = opt("runtime");
    f.powerMode = opt("power-mode");
    f.weights = opt("weights");
    f.activations = opt("activations");
    f.kv = opt("kv");
    f.groupSize = opt("group-size");
    f.parallel = opt("parallel");
    f.node = opt("node");
    f.seq = opt("seq");
    f.resolution = opt("resolution");
    f.knobs = pairs(o, "param");
    f.dims = pairs(o, "dim");
    return f;
}

PreparedScenario prepareFromOptions(const Options& o) {
    return prepareScenario(scenarioFieldsFromOptions(o), PresetLibrary::shipped());
}

} // namespace bs::cli
