#include "eval/ResultTables.h"

#include "base/Format.h"

#include <QStringList>
#include <algorithm>

namespace bs {

std::vector<QString> sweepColumns() {
    return {QStringLiteral("batch"),
            QStringLiteral("latency_ms"),
            QStringLiteral("throughput_per_s"),
            QStringLiteral("utilization"),
            QStringLiteral("bandwidth_utilization"),
            QStringLiteral("energy_per_inference_mj"),
            QStringLiteral("static_mj"),
            QStringLiteral("compute_mj"),
            QStringLiteral("dram_mj"),
            QStringLiteral("sram_mj"),
            QStringLiteral("peak_memory_mb"),
            QStringLiteral("fits_memory"),
            QStringLiteral("bound"),
            QStringLiteral("gflops"),
            QStringLiteral("dram_mb"),
            QStringLiteral("spilled_mb"),
            QStringLiteral("critical_batch"),
            QStringLiteral("launch_ms"),
            QStringLiteral("host_ms"),
            QStringLiteral("power_w"),
            QStringLiteral("clock_factor"),
            QStringLiteral("interconnect_ms"),
            QStringLiteral("bubble_ms"),
            QStringLiteral("usd_per_million")};
}

QString dominantBound(const Totals& t) {
    return QString::fromLatin1(boundName(dominantTimeBound(t)));
}

Cell costCell(double usd) {
    return usd > 0 ? Cell(usd) : Cell(QString());
}

std::vector<Cell> sweepCells(const Totals& t) {
    const EnergyBreakdown& e = t.energyPerInference;
    return {static_cast<double>(t.batch),
            t.latency_s * 1e3,
            t.throughput_per_s,
            t.utilization,
            t.bandwidthUtilization,
            e.total() * 1e3,
            e.static_j * 1e3,
            e.compute_j * 1e3,
            e.dram_j * 1e3,
            e.sram_j * 1e3,
            t.peakMemoryBytes / 1e6,
            t.fitsMemory,
            dominantBound(t),
            t.flops / 1e9,
            t.dramBytes / 1e6,
            t.spilledBytes / 1e6,
            t.criticalBatch,
            t.launch_s * 1e3,
            (t.host_s + t.fixed_s) * 1e3,
            t.power_w,
            t.powerClockFactor,
            t.interconnect_s * 1e3,
            t.bubble_s * 1e3,
            costCell(t.usdPerMillion)};
}

Table sweepTable(const std::vector<SweepPoint>& points) {
    Table t(sweepColumns());
    for (const SweepPoint& p : points)
        t.addRow(sweepCells(p.totals));
    return t;
}

std::vector<QString> generationColumns() {
    return {QStringLiteral("batch"),
            QStringLiteral("ttft_ms"),
            QStringLiteral("tpot_ms"),
            QStringLiteral("e2e_ms"),
            QStringLiteral("output_tokens_per_s"),
            QStringLiteral("output_tokens_per_s_per_user"),
            QStringLiteral("energy_per_token_mj"),
            QStringLiteral("power_w"),
            QStringLiteral("kv_cache_gb"),
            QStringLiteral("weights_gb"),
            QStringLiteral("activations_gb"),
            QStringLiteral("peak_memory_gb"),
            QStringLiteral("fits_memory"),
            QStringLiteral("max_batch"),
            QStringLiteral("usd_per_million_tokens")};
}

std::vector<Cell> generationCells(const GenerationPoint& p, std::optional<long long> maxBatch) {
    return {static_cast<double>(p.batch),
            p.ttft_s * 1e3,
            p.tpot_s * 1e3,
            p.e2e_s * 1e3,
            p.outputTokensPerS,
            p.outputTokensPerSPerUser,
            p.energyPerToken_j * 1e3,
            p.power_w,
            p.kvCacheBytes / 1e9,
            p.weightBytes / 1e9,
            p.activationBytes / 1e9,
            p.peakMemoryBytes / 1e9,
            p.fitsMemory,
            maxBatch ? Cell(static_cast<double>(*maxBatch)) : Cell(QString()),
            costCell(p.usdPerMillionTokens)};
}

std::vector<QString> layerColumns() {
    return {QStringLiteral("index"),
            QStringLiteral("name"),
            QStringLiteral("ops"),
            QStringLiteral("flops"),
            QStringLiteral("macs"),
            QStringLiteral("weight_bytes"),
            QStringLiteral("dram_bytes"),
            QStringLiteral("sram_bytes"),
            QStringLiteral("arithmetic_intensity"),
            QStringLiteral("bound"),
            QStringLiteral("units_allocated"),
            QStringLiteral("units_total"),
            QStringLiteral("compute_ms"),
            QStringLiteral("memory_ms"),
            QStringLiteral("launch_ms"),
            QStringLiteral("host_ms"),
            QStringLiteral("latency_ms"),
            QStringLiteral("power_w"),
            QStringLiteral("clock_factor"),
            QStringLiteral("share"),
            QStringLiteral("utilization"),
            QStringLiteral("critical_batch"),
            QStringLiteral("spills"),
            QStringLiteral("not_costed"),
            QStringLiteral("interconnect_ms"),
            QStringLiteral("stage")};
}

std::vector<Cell> layerCells(const PreparedModel& model, const LayerPlacement& p) {
    const Layer& l = model.layers()[static_cast<std::size_t>(p.index)];
    QStringList nc;
    for (const std::string& n : l.notCosted)
        nc << qs(n);
    return {static_cast<double>(p.index),
            qs(l.name),
            qs(l.opTypes),
            p.flops,
            p.macs,
            p.weightBytes,
            p.dramBytes,
            p.sramBytes,
            p.arithmeticIntensity,
            boundToken(p),
            p.unitsAllocated,
            p.unitsTotal,
            p.compute_s * 1e3,
            p.memory_s * 1e3,
            p.launch_s * 1e3,
            p.host_s * 1e3,
            p.latency_s * 1e3,
            p.power_w,
            p.clockFactor,
            p.share,
            p.utilization,
            p.criticalBatch,
            p.inputSpilled || p.outputSpilled,
            nc.join(QLatin1Char(' ')),
            p.interconnect_s * 1e3,
            static_cast<double>(p.stage)};
}

Table layerTable(const PreparedModel& model, const ScenarioResult& r, bool includeViews) {
    Table t(layerColumns());
    for (const LayerPlacement& p : r.layers) {
        if (model.layers()[static_cast<std::size_t>(p.index)].view && !includeViews) continue;
        t.addRow(layerCells(model, p));
    }
    return t;
}

} // namespace bs
