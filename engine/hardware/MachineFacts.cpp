// What the OS and the CPU say about the machine (MachineProbe.h, readMachineFacts): the CPUs this
// process may use, caches from sysfs, else CPUID, else sysconf, else a stated estimate, and the
// name, vendor, clock and memory from /proc. No timing here.
#include "base/Format.h"
#include "hardware/MachineProbe.h"

#include <QDir>
#include <QFile>
#include <QString>
#include <QStringList>
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <sched.h>
#include <thread>
#include <unistd.h>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define BS_X86 1
#endif

namespace bs {

namespace {

constexpr double kMiB = 1024.0 * 1024.0;

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
    r.llcSource = where + " (L" + std::to_string(llcLevel) + ": " + formatFixed(llcBytes / kMiB, 2) +
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

} // namespace bs
