#include "hardware/PresetSchema.h"

#include "base/EngineError.h"

namespace bs {

namespace {

using K = PresetFieldKind;
using G = PresetGroup;
constexpr double kBig = 1e9; // generous upper bound that still rejects absurd values

// A row of the table; the defaults make most rows a required Number without range.
PresetField field(const char* path, K kind, G group, const char* label, const char* unit, const char* help,
                  double minExclusive = 0, double maxInclusive = 0, bool allowZero = false,
                  bool required = true, std::optional<ArchClass> onlyFor = std::nullopt) {
    return PresetField{path,         kind,         group,     label,    unit,   help,
                       minExclusive, maxInclusive, allowZero, required, onlyFor};
}

const char* const kLevelName = "What this memory level is";
const char* const kLevelBandwidth = "Peak bandwidth of this level (1 GB/s = 10⁹ bytes/s)";
const char* const kLevelEnergy = "Energy to move one byte to or from this level";

std::vector<PresetField> makeFields() {
    return {
        field("schema", K::Version, G::General, "Format version", "", "The preset format's version: 1"),
        field("id", K::Text, G::General, "Id", "",
              "Identifier used on the command line and as the file name; fixed once created"),
        field("name", K::Text, G::General, "Name", "", "Shown in the preset list and chart legends"),
        field("vendor", K::Text, G::General, "Vendor", "", "Who makes the chip"),
        field("class", K::Text, G::General, "Architecture class", "",
              "gpu, systolic, cpu or tile: decides how layers map onto compute units (fixed; it selects the "
              "mapping fields)"),
        field("status", K::Text, G::General, "Status", "",
              "How the numbers were obtained: datasheet, modelled, measured, calibrated, or user-modified "
              "(a value edited in the preset editor)"),
        field("default_precision", K::Text, G::General, "Default precision", "",
              "Precision a new scenario uses; must have a peak"),
        field("derived_from", K::Text, G::General, "Derived from", "",
              "The preset this one was duplicated from; the diff compares with it", 0, 0, false, false),
        field("notes", K::Text, G::General, "Notes", "", "Free text shown in the preset's tooltip", 0, 0,
              false, false),
        field("clock_ghz", K::Number, G::Compute, "Clock", "GHz",
              "Clock the peak rates assume (usually the boost clock)", 0, 100),
        field("compute_units", K::Number, G::Compute, "Compute units", "units",
              "Number of compute units (%1) the work is spread over", 0, 1e7),
        field("compute_units.name", K::Text, G::Compute, "Compute unit name", "",
              "What one compute unit is called"),
        field("peak_tflops", K::PerPrecision, G::Compute, "Peak %1", "TFLOP/s",
              "Dense matrix-engine peak at %1 (no sparsity)", 0, 1e6),
        field("flops_per_clock_per_unit", K::PerPrecision, G::Compute, "FLOP per clock per unit, %1",
              "FLOP/clk/unit",
              "FLOPs (2 per MAC) one compute unit does per clock at %1; the peak should be about units × "
              "this × "
              "clock",
              0, 1e9),
        field("vector_tflops", K::Number, G::Compute, "Vector peak", "TFLOP/s",
              "Rate of non-matrix work (elementwise, activations, norms, softmax, pooling), FP32", 0, 1e6),
        field("memory", K::Object, G::Memory, "Memory", "", "The memory levels"),
        field("memory.dram", K::Object, G::Memory, "DRAM", "", "Device memory"),
        field("memory.dram.name", K::Text, G::Memory, "DRAM name", "", kLevelName),
        field("memory.dram.capacity_gib", K::Number, G::Memory, "DRAM capacity", "GiB",
              "Device memory capacity", 0, 1e6),
        field("memory.dram.bandwidth_gb_s", K::Number, G::Memory, "DRAM bandwidth", "GB/s", kLevelBandwidth,
              0, 1e6),
        field("memory.dram.energy_pj_per_byte", K::Number, G::Memory, "DRAM energy per byte", "pJ/B",
              kLevelEnergy, 0, 1e4),
        field("memory.onchip", K::Object, G::Memory, "On-chip", "",
              "The shared on-chip level (GPU L2, TPU CMEM, CPU LLC, accelerator global SRAM)"),
        field("memory.onchip.name", K::Text, G::Memory, "On-chip name", "", kLevelName),
        field("memory.onchip.capacity_mib", K::Number, G::Memory, "On-chip capacity", "MiB",
              "Size of the shared on-chip level that keeps activations and weight tiles", 0, 1e7),
        field("memory.onchip.bandwidth_gb_s", K::Number, G::Memory, "On-chip bandwidth", "GB/s",
              kLevelBandwidth, 0, 1e6),
        field("memory.onchip.energy_pj_per_byte", K::Number, G::Memory, "On-chip energy per byte", "pJ/B",
              kLevelEnergy, 0, 1e4),
        field("memory.local", K::Object, G::Memory, "Local", "", "Per-unit local memory (optional)", 0, 0,
              false, false),
        field("memory.local.name", K::Text, G::Memory, "Local name", "", kLevelName),
        field("memory.local.capacity_kib_per_unit", K::Number, G::Memory, "Local capacity", "KiB/unit",
              "Local memory per compute unit (shared memory, scratchpad)", 0, 1e7),
        field("mapping", K::Object, G::Mapping, "Mapping", "",
              "How layers map onto compute units (class specific)"),
        field("mapping.tile_candidates", K::Tiles, G::Mapping, "Tile candidates", "M×N",
              "Output tiles (M×N) one thread block computes, as cuBLAS/CUTLASS pick them", 0, 0, false, true,
              ArchClass::Gpu),
        field("mapping.k_align", K::Number, G::Mapping, "K alignment", "elements",
              "K is padded to a multiple of this (the tensor-core instruction k)", 0, 4096, false, true,
              ArchClass::Gpu),
        field("mapping.max_split_k", K::Number, G::Mapping, "Max split-K", "×",
              "Ceiling of the split-K factor used for small-M GEMMs", 0, 1024, false, true, ArchClass::Gpu),
        field("mapping.array_rows", K::Number, G::Mapping, "Array rows", "PEs",
              "Rows of each weight-stationary systolic array", 0, 65536, false, true, ArchClass::Systolic),
        field("mapping.array_cols", K::Number, G::Mapping, "Array columns", "PEs",
              "Columns of each weight-stationary systolic array", 0, 65536, false, true, ArchClass::Systolic),
        field("mapping.simd_fp32_lanes", K::Number, G::Mapping, "SIMD FP32 lanes", "lanes",
              "GEMM N is padded to the SIMD width", 0, 1024, false, true, ArchClass::Cpu),
        field("mapping.micro_tile_m", K::Number, G::Mapping, "Micro-tile M", "rows",
              "Rows of the per-core GEMM micro-kernel register tile", 0, 4096, false, true, ArchClass::Cpu),
        field("mapping.micro_tile_n", K::Number, G::Mapping, "Micro-tile N", "columns",
              "Columns of the per-core GEMM micro-kernel register tile", 0, 4096, false, true,
              ArchClass::Cpu),
        field("mapping.tile_rows", K::Number, G::Mapping, "Tile rows", "PEs",
              "Rows of the PE array inside one tile", 0, 65536, false, true, ArchClass::Tile),
        field("mapping.tile_cols", K::Number, G::Mapping, "Tile columns", "PEs",
              "Columns of the PE array inside one tile", 0, 65536, false, true, ArchClass::Tile),
        field("mapping.vector_grain_elems", K::Number, G::Mapping, "Vector grain", "elements",
              "Elements one unit processes per wave of an elementwise op (how many units a small layer can "
              "use)",
              0, kBig),
        field("energy", K::Object, G::Energy, "Energy", "", "Energy per operation and power"),
        field("energy.pj_per_flop", K::PerPrecision, G::Energy, "Energy per FLOP, %1", "pJ/FLOP",
              "Dynamic energy of one FLOP at %1, operand delivery (registers, shared memory) included", 0,
              1e5),
        field("energy.idle_watts", K::Number, G::Energy, "Idle power", "W",
              "Measured board power with nothing running (lowest power state); not used in energy", 0, 1e5,
              true),
        field("energy.static_watts", K::Number, G::Energy, "Static power under load", "W",
              "Board power while a workload runs that no operation accounts for (leakage at the operating "
              "voltage, clock tree, fans); charged for the whole latency. Absent: the idle power",
              0, 1e5, true, false),
        field("energy.tdp_watts", K::Number, G::Energy, "Power limit (TDP)", "W",
              "Board power limit: a layer that would draw more runs at a lower clock (power-bound)", 0, 1e5),
        // Module power modes (Jetson nvpmodel): each key under power_modes is a mode id, and its
        // fields are declared once under the wildcard "*" (presetField() maps an id onto it).
        field("power_modes", K::Object, G::Energy, "Power modes", "",
              "Other power modes the module offers; the preset's own numbers are its default mode", 0, 0,
              false, false),
        field("power_modes.*", K::Object, G::Energy, "Power mode", "", "One power mode, named by its key"),
        field("power_modes.*.name", K::Text, G::Energy, "Mode name", "", "How the mode is shown"),
        field("power_modes.*.tdp_watts", K::Number, G::Energy, "Mode power limit", "W",
              "The module's power budget in this mode", 0, 1e5),
        field("power_modes.*.clock_ghz", K::Number, G::Energy, "Mode clock", "GHz",
              "Maximum compute clock in this mode (at most the preset's clock)", 0, 100),
        field("power_modes.*.active_units", K::Number, G::Energy, "Mode active units", "units",
              "Compute units left powered in this mode (absent: all)", 0, 1e7, false, false),
        field("power_modes.*.dram_bandwidth_gb_s", K::Number, G::Energy, "Mode DRAM bandwidth", "GB/s",
              "DRAM bandwidth at this mode's memory clock (absent: the preset's)", 0, 1e7, false, false),
        field("power_modes.*.static_watts", K::Number, G::Energy, "Mode static power", "W",
              "Static power under load in this mode (absent: the preset's, scaled by the mode's limit)", 0,
              1e5, true, false),
        field("overheads", K::Object, G::Overheads, "Overheads", "", "Fixed costs per layer"),
        field("overheads.dispatch_us", K::Number, G::Overheads, "Dispatch per layer", "µs",
              "Device-side time per kernel (launch latency, the shortest kernel), added to every fused "
              "layer; host and framework time is the runtime's (presets/runtimes)",
              0, 1e6, true),
        field("efficiency", K::Object, G::Efficiency, "Efficiency", "", "Calibration knobs, 0 < x ≤ 1"),
        field("efficiency.compute_fraction", K::Number, G::Efficiency, "Compute efficiency", "fraction 0–1",
              "Achievable fraction of peak on a large GEMM", 0, 1),
        field("efficiency.vector_compute_fraction", K::Number, G::Efficiency, "Vector compute efficiency",
              "fraction 0–1",
              "Achievable fraction of the vector peak on a large GEMM at a precision with no faster matrix "
              "path (fp32 on a GPU's SIMT cores) and on vector ops. Absent: the compute efficiency",
              0, 1, false, false),
        field("efficiency.bandwidth_fraction", K::Number, G::Efficiency, "Bandwidth efficiency",
              "fraction 0–1", "Achievable fraction of DRAM bandwidth (STREAM-like kernels)", 0, 1),
        field("efficiency.onchip_activation_fraction", K::Number, G::Efficiency, "On-chip activation share",
              "fraction 0–1",
              "Share of the on-chip level usable for activations (the rest holds weight tiles and metadata)",
              0, 1),
        field("cost", K::Object, G::Cost, "Cost", "", "What running one device costs (optional)", 0, 0, false,
              false),
        field("cost.usd_per_device_hour", K::Number, G::Cost, "Price per device-hour", "USD/h",
              "What one device costs per hour: a public cloud list price per GPU, or purchase and power "
              "amortised over its life (say which in the source); gives the cost per million inferences",
              0, 1e6),
    };
}

// "power_modes.30w.tdp_watts" → "power_modes.*.tdp_watts": a mode's fields are declared once.
QString wildcarded(const QString& path) {
    static const QString modes = QStringLiteral("power_modes.");
    if (!path.startsWith(modes)) return path;
    QStringList parts = path.split(QLatin1Char('.'));
    parts[1] = QStringLiteral("*");
    return parts.join(QLatin1Char('.'));
}

QString parentOf(const QString& path) {
    const qsizetype dot = path.lastIndexOf(QLatin1Char('.'));
    return dot < 0 ? QString() : path.left(dot);
}

} // namespace

const std::vector<PresetField>& presetFields() {
    static const std::vector<PresetField> fields = makeFields();
    return fields;
}

const PresetField* presetField(const QString& given) {
    const QString path = wildcarded(given);
    for (const PresetField& f : presetFields())
        if (path == QLatin1String(f.path)) return &f;
    const PresetField* parent = nullptr;
    for (const PresetField& f : presetFields())
        if (parentOf(path) == QLatin1String(f.path)) parent = &f;
    return parent && parent->kind == PresetFieldKind::PerPrecision ? parent : nullptr;
}

QStringList presetChildKeys(const QString& given, std::optional<ArchClass> cls) {
    const QString parentPath = wildcarded(given);
    QStringList keys;
    for (const PresetField& f : presetFields()) {
        const QString path = QString::fromLatin1(f.path);
        if (parentOf(path) != parentPath) continue;
        if (cls && f.onlyFor && *f.onlyFor != *cls) continue;
        keys << (parentPath.isEmpty() ? path : path.mid(parentPath.size() + 1));
    }
    return keys;
}

QJsonValue presetValueAt(const QJsonObject& root, const QString& path) {
    QJsonValue v = root;
    for (const QString& k : path.split(QLatin1Char('.'))) {
        if (!v.isObject()) return QJsonValue(QJsonValue::Undefined);
        v = v.toObject().value(k);
    }
    return v;
}

QJsonObject withPresetValueAt(const QJsonObject& root, const QString& path, const QJsonValue& value) {
    const qsizetype dot = path.indexOf(QLatin1Char('.'));
    QJsonObject out = root;
    if (dot < 0) {
        out.insert(path, value);
        return out;
    }
    const QString head = path.left(dot);
    out.insert(head, withPresetValueAt(root.value(head).toObject(), path.mid(dot + 1), value));
    return out;
}

Sourced* presetNumber(HardwarePreset& p, const std::string& path) {
    const auto perPrecision = [&](std::map<Precision, Sourced>& map, const std::string& prefix) -> Sourced* {
        if (path.rfind(prefix, 0) != 0) return nullptr;
        const std::optional<Precision> prec = parsePrecision(path.substr(prefix.size()));
        const auto it = prec ? map.find(*prec) : map.end();
        return it == map.end() ? nullptr : &it->second;
    };
    if (Sourced* s = perPrecision(p.peakTflops, "peak_tflops.")) return s;
    if (Sourced* s = perPrecision(p.flopsPerClockPerUnit, "flops_per_clock_per_unit.")) return s;
    if (Sourced* s = perPrecision(p.pjPerFlop, "energy.pj_per_flop.")) return s;
    const std::pair<const char*, Sourced*> members[] = {
        {"clock_ghz", &p.clockGhz},
        {"compute_units", &p.computeUnits},
        {"vector_tflops", &p.vectorTflops},
        {"memory.dram.capacity_gib", &p.dram.capacity},
        {"memory.dram.bandwidth_gb_s", &p.dram.bandwidthGBs},
        {"memory.dram.energy_pj_per_byte", &p.dram.pjPerByte},
        {"memory.onchip.capacity_mib", &p.onchip.capacity},
        {"memory.onchip.bandwidth_gb_s", &p.onchip.bandwidthGBs},
        {"memory.onchip.energy_pj_per_byte", &p.onchip.pjPerByte},
        {"memory.local.capacity_kib_per_unit", p.local ? &p.local->capacity : nullptr},
        {"mapping.k_align", &p.kAlign},
        {"mapping.max_split_k", &p.maxSplitK},
        {"mapping.array_rows", &p.arrayRows},
        {"mapping.array_cols", &p.arrayCols},
        {"mapping.simd_fp32_lanes", &p.simdFp32Lanes},
        {"mapping.micro_tile_m", &p.microTileM},
        {"mapping.micro_tile_n", &p.microTileN},
        {"mapping.tile_rows", &p.tileRows},
        {"mapping.tile_cols", &p.tileCols},
        {"mapping.vector_grain_elems", &p.vectorGrainElems},
        {"energy.idle_watts", &p.idleWatts},
        {"energy.static_watts", &p.staticWatts},
        {"energy.tdp_watts", &p.tdpWatts},
        {"overheads.dispatch_us", &p.dispatchUs},
        {"efficiency.compute_fraction", &p.computeFraction},
        {"efficiency.vector_compute_fraction", &p.vectorComputeFraction},
        {"efficiency.bandwidth_fraction", &p.bandwidthFraction},
        {"efficiency.onchip_activation_fraction", &p.onchipActivationFraction},
        {"cost.usd_per_device_hour", &p.usdPerDeviceHour},
    };
    for (const auto& [name, member] : members)
        if (path == name) return member;
    return nullptr;
}

const Sourced* presetNumber(const HardwarePreset& preset, const std::string& path) {
    return presetNumber(const_cast<HardwarePreset&>(preset), path); // finds, never changes
}

QJsonObject withSourcedValue(const QJsonObject& root, const QString& path, double value,
                             const QString& source) {
    const PresetField* f = presetField(path);
    if (!f || (f->kind != PresetFieldKind::Number && f->kind != PresetFieldKind::PerPrecision) ||
        (f->kind == PresetFieldKind::PerPrecision && path == QLatin1String(f->path)))
        throw EngineError("'" + path.toStdString() + "' is not a number field of the preset format");
    // compute_units also carries its name: keep what is there, replace value and source.
    QJsonObject o = presetValueAt(root, path).toObject();
    o[QStringLiteral("value")] = value;
    o[QStringLiteral("source")] = source;
    return withPresetValueAt(root, path, o);
}

} // namespace bs
