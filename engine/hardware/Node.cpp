#include "hardware/Node.h"

#include "base/DataDir.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonParseError>
#include <algorithm>

namespace bs {

std::string_view topologyName(Interconnect::Topology t) {
    switch (t) {
    case Interconnect::Topology::Switch:
        return "switch";
    case Interconnect::Topology::Mesh:
        return "mesh";
    case Interconnect::Topology::Torus:
        return "torus";
    case Interconnect::Topology::Pcie:
        return "pcie";
    }
    return "switch";
}

NodeLoadResult parseNode(const std::string& jsonText, const std::string& file) {
    NodeLoadResult r;
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(jsonText), &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        r.issues.push_back({file, "",
                            pe.error != QJsonParseError::NoError
                                ? "not valid JSON (" + pe.errorString().toStdString() + " at byte " +
                                      std::to_string(pe.offset) + ")"
                                : std::string("not a node preset (expected a JSON object)"),
                            false});
        return r;
    }
    SourcedReader rd(file, r.issues);
    const QJsonObject o = doc.object();
    rd.onlyKeys(o, "", {"id", "name", "device", "devices", "link"});
    NodePreset n;
    n.file = file;
    n.id = rd.string(o, "id", "");
    n.name = rd.string(o, "name", "");
    n.device = rd.string(o, "device", "");
    n.devices = rd.number(o, "devices", "", 1, 1024);
    if (n.devices.value != static_cast<double>(static_cast<int>(n.devices.value)))
        rd.error("devices.value", "must be a whole number");
    const QJsonObject link = rd.object(o, "link", "");
    rd.onlyKeys(link, "link",
                {"name", "topology", "bandwidth_gb_s", "efficiency", "base_latency_us", "step_latency_us"});
    n.link.name = rd.string(link, "name", "link");
    std::string topology;
    rd.choice(link, "topology", "link", {"switch", "mesh", "torus", "pcie"}, &topology);
    for (auto t : {Interconnect::Topology::Switch, Interconnect::Topology::Mesh,
                   Interconnect::Topology::Torus, Interconnect::Topology::Pcie})
        if (topologyName(t) == topology) n.link.topology = t;
    n.link.bandwidthGBps = rd.number(link, "bandwidth_gb_s", "link", 0, 1e5);
    n.link.efficiency = rd.number(link, "efficiency", "link", 0, 1);
    n.link.baseLatencyUs = rd.number(link, "base_latency_us", "link", 0, 1e4, true, true);
    n.link.stepLatencyUs = rd.number(link, "step_latency_us", "link", 0, 1e4, true, true);
    n.link.nodeDevices = static_cast<int>(n.devices.value);
    if (!hasErrors(r.issues)) r.node = std::move(n);
    return r;
}

NodeLoadResult loadNodeFile(const std::string& path) {
    QFile f(QString::fromStdString(path));
    NodeLoadResult r;
    constexpr qint64 kMaxBytes = 1 << 20;
    if (!f.open(QIODevice::ReadOnly))
        r.issues.push_back({path, "", "cannot read file: " + f.errorString().toStdString(), false});
    else if (f.size() > kMaxBytes)
        r.issues.push_back({path, "", "file is larger than 1 MiB; not a node preset", false});
    else
        return parseNode(f.readAll().toStdString(), path);
    return r;
}

void NodeLibrary::loadDirectory(const std::string& dir) {
    const QDir d(QString::fromStdString(dir));
    for (const QFileInfo& fi : d.entryInfoList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
        NodeLoadResult r = loadNodeFile(fi.filePath().toStdString());
        issues_.insert(issues_.end(), r.issues.begin(), r.issues.end());
        if (!r.node) continue;
        if (find(r.node->id)) {
            issues_.push_back({r.node->file, "id", "duplicate node id '" + r.node->id + "'", false});
            continue;
        }
        nodes_.push_back(std::move(*r.node));
    }
}

const NodePreset* NodeLibrary::find(const std::string& id) const {
    for (const NodePreset& n : nodes_)
        if (n.id == id) return &n;
    return nullptr;
}

const NodePreset* NodeLibrary::forDevice(const std::string& deviceId) const {
    for (const NodePreset& n : nodes_)
        if (n.device == deviceId) return &n;
    return nullptr;
}

const NodeLibrary& NodeLibrary::shipped() {
    static const NodeLibrary lib = [] {
        NodeLibrary l;
        l.loadDirectory(shippedPresetDir() + "/nodes");
        return l;
    }();
    return lib;
}

double Interconnect::busBytesPerS(int devices) const {
    const double full = bandwidthGBps.value * 1e9 * efficiency.value;
    if (topology != Topology::Mesh || nodeDevices <= 1) return full;
    return full * std::min(1.0, static_cast<double>(devices - 1) / (nodeDevices - 1));
}

namespace {

// A ring collective of `steps` steps, each moving bytes ÷ p: the fixed cost, the steps' latency
// and the transfer at the bus bandwidth.
double ringSeconds(double bytes, int devices, int steps, const Interconnect& link) {
    const double p = devices;
    return (link.baseLatencyUs.value + steps * link.stepLatencyUs.value) * 1e-6 +
           steps / p * bytes / link.busBytesPerS(devices);
}

} // namespace

double allReduceSeconds(double bytes, int devices, const Interconnect& link) {
    return devices <= 1 ? 0 : ringSeconds(bytes, devices, 2 * (devices - 1), link);
}

double allGatherSeconds(double bytes, int devices, const Interconnect& link) {
    return devices <= 1 ? 0 : ringSeconds(bytes, devices, devices - 1, link);
}

double allToAllSeconds(double bytes, int devices, double imbalance, const Interconnect& link) {
    if (devices <= 1) return 0;
    const double p = devices;
    // All p − 1 sends are in flight at once (NCCL's grouped send/recv): one step of latency; the
    // busiest receiver takes imbalance × its mean share (p − 1) ÷ p of the bytes.
    return (link.baseLatencyUs.value + link.stepLatencyUs.value) * 1e-6 +
           imbalance * (p - 1) / p * bytes / link.busBytesPerS(devices);
}

double sendSeconds(double bytes, const Interconnect& link) {
    return (link.baseLatencyUs.value + link.stepLatencyUs.value) * 1e-6 + bytes / link.busBytesPerS(2);
}

} // namespace bs
