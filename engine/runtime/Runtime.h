#pragma once
// A runtime profile: what the software stack that runs the model costs on top of the chip's
// roofline (docs/RUNTIMES.md, formulas in docs/MODEL.md §17). One profile per runtime
// (presets/runtimes/ID.json), with values per chip class, every number with its source:
//   - the fusion it achieves and what its GEMM/convolution kernels absorb (how many kernels the
//     graph becomes),
//   - the host time per kernel launch and per framework op, and whether it overlaps device work
//     (async queue), disappears into one graph launch (CUDA graphs, XLA) or adds to it (CPU),
//   - the fixed cost per inference call (graph entry, argument binding, synchronisation),
//   - the efficiency of its kernels by op class against the chip's achievable rates.
// The built-in `ideal` profile is the roofline bound: the preset's own dispatch and efficiency,
// no runtime losses — what the engine computed before runtimes were an axis.
#include "graph/Fusion.h"
#include "hardware/HardwarePreset.h"
#include "hardware/SourcedReader.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bs {

enum class LaunchOverlap {
    Async,  ///< host enqueues ahead of the device; only host time beyond the kernel's is exposed
    Graph,  ///< one launch per inference (CUDA graphs, XLA executables): no per-kernel host time
    Serial, ///< host work adds to device work (CPU runtimes: the same cores dispatch and compute)
};
std::string_view launchOverlapName(LaunchOverlap o);

/// How a decode step adds its token's K/V to the cache (docs/MODEL.md §17).
enum class KvUpdate {
    InPlace, ///< written into a preallocated or paged cache (vLLM, TensorRT-LLM, static caches)
    Concat,  ///< a new cache = concat(old, new) every step (Hugging Face's DynamicCache: torch.cat)
};
std::string_view kvUpdateName(KvUpdate u);

/// What a runtime costs on one chip class.
struct RuntimeClassProfile {
    FusionPolicy fusion = FusionPolicy::Elementwise;
    std::string fusionSource;
    EpiloguePolicy epilogue = EpiloguePolicy::All;
    std::string epilogueSource;
    LaunchOverlap overlap = LaunchOverlap::Graph;
    std::string overlapSource;
    KvUpdate kvUpdate = KvUpdate::InPlace;
    std::string kvUpdateSource;
    Sourced launchUs;                              ///< host time to launch one kernel, µs
    Sourced hostUsPerOp;                           ///< framework host time per graph op, µs
    Sourced perInferenceUs;                        ///< fixed host cost per inference call, µs
    Sourced gemmEfficiency{1, "definition"};       ///< × achievable GEMM/conv rate, large shapes
    Sourced gemmK0{0, "definition"};               ///< small-K: efficiency × K ÷ (K + K0)
    Sourced depthwiseEfficiency{1, "definition"};  ///< × vector rate for depthwise convolutions
    Sourced elementwiseBandwidth{1, "definition"}; ///< × achievable bandwidth for non-GEMM kernels
    Sourced attentionEfficiency{1, "definition"};  ///< × GEMM rate for activation × activation MatMuls
    /// × rate of a 3×3 stride-1 convolution on a GPU's SIMT path (Winograd; optional field)
    Sourced winogradSpeedup{1, "definition: convolutions run as direct or implicit-GEMM kernels"};

    FusionRules fusionRules() const { return {fusion, epilogue}; }
};

struct Runtime {
    std::string id, name, version, notes;
    std::string file; ///< where it was loaded from ("" for the built-in ideal profile)
    std::map<ArchClass, RuntimeClassProfile> classes;

    /// The profile for chips of `c`, or nullptr when the runtime does not run on them.
    const RuntimeClassProfile* forClass(ArchClass c) const;
    /// "gpu, cpu": the classes it runs on.
    std::string classList() const;
    bool isIdeal() const { return id == idealId(); }

    static std::string idealId() { return "ideal"; }
    /// The roofline bound on every class (see the file comment).
    static Runtime ideal();
};

struct RuntimeLoadResult {
    std::optional<Runtime> runtime; ///< empty when any error was found
    std::vector<PresetIssue> issues;
};

/// Parses a runtime profile; `file` names it in messages ("file: classes.gpu.launch_us.value: must
/// be ≥ 0 (got -1)"). Every field is checked and every problem reported.
RuntimeLoadResult parseRuntime(const std::string& jsonText, const std::string& file);
RuntimeLoadResult loadRuntimeFile(const std::string& path);

/// The built-in ideal profile plus the profiles of a directory, by id.
class RuntimeLibrary {
  public:
    RuntimeLibrary(); ///< holds the ideal profile only
    /// Loads every *.json of `dir` (a missing directory adds nothing); failures are kept as issues.
    void loadDirectory(const std::string& dir);
    const std::vector<Runtime>& runtimes() const { return runtimes_; }
    const std::vector<PresetIssue>& issues() const { return issues_; }
    const Runtime* find(const std::string& id) const;

    /// The shipped profiles: the runtimes/ folder of shippedPresetDir().
    static std::string shippedRuntimeDir();
    static const RuntimeLibrary& shipped(); ///< loaded once
  private:
    std::vector<Runtime> runtimes_;
    std::vector<PresetIssue> issues_;
};

/// Resolves a --runtime argument: an id of `lib` or a path to a profile; throws EngineError with
/// every error of the file (one per line) or an "unknown runtime" message listing the ids.
Runtime resolveRuntime(const RuntimeLibrary& lib, const std::string& idOrPath);

} // namespace bs
