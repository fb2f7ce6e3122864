#pragma once
// "Measure this machine": probes the CPU this runs on and turns the results into a CPU preset.
//
//  - Clock: every core runs a chain of dependent integer adds (one per clock on any current core);
//    the OS's figure can be a nominal rate (in VMs, often the TSC's), not the boosted clock.
//  - FMA peak: every core runs independent chains of fused multiply-adds in registers with the
//    widest vector unit the CPU has (chosen at run time: AVX-512F, AVX2+FMA, else SSE2 multiply +
//    add); the rate is the fp32 peak at the clock the cores really run at.
//  - GEMM: every core multiplies its own 256×256 fp32 matrices (register-blocked kernel of the same
//    ISA, operands in L2); GEMM rate ÷ FMA peak is the achievable compute fraction.
//  - Streaming bandwidth: a STREAM-like triad a[i] = b[i] + s·c[i] on all cores, over arrays 8× the
//    last-level cache (device memory) and over arrays that fit in half of it (on-chip level).
//    Bytes counted: 3 × 4 per element (two reads and one write; write-allocate not counted).
//  - Facts (caches, cores, memory size, CPU name, clock, ISA) from the OS and the CPU, each with
//    where it came from; see readMachineFacts().
// Each probe takes the best of several timed repetitions; the whole run takes about 20 s.
#include <QJsonObject>
#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace bs {

/// The fp32 vector units the probes can use, narrowest first (so they compare as "wider than").
enum class VectorIsa { Scalar, Avx2, Avx512 };

/// "SSE2", "AVX2+FMA", "AVX-512F" (how a preset's sources name it).
const char* vectorIsaName(VectorIsa isa);
/// "scalar", "avx2", "avx512" (the spelling of `measure-machine --max-isa`).
const char* vectorIsaKey(VectorIsa isa);
std::optional<VectorIsa> parseVectorIsa(const std::string& key);
/// fp32 lanes of one vector: 4 (128-bit SSE2), 8 (256-bit AVX2), 16 (512-bit AVX-512).
int vectorIsaFp32Lanes(VectorIsa isa);
/// The widest ISA this CPU and OS run (__builtin_cpu_supports, which also checks that the OS saves
/// the wide registers), no wider than `cap`. Always Scalar off x86.
VectorIsa detectVectorIsa(VectorIsa cap = VectorIsa::Avx512);

/// Where each fact of MachineFacts came from, e.g. "sysfs /sys/devices/system/cpu/cpu0/cache",
/// "CPUID leaf 0x8000001D", "sysconf(_SC_LEVEL3_CACHE_SIZE)", or "estimate: ..." for a fallback.
struct FactSources {
    std::string cpu, cores, clock, l1d, l2, llc, memory, isa;
};

struct MachineFacts {
    std::string cpuName;               ///< /proc/cpuinfo "model name", else the CPUID brand string
    std::string vendor;                ///< "AMD", "Intel", ...
    int cores = 1;                     ///< logical CPUs the probes use (this process's affinity)
    double clockGhz = 0;               ///< /proc/cpuinfo "cpu MHz" (mean over CPUs), 0 if unknown
    double l1dKib = 0, l2Kib = 0;      ///< one instance (0 if unknown)
    double llcMib = 0;                 ///< all last-level instances the cores use (always > 0)
    double memoryGib = 0;              ///< MemTotal (always > 0)
    VectorIsa isa = VectorIsa::Scalar; ///< the widest FMA the probes use
    FactSources source;
};

/// Where readMachineFacts() looks; the defaults are the real machine, tests point them elsewhere.
struct FactOptions {
    std::string sysfsRoot = "/sys/devices/system/cpu"; ///< holds cpuN/cache/indexM/{level,type,size,...}
    std::string procRoot = "/proc";                    ///< holds cpuinfo and meminfo
    VectorIsa maxIsa = VectorIsa::Avx512;              ///< cap on the probes' vector ISA
    bool useCpuid = true;                              ///< cache sizes from CPUID after sysfs
    bool useSysconf = true;                            ///< then from sysconf(_SC_LEVEL*_CACHE_SIZE)
    std::vector<int> cpus; ///< the CPUs counted as used; empty: this process's affinity
};

struct MachineMeasurement {
    MachineFacts facts;
    double clockGhz = 0;      ///< measured: dependent integer adds per second per core (0: not run)
    double fmaPeakGflops = 0; ///< all cores, facts.isa
    double gemmGflops = 0;    ///< all cores, facts.isa
    double dramGBs = 0;       ///< triad, all cores
    double llcGBs = 0;        ///< triad in the last-level cache, all cores
    double dramTriadMib = 0;  ///< the three arrays of the memory triad together
    std::string date;         ///< ISO date of the run
    double seconds = 0;       ///< how long the probes took
};

/// Reads what the OS and the CPU say about the machine (no timing). Caches: sysfs, else CPUID
/// (leaf 4 on Intel, 0x8000001D on AMD), else sysconf; the last level is counted once per instance
/// the CPUs used share, so it is the total those cores have. What no source reports gets a
/// documented estimate (last level: 1 MiB per core; memory: 1 GiB) whose source says so.
MachineFacts readMachineFacts(const FactOptions& options = {});

struct ProbeOptions {
    /// Called before each probe: step (1-based) of steps, and what it measures.
    std::function<void(int step, int steps, const std::string& what)> progress;
    const std::atomic<bool>* cancel = nullptr; ///< set to stop early: measureMachine() throws
    double secondsPerProbe = 2.0;              ///< timed repetitions per probe run about this long
    /// Caps the memory triad's arrays (MiB, all threads; 0 = no cap): tests keep probes small
    /// on hosts that report a large last-level cache.
    double maxTriadMib = 0;
    FactOptions facts; ///< where the facts come from, and the ISA cap
};

/// Runs every probe; throws EngineError("measurement cancelled") when cancelled.
MachineMeasurement measureMachine(const ProbeOptions& options = {});

/// fp32 FLOPs per clock per core of `isa`: FMA pipes × lanes × 2, the pipes an estimate (see the
/// .cpp). Used only to derive a clock when it was neither measured nor reported by the OS.
double nominalFp32FlopsPerClock(VectorIsa isa);

/// A CPU preset (docs/PRESETS.md) with the measured numbers, their method and date in each
/// source; what cannot be measured here (energy, dispatch time) is copied from `templateJson`
/// (a shipped CPU preset) and says so. Status "measured".
QJsonObject machinePresetJson(const MachineMeasurement& m, const QJsonObject& templateJson,
                              const std::string& id);

} // namespace bs
