#pragma once
// "Measure this machine": probes the CPU this runs on and turns the results into a CPU preset.
//
//  - FMA peak: every core runs independent chains of fused multiply-adds in registers (AVX2+FMA
//    when the CPU has them, else plain SSE2 multiply-add); the rate is the fp32 peak at the clock
//    the cores really run at.
//  - GEMM: every core multiplies its own 256×256 fp32 matrices (register-blocked 4×16 kernel,
//    operands in L2); GEMM rate ÷ FMA peak is the achievable compute fraction.
//  - Streaming bandwidth: a STREAM-like triad a[i] = b[i] + s·c[i] on all cores, over arrays 8× the
//    last-level cache (device memory) and over arrays that fit in half of it (on-chip level).
//    Bytes counted: 3 × 4 per element (two reads and one write; write-allocate not counted).
//  - Caches, cores, memory size, CPU name and clock from the OS (/sys, /proc).
// Each probe takes the best of several timed repetitions; the whole run takes about 10-20 s.
#include <QJsonObject>
#include <atomic>
#include <functional>
#include <string>

namespace bs {

struct MachineFacts {
    std::string cpuName;                      ///< /proc/cpuinfo "model name"
    std::string vendor;                       ///< "AMD", "Intel", ...
    int cores = 1;                            ///< online logical CPUs the probes use
    double clockGhz = 0;                      ///< /proc/cpuinfo "cpu MHz" (mean over CPUs), 0 if unknown
    double l1dKib = 0, l2Kib = 0, llcMib = 0; ///< per core, per core, total
    double memoryGib = 0;                     ///< MemTotal
    bool avx2Fma = false, avx512 = false;
};

struct MachineMeasurement {
    MachineFacts facts;
    double fmaPeakGflops = 0; ///< all cores
    double gemmGflops = 0;    ///< all cores
    double dramGBs = 0;       ///< triad, all cores
    double llcGBs = 0;        ///< triad in the last-level cache, all cores
    std::string date;         ///< ISO date of the run
    double seconds = 0;       ///< how long the probes took
};

/// Reads what the OS says about the CPU (no timing).
MachineFacts readMachineFacts();

struct ProbeOptions {
    /// Called before each probe: step (1-based) of steps, and what it measures.
    std::function<void(int step, int steps, const std::string& what)> progress;
    const std::atomic<bool>* cancel = nullptr; ///< set to stop early: measureMachine() throws
    double secondsPerProbe = 2.0;              ///< timed repetitions per probe run about this long
};

/// Runs every probe; throws EngineError("measurement cancelled") when cancelled.
MachineMeasurement measureMachine(const ProbeOptions& options = {});

/// A CPU preset (docs/PRESETS.md) with the measured numbers, their method and date in each
/// source; what cannot be measured here (energy, mapping tiles) is copied from `templateJson`
/// (a shipped CPU preset) and says so. Status "measured".
QJsonObject machinePresetJson(const MachineMeasurement& m, const QJsonObject& templateJson,
                              const std::string& id);

} // namespace bs
