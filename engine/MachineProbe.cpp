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
#include <cstring>
#include <map>
#include <memory>
#include <sched.h>
#include <thread>
#include <unistd.h>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>
#define BS_X86 1
#endif

namespace bs {

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

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

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

std::string fixed(double v, int digits) {
    return QString::number(v, 'f', digits).toStdString();
}

/// "1 instance" / "2 instances".
std::string plural(std::size_t n, const char* what) {
    return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

// ---- facts: CPUs used --------------------------------------------------------------------------

/// The CPUs counted as used: the option's list, else this process's affinity (taskset and
/// container limits), else 0 .. hardware_concurrency − 1.
std::vector<int> cpusUsed(const FactOptions& o, std::string& source) {
    if (!o.cpus.empty()) {
        source = "the CPUs the probe was given (" + plural(o.cpus.size(), "CPU") + ")";
        return o.cpus;
    }
    std::vector<int> cpus;
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) == 0)
        for (int i = 0; i < CPU_SETSIZE; ++i)
            if (CPU_ISSET(i, &set)) cpus.push_back(i);
    if (!cpus.empty()) {
        source = "sched_getaffinity: the CPUs this process may run on, all used by the probes";
        return cpus;
    }
    const int n = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    for (int i = 0; i < n; ++i)
        cpus.push_back(i);
    source = "std::thread::hardware_concurrency (no affinity mask), all used by the probes";
    return cpus;
}

// ---- facts: caches -----------------------------------------------------------------------------

/// Cache sizes as one source reports them; 0 = not reported there.
struct CacheReport {
    double l1dKib = 0, l2Kib = 0, llcMib = 0;
    std::string l1dSource, l2Source, llcSource;
};

struct SysfsCache {
    int level = 0;
    QString type; ///< Data, Instruction, Unified
    double kib = 0;
    QString sharedCpus; ///< shared_cpu_list: the same text for every CPU of one instance
};

QString cacheDir(const std::string& root, int cpu) {
    return qs(root) + QStringLiteral("/cpu") + QString::number(cpu) + QStringLiteral("/cache");
}

/// The data and unified caches listed in one CPU's cache directory.
std::vector<SysfsCache> sysfsCaches(const QString& cacheDirPath) {
    std::vector<SysfsCache> out;
    const QDir dir(cacheDirPath);
    for (const QString& index : dir.entryList({QStringLiteral("index*")}, QDir::Dirs, QDir::Name)) {
        const QString p = dir.filePath(index) + QLatin1Char('/');
        SysfsCache c;
        c.level = readText(p + QStringLiteral("level")).trimmed().toInt();
        c.type = readText(p + QStringLiteral("type")).trimmed();
        c.kib = sizeKib(readText(p + QStringLiteral("size")));
        c.sharedCpus = readText(p + QStringLiteral("shared_cpu_list")).trimmed();
        if (c.level > 0 && c.kib > 0 && c.type != QLatin1String("Instruction")) out.push_back(c);
    }
    return out;
}

/// L1d and L2 of the first CPU used that lists caches; the last level summed over its distinct
/// instances (told apart by shared_cpu_list) among the CPUs used. CPU 0 stands in when none of
/// them lists caches.
CacheReport cachesFromSysfs(const std::string& root, const std::vector<int>& cpus) {
    CacheReport r;
    std::vector<std::pair<int, std::vector<SysfsCache>>> listed;
    for (int cpu : cpus)
        if (std::vector<SysfsCache> c = sysfsCaches(cacheDir(root, cpu)); !c.empty())
            listed.emplace_back(cpu, std::move(c));
    const bool standIn = listed.empty();
    if (standIn) {
        std::vector<SysfsCache> c = sysfsCaches(cacheDir(root, 0));
        if (c.empty()) return r;
        listed.emplace_back(0, std::move(c));
    }

    const std::string first = "sysfs " + cacheDir(root, listed.front().first).toStdString();
    int llcLevel = 0;
    for (const SysfsCache& c : listed.front().second) {
        if (c.level == 1 && c.type == QLatin1String("Data"))
            r.l1dKib = c.kib, r.l1dSource = first + " (L1 data)";
        if (c.level == 2) r.l2Kib = c.kib, r.l2Source = first + " (L2)";
        llcLevel = std::max(llcLevel, c.level);
    }
    std::map<QString, double> instances; // shared_cpu_list → KiB
    for (const auto& [cpu, caches] : listed)
        for (const SysfsCache& c : caches)
            if (c.level == llcLevel) instances[c.sharedCpus] = c.kib;
    double kib = 0;
    for (const auto& [shared, size] : instances)
        kib += size;
    r.llcMib = kib / 1024;
    r.llcSource = "sysfs " + root + "/cpu*/cache (L" + std::to_string(llcLevel) + ": " +
                  plural(instances.size(), "instance") + " by shared_cpu_list among " +
                  (standIn ? std::string("cpu0, standing in for the CPUs used")
                           : "the " + plural(cpus.size(), "CPU") + " used") +
                  ")";
    return r;
}

#ifdef BS_X86
struct CpuidRegs {
    unsigned a = 0, b = 0, c = 0, d = 0;
};

/// CPUID (leaf, subleaf); nullopt above the CPU's highest leaf of that range.
std::optional<CpuidRegs> cpuid(unsigned leaf, unsigned subleaf = 0) {
    CpuidRegs r;
    if (!__get_cpuid_count(leaf, subleaf, &r.a, &r.b, &r.c, &r.d)) return std::nullopt;
    return r;
}

/// "GenuineIntel", "AuthenticAMD", ...
std::string cpuidVendor() {
    const auto r = cpuid(0);
    if (!r) return {};
    char v[13] = {};
    std::memcpy(v, &r->b, 4);
    std::memcpy(v + 4, &r->d, 4);
    std::memcpy(v + 8, &r->c, 4);
    return v;
}

/// The brand string of leaves 0x80000002-4, e.g. "AMD EPYC 9R45 96-Core Processor".
std::string cpuidBrand() {
    std::string brand;
    for (unsigned leaf = 0x80000002; leaf <= 0x80000004; ++leaf) {
        const auto r = cpuid(leaf);
        if (!r) return {};
        char part[17] = {};
        std::memcpy(part, &r->a, 4);
        std::memcpy(part + 4, &r->b, 4);
        std::memcpy(part + 8, &r->c, 4);
        std::memcpy(part + 12, &r->d, 4);
        brand += part;
    }
    return QString::fromLatin1(brand.c_str()).simplified().toStdString();
}

/// Deterministic cache parameters: leaf 4 on Intel, leaf 0x8000001D on AMD and Hygon (present
/// when CPUID 0x80000001 ECX bit 22, TOPOEXT, is set; hypervisors often leave it out). Both
/// give, per cache: type, level, how many logical CPUs share it, and
/// size = ways × partitions × line size × sets. The last level counts once per instance the
/// `cores` used need, assuming they are packed onto as few instances as possible.
CacheReport cachesFromCpuid(int cores) {
    CacheReport r;
    const std::string vendor = cpuidVendor();
    const bool amd = vendor == "AuthenticAMD" || vendor == "HygonGenuine";
    if (amd) {
        const auto ext = cpuid(0x80000001);
        if (!ext || !(ext->c & (1u << 22))) return r;
    }
    const unsigned leaf = amd ? 0x8000001D : 4;
    const std::string where = amd ? "CPUID leaf 0x8000001D" : "CPUID leaf 4";
    unsigned llcLevel = 0;
    double llcBytes = 0;
    int llcSharing = 1;
    for (unsigned i = 0; i < 16; ++i) {
        const auto c = cpuid(leaf, i);
        const unsigned type = c ? c->a & 0x1f : 0; // 1 data, 2 instruction, 3 unified, 0 no more
        if (type == 0) break;
        if (type == 2) continue;
        const unsigned level = (c->a >> 5) & 0x7;
        const int sharing = static_cast<int>((c->a >> 14) & 0xfff) + 1;
        const double bytes = double((c->b >> 22) + 1) * double(((c->b >> 12) & 0x3ff) + 1) *
                             double((c->b & 0xfff) + 1) * (double(c->c) + 1);
        if (level == 1) r.l1dKib = bytes / 1024, r.l1dSource = where + " (L1 data)";
        if (level == 2) r.l2Kib = bytes / 1024, r.l2Source = where + " (L2)";
        if (level >= llcLevel) llcLevel = level, llcBytes = bytes, llcSharing = sharing;
    }
    if (llcBytes <= 0) return r;
    const int instances = (cores + llcSharing - 1) / llcSharing;
    r.llcMib = llcBytes * instances / kMiB;
    r.llcSource = where + " (L" + std::to_string(llcLevel) + ": " + fixed(llcBytes / kMiB, 2) +
                  " MiB shared by up to " + plural(static_cast<std::size_t>(llcSharing), "logical CPU") +
                  "; " + plural(static_cast<std::size_t>(cores), "core") + " used, so " +
                  plural(static_cast<std::size_t>(instances), "instance") + ")";
    return r;
}
#endif

/// glibc's sysconf cache sizes (on x86 it reads CPUID itself, the legacy AMD leaves included).
/// It does not say how many cores share a cache: an L3 is taken as one instance shared by all the
/// cores used; without an L3, the L2s are the last level, one per core.
CacheReport cachesFromSysconf([[maybe_unused]] int cores) {
    CacheReport r;
#if defined(_SC_LEVEL1_DCACHE_SIZE) && defined(_SC_LEVEL2_CACHE_SIZE) && defined(_SC_LEVEL3_CACHE_SIZE)
    const long l1 = sysconf(_SC_LEVEL1_DCACHE_SIZE), l2 = sysconf(_SC_LEVEL2_CACHE_SIZE),
               l3 = sysconf(_SC_LEVEL3_CACHE_SIZE);
    if (l1 > 0) r.l1dKib = l1 / 1024.0, r.l1dSource = "sysconf(_SC_LEVEL1_DCACHE_SIZE)";
    if (l2 > 0) r.l2Kib = l2 / 1024.0, r.l2Source = "sysconf(_SC_LEVEL2_CACHE_SIZE)";
    if (l3 > 0) {
        r.llcMib = l3 / kMiB;
        r.llcSource = "sysconf(_SC_LEVEL3_CACHE_SIZE): one instance, taken as shared by the " +
                      plural(static_cast<std::size_t>(cores), "core") +
                      " used (sysconf does not say how many share it)";
    } else if (l2 > 0) {
        r.llcMib = l2 * static_cast<double>(cores) / kMiB;
        r.llcSource = "sysconf(_SC_LEVEL2_CACHE_SIZE) x " + plural(static_cast<std::size_t>(cores), "core") +
                      " (no L3 reported: the L2s, one per core, are the last level)";
    }
#endif
    return r;
}

/// Each cache fact from the first source that reports it: sysfs, CPUID, sysconf; an estimate
/// for a last level none reports.
void readCaches(const FactOptions& o, const std::vector<int>& cpus, MachineFacts& f) {
    std::vector<CacheReport> reports{cachesFromSysfs(o.sysfsRoot, cpus)};
#ifdef BS_X86
    if (o.useCpuid) reports.push_back(cachesFromCpuid(f.cores));
#endif
    if (o.useSysconf) reports.push_back(cachesFromSysconf(f.cores));
    for (const CacheReport& r : reports) {
        if (f.l1dKib == 0 && r.l1dKib > 0) f.l1dKib = r.l1dKib, f.source.l1d = r.l1dSource;
        if (f.l2Kib == 0 && r.l2Kib > 0) f.l2Kib = r.l2Kib, f.source.l2 = r.l2Source;
        if (f.llcMib == 0 && r.llcMib > 0) f.llcMib = r.llcMib, f.source.llc = r.llcSource;
    }
    const std::string none = "not reported by sysfs, CPUID or sysconf";
    if (f.l1dKib == 0) f.source.l1d = none;
    if (f.l2Kib == 0) f.source.l2 = none;
    if (f.llcMib == 0) {
        // Small on purpose: it sizes the on-chip triad (half of it), which then stays in cache
        // on any current core rather than spilling to memory.
        f.llcMib = 1.0 * f.cores;
        f.source.llc = "estimate: 1 MiB per core x " + plural(static_cast<std::size_t>(f.cores), "core") +
                       "; the last-level cache is " + none;
    }
}

// ---- facts: /proc ------------------------------------------------------------------------------

/// Name, vendor and mean clock from <procRoot>/cpuinfo.
void readCpuinfo(const FactOptions& o, MachineFacts& f) {
    const std::string file = o.procRoot + "/cpuinfo";
    double mhzSum = 0;
    int mhzCount = 0;
    for (const QString& line : readText(qs(file)).split(QLatin1Char('\n'))) {
        const qsizetype colon = line.indexOf(QLatin1Char(':'));
        if (colon < 0) continue;
        const QString key = line.left(colon).trimmed(), value = line.mid(colon + 1).trimmed();
        if (key == QLatin1String("model name") && f.cpuName.empty()) f.cpuName = value.toStdString();
        if (key == QLatin1String("vendor_id") && f.vendor.empty()) f.vendor = value.toStdString();
        if (key == QLatin1String("cpu MHz") && value.toDouble() > 0) mhzSum += value.toDouble(), ++mhzCount;
    }
    if (!f.cpuName.empty()) f.source.cpu = file + " 'model name'";
    if (mhzCount > 0) {
        f.clockGhz = mhzSum / mhzCount / 1000.0;
        f.source.clock =
            file + " 'cpu MHz' (mean over " + plural(static_cast<std::size_t>(mhzCount), "CPU") + ")";
    } else {
        f.source.clock = "not reported: " + file + " has no 'cpu MHz'";
    }
#ifdef BS_X86
    if (o.useCpuid && f.cpuName.empty()) {
        f.cpuName = cpuidBrand();
        if (!f.cpuName.empty()) f.source.cpu = "CPUID brand string (leaves 0x80000002-4)";
    }
    if (o.useCpuid && f.vendor.empty()) f.vendor = cpuidVendor();
#endif
    if (f.cpuName.empty()) f.cpuName = "unknown CPU", f.source.cpu = "not reported by " + file + " or CPUID";
    f.vendor = f.vendor == "AuthenticAMD"   ? "AMD"
               : f.vendor == "GenuineIntel" ? "Intel"
               : f.vendor.empty()           ? "unknown"
                                            : f.vendor;
}

/// MemTotal from <procRoot>/meminfo, else sysconf's physical pages, else an estimate.
void readMemory(const FactOptions& o, MachineFacts& f) {
    const std::string file = o.procRoot + "/meminfo";
    for (const QString& line : readText(qs(file)).split(QLatin1Char('\n')))
        if (line.startsWith(QLatin1String("MemTotal:"))) {
            const double kib = line.section(QLatin1Char(' '), 1, -1, QString::SectionSkipEmpty)
                                   .section(QLatin1Char(' '), 0, 0)
                                   .toDouble();
            if (kib > 0) {
                f.memoryGib = kib / kMiB;
                f.source.memory = file + " MemTotal";
                return;
            }
        }
    if (o.useSysconf) {
        const long pages = sysconf(_SC_PHYS_PAGES), pageBytes = sysconf(_SC_PAGESIZE);
        if (pages > 0 && pageBytes > 0) {
            f.memoryGib = static_cast<double>(pages) * static_cast<double>(pageBytes) / (kMiB * 1024);
            f.source.memory = "sysconf(_SC_PHYS_PAGES) x sysconf(_SC_PAGESIZE)";
            return;
        }
    }
    f.memoryGib = 1;
    f.source.memory = "estimate: 1 GiB; the memory size is not reported by " + file + " or sysconf";
}

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

thread_local volatile float g_sink = 0; // keeps the probes' results alive (one per thread: no race)

#ifdef BS_X86
// Independent FMA chains: each FMA waits for the previous one of its chain (latency about 4
// cycles), so filling P pipes needs at least P × latency chains in flight. 16 for AVX-512 covers
// 2 pipes × 4 cycles twice over (zmm has 32 registers); 12 for AVX2 (16 ymm registers).
__attribute__((target("avx512f"))) void fmaLoopAvx512(long iters) {
    __m512 a[16];
    for (int i = 0; i < 16; ++i)
        a[i] = _mm512_set1_ps(1.0f + 0.01f * static_cast<float>(i));
    const __m512 b = _mm512_set1_ps(0.9999999f), c = _mm512_set1_ps(1e-7f);
    for (long k = 0; k < iters; ++k) {
        a[0] = _mm512_fmadd_ps(a[0], b, c);
        a[1] = _mm512_fmadd_ps(a[1], b, c);
        a[2] = _mm512_fmadd_ps(a[2], b, c);
        a[3] = _mm512_fmadd_ps(a[3], b, c);
        a[4] = _mm512_fmadd_ps(a[4], b, c);
        a[5] = _mm512_fmadd_ps(a[5], b, c);
        a[6] = _mm512_fmadd_ps(a[6], b, c);
        a[7] = _mm512_fmadd_ps(a[7], b, c);
        a[8] = _mm512_fmadd_ps(a[8], b, c);
        a[9] = _mm512_fmadd_ps(a[9], b, c);
        a[10] = _mm512_fmadd_ps(a[10], b, c);
        a[11] = _mm512_fmadd_ps(a[11], b, c);
        a[12] = _mm512_fmadd_ps(a[12], b, c);
        a[13] = _mm512_fmadd_ps(a[13], b, c);
        a[14] = _mm512_fmadd_ps(a[14], b, c);
        a[15] = _mm512_fmadd_ps(a[15], b, c);
    }
    __m512 s = a[0];
    for (int i = 1; i < 16; ++i)
        s = _mm512_add_ps(s, a[i]);
    alignas(64) float out[16]; // (not _mm512_reduce_add_ps: GCC 12 warns inside it)
    _mm512_store_ps(out, s);
    g_sink = g_sink + out[0];
}

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

/// C += A·B, n×n row-major, n a multiple of 32; 8×32 register blocks: 16 accumulators (enough
/// independent chains for 2 pipes × 4-cycle latency), 2 vectors of B and a broadcast of A per row.
__attribute__((target("avx512f"))) void gemmAvx512(const float* A, const float* B, float* C, int n) {
    constexpr int rows = 8;
    for (int i = 0; i < n; i += rows)
        for (int j = 0; j < n; j += 32) {
            __m512 c[rows][2];
#pragma GCC unroll 8
            for (int r = 0; r < rows; ++r) {
                c[r][0] = _mm512_loadu_ps(C + (i + r) * n + j);
                c[r][1] = _mm512_loadu_ps(C + (i + r) * n + j + 16);
            }
            for (int k = 0; k < n; ++k) {
                const __m512 b0 = _mm512_loadu_ps(B + k * n + j), b1 = _mm512_loadu_ps(B + k * n + j + 16);
#pragma GCC unroll 8
                for (int r = 0; r < rows; ++r) {
                    const __m512 a = _mm512_set1_ps(A[(i + r) * n + k]);
                    c[r][0] = _mm512_fmadd_ps(a, b0, c[r][0]);
                    c[r][1] = _mm512_fmadd_ps(a, b1, c[r][1]);
                }
            }
#pragma GCC unroll 8
            for (int r = 0; r < rows; ++r) {
                _mm512_storeu_ps(C + (i + r) * n + j, c[r][0]);
                _mm512_storeu_ps(C + (i + r) * n + j + 16, c[r][1]);
            }
        }
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

/// Dependent integer adds: each waits for the one before, one per clock on any current core
/// (1-cycle ALU latency), so their rate is the clock the core really runs at, boost included,
/// which the OS may not say (in a VM /proc/cpuinfo often gives the nominal TSC rate).
void addChain(long iters) {
    std::uint64_t x = 0;
    for (long k = 0; k < iters; ++k) {
#ifdef BS_X86
        __asm__ volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
                         "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0"
                         : "+r"(x));
#else
        for (int i = 0; i < 10; ++i) {
            ++x;
            __asm__ volatile("" : "+r"(x)); // the compiler may not merge the adds
        }
#endif
    }
    g_sink = g_sink + static_cast<float>(x);
}
constexpr double kAddsPerChainIter = 10;

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

/// The probes' kernels for one ISA.
struct Kernels {
    void (*fmaLoop)(long iters);
    double fmaFlopsPerIter; ///< chains × lanes × 2
    int fmaChains;
    void (*gemm)(const float* A, const float* B, float* C, int n);
    const char* gemmBlock; ///< register block of the GEMM kernel, for the sources
};

Kernels kernelsFor(VectorIsa isa) {
#ifdef BS_X86
    if (isa == VectorIsa::Avx512) return {fmaLoopAvx512, 16 * 16 * 2, 16, gemmAvx512, "8x32"};
    if (isa == VectorIsa::Avx2) return {fmaLoopAvx2, 12 * 8 * 2, 12, gemmAvx2, "4x16"};
#else
    (void)isa;
#endif
    return {fmaLoopGeneric, 12 * 4 * 2, 12, gemmGeneric, "auto-vectorised"};
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

} // namespace

MachineFacts readMachineFacts(const FactOptions& o) {
    MachineFacts f;
    const std::vector<int> cpus = cpusUsed(o, f.source.cores);
    f.cores = static_cast<int>(cpus.size());
    readCpuinfo(o, f);
    readMemory(o, f);
    readCaches(o, cpus, f);
    f.isa = detectVectorIsa(o.maxIsa);
    const VectorIsa widest = detectVectorIsa();
    f.source.isa = std::string("__builtin_cpu_supports (CPUID and the OS's saved vector state): ") +
                   vectorIsaName(widest) +
                   (widest > f.isa ? std::string(", capped at ") + vectorIsaName(f.isa) + " (maxIsa " +
                                         vectorIsaKey(o.maxIsa) + ")"
                                   : std::string());
    return f;
}

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

QJsonObject machinePresetJson(const MachineMeasurement& m, const QJsonObject& t, const std::string& id) {
    const MachineFacts& f = m.facts;
    const std::string templ = t.value(QStringLiteral("id")).toString().toStdString();
    const std::string by = "measured by 'batchscope measure-machine' on " + m.date + ": ";
    const std::string copied = "estimate: copied from the " + templ + " preset (not measurable here)";
    const std::string isa = vectorIsaName(f.isa);
    const Kernels kernels = kernelsFor(f.isa);
    const double peakTflops = m.fmaPeakGflops / 1e3;
    const double lanes = vectorIsaFp32Lanes(f.isa);
    const double nominalPerClock = nominalFp32FlopsPerClock(f.isa);
    // The clock: measured, else what the OS says, else derived from the peak.
    const double clock = m.clockGhz > 0   ? m.clockGhz
                         : f.clockGhz > 0 ? f.clockGhz
                                          : m.fmaPeakGflops / (f.cores * nominalPerClock);
    const std::string osClock = f.clockGhz > 0
                                    ? "the OS says " + fixed(f.clockGhz, 3) + " GHz (" + f.source.clock + ")"
                                    : f.source.clock;
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
        "Measured on " + m.date + " in " + fixed(m.seconds, 1) + " s with " + isa + ": fp32 FMA peak " +
        fixed(m.fmaPeakGflops, 1) + " GFLOP/s, GEMM " + fixed(m.gemmGflops, 1) + " GFLOP/s, triad " +
        fixed(m.dramGBs, 1) + " GB/s (memory) and " + fixed(m.llcGBs, 1) + " GB/s (last-level cache), on " +
        std::to_string(f.cores) + " cores. Energy, dispatch and elementwise-grain figures are copied from " +
        templ + ".");
    o[QStringLiteral("default_precision")] = QStringLiteral("fp32");
    std::string clockSource;
    if (m.clockGhz > 0)
        clockSource =
            by + "dependent integer-add chains (one add per clock) on all cores, best of 4; " + osClock;
    else if (f.clockGhz > 0)
        clockSource = f.source.clock + " on " + m.date;
    else
        clockSource = "derived: measured peak / (cores x " + fixed(nominalPerClock, 0) +
                      " FLOP per clock, an estimate for " + isa + ": " +
                      fixed(nominalPerClock / lanes / 2, 0) + " FMA pipes x " + fixed(lanes, 0) +
                      " lanes x 2); clock " + f.source.clock;
    o[QStringLiteral("clock_ghz")] = sourced(clock, clockSource);
    QJsonObject units = sourced(f.cores, f.source.cores);
    units[QStringLiteral("name")] = QStringLiteral("core");
    o[QStringLiteral("compute_units")] = units;
    QJsonObject peak;
    peak[QStringLiteral("fp32")] =
        sourced(peakTflops, by + isa + " FMA chains (" + std::to_string(kernels.fmaChains) +
                                " independent per core) on all cores, best of 4 timed runs; ISA from " +
                                f.source.isa);
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
    dram[QStringLiteral("capacity_gib")] = sourced(f.memoryGib, f.source.memory);
    dram[QStringLiteral("bandwidth_gb_s")] =
        sourced(m.dramGBs, by + "triad a=b+s*c on all cores over " + fixed(m.dramTriadMib, 0) +
                               " MiB (8x the last-level cache or 256 MiB, at most a quarter of the memory), "
                               "12 bytes per element, best of 4");
    dram[QStringLiteral("energy_pj_per_byte")] = copiedNumber(tdram, "energy_pj_per_byte");
    QJsonObject onchip;
    onchip[QStringLiteral("name")] = QStringLiteral("LLC");
    onchip[QStringLiteral("capacity_mib")] = sourced(f.llcMib, f.source.llc);
    onchip[QStringLiteral("bandwidth_gb_s")] =
        sourced(m.llcGBs, by + "triad over half of the last-level cache on all cores, best of 4");
    onchip[QStringLiteral("energy_pj_per_byte")] = copiedNumber(tonchip, "energy_pj_per_byte");
    QJsonObject memory;
    memory[QStringLiteral("dram")] = dram;
    memory[QStringLiteral("onchip")] = onchip;
    if (f.l2Kib > 0) {
        QJsonObject local;
        local[QStringLiteral("name")] = QStringLiteral("L2");
        local[QStringLiteral("capacity_kib_per_unit")] = sourced(f.l2Kib, f.source.l2);
        memory[QStringLiteral("local")] = local;
    }
    o[QStringLiteral("memory")] = memory;

    // Micro-tiles of a BLAS for the ISA the probes used (what a tuned library would run here).
    const QJsonObject tmap = obj("mapping");
    QJsonObject mapping;
    mapping[QStringLiteral("simd_fp32_lanes")] =
        sourced(lanes, isa + ": " + fixed(lanes * 32, 0) + "-bit vectors = " + fixed(lanes, 0) +
                           " fp32 lanes (the widest the probes used)");
    int tileM = 8, tileN = 4;
    std::string tileSource = "estimate: an 8x4 SSE2 micro-kernel (two 4-lane vectors x 4 columns)";
    if (f.isa == VectorIsa::Avx512)
        tileM = 32, tileN = 12,
        tileSource = "BLIS AVX-512 (skx) sgemm micro-kernel is 32x12 (flame/blis "
                     "kernels/skx/3/bli_sgemm_skx_asm_32x12_l2.c; 32 rows = 2 zmm registers)";
    else if (f.isa == VectorIsa::Avx2)
        tileM = 6, tileN = 16,
        tileSource = "BLIS haswell sgemm micro-kernel is 6x16 (bli_sgemm_haswell_asm_6x16)";
    mapping[QStringLiteral("micro_tile_m")] = sourced(tileM, tileSource);
    mapping[QStringLiteral("micro_tile_n")] = sourced(tileN, tileSource);
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
    eff[QStringLiteral("compute_fraction")] =
        sourced(std::clamp(m.gemmGflops / m.fmaPeakGflops, 0.01, 1.0),
                by + "GEMM rate / FMA peak (" + fixed(m.gemmGflops, 1) + " / " + fixed(m.fmaPeakGflops, 1) +
                    " GFLOP/s; " + isa + " " + kernels.gemmBlock + " register blocks, 256x256 per core)");
    eff[QStringLiteral("bandwidth_fraction")] =
        sourced(1.0, "measured: the bandwidth above already is the achieved triad rate");
    eff[QStringLiteral("onchip_activation_fraction")] =
        copiedNumber(obj("efficiency"), "onchip_activation_fraction");
    o[QStringLiteral("efficiency")] = eff;
    return o;
}

} // namespace bs
