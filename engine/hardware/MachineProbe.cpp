#include "hardware/MachineProbe.h"

#include "base/EngineError.h"
#include "base/Format.h"
#include "hardware/MachineKernels.h"
#include "hardware/PresetSchema.h"

#include <QDate>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QString>
#include <QStringList>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <sched.h>
#include <thread>
#include <unistd.h>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define BS_X86 1
#endif

namespace bs {

using namespace probe;

// ---- vector ISA --------------------------------------------------------------------------------

const char* vectorIsaName(VectorIsa isa) {
    switch (isa) {
    case VectorIsa::Avx512:
        return "AVX-512F";
    case VectorIsa::Avx2:
        return "AVX2+FMA";
    case VectorIsa::Scalar:
        break;
    }
    return "SSE2";
}

const char* vectorIsaKey(VectorIsa isa) {
    switch (isa) {
    case VectorIsa::Avx512:
        return "avx512";
    case VectorIsa::Avx2:
        return "avx2";
    case VectorIsa::Scalar:
        break;
    }
    return "scalar";
}

std::optional<VectorIsa> parseVectorIsa(const std::string& key) {
    for (VectorIsa isa : {VectorIsa::Scalar, VectorIsa::Avx2, VectorIsa::Avx512})
        if (key == vectorIsaKey(isa)) return isa;
    return std::nullopt;
}

int vectorIsaFp32Lanes(VectorIsa isa) {
    return isa == VectorIsa::Avx512 ? 16 : isa == VectorIsa::Avx2 ? 8 : 4;
}

VectorIsa detectVectorIsa(VectorIsa cap) {
    VectorIsa best = VectorIsa::Scalar;
#ifdef BS_X86
    __builtin_cpu_init(); // harmless when already done; needed if called before constructors ran
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) best = VectorIsa::Avx2;
    if (__builtin_cpu_supports("avx512f")) best = VectorIsa::Avx512; // every AVX-512 CPU has FMA3
#endif
    return std::min(best, cap);
}

double nominalFp32FlopsPerClock(VectorIsa isa) {
    // Estimates of the FMA pipes per core; used only when the OS reports no clock.
    //  - AVX-512F: 2 pipes of 16 lanes. Cores with full-width 512-bit FMA units and two of them
    //    reach this; cores that split a 512-bit FMA into two 256-bit halves (double pumping) or
    //    have one 512-bit unit reach half of it, so the derived clock would then read 2× low.
    //  - AVX2+FMA: 2 pipes of 8 lanes (two 256-bit FMA units per core is the common design).
    //  - SSE2 has no FMA: one multiply and one add of 4 lanes per clock counted (8 FLOP).
    switch (isa) {
    case VectorIsa::Avx512:
        return 2.0 * 16 * 2;
    case VectorIsa::Avx2:
        return 2.0 * 8 * 2;
    case VectorIsa::Scalar:
        break;
    }
    return 1.0 * 4 * 2;
}

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kMiB = 1024.0 * 1024.0;

// ---- probes ------------------------------------------------------------------------------------

void checkCancel(const ProbeOptions& o) {
    if (o.cancel && o.cancel->load()) throw EngineError("measurement cancelled");
}

/// Runs `work(thread)` on `threads` threads at once; returns the wall time of the slowest.
double runParallel(int threads, const std::function<void(int)>& work) {
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    std::vector<double> seconds(static_cast<std::size_t>(threads));
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            ++ready;
            while (!go.load())
                std::this_thread::yield();
            const auto start = Clock::now();
            work(t);
            seconds[static_cast<std::size_t>(t)] =
                std::chrono::duration<double>(Clock::now() - start).count();
        });
    while (ready.load() < threads)
        std::this_thread::yield();
    go = true;
    for (std::thread& th : pool)
        th.join();
    return *std::max_element(seconds.begin(), seconds.end());
}

/// Best rate of several runs, each sized to take about a quarter of `secondsPerProbe`:
/// `workPerUnit` × n work units per thread for `run(thread, n)`.
double bestRate(const ProbeOptions& o, int threads, double workPerUnit,
                const std::function<void(int, long)>& run) {
    long n = 1;
    // Grow the run until one takes 50 ms, then size it for the target.
    double t = 0;
    while (true) {
        checkCancel(o);
        t = runParallel(threads, [&](int th) { run(th, n); });
        if (t > 0.05 || n > (std::int64_t{1} << 40)) break;
        n *= 4;
    }
    const int reps = 4;
    n = std::max(1L, static_cast<long>(n * (o.secondsPerProbe / reps) / t));
    double best = 0;
    for (int r = 0; r < reps; ++r) {
        checkCancel(o);
        t = runParallel(threads, [&](int th) { run(th, n); });
        best = std::max(best, threads * workPerUnit * static_cast<double>(n) / t);
    }
    return best;
}

double triad(const ProbeOptions& o, int threads, std::size_t elemsPerThread) {
    std::vector<std::unique_ptr<float[]>> a, b, c;
    for (int t = 0; t < threads; ++t) {
        a.emplace_back(new float[elemsPerThread]);
        b.emplace_back(new float[elemsPerThread]);
        c.emplace_back(new float[elemsPerThread]);
    }
    // First touch on the thread that uses the memory.
    runParallel(threads, [&](int t) {
        const auto i = static_cast<std::size_t>(t);
        std::fill_n(a[i].get(), elemsPerThread, 0.0f);
        std::fill_n(b[i].get(), elemsPerThread, 1.0f);
        std::fill_n(c[i].get(), elemsPerThread, 2.0f);
    });
    const double bytes = 3.0 * sizeof(float) * static_cast<double>(elemsPerThread);
    return bestRate(o, threads, bytes, [&](int t, long reps) {
        const auto i = static_cast<std::size_t>(t);
        float* pa = a[i].get();
        const float* pb = b[i].get();
        const float* pc = c[i].get();
        for (long r = 0; r < reps; ++r) {
            for (std::size_t k = 0; k < elemsPerThread; ++k)
                pa[k] = pb[k] + 0.5f * pc[k];
            g_sink = g_sink + pa[r % static_cast<long>(elemsPerThread)];
        }
    });
}

} // namespace

MachineMeasurement measureMachine(const ProbeOptions& o) {
    const auto start = Clock::now();
    MachineMeasurement m;
    m.facts = readMachineFacts(o.facts);
    m.date = QDate::currentDate().toString(Qt::ISODate).toStdString();
    const int threads = m.facts.cores;
    const Kernels k = kernelsFor(m.facts.isa);
    const int steps = 5;
    auto progress = [&](int step, const std::string& what) {
        checkCancel(o);
        if (o.progress) o.progress(step, steps, what);
    };

    progress(1, "clock: dependent integer adds on all cores");
    m.clockGhz = bestRate(o, threads, kAddsPerChainIter, [](int, long n) { addChain(n); }) / threads / 1e9;

    progress(2, std::string("fp32 multiply-add peak on all cores (") + vectorIsaName(m.facts.isa) + ")");
    m.fmaPeakGflops = bestRate(o, threads, k.fmaFlopsPerIter, [&](int, long n) { k.fmaLoop(n); }) / 1e9;

    progress(3, "fp32 GEMM (256x256 per core)");
    {
        constexpr int n = 256;
        std::vector<std::vector<float>> A, B, C;
        for (int t = 0; t < threads; ++t) {
            A.emplace_back(n * n, 0.5f);
            B.emplace_back(n * n, 0.25f);
            C.emplace_back(n * n, 0.0f);
        }
        m.gemmGflops = bestRate(o, threads, 2.0 * n * n * n,
                                [&](int t, long reps) {
                                    const auto i = static_cast<std::size_t>(t);
                                    for (long r = 0; r < reps; ++r)
                                        k.gemm(A[i].data(), B[i].data(), C[i].data(), n);
                                    g_sink = g_sink + C[i][0];
                                }) /
                       1e9;
    }

    progress(4, "streaming bandwidth from device memory");
    // 8× the last level (and at least 256 MiB) so that caches hold a negligible share, but never
    // more than a quarter of the memory: a CPUID in a VM may report a whole socket's L3.
    const double llcBytes = m.facts.llcMib * kMiB;
    double dramBytes = std::min(std::max(8 * llcBytes, 256 * kMiB), m.facts.memoryGib * 1024 * kMiB / 4);
    if (o.maxTriadMib > 0) dramBytes = std::min(dramBytes, o.maxTriadMib * kMiB);
    m.dramTriadMib = dramBytes / kMiB;
    const auto dramElems = static_cast<std::size_t>(dramBytes / 3 / sizeof(float) / threads);
    m.dramGBs = triad(o, threads, std::max<std::size_t>(dramElems, 1024)) / 1e9;

    progress(5, "streaming bandwidth in the last-level cache");
    const double llcTriadBytes =
        o.maxTriadMib > 0 ? std::min(0.5 * llcBytes, o.maxTriadMib * kMiB) : 0.5 * llcBytes;
    const auto llcElems = static_cast<std::size_t>(llcTriadBytes / 3 / sizeof(float) / threads);
    m.llcGBs = triad(o, threads, std::max<std::size_t>(llcElems, 1024)) / 1e9;

    m.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return m;
}

namespace {

// Builds the preset through the format's field table (PresetSchema.h): a misspelt key throws.
class PresetJsonWriter {
  public:
    PresetJsonWriter(const QJsonObject& templ, std::string copiedSource)
        : templ_(templ), copied_(std::move(copiedSource)) {}
    void text(const char* path, const std::string& value) {
        json_ = withPresetValueAt(json_, QString::fromLatin1(path), QString::fromStdString(value));
    }
    void number(const char* path, double value, const std::string& source) {
        json_ = withSourcedValue(json_, QString::fromLatin1(path), value, QString::fromStdString(source));
    }
    /// The template preset's value at `path`.
    double templateValue(const char* path) const {
        return presetValueAt(templ_, QString::fromLatin1(path) + QStringLiteral(".value")).toDouble();
    }
    /// The template's value, sourced as copied (what cannot be measured here).
    void copy(const char* path) { number(path, templateValue(path), copied_); }
    const QJsonObject& json() const { return json_; }

  private:
    QJsonObject templ_;
    std::string copied_;
    QJsonObject json_;
};

struct ProbeContext {
    const MachineMeasurement& m;
    const MachineFacts& f;
    std::string templ, by, isa;
    double lanes = 0, nominalPerClock = 0, clock = 0;
};

void writeIdentity(PresetJsonWriter& w, const ProbeContext& c, const std::string& id) {
    const MachineMeasurement& m = c.m;
    w.text("id", id);
    w.text("name", "This machine: " + c.f.cpuName + " (" + std::to_string(c.f.cores) + " cores)");
    w.text("vendor", c.f.vendor);
    w.text("class", "cpu");
    w.text("status", "measured");
    w.text("notes", "Measured on " + m.date + " in " + formatFixed(m.seconds, 1) + " s with " + c.isa +
                        ": fp32 FMA peak " + formatFixed(m.fmaPeakGflops, 1) + " GFLOP/s, GEMM " +
                        formatFixed(m.gemmGflops, 1) + " GFLOP/s, triad " + formatFixed(m.dramGBs, 1) +
                        " GB/s (memory) and " + formatFixed(m.llcGBs, 1) + " GB/s (last-level cache), on " +
                        std::to_string(c.f.cores) +
                        " cores. Energy, dispatch and elementwise-grain figures are copied from " + c.templ +
                        ".");
    w.text("default_precision", "fp32");
}

void writeCompute(PresetJsonWriter& w, const ProbeContext& c) {
    const MachineMeasurement& m = c.m;
    const MachineFacts& f = c.f;
    const std::string osClock =
        f.clockGhz > 0 ? "the OS says " + formatFixed(f.clockGhz, 3) + " GHz (" + f.source.clock + ")"
                       : f.source.clock;
    std::string clockSource;
    if (m.clockGhz > 0)
        clockSource =
            c.by + "dependent integer-add chains (one add per clock) on all cores, best of 4; " + osClock;
    else if (f.clockGhz > 0)
        clockSource = f.source.clock + " on " + m.date;
    else
        clockSource = "derived: measured peak / (cores x " + formatFixed(c.nominalPerClock, 0) +
                      " FLOP per clock, an estimate for " + c.isa + ": " +
                      formatFixed(c.nominalPerClock / c.lanes / 2, 0) + " FMA pipes x " +
                      formatFixed(c.lanes, 0) + " lanes x 2); clock " + f.source.clock;
    w.number("clock_ghz", c.clock, clockSource);
    w.number("compute_units", f.cores, f.source.cores);
    w.text("compute_units.name", "core");
    const double peakTflops = m.fmaPeakGflops / 1e3;
    w.number("peak_tflops.fp32", peakTflops,
             c.by + c.isa + " FMA chains (" + std::to_string(kernelsFor(f.isa).fmaChains) +
                 " independent per core) on all cores, best of 4 timed runs; ISA from " + f.source.isa);
    w.number("flops_per_clock_per_unit.fp32", m.fmaPeakGflops / (f.cores * c.clock),
             "derived: measured peak / (cores x clock)");
    w.number("vector_tflops", peakTflops,
             c.by + "the same FMA probe: non-matrix work runs on the same SIMD units");
}

void writeMemory(PresetJsonWriter& w, const ProbeContext& c) {
    const MachineMeasurement& m = c.m;
    const MachineFacts& f = c.f;
    w.text("memory.dram.name", "DRAM");
    w.number("memory.dram.capacity_gib", f.memoryGib, f.source.memory);
    w.number("memory.dram.bandwidth_gb_s", m.dramGBs,
             c.by + "triad a=b+s*c on all cores over " + formatFixed(m.dramTriadMib, 0) +
                 " MiB (8x the last-level cache or 256 MiB, at most a quarter of the memory), "
                 "12 bytes per element, best of 4");
    w.copy("memory.dram.energy_pj_per_byte");
    w.text("memory.onchip.name", "LLC");
    w.number("memory.onchip.capacity_mib", f.llcMib, f.source.llc);
    w.number("memory.onchip.bandwidth_gb_s", m.llcGBs,
             c.by + "triad over half of the last-level cache on all cores, best of 4");
    w.copy("memory.onchip.energy_pj_per_byte");
    if (f.l2Kib > 0) {
        w.text("memory.local.name", "L2");
        w.number("memory.local.capacity_kib_per_unit", f.l2Kib, f.source.l2);
    }
}

// Micro-tiles of a BLAS for the ISA the probes used (what a tuned library would run here).
void writeMapping(PresetJsonWriter& w, const ProbeContext& c) {
    w.number("mapping.simd_fp32_lanes", c.lanes,
             c.isa + ": " + formatFixed(c.lanes * 32, 0) + "-bit vectors = " + formatFixed(c.lanes, 0) +
                 " fp32 lanes (the widest the probes used)");
    int tileM = 8, tileN = 4;
    std::string tileSource = "estimate: an 8x4 SSE2 micro-kernel (two 4-lane vectors x 4 columns)";
    if (c.f.isa == VectorIsa::Avx512)
        tileM = 32, tileN = 12,
        tileSource = "BLIS AVX-512 (skx) sgemm micro-kernel is 32x12 (flame/blis "
                     "kernels/skx/3/bli_sgemm_skx_asm_32x12_l2.c; 32 rows = 2 zmm registers)";
    else if (c.f.isa == VectorIsa::Avx2)
        tileM = 6, tileN = 16,
        tileSource = "BLIS haswell sgemm micro-kernel is 6x16 (bli_sgemm_haswell_asm_6x16)";
    w.number("mapping.micro_tile_m", tileM, tileSource);
    w.number("mapping.micro_tile_n", tileN, tileSource);
    w.copy("mapping.vector_grain_elems");
}

// Energy and overheads cannot be measured here: copied, power scaled by the core count.
void writeCosts(PresetJsonWriter& w, const ProbeContext& c) {
    const MachineMeasurement& m = c.m;
    w.copy("energy.pj_per_flop.fp32");
    const double templCores = std::max(1.0, w.templateValue("compute_units"));
    const double share = c.f.cores / templCores;
    const std::string scaled = "estimate: the " + c.templ + " preset's figure x " +
                               std::to_string(c.f.cores) + "/" + formatFixed(templCores, 0) +
                               " cores (not measurable here)";
    w.number("energy.idle_watts", w.templateValue("energy.idle_watts") * share, scaled);
    w.number("energy.static_watts", w.templateValue("energy.static_watts") * share, scaled);
    w.number("energy.tdp_watts", w.templateValue("energy.tdp_watts") * share, scaled);
    w.copy("overheads.dispatch_us");
    w.number("efficiency.compute_fraction", std::clamp(m.gemmGflops / m.fmaPeakGflops, 0.01, 1.0),
             c.by + "GEMM rate / FMA peak (" + formatFixed(m.gemmGflops, 1) + " / " +
                 formatFixed(m.fmaPeakGflops, 1) + " GFLOP/s; " + c.isa + " " +
                 kernelsFor(c.f.isa).gemmBlock + " register blocks, 256x256 per core)");
    w.number("efficiency.bandwidth_fraction", 1.0,
             "measured: the bandwidth above already is the achieved triad rate");
    w.copy("efficiency.onchip_activation_fraction");
}

} // namespace

QJsonObject machinePresetJson(const MachineMeasurement& m, const QJsonObject& t, const std::string& id) {
    const MachineFacts& f = m.facts;
    ProbeContext c{m, f, t.value(QStringLiteral("id")).toString().toStdString(),
                   "measured by 'batchscope measure-machine' on " + m.date + ": ", vectorIsaName(f.isa)};
    c.lanes = vectorIsaFp32Lanes(f.isa);
    c.nominalPerClock = nominalFp32FlopsPerClock(f.isa);
    // The clock: measured, else what the OS says, else derived from the peak.
    c.clock = m.clockGhz > 0   ? m.clockGhz
              : f.clockGhz > 0 ? f.clockGhz
                               : m.fmaPeakGflops / (f.cores * c.nominalPerClock);
    PresetJsonWriter w(t, "estimate: copied from the " + c.templ + " preset (not measurable here)");
    writeIdentity(w, c, id);
    writeCompute(w, c);
    writeMemory(w, c);
    writeMapping(w, c);
    writeCosts(w, c);
    QJsonObject o = w.json();
    o[QStringLiteral("schema")] = 1;
    return o;
}

} // namespace bs
