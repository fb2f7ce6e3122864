#pragma once
// Nodes: how many devices of one hardware preset share which link, as data (presets/nodes/*.json,
// every number with its source, docs/PRESETS.md), and the collective-communication times the
// evaluator charges a tensor-parallel group over that link (docs/MODEL.md §19).
#include "hardware/HardwarePreset.h"
#include "hardware/SourcedReader.h"

#include <optional>
#include <string>
#include <vector>

namespace bs {

/// The link between the devices of a node.
struct Interconnect {
    enum class Topology { Switch, Mesh, Torus, Pcie };
    std::string name; ///< "NVLink 4 via NVSwitch"
    Topology topology = Topology::Switch;
    Sourced bandwidthGBps; ///< per device and direction
    Sourced efficiency;    ///< all-reduce bus bandwidth reached ÷ bandwidthGBps (NCCL busbw)
    Sourced baseLatencyUs; ///< fixed cost of one collective (α0)
    Sourced stepLatencyUs; ///< per step of a ring collective (α_step)
    int nodeDevices = 1;   ///< devices on the link (a mesh gives a group of p only p − 1 of its links)
    /// Bus bandwidth a group of `devices` reaches: bandwidth × efficiency, on a mesh × (p − 1) ÷
    /// (node devices − 1) because each device has one link per peer.
    double busBytesPerS(int devices) const;
};
std::string_view topologyName(Interconnect::Topology t);

struct NodePreset {
    std::string id, name;
    std::string device; ///< the hardware preset id of its devices
    Sourced devices;    ///< devices in the node
    Interconnect link;
    std::string file;
    int deviceCount() const { return static_cast<int>(devices.value); }
};

struct NodeLoadResult {
    std::optional<NodePreset> node;
    std::vector<PresetIssue> issues;
};
NodeLoadResult parseNode(const std::string& jsonText, const std::string& file);
NodeLoadResult loadNodeFile(const std::string& path);

class NodeLibrary {
  public:
    void loadDirectory(const std::string& dir);
    const std::vector<NodePreset>& nodes() const { return nodes_; }
    const std::vector<PresetIssue>& issues() const { return issues_; }
    const NodePreset* find(const std::string& id) const;
    /// The first node (by file name) whose devices are `deviceId`, or nullptr.
    const NodePreset* forDevice(const std::string& deviceId) const;
    /// presets/nodes under the shipped preset directory.
    static const NodeLibrary& shipped();

  private:
    std::vector<NodePreset> nodes_;
    std::vector<PresetIssue> issues_;
};

/// Ring all-reduce of `bytes` (each device's whole tensor) over `devices`, NCCL's cost model:
/// α0 + 2 (p − 1) α_step + 2 (p − 1) / p × bytes ÷ bus bandwidth. 0 for one device.
double allReduceSeconds(double bytes, int devices, const Interconnect& link);
/// Ring all-gather whose result is `bytes` on every device: α0 + (p − 1) α_step + (p − 1) / p ×
/// bytes ÷ bus bandwidth. 0 for one device.
double allGatherSeconds(double bytes, int devices, const Interconnect& link);
/// Expert-parallel all-to-all where each device sends `bytes` (its tokens' rows, top-k copies)
/// spread over `devices`: α0 + α_step + imbalance × (p − 1) / p × bytes ÷ bus bandwidth (all
/// sends in flight at once; the busiest receiver sets the time). 0 for one device.
double allToAllSeconds(double bytes, int devices, double imbalance, const Interconnect& link);
/// A pipeline stage's activation handed to the next stage's device: α0 + α_step + bytes ÷ the
/// bandwidth of one pair (busBytesPerS(2)).
double sendSeconds(double bytes, const Interconnect& link);

} // namespace bs
