#include "hardware/HardwarePreset.h"

#include "base/EngineError.h"

#include <algorithm>
#include <cstdio>

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

bool HardwarePreset::simtGemm(Precision p) const {
    return archClass == ArchClass::Gpu && peakFlops(p) <= vectorFlops(p);
}

double HardwarePreset::vectorFraction() const {
    return vectorComputeFraction.value > 0 ? vectorComputeFraction.value : computeFraction.value;
}

double HardwarePreset::gemmFraction(Precision p) const {
    return simtGemm(p) ? vectorFraction() : computeFraction.value;
}

const PowerMode* HardwarePreset::findPowerMode(const std::string& modeId) const {
    for (const PowerMode& m : powerModes)
        if (m.id == modeId) return &m;
    return nullptr;
}

std::string HardwarePreset::powerModeList() const {
    std::string out;
    for (const PowerMode& m : powerModes)
        out += (out.empty() ? "" : ", ") + m.id;
    return out.empty() ? "none" : out;
}

namespace {

std::string fmtNumber(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

// `field` times `factor`, its source saying why.
Sourced scaled(const Sourced& field, double factor, const std::string& why) {
    return {field.value * factor,
            why + ": " + fmtNumber(factor) + " x " + fmtNumber(field.value) + " (" + field.source + ")"};
}

} // namespace

HardwarePreset inPowerMode(const HardwarePreset& preset, const std::string& modeId) {
    // Already in that mode (the CLI resolves a scenario's preset in its mode, and the snapshot
    // builder applies the scenario's mode again): nothing to do.
    if (modeId.empty() || modeId == preset.powerMode) return preset;
    if (!preset.powerMode.empty())
        throw EngineError("preset '" + preset.id + "' is already in power mode '" + preset.powerMode +
                          "'; a mode applies to the preset as written");
    const PowerMode* mode = preset.findPowerMode(modeId);
    if (!mode)
        throw EngineError("preset '" + preset.id + "' has no power mode '" + modeId +
                          "' (it has: " + preset.powerModeList() + ")");
    HardwarePreset p = preset;
    p.powerMode = mode->id;
    p.name = preset.name + " · " + mode->name;
    const double clockRatio = mode->clockGhz.value / preset.clockGhz.value;
    const double units = mode->activeUnits.value > 0 ? mode->activeUnits.value : preset.units();
    const double unitRatio = units / preset.units();
    // A peak is units × FLOP/clock × clock: it follows the mode's clock and its powered units.
    const std::string why = "power mode " + mode->id + " (" + fmtNumber(units) + "/" +
                            fmtNumber(preset.units()) + " units at " + fmtNumber(mode->clockGhz.value) + "/" +
                            fmtNumber(preset.clockGhz.value) + " GHz)";
    for (auto& [prec, peak] : p.peakTflops)
        peak = scaled(peak, clockRatio * unitRatio, why);
    p.vectorTflops = scaled(preset.vectorTflops, clockRatio * unitRatio, why);
    p.clockGhz = mode->clockGhz;
    if (mode->activeUnits.value > 0) p.computeUnits = mode->activeUnits;
    // The on-chip level runs on the compute clock; power-gated units do not remove its banks.
    p.onchip.bandwidthGBs =
        scaled(preset.onchip.bandwidthGBs, clockRatio, "power mode " + mode->id + " (compute clock ratio)");
    if (mode->dramBandwidthGBs.value > 0) p.dram.bandwidthGBs = mode->dramBandwidthGBs;
    p.tdpWatts = mode->tdpWatts;
    p.staticWatts = mode->staticWatts.value > 0
                        ? mode->staticWatts
                        : scaled(preset.staticWatts, mode->tdpWatts.value / preset.tdpWatts.value,
                                 "power mode " + mode->id + " (the same share of its " +
                                     fmtNumber(mode->tdpWatts.value) + " W limit)");
    return p;
}

} // namespace bs
