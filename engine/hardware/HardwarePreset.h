#pragma once
// A hardware preset: everything the engine knows about one chip, each number with its source.
// Units are in the field names: TFLOP/s, GHz, GiB (device memory), MiB (on-chip), GB/s (1e9 B/s),
// pJ per FLOP / per byte, watts, microseconds. Peaks are dense (no sparsity). See docs/PRESETS.md.
#include "base/Precision.h"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bs {

enum class ArchClass { Gpu, Systolic, Cpu, Tile };
std::string_view archClassName(ArchClass c);

/// A number and where it comes from (datasheet citation or "estimate: reasoning").
struct Sourced {
    double value = 0;
    std::string source;
};

struct MemoryLevel {
    std::string name;
    Sourced capacity;     ///< GiB for dram, MiB for onchip, KiB per unit for local
    Sourced bandwidthGBs; ///< GB/s (absent for local)
    Sourced pjPerByte;    ///< energy per byte moved (absent for local)
};

/// A module power mode (Jetson's nvpmodel modes): the preset run under another power limit, with
/// the clock capped, units power-gated and (optionally) the memory clock lowered. The preset's own
/// numbers are its default mode. See inPowerMode() and docs/MODEL.md §8.
struct PowerMode {
    std::string id;   ///< "30w": what --power-mode and scenarios name
    std::string name; ///< "30 W (MODE_30W)"
    Sourced tdpWatts;
    Sourced clockGhz;         ///< maximum compute clock in this mode
    Sourced activeUnits;      ///< units left powered (0: all)
    Sourced dramBandwidthGBs; ///< 0: the preset's
    Sourced staticWatts;      ///< 0: the preset's static power × this mode's limit ÷ the preset's
};

struct HardwarePreset {
    std::string id;
    std::string name;
    std::string vendor;
    std::string status; ///< datasheet | modelled | measured | calibrated
    std::string notes;
    std::string derivedFrom; ///< id of the preset this user preset was duplicated from ("" if none)
    std::string file;        ///< where it was loaded from ("" for presets built in code)
    ArchClass archClass = ArchClass::Gpu;
    Precision defaultPrecision = Precision::FP32;

    Sourced clockGhz;
    std::string unitName;
    Sourced computeUnits;
    std::map<Precision, Sourced> peakTflops;
    std::map<Precision, Sourced> flopsPerClockPerUnit;
    Sourced vectorTflops;

    MemoryLevel dram;                 ///< capacity in GiB
    MemoryLevel onchip;               ///< capacity in MiB
    std::optional<MemoryLevel> local; ///< capacity in KiB per unit

    // mapping (class-specific; unused fields stay 0)
    std::vector<std::pair<int, int>> tileCandidates; ///< gpu: thread-block output tiles M×N
    std::string tileCandidatesSource;
    Sourced kAlign, maxSplitK;                     ///< gpu
    Sourced arrayRows, arrayCols;                  ///< systolic
    Sourced simdFp32Lanes, microTileM, microTileN; ///< cpu
    Sourced tileRows, tileCols;                    ///< tile
    Sourced vectorGrainElems;                      ///< all classes

    std::map<Precision, Sourced> pjPerFlop;
    Sourced idleWatts; ///< measured board power with nothing running (lowest power state)
    /// Board power while a workload runs that no operation accounts for: leakage at the operating
    /// voltage, clock tree, fans and regulators (docs/MODEL.md §8). Absent in a file: idle_watts.
    Sourced staticWatts;
    Sourced tdpWatts; ///< board power limit: layers that would draw more run at a lower clock
    Sourced dispatchUs;
    Sourced computeFraction, bandwidthFraction, onchipActivationFraction;
    /// Achievable fraction of the vector (GPU SIMT) peak on a large GEMM at a precision with no faster
    /// matrix path (fp32 on most GPUs) and on vector ops (efficiency.vector_compute_fraction; 0: the
    /// file gives none and computeFraction serves).
    Sourced vectorComputeFraction;
    /// What one device costs per hour (cost.usd_per_device_hour; 0: the preset gives no price).
    Sourced usdPerDeviceHour;
    std::vector<PowerMode> powerModes; ///< other power modes the module offers (may be empty)
    /// The mode inPowerMode() applied ("" for the preset as written).
    std::string powerMode;

    bool supports(Precision p) const { return peakTflops.count(p) != 0; }
    /// Dense peak in FLOP/s; throws EngineError naming the precisions the chip has if unsupported.
    double peakFlops(Precision p) const;
    std::string supportedPrecisions() const;
    double units() const { return computeUnits.value; }
    double dramBytesPerS() const { return dram.bandwidthGBs.value * 1e9; }
    double dramCapacityBytes() const { return dram.capacity.value * 1024.0 * 1024.0 * 1024.0; }
    double onchipBytes() const { return onchip.capacity.value * 1024.0 * 1024.0; }
    double onchipBytesPerS() const { return onchip.bandwidthGBs.value * 1e9; }
    /// Non-matrix throughput at precision p: the vector rate, never above the matrix peak.
    double vectorFlops(Precision p) const;
    /// GEMMs at p run on a GPU's SIMT cores: the precision has no matrix path faster than them.
    bool simtGemm(Precision p) const;
    /// The achievable share of the vector rate (vector_compute_fraction, else compute_fraction).
    double vectorFraction() const;
    /// The achievable share of peakFlops(p): the vector fraction on the SIMT path, else compute_fraction.
    double gemmFraction(Precision p) const;
    const PowerMode* findPowerMode(const std::string& modeId) const;
    /// The id, with "@mode" when a power mode is applied ("jetson-orin-agx@30w"): what tells two
    /// runs of one preset apart in roofs, reports and exports.
    std::string variantId() const { return powerMode.empty() ? id : id + "@" + powerMode; }
    /// "30w, 50w" (or "none").
    std::string powerModeList() const;
};

/// `preset` in power mode `modeId` ("" or a mode id of the preset): power limit and static power
/// replaced, peaks and on-chip bandwidth scaled by clock ratio × active-unit ratio, units reduced,
/// DRAM bandwidth replaced where the mode gives it; every changed number says so in its source.
/// Throws EngineError naming the modes the preset has when `modeId` is unknown. A preset already
/// in `modeId` is returned as it is; one in another mode is an EngineError.
HardwarePreset inPowerMode(const HardwarePreset& preset, const std::string& modeId);

} // namespace bs
