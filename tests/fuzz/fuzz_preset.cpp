// libFuzzer target: preset JSON validation (PresetLoader). A preset that loads is also evaluated,
// so a value that passes validation but breaks the engine (0, NaN, huge) is found too.
#include "base/EngineError.h"
#include "eval/Evaluator.h"
#include "graph/PreparedModel.h"
#include "hardware/PresetLoader.h"
#include "zoo/ModelZoo.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const bs::PreparedModel model(bs::ModelZoo::build("resnet18", {}));
    const bs::PresetLoadResult r =
        bs::parsePreset(std::string(reinterpret_cast<const char*>(data), size), "fuzz.json");
    if (!r.preset) return 0;
    for (const auto& [precision, peak] : r.preset->peakTflops) {
        try {
            const bs::Totals t = bs::evaluateTotals({&model, &*r.preset, precision}, 3);
            if (!(t.latency_s > 0)) __builtin_trap(); // a valid preset must give a positive latency
        } catch (const bs::EngineError&) {
        }
    }
    return 0;
}
