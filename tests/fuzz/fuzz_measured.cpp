// libFuzzer target: measured-data files (CSV and JSON lines): parse, aggregate, select and compare
// with a small model.
#include "base/EngineError.h"
#include "graph/PreparedModel.h"
#include "hardware/PresetLoader.h"
#include "measured/Measured.h"
#include "zoo/ModelZoo.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const bs::PresetLibrary lib = bs::PresetLibrary::shipped();
    static const bs::PreparedModel model(bs::ModelZoo::build("mlp", {}));
    try {
        const bs::MeasuredSet set =
            bs::parseMeasured(std::string(reinterpret_cast<const char*>(data), size), "fuzz.csv");
        const std::vector<bs::MeasuredPoint> pts = bs::selectPoints(set, "mlp", "t4", "fp16");
        const bs::Comparison c = bs::compareMeasured({&model, lib.find("t4"), bs::Precision::FP16}, pts);
        for (const bs::PointComparison& p : c.points)
            if (!std::isfinite(p.error)) __builtin_trap();
    } catch (const bs::MeasuredError&) {
    } catch (const bs::EngineError&) {
    }
    return 0;
}
