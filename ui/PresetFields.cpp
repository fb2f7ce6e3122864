#include "PresetFields.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <algorithm>

namespace bs::presetfields {

namespace {

QString levelName(const QString& key) {
    if (key == QStringLiteral("dram")) return QStringLiteral("DRAM");
    if (key == QStringLiteral("onchip")) return QStringLiteral("On-chip");
    if (key == QStringLiteral("local")) return QStringLiteral("Local");
    return key;
}

// Fallback for keys the table below does not know: units follow the naming convention of the format.
QString unitFromKey(const QString& key) {
    if (key.endsWith(QStringLiteral("_tflops"))) return QStringLiteral("TFLOP/s");
    if (key.endsWith(QStringLiteral("_ghz"))) return QStringLiteral("GHz");
    if (key.endsWith(QStringLiteral("_gib"))) return QStringLiteral("GiB");
    if (key.endsWith(QStringLiteral("_mib"))) return QStringLiteral("MiB");
    if (key.endsWith(QStringLiteral("_kib_per_unit"))) return QStringLiteral("KiB/unit");
    if (key.endsWith(QStringLiteral("_gb_s"))) return QStringLiteral("GB/s");
    if (key.endsWith(QStringLiteral("pj_per_byte"))) return QStringLiteral("pJ/B");
    if (key.endsWith(QStringLiteral("_watts"))) return QStringLiteral("W");
    if (key.endsWith(QStringLiteral("_us"))) return QStringLiteral("µs");
    if (key.endsWith(QStringLiteral("_fraction"))) return QStringLiteral("fraction 0–1");
    if (key.endsWith(QStringLiteral("_elems"))) return QStringLiteral("elements");
    return {};
}

QString humanize(const QString& key) {
    QString s = key;
    s.replace(QLatin1Char('_'), QLatin1Char(' '));
    if (!s.isEmpty()) s[0] = s[0].toUpper();
    return s;
}

struct Known {
    const char* key;
    const char* label;
    const char* unit;
    const char* help;
};

// Fields whose label does not depend on their parent; memory levels and per-precision maps are
// handled in info().
constexpr Known kKnown[] = {
    {"id", "Id", "", "Identifier used on the command line and as the file name; fixed once created"},
    {"name", "Name", "", "Shown in the preset list and chart legends"},
    {"vendor", "Vendor", "", "Who makes the chip"},
    {"class", "Architecture class", "",
     "gpu, systolic, cpu or tile: decides how layers map onto compute units (fixed; it selects the "
     "mapping fields)"},
    {"status", "Status", "", "How the numbers were obtained: datasheet, modelled, measured or calibrated"},
    {"default_precision", "Default precision", "", "Precision a new scenario uses; must have a peak"},
    {"derived_from", "Derived from", "",
     "The preset this one was duplicated from; the diff compares with it"},
    {"notes", "Notes", "", "Free text shown in the preset's tooltip"},
    {"clock_ghz", "Clock", "GHz", "Clock the peak rates assume (usually the boost clock)"},
    {"vector_tflops", "Vector peak", "TFLOP/s",
     "Rate of non-matrix work (elementwise, activations, norms, softmax, pooling), FP32"},
    {"tile_candidates", "Tile candidates", "M×N",
     "Output tiles (M×N) one thread block computes, as cuBLAS/CUTLASS pick them"},
    {"k_align", "K alignment", "elements",
     "K is padded to a multiple of this (the tensor-core instruction k)"},
    {"max_split_k", "Max split-K", "×", "Ceiling of the split-K factor used for small-M GEMMs"},
    {"array_rows", "Array rows", "PEs", "Rows of each weight-stationary systolic array"},
    {"array_cols", "Array columns", "PEs", "Columns of each weight-stationary systolic array"},
    {"simd_fp32_lanes", "SIMD FP32 lanes", "lanes", "GEMM N is padded to the SIMD width"},
    {"micro_tile_m", "Micro-tile M", "rows", "Rows of the per-core GEMM micro-kernel register tile"},
    {"micro_tile_n", "Micro-tile N", "columns", "Columns of the per-core GEMM micro-kernel register tile"},
    {"tile_rows", "Tile rows", "PEs", "Rows of the PE array inside one tile"},
    {"tile_cols", "Tile columns", "PEs", "Columns of the PE array inside one tile"},
    {"vector_grain_elems", "Vector grain", "elements",
     "Elements one unit processes per wave of an elementwise op (how many units a small layer can use)"},
    {"idle_watts", "Idle power", "W", "Static power drawn whatever the load"},
    {"tdp_watts", "TDP", "W", "Thermal design power: the most the chip draws"},
    {"dispatch_us", "Dispatch per layer", "µs",
     "Kernel launch / op dispatch time added to every fused layer"},
    {"compute_fraction", "Compute efficiency", "fraction 0–1", "Achievable fraction of peak on a large GEMM"},
    {"bandwidth_fraction", "Bandwidth efficiency", "fraction 0–1",
     "Achievable fraction of DRAM bandwidth (STREAM-like kernels)"},
    {"onchip_activation_fraction", "On-chip activation share", "fraction 0–1",
     "Share of the on-chip level usable for activations (the rest holds weight tiles and metadata)"},
};

// The documented order (docs/PRESETS.md); QJsonObject itself sorts keys alphabetically.
const QStringList& keyOrder() {
    static const QStringList order = {QStringLiteral("id"),
                                      QStringLiteral("name"),
                                      QStringLiteral("vendor"),
                                      QStringLiteral("class"),
                                      QStringLiteral("status"),
                                      QStringLiteral("default_precision"),
                                      QStringLiteral("derived_from"),
                                      QStringLiteral("notes"),
                                      QStringLiteral("clock_ghz"),
                                      QStringLiteral("compute_units"),
                                      QStringLiteral("peak_tflops"),
                                      QStringLiteral("flops_per_clock_per_unit"),
                                      QStringLiteral("vector_tflops"),
                                      QStringLiteral("memory"),
                                      QStringLiteral("dram"),
                                      QStringLiteral("onchip"),
                                      QStringLiteral("local"),
                                      QStringLiteral("capacity_gib"),
                                      QStringLiteral("capacity_mib"),
                                      QStringLiteral("capacity_kib_per_unit"),
                                      QStringLiteral("bandwidth_gb_s"),
                                      QStringLiteral("energy_pj_per_byte"),
                                      QStringLiteral("mapping"),
                                      QStringLiteral("tile_candidates"),
                                      QStringLiteral("k_align"),
                                      QStringLiteral("max_split_k"),
                                      QStringLiteral("array_rows"),
                                      QStringLiteral("array_cols"),
                                      QStringLiteral("simd_fp32_lanes"),
                                      QStringLiteral("micro_tile_m"),
                                      QStringLiteral("micro_tile_n"),
                                      QStringLiteral("tile_rows"),
                                      QStringLiteral("tile_cols"),
                                      QStringLiteral("vector_grain_elems"),
                                      QStringLiteral("energy"),
                                      QStringLiteral("pj_per_flop"),
                                      QStringLiteral("idle_watts"),
                                      QStringLiteral("tdp_watts"),
                                      QStringLiteral("overheads"),
                                      QStringLiteral("dispatch_us"),
                                      QStringLiteral("efficiency"),
                                      QStringLiteral("compute_fraction"),
                                      QStringLiteral("bandwidth_fraction"),
                                      QStringLiteral("onchip_activation_fraction"),
                                      QStringLiteral("fp32"),
                                      QStringLiteral("tf32"),
                                      QStringLiteral("fp16"),
                                      QStringLiteral("bf16"),
                                      QStringLiteral("fp8"),
                                      QStringLiteral("int8")};
    return order;
}

} // namespace

QString groupTitle(PresetGroup g) {
    switch (g) {
    case PresetGroup::General:
        return QStringLiteral("General");
    case PresetGroup::Compute:
        return QStringLiteral("Compute");
    case PresetGroup::Memory:
        return QStringLiteral("Memory");
    case PresetGroup::Energy:
        return QStringLiteral("Energy");
    case PresetGroup::Overheads:
        return QStringLiteral("Overheads");
    case PresetGroup::Efficiency:
        return QStringLiteral("Efficiency");
    case PresetGroup::Mapping:
        return QStringLiteral("Mapping");
    }
    return {};
}

PresetGroup groupOf(const QString& path) {
    const QString top = path.section(QLatin1Char('.'), 0, 0);
    if (top == QStringLiteral("memory")) return PresetGroup::Memory;
    if (top == QStringLiteral("energy")) return PresetGroup::Energy;
    if (top == QStringLiteral("overheads")) return PresetGroup::Overheads;
    if (top == QStringLiteral("efficiency")) return PresetGroup::Efficiency;
    if (top == QStringLiteral("mapping")) return PresetGroup::Mapping;
    if (top == QStringLiteral("clock_ghz") || top == QStringLiteral("compute_units") ||
        top == QStringLiteral("peak_tflops") || top == QStringLiteral("flops_per_clock_per_unit") ||
        top == QStringLiteral("vector_tflops"))
        return PresetGroup::Compute;
    return PresetGroup::General;
}

PresetFieldInfo info(const QString& path, const QJsonObject& json) {
    const QStringList parts = path.split(QLatin1Char('.'));
    const QString key = parts.last();
    const QString parent = parts.size() >= 2 ? parts.at(parts.size() - 2) : QString();

    if (parent == QStringLiteral("peak_tflops")) {
        const bool ops = key == QStringLiteral("int8");
        return {QStringLiteral("Peak %1").arg(key), ops ? QStringLiteral("TOP/s") : QStringLiteral("TFLOP/s"),
                QStringLiteral("Dense matrix-engine peak at %1 (no sparsity)").arg(key)};
    }
    if (parent == QStringLiteral("flops_per_clock_per_unit"))
        return {QStringLiteral("FLOP per clock per unit, %1").arg(key), QStringLiteral("FLOP/clk/unit"),
                QStringLiteral("FLOPs (2 per MAC) one compute unit does per clock at %1; the peak should be "
                               "about units × this × clock")
                    .arg(key)};
    if (parent == QStringLiteral("pj_per_flop"))
        return {
            QStringLiteral("Energy per FLOP, %1").arg(key), QStringLiteral("pJ/FLOP"),
            QStringLiteral("Arithmetic energy of one FLOP at %1 (operand delivery not included)").arg(key)};
    if (path == QStringLiteral("compute_units")) {
        const QString unitName = json.value(QStringLiteral("compute_units"))
                                     .toObject()
                                     .value(QStringLiteral("name"))
                                     .toString(QStringLiteral("units"));
        return {QStringLiteral("Compute units"), unitName,
                QStringLiteral("Number of compute units (%1) the work is spread over").arg(unitName)};
    }
    if (path == QStringLiteral("compute_units.name"))
        return {QStringLiteral("Compute unit name"), {}, QStringLiteral("What one compute unit is called")};
    if (parts.size() == 3 && parts.first() == QStringLiteral("memory")) {
        const QString level = levelName(parent);
        if (key == QStringLiteral("name"))
            return {level + QStringLiteral(" name"), {}, QStringLiteral("What this memory level is")};
        if (key.startsWith(QStringLiteral("capacity")))
            return {level + QStringLiteral(" capacity"), unitFromKey(key),
                    parent == QStringLiteral("local")
                        ? QStringLiteral("Local memory per compute unit (shared memory, scratchpad)")
                    : parent == QStringLiteral("onchip")
                        ? QStringLiteral("Size of the shared on-chip level that keeps activations and "
                                         "weight tiles")
                        : QStringLiteral("Device memory capacity")};
        if (key == QStringLiteral("bandwidth_gb_s"))
            return {level + QStringLiteral(" bandwidth"), QStringLiteral("GB/s"),
                    QStringLiteral("Peak bandwidth of this level (1 GB/s = 10⁹ bytes/s)")};
        if (key == QStringLiteral("energy_pj_per_byte"))
            return {level + QStringLiteral(" energy per byte"), QStringLiteral("pJ/B"),
                    QStringLiteral("Energy to move one byte to or from this level")};
    }
    for (const Known& k : kKnown)
        if (key == QLatin1String(k.key))
            return {QString::fromUtf8(k.label), QString::fromUtf8(k.unit), QString::fromUtf8(k.help)};
    return {humanize(key), unitFromKey(key), path};
}

QStringList orderedKeys(const QJsonObject& o) {
    QStringList keys = o.keys();
    const QStringList& order = keyOrder();
    std::stable_sort(keys.begin(), keys.end(), [&](const QString& a, const QString& b) {
        const auto rank = [&](const QString& k) {
            const qsizetype i = order.indexOf(k);
            return i < 0 ? order.size() : i;
        };
        return rank(a) < rank(b);
    });
    return keys;
}

bool isSourced(const QJsonValue& v) {
    const QJsonObject o = v.toObject();
    return v.isObject() && o.contains(QStringLiteral("value")) && o.contains(QStringLiteral("source"));
}

QJsonValue valueAt(const QJsonObject& root, const QString& path) {
    QJsonValue v = root;
    for (const QString& k : path.split(QLatin1Char('.'))) {
        if (!v.isObject()) return QJsonValue(QJsonValue::Undefined);
        v = v.toObject().value(k);
    }
    return v;
}

QJsonObject withValueAt(const QJsonObject& root, const QString& path, const QJsonValue& value) {
    const qsizetype dot = path.indexOf(QLatin1Char('.'));
    QJsonObject out = root;
    if (dot < 0) {
        out.insert(path, value);
        return out;
    }
    const QString head = path.left(dot);
    out.insert(head, withValueAt(root.value(head).toObject(), path.mid(dot + 1), value));
    return out;
}

QString formatValue(const QJsonValue& v) {
    if (v.isDouble()) return QString::number(v.toDouble(), 'g', 12);
    if (v.isString()) return v.toString();
    if (v.isArray()) {
        QStringList tiles;
        for (const QJsonValue& t : v.toArray()) {
            const QJsonArray pair = t.toArray();
            if (pair.size() == 2)
                tiles << QStringLiteral("%1×%2").arg(pair.at(0).toInt()).arg(pair.at(1).toInt());
            else
                tiles << QStringLiteral("?");
        }
        return tiles.join(QStringLiteral(", "));
    }
    if (v.isBool()) return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (v.isUndefined()) return QStringLiteral("(absent)");
    return {};
}

QJsonValue parseTiles(const QString& text) {
    static const QRegularExpression tile(QStringLiteral("^\\s*(\\d+)\\s*[x×*]\\s*(\\d+)\\s*$"));
    QJsonArray out;
    for (const QString& part : text.split(QLatin1Char(','))) {
        const QRegularExpressionMatch m = tile.match(part);
        if (!m.hasMatch()) return QJsonArray();
        bool okM = false, okN = false;
        const int tm = m.captured(1).toInt(&okM), tn = m.captured(2).toInt(&okN);
        if (!okM || !okN) return QJsonArray();
        out.append(QJsonArray{tm, tn});
    }
    return out;
}

} // namespace bs::presetfields
