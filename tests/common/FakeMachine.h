#pragma once
// A made-up machine for the probe's fact readers (FactOptions::sysfsRoot and procRoot, or
// measure-machine --sysfs-root / --proc-root): its numbers are known exactly, whatever the host.
#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QString>
#include <QStringList>

namespace bs::test {

// What the fake tree says, for the assertions.
constexpr double kFakeL1dKib = 48, kFakeL2Kib = 1024, kFakeL3Mib = 32;
constexpr double kFakeClockGhz = 2.5; // the mean of the two CPUs' 2000 and 3000 MHz
constexpr double kFakeMemoryGib = 16;

inline bool writeText(const QString& path, const QByteArray& text) {
    if (!QDir().mkpath(QFileInfo(path).absolutePath())) return false;
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(text) == text.size();
}

/// <root>/cpuN/cache/index0..3 for each N < l3Shared.size(): L1d 48K, L1i 32K and L2 1024K of
/// its own, and an L3 of 32768K whose shared_cpu_list is l3Shared[N] (the same text on two CPUs:
/// one instance).
inline bool writeFakeSysfs(const QString& root, const QStringList& l3Shared) {
    struct Index {
        const char* level;
        const char* type;
        const char* size;
    };
    const Index indices[] = {{"1", "Data", "48K"},
                             {"1", "Instruction", "32K"},
                             {"2", "Unified", "1024K"},
                             {"3", "Unified", "32768K"}};
    for (int cpu = 0; cpu < l3Shared.size(); ++cpu)
        for (int i = 0; i < 4; ++i) {
            const QString dir = QStringLiteral("%1/cpu%2/cache/index%3/").arg(root).arg(cpu).arg(i);
            const QByteArray shared = i == 3 ? l3Shared[cpu].toUtf8() : QByteArray::number(cpu);
            if (!writeText(dir + QStringLiteral("level"), QByteArray(indices[i].level) + "\n") ||
                !writeText(dir + QStringLiteral("type"), QByteArray(indices[i].type) + "\n") ||
                !writeText(dir + QStringLiteral("size"), QByteArray(indices[i].size) + "\n") ||
                !writeText(dir + QStringLiteral("shared_cpu_list"), shared + "\n"))
                return false;
        }
    return true;
}

/// <root>/cpuinfo (two CPUs at 2000 and 3000 MHz) and <root>/meminfo (16 GiB).
inline bool writeFakeProc(const QString& root) {
    QByteArray cpuinfo;
    for (const char* mhz : {"2000.000", "3000.000"})
        cpuinfo += QByteArray("processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Fake CPU 9000\n"
                              "cpu MHz\t\t: ") +
                   mhz + "\nflags\t\t: fpu sse sse2\n\n";
    return writeText(root + QStringLiteral("/cpuinfo"), cpuinfo) &&
           writeText(root + QStringLiteral("/meminfo"),
                     "MemTotal:       16777216 kB\nMemFree:         1000000 kB\n");
}

} // namespace bs::test
