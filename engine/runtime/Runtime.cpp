#include "runtime/Runtime.h"

#include "base/EngineError.h"
#include "hardware/PresetLoader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

namespace bs {

namespace {

constexpr const char* kSchema = "batchscope-runtime/1";

struct ClassName {
    const char* key;
    ArchClass cls;
};
constexpr ClassName kClasses[] = {{"gpu", ArchClass::Gpu},
                                  {"cpu", ArchClass::Cpu},
                                  {"systolic", ArchClass::Systolic},
                                  {"tile", ArchClass::Tile}};

// The names a profile may write, in enum order, from the engine's own name functions.
template <class E> std::vector<std::string> namesOf(std::size_t count, std::string_view (*name)(E)) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < count; ++i)
        out.emplace_back(name(static_cast<E>(i)));
    return out;
}
const std::vector<std::string> kFusionNames = namesOf(kFusionPolicyCount, fusionPolicyName);
const std::vector<std::string> kEpilogueNames = namesOf(kEpiloguePolicyCount, epiloguePolicyName);
const std::vector<std::string> kOverlapNames = {"async", "graph", "serial"};
const std::vector<std::string> kKvUpdateNames = {"in_place", "concat"};

template <class E> E enumAt(const std::vector<std::string>& names, const std::string& v, E fallback) {
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == v) return static_cast<E>(i);
    return fallback;
}

// Upper bounds that catch unit slips (ms written as µs) without judging the profile.
constexpr double kMaxUs = 1e6;

RuntimeClassProfile readClass(SourcedReader& r, const QJsonObject& o, const std::string& path) {
    RuntimeClassProfile p;
    std::string text;
    p.fusionSource = r.choice(o, "fusion", path, kFusionNames, &text).source;
    p.fusion = enumAt(kFusionNames, text, FusionPolicy::Elementwise);
    text.clear();
    p.epilogueSource = r.choice(o, "epilogue", path, kEpilogueNames, &text).source;
    p.epilogue = enumAt(kEpilogueNames, text, EpiloguePolicy::All);
    text.clear();
    p.overlapSource = r.choice(o, "launch_overlap", path, kOverlapNames, &text).source;
    p.overlap = enumAt(kOverlapNames, text, LaunchOverlap::Graph);
    text.clear();
    p.kvUpdateSource = r.choice(o, "kv_update", path, kKvUpdateNames, &text).source;
    p.kvUpdate = enumAt(kKvUpdateNames, text, KvUpdate::InPlace);
    p.launchUs = r.number(o, "launch_us", path, 0, kMaxUs, true, true);
    p.hostUsPerOp = r.number(o, "host_us_per_op", path, 0, kMaxUs, true, true);
    p.perInferenceUs = r.number(o, "per_inference_us", path, 0, kMaxUs, true, true);
    p.gemmEfficiency = r.number(o, "gemm_efficiency", path, 0, 1);
    p.gemmK0 = r.number(o, "gemm_k0", path, 0, 1e5, true, true);
    p.depthwiseEfficiency = r.number(o, "depthwise_efficiency", path, 0, 1);
    p.elementwiseBandwidth = r.number(o, "elementwise_bandwidth", path, 0, 1);
    p.attentionEfficiency = r.number(o, "attention_efficiency", path, 0, 1);
    // Optional: 1 (no Winograd) when absent. At most F(4×4,3×3)'s cut in multiplies, 4.
    if (o.contains(QStringLiteral("winograd_speedup"))) {
        p.winogradSpeedup = r.number(o, "winograd_speedup", path, -kMaxUs, 4);
        const bool isNumber =
            o.value(QStringLiteral("winograd_speedup")).toObject().value(QStringLiteral("value")).isDouble();
        if (isNumber && p.winogradSpeedup.value < 1)
            r.error(SourcedReader::join(path, "winograd_speedup") + ".value",
                    "must be ≥ 1 (got " + SourcedReader::fmt(p.winogradSpeedup.value) + ")");
    }
    r.onlyKeys(o, path,
               {"fusion", "epilogue", "launch_overlap", "kv_update", "launch_us", "host_us_per_op",
                "per_inference_us", "gemm_efficiency", "gemm_k0", "depthwise_efficiency",
                "elementwise_bandwidth", "attention_efficiency", "winograd_speedup"});
    return p;
}

void readClasses(SourcedReader& r, const QJsonObject& root, Runtime& rt) {
    const QJsonObject classes = r.object(root, "classes", "");
    std::vector<std::string> known;
    for (const ClassName& c : kClasses) {
        known.emplace_back(c.key);
        if (!classes.contains(QString::fromLatin1(c.key))) continue;
        const QJsonObject o = r.object(classes, c.key, "classes");
        rt.classes[c.cls] = readClass(r, o, std::string("classes.") + c.key);
    }
    r.onlyKeys(classes, "classes", known);
    if (rt.classes.empty() && root.contains(QStringLiteral("classes")))
        r.error("classes", "must hold at least one of gpu, cpu, systolic, tile");
}

} // namespace

std::string_view launchOverlapName(LaunchOverlap o) {
    return kOverlapNames[static_cast<std::size_t>(o)];
}

std::string_view kvUpdateName(KvUpdate u) {
    return kKvUpdateNames[static_cast<std::size_t>(u)];
}

const RuntimeClassProfile* Runtime::forClass(ArchClass c) const {
    const auto it = classes.find(c);
    return it == classes.end() ? nullptr : &it->second;
}

std::string Runtime::classList() const {
    std::string out;
    for (const auto& [cls, _] : classes)
        out += (out.empty() ? "" : ", ") + std::string(archClassName(cls));
    return out;
}

Runtime Runtime::ideal() {
    Runtime r;
    r.id = idealId();
    r.name = "ideal (roofline)";
    r.version = "built in";
    r.notes = "The roofline bound: the preset's own dispatch time per kernel and its efficiency "
              "fractions, elementwise fusion, no host or framework cost.";
    RuntimeClassProfile p;
    p.fusionSource = p.epilogueSource = p.overlapSource = p.kvUpdateSource = "definition: no runtime losses";
    p.launchUs = p.hostUsPerOp = p.perInferenceUs = {0, "definition: no runtime losses"};
    for (const ClassName& c : kClasses)
        r.classes[c.cls] = p;
    return r;
}

RuntimeLoadResult parseRuntime(const std::string& jsonText, const std::string& file) {
    RuntimeLoadResult result;
    SourcedReader r(file, result.issues);
    QJsonParseError perr{};
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(jsonText), &perr);
    if (perr.error != QJsonParseError::NoError || !doc.isObject()) {
        r.error("", perr.error != QJsonParseError::NoError
                        ? "not valid JSON at offset " + std::to_string(perr.offset) + ": " +
                              perr.errorString().toStdString()
                        : "top level must be a JSON object");
        return result;
    }
    const QJsonObject root = doc.object();
    Runtime rt;
    rt.file = file;
    const std::string schema = r.string(root, "schema", "");
    if (!schema.empty() && schema != kSchema) r.error("schema", "must be \"" + std::string(kSchema) + "\"");
    rt.id = r.string(root, "id", "");
    if (rt.id == Runtime::idealId()) r.error("id", "'ideal' is built in; give the profile another id");
    rt.name = r.string(root, "name", "");
    rt.version = r.string(root, "version", "");
    rt.notes = r.string(root, "notes", "", false);
    readClasses(r, root, rt);
    r.onlyKeys(root, "", {"schema", "id", "name", "version", "notes", "classes"});
    if (!hasErrors(result.issues)) result.runtime = std::move(rt);
    return result;
}

RuntimeLoadResult loadRuntimeFile(const std::string& path) {
    QFile f(QString::fromStdString(path));
    constexpr qint64 kMaxBytes = 1024 * 1024;
    RuntimeLoadResult r;
    if (!f.open(QIODevice::ReadOnly))
        r.issues.push_back({path, "", "cannot read file: " + f.errorString().toStdString(), false});
    else if (f.size() > kMaxBytes)
        r.issues.push_back({path, "", "file is larger than 1 MiB; not a runtime profile", false});
    else
        return parseRuntime(f.readAll().toStdString(), path);
    return r;
}

RuntimeLibrary::RuntimeLibrary() {
    runtimes_.push_back(Runtime::ideal());
}

void RuntimeLibrary::loadDirectory(const std::string& dir) {
    const QDir d(QString::fromStdString(dir));
    for (const QFileInfo& fi : d.entryInfoList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
        RuntimeLoadResult r = loadRuntimeFile(fi.filePath().toStdString());
        issues_.insert(issues_.end(), r.issues.begin(), r.issues.end());
        if (!r.runtime) continue;
        if (find(r.runtime->id)) {
            issues_.push_back({r.runtime->file, "id", "duplicate runtime id '" + r.runtime->id + "'", false});
            continue;
        }
        runtimes_.push_back(std::move(*r.runtime));
    }
}

const Runtime* RuntimeLibrary::find(const std::string& id) const {
    for (const Runtime& r : runtimes_)
        if (r.id == id) return &r;
    return nullptr;
}

std::string RuntimeLibrary::shippedRuntimeDir() {
    return shippedPresetDir() + "/runtimes";
}

const RuntimeLibrary& RuntimeLibrary::shipped() {
    static const RuntimeLibrary lib = [] {
        RuntimeLibrary l;
        l.loadDirectory(shippedRuntimeDir());
        return l;
    }();
    return lib;
}

Runtime resolveRuntime(const RuntimeLibrary& lib, const std::string& idOrPath) {
    if (const Runtime* r = lib.find(idOrPath)) return *r;
    if (QFileInfo::exists(QString::fromStdString(idOrPath))) {
        RuntimeLoadResult r = loadRuntimeFile(idOrPath);
        if (r.runtime) return *r.runtime;
        throw EngineError(errorLines(r.issues));
    }
    std::string ids;
    for (const Runtime& r : lib.runtimes())
        ids += (ids.empty() ? "" : ", ") + r.id;
    throw EngineError("unknown runtime '" + idOrPath + "' (runtimes: " + ids + "; or give a .json path)");
}

} // namespace bs
