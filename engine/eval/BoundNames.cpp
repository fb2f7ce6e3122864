// How a bound is named: in CSV tokens, in the layer table and in the story (Evaluator.h).
#include "eval/Evaluator.h"

#include <algorithm>

namespace bs {

std::string_view boundName(Bound b) {
    switch (b) {
    case Bound::Compute:
        return "compute";
    case Bound::Memory:
        return "memory";
    case Bound::Power:
        return "power";
    case Bound::Overhead:
        return "overhead";
    case Bound::Interconnect:
        return "interconnect";
    case Bound::None:
        return "none";
    }
    return "none";
}

QString boundLabel(const LayerPlacement& p) {
    switch (p.bound) {
    case Bound::Compute:
        return QStringLiteral("compute");
    case Bound::Memory:
        return p.memoryBoundOnChip ? QStringLiteral("memory (on-chip)") : QStringLiteral("memory (DRAM)");
    case Bound::Power:
        return QStringLiteral("power limit");
    case Bound::Overhead:
        return QStringLiteral("overhead");
    case Bound::Interconnect:
        return QStringLiteral("interconnect");
    case Bound::None:
        break;
    }
    return QStringLiteral("—");
}

Bound dominantTimeBound(const Totals& t) {
    const double most = std::max({t.compute_s, t.memory_s, t.power_s, t.overhead_s, t.interconnect_s});
    if (t.compute_s == most) return Bound::Compute;
    if (t.memory_s == most) return Bound::Memory;
    if (t.power_s == most) return Bound::Power;
    return t.overhead_s == most ? Bound::Overhead : Bound::Interconnect;
}

QString boundToken(const LayerPlacement& p) {
    if (p.bound == Bound::Memory && p.memoryBoundOnChip) return QStringLiteral("memory-onchip");
    return QString::fromLatin1(boundName(p.bound));
}

} // namespace bs
