#include "hardware/PresetLoader.h"

#include "base/DataDir.h"
#include "base/EngineError.h"
#include "hardware/PresetSchema.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <cmath>
#include <set>

namespace bs {

namespace {

QString q(const char* s) {
    return QString::fromLatin1(s);
}
std::string s(const QString& x) {
    return x.toStdString();
}

// Walks one preset object, collecting issues with full field paths: the generic reading of
// SourcedReader plus the preset schema (PresetSchema.h).
class Reader : public SourcedReader {
  public:
    using SourcedReader::SourcedReader;

    std::map<Precision, Sourced> perPrecision(const QJsonObject& parent, const char* key,
                                              const std::string& path, double maxInclusive) {
        std::map<Precision, Sourced> out;
        const QJsonObject o = object(parent, key, path);
        for (const QString& k : o.keys()) {
            const auto p = parsePrecision(s(k));
            if (!p) {
                error(join(path, key) + "." + s(k), "unknown precision (known: " + precisionList() + ")");
                continue;
            }
            out[*p] = number(o, k.toLatin1().constData(), join(path, key), 0, maxInclusive);
        }
        if (o.isEmpty() && parent.contains(q(key)))
            error(join(path, key), "must list at least one precision");
        return out;
    }

    // The Number field of the format at `path` (PresetSchema), read from `parent`, the object
    // holding it: range, zero and required as the schema declares them.
    Sourced field(const QJsonObject& parent, const std::string& path) {
        const PresetField& f = schemaField(path);
        const auto [parentPath, key] = splitPath(path);
        return number(parent, key.c_str(), parentPath, f.minExclusive, f.maxInclusive, f.required,
                      f.allowZero);
    }

    std::map<Precision, Sourced> perPrecisionField(const QJsonObject& parent, const std::string& path) {
        const auto [parentPath, key] = splitPath(path);
        return perPrecision(parent, key.c_str(), parentPath, schemaField(path).maxInclusive);
    }

    // Keys of `o` (at `path`) that the schema does not declare there for this class.
    void unknownKeys(const QJsonObject& o, const std::string& path, std::optional<ArchClass> cls = {}) {
        const QStringList known = presetChildKeys(QString::fromStdString(path), cls);
        for (const QString& k : o.keys())
            if (!known.contains(k)) error(join(path, s(k).c_str()), "unknown field");
    }

    static const PresetField& schemaField(const std::string& path) {
        const PresetField* f = presetField(QString::fromStdString(path));
        if (!f) throw EngineError("preset schema has no field '" + path + "'"); // a programming error
        return *f;
    }
    static std::pair<std::string, std::string> splitPath(const std::string& path) {
        const auto dot = path.rfind('.');
        if (dot == std::string::npos) return {"", path};
        return {path.substr(0, dot), path.substr(dot + 1)};
    }
};

// One memory level ("dram", "onchip", "local"): its fields are the schema's children of memory.KEY.
MemoryLevel readLevel(Reader& r, const QJsonObject& mem, const char* key) {
    MemoryLevel l;
    const std::string path = std::string("memory.") + key;
    const QJsonObject o = r.object(mem, key, "memory", Reader::schemaField(path).required);
    if (o.isEmpty()) return l;
    l.name = r.string(o, "name", path);
    for (const QString& k : presetChildKeys(q(path.c_str()))) {
        const std::string field = path + "." + s(k);
        if (k.startsWith(q("capacity")))
            l.capacity = r.field(o, field);
        else if (k == q("bandwidth_gb_s"))
            l.bandwidthGBs = r.field(o, field);
        else if (k == q("energy_pj_per_byte"))
            l.pjPerByte = r.field(o, field);
    }
    r.unknownKeys(o, path);
    return l;
}

void readMapping(Reader& r, const QJsonObject& root, HardwarePreset& p) {
    const QJsonObject m = r.object(root, "mapping", "");
    p.vectorGrainElems = r.field(m, "mapping.vector_grain_elems");
    switch (p.archClass) {
    case ArchClass::Gpu: {
        const QJsonObject tc = r.object(m, "tile_candidates", "mapping");
        const QJsonArray arr = tc.value(q("value")).toArray();
        if (arr.isEmpty())
            r.error("mapping.tile_candidates.value", "must be a non-empty array of [M, N] tiles");
        for (int i = 0; i < arr.size(); ++i) {
            const QJsonArray t = arr.at(i).toArray();
            const int tm = t.size() == 2 ? t.at(0).toInt(-1) : -1,
                      tn = t.size() == 2 ? t.at(1).toInt(-1) : -1;
            if (tm <= 0 || tn <= 0)
                r.error("mapping.tile_candidates.value[" + std::to_string(i) + "]",
                        "must be [M, N] with M, N > 0");
            else
                p.tileCandidates.emplace_back(tm, tn);
        }
        p.tileCandidatesSource = s(tc.value(q("source")).toString());
        if (!tc.isEmpty() && p.tileCandidatesSource.empty())
            r.error("mapping.tile_candidates.source", "missing");
        p.kAlign = r.field(m, "mapping.k_align");
        p.maxSplitK = r.field(m, "mapping.max_split_k");
        break;
    }
    case ArchClass::Systolic:
        p.arrayRows = r.field(m, "mapping.array_rows");
        p.arrayCols = r.field(m, "mapping.array_cols");
        break;
    case ArchClass::Cpu:
        p.simdFp32Lanes = r.field(m, "mapping.simd_fp32_lanes");
        p.microTileM = r.field(m, "mapping.micro_tile_m");
        p.microTileN = r.field(m, "mapping.micro_tile_n");
        break;
    case ArchClass::Tile:
        p.tileRows = r.field(m, "mapping.tile_rows");
        p.tileCols = r.field(m, "mapping.tile_cols");
        break;
    }
    r.unknownKeys(m, "mapping", p.archClass);
}

void crossChecks(Reader& r, const HardwarePreset& p) {
    for (const auto& [prec, peak] : p.peakTflops) {
        const std::string name(precisionName(prec));
        if (!p.pjPerFlop.count(prec))
            r.error("energy.pj_per_flop." + name, "missing for a precision with a peak");
        const auto f = p.flopsPerClockPerUnit.find(prec);
        if (f == p.flopsPerClockPerUnit.end()) {
            r.error("flops_per_clock_per_unit." + name, "missing for a precision with a peak");
            continue;
        }
        const double rebuilt = p.units() * f->second.value * p.clockGhz.value * 1e9 / 1e12;
        if (peak.value > 0 && rebuilt > 0 && std::abs(rebuilt - peak.value) / peak.value > 0.10)
            r.warn("peak_tflops." + name, "peak " + Reader::fmt(peak.value) +
                                              " TFLOP/s differs by more than 10 % from units × FLOP/clock × "
                                              "clock = " +
                                              Reader::fmt(rebuilt) + " TFLOP/s");
    }
    for (const auto& [prec, _] : p.flopsPerClockPerUnit)
        if (!p.peakTflops.count(prec))
            r.error("flops_per_clock_per_unit." + std::string(precisionName(prec)),
                    "precision has no peak_tflops entry");
    if (!p.peakTflops.empty() && !p.supports(p.defaultPrecision))
        r.error("default_precision", "'" + std::string(precisionName(p.defaultPrecision)) +
                                         "' has no peak (supported: " + p.supportedPrecisions() + ")");
    if (p.idleWatts.value > 0 && p.tdpWatts.value > 0 && p.idleWatts.value > p.tdpWatts.value)
        r.error("energy.idle_watts", "idle power exceeds TDP");
    if (p.staticWatts.value > 0 && p.tdpWatts.value > 0 && p.staticWatts.value >= p.tdpWatts.value)
        r.error("energy.static_watts", "static power must stay below the TDP (it leaves no power for work)");
}

} // namespace

namespace {

// Ids of presets and power modes: lower-case letters, digits and '-', not starting with '-'.
bool isIdText(const std::string& id) {
    return !id.empty() && id.front() != '-' && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

// schema .. default_precision; returns the class as written ("" when missing).
std::string readIdentity(Reader& r, const QJsonObject& root, HardwarePreset& p) {
    const QJsonValue schema = root.value(q("schema"));
    if (!schema.isDouble() || schema.toInt() != 1)
        r.error("schema",
                schema.isUndefined() ? "missing (expected 1)" : "unsupported schema version (expected 1)");
    p.id = r.string(root, "id", "");
    const bool idOk = isIdText(p.id);
    if (!p.id.empty() && !idOk) r.error("id", "'" + p.id + "' must be lower-case letters, digits and '-'");
    p.name = r.string(root, "name", "");
    p.vendor = r.string(root, "vendor", "");
    p.status = r.string(root, "status", "");
    if (!p.status.empty() && p.status != "datasheet" && p.status != "modelled" && p.status != "measured" &&
        p.status != "calibrated" && p.status != "user-modified")
        r.error("status",
                "'" + p.status + "' is not one of datasheet, modelled, measured, calibrated, user-modified");
    p.notes = r.string(root, "notes", "", false);
    p.derivedFrom = r.string(root, "derived_from", "", false);
    const std::string cls = r.string(root, "class", "");
    if (cls == "gpu")
        p.archClass = ArchClass::Gpu;
    else if (cls == "systolic")
        p.archClass = ArchClass::Systolic;
    else if (cls == "cpu")
        p.archClass = ArchClass::Cpu;
    else if (cls == "tile")
        p.archClass = ArchClass::Tile;
    else if (!cls.empty())
        r.error("class", "'" + cls + "' is not one of gpu, systolic, cpu, tile");
    const std::string dp = r.string(root, "default_precision", "");
    if (const auto prec = parsePrecision(dp))
        p.defaultPrecision = *prec;
    else if (!dp.empty())
        r.error("default_precision", "unknown precision '" + dp + "' (known: " + precisionList() + ")");
    return cls;
}

void readCompute(Reader& r, const QJsonObject& root, HardwarePreset& p) {
    p.clockGhz = r.field(root, "clock_ghz");
    const QJsonObject cu = r.object(root, "compute_units", "");
    p.unitName = r.string(cu, "name", "compute_units");
    QJsonObject num = cu; // a Number with a name beside value and source
    num.remove(q("name"));
    QJsonObject wrap;
    wrap.insert(q("compute_units"), num);
    p.computeUnits = r.field(wrap, "compute_units");
    if (p.computeUnits.value != std::floor(p.computeUnits.value))
        r.error("compute_units.value", "must be a whole number");
    p.peakTflops = r.perPrecisionField(root, "peak_tflops");
    p.flopsPerClockPerUnit = r.perPrecisionField(root, "flops_per_clock_per_unit");
    p.vectorTflops = r.field(root, "vector_tflops");
}

void readMemory(Reader& r, const QJsonObject& root, HardwarePreset& p) {
    const QJsonObject mem = r.object(root, "memory", "");
    p.dram = readLevel(r, mem, "dram");
    p.onchip = readLevel(r, mem, "onchip");
    if (mem.contains(q("local"))) p.local = readLevel(r, mem, "local");
    r.unknownKeys(mem, "memory");
}

// energy, overheads and efficiency: objects of plain Number fields.
void readCosts(Reader& r, const QJsonObject& root, HardwarePreset& p) {
    const QJsonObject energy = r.object(root, "energy", "");
    p.pjPerFlop = r.perPrecisionField(energy, "energy.pj_per_flop");
    p.idleWatts = r.field(energy, "energy.idle_watts"); // 0 W idle is allowed
    p.staticWatts = energy.contains(QStringLiteral("static_watts"))
                        ? r.field(energy, "energy.static_watts")
                        : Sourced{p.idleWatts.value, "energy.idle_watts (the preset gives no static_watts)"};
    p.tdpWatts = r.field(energy, "energy.tdp_watts");
    r.unknownKeys(energy, "energy");

    const QJsonObject over = r.object(root, "overheads", "");
    p.dispatchUs = r.field(over, "overheads.dispatch_us");
    r.unknownKeys(over, "overheads");

    const QJsonObject eff = r.object(root, "efficiency", "");
    p.computeFraction = r.field(eff, "efficiency.compute_fraction");
    if (eff.contains(QStringLiteral("vector_compute_fraction")))
        p.vectorComputeFraction = r.field(eff, "efficiency.vector_compute_fraction");
    p.bandwidthFraction = r.field(eff, "efficiency.bandwidth_fraction");
    p.onchipActivationFraction = r.field(eff, "efficiency.onchip_activation_fraction");
    r.unknownKeys(eff, "efficiency");

    if (root.contains(q("cost"))) {
        const QJsonObject cost = r.object(root, "cost", "");
        p.usdPerDeviceHour = r.field(cost, "cost.usd_per_device_hour");
        r.unknownKeys(cost, "cost");
    }
}

// power_modes: each key a mode id, each mode the wildcard fields of the schema; a mode must slow
// the chip down, never speed it up (its numbers are caps below the preset's).
void readPowerModes(Reader& r, const QJsonObject& root, HardwarePreset& p) {
    if (!root.contains(q("power_modes"))) return;
    const QJsonObject modes = r.object(root, "power_modes", "");
    if (modes.isEmpty()) r.error("power_modes", "must list at least one mode (or be left out)");
    for (const QString& key : modes.keys()) {
        const std::string path = "power_modes." + s(key);
        PowerMode m;
        m.id = s(key);
        // The id becomes part of field paths ("power_modes.30w.clock_ghz"): one that is not an id
        // (a '.' in it, say) is reported and its fields are not read.
        if (!isIdText(m.id)) {
            r.error(path, "a mode id must be lower-case letters, digits and '-'");
            continue;
        }
        const QJsonObject o = r.object(modes, key.toUtf8().constData(), "power_modes");
        m.name = r.string(o, "name", path);
        m.tdpWatts = r.field(o, path + ".tdp_watts");
        m.clockGhz = r.field(o, path + ".clock_ghz");
        m.activeUnits = r.field(o, path + ".active_units");
        m.dramBandwidthGBs = r.field(o, path + ".dram_bandwidth_gb_s");
        m.staticWatts = r.field(o, path + ".static_watts");
        r.unknownKeys(o, path);
        const auto above = [&](const Sourced& v, const Sourced& cap, const char* field, const char* what) {
            if (cap.value > 0 && v.value > cap.value)
                r.error(path + "." + field + ".value", "must not exceed the preset's " + std::string(what) +
                                                           " (" + Reader::fmt(cap.value) + ")");
        };
        above(m.tdpWatts, p.tdpWatts, "tdp_watts", "energy.tdp_watts");
        above(m.clockGhz, p.clockGhz, "clock_ghz", "clock_ghz");
        above(m.activeUnits, p.computeUnits, "active_units", "compute_units");
        above(m.dramBandwidthGBs, p.dram.bandwidthGBs, "dram_bandwidth_gb_s", "memory.dram.bandwidth_gb_s");
        if (m.activeUnits.value != std::floor(m.activeUnits.value))
            r.error(path + ".active_units.value", "must be a whole number");
        if (m.staticWatts.value > 0 && m.staticWatts.value >= m.tdpWatts.value)
            r.error(path + ".static_watts", "static power must stay below the mode's limit");
        p.powerModes.push_back(std::move(m));
    }
}

} // namespace

PresetLoadResult parsePreset(const std::string& jsonText, const std::string& file) {
    PresetLoadResult result;
    Reader r(file, result.issues);
    QJsonParseError perr{};
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(jsonText), &perr);
    if (perr.error != QJsonParseError::NoError) {
        r.error("", "not valid JSON at offset " + std::to_string(perr.offset) + ": " + s(perr.errorString()));
        return result;
    }
    if (!doc.isObject()) {
        r.error("", "top level must be a JSON object");
        return result;
    }
    const QJsonObject root = doc.object();
    HardwarePreset p;
    p.file = file;
    const std::string cls = readIdentity(r, root, p);
    readCompute(r, root, p);
    readMemory(r, root, p);
    if (!cls.empty()) readMapping(r, root, p);
    readCosts(r, root, p);
    readPowerModes(r, root, p);
    r.unknownKeys(root, "");
    crossChecks(r, p);

    if (!hasErrors(result.issues)) result.preset = std::move(p);
    return result;
}

std::vector<PresetIssue> presetCrossChecks(const HardwarePreset& preset, const std::string& file) {
    std::vector<PresetIssue> issues;
    Reader r(file, issues);
    crossChecks(r, preset);
    return issues;
}

PresetLoadResult loadPresetFile(const std::string& path) {
    QFile f(QString::fromStdString(path));
    constexpr qint64 kMaxPresetBytes = 4 * 1024 * 1024;
    if (!f.open(QIODevice::ReadOnly)) {
        PresetLoadResult r;
        r.issues.push_back({path, "", "cannot read file: " + s(f.errorString()), false});
        return r;
    }
    if (f.size() > kMaxPresetBytes) {
        PresetLoadResult r;
        r.issues.push_back({path, "", "file is larger than 4 MiB; not a preset", false});
        return r;
    }
    return parsePreset(f.readAll().toStdString(), path);
}

void PresetLibrary::add(HardwarePreset preset) {
    presets_.push_back(std::move(preset));
}

void PresetLibrary::loadDirectory(const std::string& dir) {
    const QDir d(QString::fromStdString(dir));
    for (const QFileInfo& fi : d.entryInfoList({q("*.json")}, QDir::Files, QDir::Name)) {
        PresetLoadResult r = loadPresetFile(s(fi.filePath()));
        issues_.insert(issues_.end(), r.issues.begin(), r.issues.end());
        if (!r.preset) continue;
        if (find(r.preset->id)) {
            issues_.push_back({r.preset->file, "id", "duplicate preset id '" + r.preset->id + "'", false});
            continue;
        }
        presets_.push_back(std::move(*r.preset));
    }
}

const HardwarePreset* PresetLibrary::find(const std::string& id) const {
    for (const HardwarePreset& p : presets_)
        if (p.id == id) return &p;
    return nullptr;
}

PresetLibrary PresetLibrary::shipped() {
    PresetLibrary lib;
    const std::string dir = shippedPresetDir();
    if (!QDir(QString::fromStdString(dir)).exists())
        throw EngineError("preset directory '" + dir + "' not found (set BATCHSCOPE_PRESET_DIR)");
    lib.loadDirectory(dir);
    if (lib.presets().empty()) throw EngineError("no valid presets in '" + dir + "'");
    return lib;
}

HardwarePreset resolvePreset(const PresetLibrary& lib, const std::string& idOrPath) {
    if (const HardwarePreset* p = lib.find(idOrPath)) return *p;
    if (QFileInfo::exists(QString::fromStdString(idOrPath))) {
        PresetLoadResult r = loadPresetFile(idOrPath);
        if (r.preset) return *r.preset;
        throw EngineError(errorLines(r.issues));
    }
    std::string ids;
    for (const HardwarePreset& p : lib.presets())
        ids += (ids.empty() ? "" : ", ") + p.id;
    throw EngineError("unknown hardware '" + idOrPath + "' (presets: " + ids + "; or give a .json path)");
}

} // namespace bs
