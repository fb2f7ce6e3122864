#include "MachineProbe.h"

#include "EngineError.h"

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
#include <memory>
#include <sched.h>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define BS_X86 1
#endif

namespace bs {

namespace {

using Clock = std::chrono::steady_clock;

QString readText(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

/// "32K" / "1024K" / "32M" (sysfs cache sizes) in KiB.
double sizeKib(QString s) {
    s = s.trimmed();
    if (s.isEmpty()) return 0;
    double mult = 1.0 / 1024; // bytes
    if (s.endsWith(QLatin1Char('K')))
        mult = 1, s.chop(1);
    else if (s.endsWith(QLatin1Char('M')))
        mult = 1024, s.chop(1);
    else if (s.endsWith(QLatin1Char('G')))
        mult = 1024 * 1024, s.chop(1);
    return s.toDouble() * mult;
}

void checkCancel(const ProbeOptions& o) {
    if (o.cancel && o.cancel->load()) throw EngineError("measurement cancelled");
}

/// Runs `work(thread, reps)` on `threads` threads at once; returns the wall time of the slowest.
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

/// Best rate of `reps` runs, each sized to take about `target` seconds: `flop(n)` work units for
/// `run(n)` (one call on every thread).
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

thread_local volatile float g_sink = 0; // keeps the probes' results alive (one per thread: no race)

#ifdef BS_X86
__attribute__((target("avx2,fma"))) void fmaLoopAvx2(long iters) {
    __m256 a[12];
    for (int i = 0; i < 12; ++i)
        a[i] = _mm256_set1_ps(1.0f + 0.01f * static_cast<float>(i));
    const __m256 b = _mm256_set1_ps(0.9999999f), c = _mm256_set1_ps(1e-7f);
    for (long k = 0; k < iters; ++k) {
        a[0] = _mm256_fmadd_ps(a[0], b, c);
        a[1] = _mm256_fmadd_ps(a[1], b, c);
        a[2] = _mm256_fmadd_ps(a[2], b, c);
        a[3] = _mm256_fmadd_ps(a[3], b, c);
        a[4] = _mm256_fmadd_ps(a[4], b, c);
        a[5] = _mm256_fmadd_ps(a[5], b, c);
        a[6] = _mm256_fmadd_ps(a[6], b, c);
        a[7] = _mm256_fmadd_ps(a[7], b, c);
        a[8] = _mm256_fmadd_ps(a[8], b, c);
        a[9] = _mm256_fmadd_ps(a[9], b, c);
        a[10] = _mm256_fmadd_ps(a[10], b, c);
        a[11] = _mm256_fmadd_ps(a[11], b, c);
    }
    __m256 s = a[0];
    for (int i = 1; i < 12; ++i)
        s = _mm256_add_ps(s, a[i]);
    alignas(32) float out[8];
    _mm256_store_ps(out, s);
    g_sink = g_sink + out[0];
}

/// C += A·B, n×n row-major, n a multiple of 16; 4×16 register blocks (8 accumulators, named so
/// that they stay in registers).
__attribute__((target("avx2,fma"))) void gemmAvx2(const float* A, const float* B, float* C, int n) {
    for (int i = 0; i < n; i += 4)
        for (int j = 0; j < n; j += 16) {
            float* c0 = C + (i + 0) * n + j;
            float* c1 = C + (i + 1) * n + j;
            float* c2 = C + (i + 2) * n + j;
            float* c3 = C + (i + 3) * n + j;
            __m256 c00 = _mm256_loadu_ps(c0), c01 = _mm256_loadu_ps(c0 + 8);
            __m256 c10 = _mm256_loadu_ps(c1), c11 = _mm256_loadu_ps(c1 + 8);
            __m256 c20 = _mm256_loadu_ps(c2), c21 = _mm256_loadu_ps(c2 + 8);
            __m256 c30 = _mm256_loadu_ps(c3), c31 = _mm256_loadu_ps(c3 + 8);
            const float* a0 = A + (i + 0) * n;
            const float* a1 = A + (i + 1) * n;
            const float* a2 = A + (i + 2) * n;
            const float* a3 = A + (i + 3) * n;
            for (int k = 0; k < n; ++k) {
                const __m256 b0 = _mm256_loadu_ps(B + k * n + j), b1 = _mm256_loadu_ps(B + k * n + j + 8);
                __m256 a = _mm256_broadcast_ss(a0 + k);
                c00 = _mm256_fmadd_ps(a, b0, c00);
                c01 = _mm256_fmadd_ps(a, b1, c01);
                a = _mm256_broadcast_ss(a1 + k);
                c10 = _mm256_fmadd_ps(a, b0, c10);
                c11 = _mm256_fmadd_ps(a, b1, c11);
                a = _mm256_broadcast_ss(a2 + k);
                c20 = _mm256_fmadd_ps(a, b0, c20);
                c21 = _mm256_fmadd_ps(a, b1, c21);
                a = _mm256_broadcast_ss(a3 + k);
                c30 = _mm256_fmadd_ps(a, b0, c30);
                c31 = _mm256_fmadd_ps(a, b1, c31);
            }
            _mm256_storeu_ps(c0, c00);
            _mm256_storeu_ps(c0 + 8, c01);
            _mm256_storeu_ps(c1, c10);
            _mm256_storeu_ps(c1 + 8, c11);
            _mm256_storeu_ps(c2, c20);
            _mm256_storeu_ps(c2 + 8, c21);
            _mm256_storeu_ps(c3, c30);
            _mm256_storeu_ps(c3 + 8, c31);
        }
}
#endif

/// Portable multiply-add chains (SSE2 on x86-64 through auto-vectorisation of 4 lanes).
void fmaLoopGeneric(long iters) {
    float a[12][4];
    for (int i = 0; i < 12; ++i)
        for (int l = 0; l < 4; ++l)
            a[i][l] = 1.0f + 0.01f * static_cast<float>(i + l);
    for (long k = 0; k < iters; ++k)
        for (int i = 0; i < 12; ++i)
            for (int l = 0; l < 4; ++l)
                a[i][l] = a[i][l] * 0.9999999f + 1e-7f;
    float s = 0;
    for (auto& v : a)
        for (float x : v)
            s += x;
    g_sink = g_sink + s;
}

void gemmGeneric(const float* A, const float* B, float* C, int n) {
    for (int i = 0; i < n; ++i)
        for (int k = 0; k < n; ++k) {
            const float a = A[i * n + k];
            for (int j = 0; j < n; ++j)
                C[i * n + j] += a * B[k * n + j];
        }
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

QJsonObject sourced(double value, const std::string& source) {
    QJsonObject o;
    o[QStringLiteral("value")] = value;
    o[QStringLiteral("source")] = QString::fromStdString(source);
    return o;
}

std::string fixed(double v, int digits) {
    return QString::number(v, 'f', digits).toStdString();
}

} // namespace

MachineFacts readMachineFacts() {
    MachineFacts f;
    // The CPUs this process may run on (affinity, container limits), not all the machine has.
    cpu_set_t set;
    CPU_ZERO(&set);
    f.cores = sched_getaffinity(0, sizeof(set), &set) == 0
                  ? CPU_COUNT(&set)
                  : static_cast<int>(std::thread::hardware_concurrency());
    f.cores = std::max(1, f.cores);
    const QStringList cpuinfo = readText(QStringLiteral("/proc/cpuinfo")).split(QLatin1Char('\n'));
    double mhzSum = 0;
    int mhzCount = 0;
    for (const QString& line : cpuinfo) {
        const qsizetype colon = line.indexOf(QLatin1Char(':'));
        if (colon < 0) continue;
        const QString key = line.left(colon).trimmed(), value = line.mid(colon + 1).trimmed();
        if (key == QLatin1String("model name") && f.cpuName.empty()) f.cpuName = value.toStdString();
        if (key == QLatin1String("vendor_id") && f.vendor.empty())
            f.vendor = value == QLatin1String("AuthenticAMD")   ? "AMD"
                       : value == QLatin1String("GenuineIntel") ? "Intel"
                                                                : value.toStdString();
        if (key == QLatin1String("cpu MHz")) mhzSum += value.toDouble(), ++mhzCount;
        if (key == QLatin1String("flags")) {
            const QStringList flags = value.split(QLatin1Char(' '));
            f.avx2Fma = flags.contains(QStringLiteral("avx2")) && flags.contains(QStringLiteral("fma"));
            f.avx512 = flags.contains(QStringLiteral("avx512f"));
        }
    }
    if (mhzCount > 0) f.clockGhz = mhzSum / mhzCount / 1000.0;
    if (f.cpuName.empty()) f.cpuName = "unknown CPU";
    if (f.vendor.empty()) f.vendor = "unknown";
    // Caches of CPU 0: L1 data, L2, and the last level (the largest index).
    const QDir cache(QStringLiteral("/sys/devices/system/cpu/cpu0/cache"));
    for (const QString& index : cache.entryList({QStringLiteral("index*")}, QDir::Dirs)) {
        const QString dir = cache.filePath(index) + QLatin1Char('/');
        const int level = readText(dir + QStringLiteral("level")).trimmed().toInt();
        const QString type = readText(dir + QStringLiteral("type")).trimmed();
        const double kib = sizeKib(readText(dir + QStringLiteral("size")));
        if (level == 1 && type == QLatin1String("Data")) f.l1dKib = kib;
        if (level == 2) f.l2Kib = kib;
        if (level >= 3) f.llcMib = std::max(f.llcMib, kib / 1024);
    }
    // The last level may be split (one L3 per CCX or socket): add up its distinct instances.
    if (f.llcMib > 0) {
        QStringList shared;
        const QDir cpus(QStringLiteral("/sys/devices/system/cpu"));
        for (const QString& cpu : cpus.entryList({QStringLiteral("cpu[0-9]*")}, QDir::Dirs)) {
            const QDir c(cpus.filePath(cpu) + QStringLiteral("/cache"));
            for (const QString& index : c.entryList({QStringLiteral("index*")}, QDir::Dirs)) {
                const QString dir = c.filePath(index) + QLatin1Char('/');
                if (readText(dir + QStringLiteral("level")).trimmed().toInt() < 3) continue;
                const QString list = readText(dir + QStringLiteral("shared_cpu_list")).trimmed();
                if (!list.isEmpty() && !shared.contains(list)) shared << list;
            }
        }
        f.llcMib *= std::max<qsizetype>(1, shared.size());
    }
    if (f.llcMib == 0) f.llcMib = f.l2Kib * f.cores / 1024; // no L3: the L2s are the last level
    for (const QString& line : readText(QStringLiteral("/proc/meminfo")).split(QLatin1Char('\n')))
        if (line.startsWith(QLatin1String("MemTotal:")))
            f.memoryGib = line.section(QLatin1Char(' '), 1, -1, QString::SectionSkipEmpty)
                              .section(QLatin1Char(' '), 0, 0)
                              .toDouble() /
                          (1024.0 * 1024.0);
    return f;
}

MachineMeasurement measureMachine(const ProbeOptions& o) {
    const auto start = Clock::now();
    MachineMeasurement m;
    m.facts = readMachineFacts();
    m.date = QDate::currentDate().toString(Qt::ISODate).toStdString();
    const int threads = m.facts.cores;
    const int steps = 4;
    auto progress = [&](int step, const char* what) {
        checkCancel(o);
        if (o.progress) o.progress(step, steps, what);
    };

    progress(1, "fp32 multiply-add peak on all cores");
#ifdef BS_X86
    const bool avx2 = m.facts.avx2Fma && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    const bool avx2 = false;
#endif
    if (avx2) {
#ifdef BS_X86
        m.fmaPeakGflops = bestRate(o, threads, 12 * 8 * 2, [](int, long n) { fmaLoopAvx2(n); }) / 1e9;
#endif
    } else {
        m.fmaPeakGflops = bestRate(o, threads, 12 * 4 * 2, [](int, long n) { fmaLoopGeneric(n); }) / 1e9;
    }

    progress(2, "fp32 GEMM (256x256 per core)");
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
                                    for (long r = 0; r < reps; ++r) {
#ifdef BS_X86
                                        if (avx2)
                                            gemmAvx2(A[i].data(), B[i].data(), C[i].data(), n);
                                        else
#endif
                                            gemmGeneric(A[i].data(), B[i].data(), C[i].data(), n);
                                    }
                                    g_sink = g_sink + C[i][0];
                                }) /
                       1e9;
    }

    progress(3, "streaming bandwidth from device memory");
    const double llcBytes = std::max(1.0, m.facts.llcMib) * 1024 * 1024;
    const auto dramElems =
        static_cast<std::size_t>(std::max(8 * llcBytes, 256.0 * 1024 * 1024) / 3 / 4 / threads);
    m.dramGBs = triad(o, threads, dramElems) / 1e9;

    progress(4, "streaming bandwidth in the last-level cache");
    const auto llcElems = static_cast<std::size_t>(0.5 * llcBytes / 3 / 4 / threads);
    m.llcGBs = triad(o, threads, std::max<std::size_t>(llcElems, 1024)) / 1e9;

    m.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return m;
}

QJsonObject machinePresetJson(const MachineMeasurement& m, const QJsonObject& t, const std::string& id) {
    const MachineFacts& f = m.facts;
    const std::string templ = t.value(QStringLiteral("id")).toString().toStdString();
    const std::string by = "measured by 'batchscope measure-machine' on " + m.date + ": ";
    const std::string copied = "estimate: copied from the " + templ + " preset (not measurable here)";
    const double peakTflops = m.fmaPeakGflops / 1e3;
    // FLOPs per clock per core of the FMA units this build used: 2 pipes × lanes × 2.
    const double lanes = f.avx2Fma ? 8 : 4;
    const double nominalPerClock = f.avx2Fma ? 2 * lanes * 2 : lanes * 2;
    const double clock = f.clockGhz > 0 ? f.clockGhz : m.fmaPeakGflops / (f.cores * nominalPerClock);
    const auto obj = [&](const char* key) { return t.value(QString::fromLatin1(key)).toObject(); };

    QJsonObject o;
    o[QStringLiteral("schema")] = 1;
    o[QStringLiteral("id")] = QString::fromStdString(id);
    o[QStringLiteral("name")] =
        QString::fromStdString("This machine: " + f.cpuName + " (" + std::to_string(f.cores) + " cores)");
    o[QStringLiteral("vendor")] = QString::fromStdString(f.vendor);
    o[QStringLiteral("class")] = QStringLiteral("cpu");
    o[QStringLiteral("status")] = QStringLiteral("measured");
    o[QStringLiteral("notes")] = QString::fromStdString(
        "Measured on " + m.date + " in " + fixed(m.seconds, 1) + " s: fp32 FMA peak " +
        fixed(m.fmaPeakGflops, 1) + " GFLOP/s, GEMM " + fixed(m.gemmGflops, 1) + " GFLOP/s, triad " +
        fixed(m.dramGBs, 1) + " GB/s (memory) and " + fixed(m.llcGBs, 1) + " GB/s (last-level cache), on " +
        std::to_string(f.cores) + " cores. Energy and mapping figures are copied from " + templ + ".");
    o[QStringLiteral("default_precision")] = QStringLiteral("fp32");
    o[QStringLiteral("clock_ghz")] =
        sourced(clock, f.clockGhz > 0 ? "/proc/cpuinfo 'cpu MHz' (mean over CPUs) on " + m.date
                                      : "derived: measured peak / (cores x " + fixed(nominalPerClock, 0) +
                                            " FLOP per clock); /proc/cpuinfo has no clock");
    QJsonObject units =
        sourced(f.cores, "online CPUs (std::thread::hardware_concurrency), all used by the probes");
    units[QStringLiteral("name")] = QStringLiteral("core");
    o[QStringLiteral("compute_units")] = units;
    QJsonObject peak;
    peak[QStringLiteral("fp32")] =
        sourced(peakTflops, by + (f.avx2Fma ? "AVX2 FMA" : "SSE2 multiply-add") +
                                " chains (12 independent per core) on all cores, best of 4 timed runs");
    o[QStringLiteral("peak_tflops")] = peak;
    QJsonObject perClock;
    perClock[QStringLiteral("fp32")] =
        sourced(m.fmaPeakGflops / (f.cores * clock), "derived: measured peak / (cores x clock)");
    o[QStringLiteral("flops_per_clock_per_unit")] = perClock;
    o[QStringLiteral("vector_tflops")] =
        sourced(peakTflops, by + "the same FMA probe: non-matrix work runs on the same SIMD units");

    const QJsonObject tm = obj("memory");
    const QJsonObject tdram = tm.value(QStringLiteral("dram")).toObject();
    const QJsonObject tonchip = tm.value(QStringLiteral("onchip")).toObject();
    auto copiedNumber = [&](const QJsonObject& from, const char* key) {
        return sourced(
            from.value(QString::fromLatin1(key)).toObject().value(QStringLiteral("value")).toDouble(),
            copied);
    };
    QJsonObject dram;
    dram[QStringLiteral("name")] = QStringLiteral("DRAM");
    dram[QStringLiteral("capacity_gib")] = sourced(f.memoryGib, "/proc/meminfo MemTotal");
    dram[QStringLiteral("bandwidth_gb_s")] = sourced(
        m.dramGBs, by + "triad a=b+s*c on all cores over " +
                       fixed(3.0 * 4 * static_cast<double>(std::max(8 * f.llcMib, 256.0)) / 3 / 4, 0) +
                       " MiB (8x the last-level cache or more), 12 bytes per element, best of 4");
    dram[QStringLiteral("energy_pj_per_byte")] = copiedNumber(tdram, "energy_pj_per_byte");
    QJsonObject onchip;
    onchip[QStringLiteral("name")] = QStringLiteral("LLC");
    onchip[QStringLiteral("capacity_mib")] =
        sourced(f.llcMib, "/sys/devices/system/cpu/cpu0/cache (last level)");
    onchip[QStringLiteral("bandwidth_gb_s")] =
        sourced(m.llcGBs, by + "triad over half of the last-level cache on all cores, best of 4");
    onchip[QStringLiteral("energy_pj_per_byte")] = copiedNumber(tonchip, "energy_pj_per_byte");
    QJsonObject memory;
    memory[QStringLiteral("dram")] = dram;
    memory[QStringLiteral("onchip")] = onchip;
    if (f.l2Kib > 0) {
        QJsonObject local;
        local[QStringLiteral("name")] = QStringLiteral("L2");
        local[QStringLiteral("capacity_kib_per_unit")] =
            sourced(f.l2Kib, "/sys/devices/system/cpu/cpu0/cache (L2)");
        memory[QStringLiteral("local")] = local;
    }
    o[QStringLiteral("memory")] = memory;

    const QJsonObject tmap = obj("mapping");
    QJsonObject mapping;
    mapping[QStringLiteral("simd_fp32_lanes")] =
        sourced(lanes, f.avx2Fma ? "AVX2: 256-bit vectors = 8 fp32 lanes (the width the probes used)"
                                 : "SSE2: 128-bit vectors = 4 fp32 lanes (the width the probes used)");
    mapping[QStringLiteral("micro_tile_m")] = sourced(
        f.avx2Fma ? 6 : 8, f.avx2Fma ? "BLIS haswell sgemm micro-kernel is 6x16 (bli_sgemm_haswell_asm_6x16)"
                                     : "estimate: an 8x4 SSE2 micro-kernel");
    mapping[QStringLiteral("micro_tile_n")] = sourced(
        f.avx2Fma ? 16 : 4, f.avx2Fma ? "BLIS haswell sgemm micro-kernel is 6x16 (bli_sgemm_haswell_asm_6x16)"
                                      : "estimate: an 8x4 SSE2 micro-kernel");
    mapping[QStringLiteral("vector_grain_elems")] = copiedNumber(tmap, "vector_grain_elems");
    o[QStringLiteral("mapping")] = mapping;

    const QJsonObject te = obj("energy");
    const double templCores = obj("compute_units").value(QStringLiteral("value")).toDouble(1);
    QJsonObject pj;
    pj[QStringLiteral("fp32")] = sourced(te.value(QStringLiteral("pj_per_flop"))
                                             .toObject()
                                             .value(QStringLiteral("fp32"))
                                             .toObject()
                                             .value(QStringLiteral("value"))
                                             .toDouble(),
                                         copied);
    QJsonObject energy;
    energy[QStringLiteral("pj_per_flop")] = pj;
    const double share = f.cores / std::max(1.0, templCores);
    const std::string scaled = "estimate: the " + templ + " preset's figure x " + std::to_string(f.cores) +
                               "/" + fixed(templCores, 0) + " cores (not measurable here)";
    energy[QStringLiteral("idle_watts")] = sourced(
        te.value(QStringLiteral("idle_watts")).toObject().value(QStringLiteral("value")).toDouble() * share,
        scaled);
    energy[QStringLiteral("tdp_watts")] = sourced(
        te.value(QStringLiteral("tdp_watts")).toObject().value(QStringLiteral("value")).toDouble() * share,
        scaled);
    o[QStringLiteral("energy")] = energy;
    QJsonObject over;
    over[QStringLiteral("dispatch_us")] = copiedNumber(obj("overheads"), "dispatch_us");
    o[QStringLiteral("overheads")] = over;
    QJsonObject eff;
    eff[QStringLiteral("compute_fraction")] = sourced(std::clamp(m.gemmGflops / m.fmaPeakGflops, 0.01, 1.0),
                                                      by + "GEMM rate / FMA peak (" + fixed(m.gemmGflops, 1) +
                                                          " / " + fixed(m.fmaPeakGflops, 1) + " GFLOP/s)");
    eff[QStringLiteral("bandwidth_fraction")] =
        sourced(1.0, "measured: the bandwidth above already is the achieved triad rate");
    eff[QStringLiteral("onchip_activation_fraction")] =
        copiedNumber(obj("efficiency"), "onchip_activation_fraction");
    o[QStringLiteral("efficiency")] = eff;
    return o;
}

} // namespace bs
