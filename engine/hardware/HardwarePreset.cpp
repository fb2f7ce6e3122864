#include "hardware/HardwarePreset.h"

#include "base/EngineError.h"

#include <algorithm>

namespace bs {

std::string_view archClassName(ArchClass c) {
    switch (c) {
    case ArchClass::Gpu:
        return "gpu";
    case ArchClass::Systolic:
        return "systolic";
    case ArchClass::Cpu:
        return "cpu";
    case ArchClass::Tile:
        return "tile";
    }
    return "gpu";
}

std::string HardwarePreset::supportedPrecisions() const {
    std::string out;
    for (const auto& [p, _] : peakTflops)
        out += (out.empty() ? "" : ", ") + std::string(precisionName(p));
    return out;
}

double HardwarePreset::peakFlops(Precision p) const {
    const auto it = peakTflops.find(p);
    if (it == peakTflops.end())
        throw EngineError("preset '" + id + "' has no " + std::string(precisionName(p)) +
                          " peak (it supports: " + supportedPrecisions() + ")");
    return it->second.value * 1e12;
}

double HardwarePreset::vectorFlops(Precision p) const {
    return std::min(vectorTflops.value * 1e12, peakFlops(p));
}

} // namespace bs
