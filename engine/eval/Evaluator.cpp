#include "eval/Evaluator.h"

#include "base/EngineError.h"
#include "eval/Mapping.h"

#include <algorithm>
#include <cmath>

namespace bs {

std::string_view boundName(Bound b) {
    switch (b) {
    case Bound::Compute:
        return "compute";
    case Bound::Memory:
        return "memory";
    case Bound::Overhead:
        return "overhead";
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
    case Bound::Overhead:
        return QStringLiteral("overhead");
    case Bound::None:
        break;
    }
    return QStringLiteral("—");
}

QString boundToken(const LayerPlacement& p) {
    if (p.bound == Bound::Memory && p.memoryBoundOnChip) return QStringLiteral("memory-onchip");
    return QString::fromLatin1(boundName(p.bound));
}

namespace {

constexpr double kPico = 1e-12;

// Rates and capacities of one scenario, computed once per evaluation.
struct Rates {
    double bytes = 4;     // per element
    double peak = 0;      // nominal dense FLOP/s
    double peakEff = 0;   // × compute fraction
    double vectorEff = 0; // vector FLOP/s × compute fraction
    double dramBw = 0;    // achievable B/s
    double sramBw = 0;    // B/s
    double onchip = 0;    // bytes
    double onchipAct = 0; // bytes usable for activations
    double dispatch_s = 0;
    double pjFlop = 0, pjDram = 0, pjSram = 0;

    Rates(const HardwarePreset& hw, Precision p) {
        bytes = bytesPerElement(p);
        peak = hw.peakFlops(p);
        peakEff = peak * hw.computeFraction.value;
        vectorEff = hw.vectorFlops(p) * hw.computeFraction.value;
        dramBw = hw.dramBytesPerS() * hw.bandwidthFraction.value;
        sramBw = hw.onchipBytesPerS();
        onchip = hw.onchipBytes();
        onchipAct = onchip * hw.onchipActivationFraction.value;
        dispatch_s = hw.dispatchUs.value * 1e-6;
        pjFlop = hw.pjPerFlop.at(p).value;
        pjDram = hw.dram.pjPerByte.value;
        pjSram = hw.onchip.pjPerByte.value;
    }
};

// Critical batch of a linear traffic model: compute f·B / peak equals memory (w + a·B) / bw.
double criticalBatch(double flopsPerSample, double batchFixedBytes, double perSampleBytes, double ridge) {
    const double denom = flopsPerSample - ridge * perSampleBytes;
    if (denom <= 0) return std::numeric_limits<double>::infinity();
    return std::max(1.0, ridge * batchFixedBytes / denom);
}

struct Traffic {
    double dram = 0, sram = 0, spilled = 0;
    bool inSpilled = false, outSpilled = false;
};

} // namespace

namespace {

// What every layer of one evaluation shares: the model, the chip, its rates and the batch.
struct EvalContext {
    const PreparedModel& m;
    const HardwarePreset& hw;
    Rates r;
    double B;
    double ridgeEff;

    EvalContext(const PreparedModel& model, const HardwarePreset& hardware, Precision p, int batch)
        : m(model), hw(hardware), r(hardware, p), B(batch), ridgeEff(r.peakEff / r.dramBw) {}

    // Share of a tensor's bytes that goes through DRAM: all of it for graph inputs and state;
    // for activations, the share of the largest live set during its lifetime that exceeds the
    // on-chip activation budget (0 when everything live fits).
    double spillFraction(int tensor) const {
        const TensorInfo& i = m.tensor(m.tensor(tensor).root);
        if (i.alwaysDram) return 1.0;
        const double live = B * i.maxLivePerSample * r.bytes;
        return live <= r.onchipAct ? 0.0 : 1.0 - r.onchipAct / live;
    }
    double bytesOf(int tensor) const { return m.tensor(tensor).elemsPerSample * B * r.bytes; }
};

// The GEMM the matrix engine runs for a layer at this batch (M, N, K and independent groups).
struct GemmView {
    double m = 0, n = 0, k = 0, groups = 0;
};

// Weights read once per batch (experts: only those the batch's tokens reach); sets the GEMM view.
double weightBytes(const EvalContext& c, const Layer& l, GemmView& g) {
    const OpCost& a = l.anchorCost;
    double weights = l.weightReadElems * c.r.bytes;
    if (a.gemm) {
        const GemmShape& s = *a.gemm;
        g.m = s.batchScalesM ? s.m * c.B : s.m;
        g.groups = s.batchScalesM ? s.groups : s.groups * c.B;
        g.n = s.n;
        g.k = s.k;
    }
    if (a.experts > 0) {
        const double tokens = a.expertTokens * c.B;
        const double active =
            std::min(a.experts, std::ceil(a.experts * (1 - std::pow(1 - a.topK / a.experts, tokens)) - 1e-9));
        const double busiest = std::min(tokens, std::ceil(tokens * a.topK / a.experts * a.imbalance));
        weights += active * g.k * g.n * c.r.bytes;
        g.m = busiest;
        g.groups = active;
    }
    return weights;
}

// A layer's activation bytes: on chip when the live set fits, else spilled to DRAM.
struct Activations {
    Traffic tr;
    double inBytes = 0, outBytes = 0, primaryBytes = 0, secondBytes = 0;
    double primaryDram = 1, secondDram = 1;
};

Activations activationTraffic(const EvalContext& c, const Layer& l) {
    Activations a;
    for (int tensor : l.inputs) {
        const double b = c.bytesOf(tensor);
        const double frac = c.spillFraction(tensor);
        a.inBytes += b;
        a.tr.dram += b * frac;
        if (frac > 0 && !c.m.tensor(c.m.tensor(tensor).root).alwaysDram) {
            a.tr.spilled += b * frac;
            a.tr.inSpilled = true;
        }
        if (tensor == l.primaryInput) a.primaryBytes = b, a.primaryDram = frac;
        if (tensor == l.secondOperand) a.secondBytes = b, a.secondDram = frac;
    }
    for (int tensor : l.outputs) {
        const double b = c.bytesOf(tensor);
        a.outBytes += b;
        if (c.m.tensor(tensor).graphOutput) {
            a.tr.dram += b;
            continue;
        }
        const double frac = c.spillFraction(tensor);
        if (frac > 0) {
            a.tr.dram += b * frac;
            a.tr.spilled += b * frac;
            a.tr.outSpilled = true;
        }
    }
    return a;
}

// Operands that do not fit on chip together are tiled: one operand is re-streamed once per block
// of the other (half the on-chip level each). Takes the cheaper loop order; {DRAM, SRAM} bytes.
std::pair<double, double> restreamBytes(const EvalContext& c, const Layer& l, const Activations& a,
                                        double weights) {
    const double other = l.secondOperand >= 0 ? a.secondBytes : weights;
    const double otherDram = l.secondOperand >= 0 ? a.secondDram : 1.0;
    if (!l.anchorCost.gemm || a.primaryBytes + other + a.outBytes <= c.r.onchip) return {0, 0};
    const double half = c.r.onchip / 2;
    const double reA = a.primaryBytes * (std::ceil(other / half) - 1);
    const double reB = other * (std::ceil(a.primaryBytes / half) - 1);
    const double dramA = a.primaryDram * reA, dramB = otherDram * reB;
    const bool pickA = dramA < dramB || (dramA == dramB && reA <= reB);
    return pickA ? std::pair{dramA, reA} : std::pair{dramB, reB};
}

// Compute: matrix engine for the GEMM view, vector units for the rest.
void placeCompute(const EvalContext& c, const Layer& l, const GemmView& g, LayerPlacement& p) {
    MappingResult mat, vec;
    if (l.anchorCost.gemm && l.macs > 0) mat = mapGemm(c.hw, g.m, g.n, g.k, g.groups, c.r.peakEff);
    double outElems = 0;
    for (int tensor : l.outputs)
        outElems += c.m.tensor(tensor).elemsPerSample * c.B;
    const double vecFlops = (l.vectorFlops + 2 * l.vectorMacs) * c.B;
    vec = mapVector(c.hw, vecFlops, outElems, c.r.vectorEff);
    p.compute_s = mat.time_s + vec.time_s;
    // A GEMM layer reports the matrix engine's units (its epilogue must not hide idle tensor
    // cores); other layers the vector units; pure data movement the units a copy would use.
    if (mat.unitsAllocated > 0)
        p.unitsAllocated = mat.unitsAllocated;
    else if (vec.unitsAllocated > 0)
        p.unitsAllocated = vec.unitsAllocated;
    else
        p.unitsAllocated = mapVector(c.hw, outElems, outElems, c.r.vectorEff).unitsAllocated;
}

// Memory time, the bound, intensity, energy, utilization and critical batch from the bytes and
// the compute time already placed.
void placeTime(const EvalContext& c, LayerPlacement& p) {
    const double dram_s = p.dramBytes / c.r.dramBw;
    const double sram_s = c.r.sramBw > 0 ? p.sramBytes / c.r.sramBw : 0;
    p.memory_s = std::max(dram_s, sram_s);
    p.memoryBoundOnChip = sram_s > dram_s;
    p.overhead_s = c.r.dispatch_s;
    p.latency_s = std::max(p.compute_s, p.memory_s) + p.overhead_s;
    if (p.compute_s >= p.memory_s && p.compute_s >= p.overhead_s)
        p.bound = Bound::Compute;
    else if (p.memory_s >= p.overhead_s)
        p.bound = Bound::Memory;
    else
        p.bound = Bound::Overhead;
    const double aiBytes = p.memoryBoundOnChip ? p.sramBytes : p.dramBytes;
    p.arithmeticIntensity = aiBytes > 0 ? p.flops / aiBytes : 0;
    p.energy_j = (p.flops * c.r.pjFlop + p.dramBytes * c.r.pjDram + p.sramBytes * c.r.pjSram) * kPico;
    p.utilization = p.latency_s > 0 ? p.flops / (p.latency_s * c.r.peak) : 0;
    const double fixed = p.weightBytes;
    p.criticalBatch = criticalBatch(p.flops / c.B, fixed, (p.dramBytes - fixed) / c.B, c.ridgeEff);
}

// One fused layer on the roofline; `tr` receives its spill traffic.
LayerPlacement placeLayer(const EvalContext& c, std::size_t index, Traffic& tr) {
    const Layer& l = c.m.layers()[index];
    LayerPlacement p;
    p.index = static_cast<int>(index);
    p.unitsTotal = c.hw.units();
    if (l.view) return p;
    p.macs = (l.macs + l.vectorMacs) * c.B;
    p.flops = l.flopsPerSample() * c.B;
    GemmView g;
    const double weights = weightBytes(c, l, g);
    p.weightBytes = weights;
    const Activations a = activationTraffic(c, l);
    tr = a.tr;
    const double gather = l.gatherElems * c.B * c.r.bytes;
    const auto [extraDram, extraSram] = restreamBytes(c, l, a, weights);
    p.dramBytes = weights + a.tr.dram + gather + extraDram;
    p.sramBytes = weights + a.inBytes + a.outBytes + gather + extraSram;
    p.inputSpilled = a.tr.inSpilled;
    p.outputSpilled = a.tr.outSpilled;
    placeCompute(c, l, g, p);
    placeTime(c, p);
    return p;
}

// Running sums over the layers that the model totals are made of.
struct Sums {
    double fixedBytes = 0, unitTime = 0;
};

void addLayer(const EvalContext& c, const LayerPlacement& p, const Traffic& tr, Totals& t, Sums& sums) {
    t.latency_s += p.latency_s;
    t.flops += p.flops;
    t.macs += p.macs;
    t.dramBytes += p.dramBytes;
    t.sramBytes += p.sramBytes;
    t.weightBytes += p.weightBytes;
    t.energy.compute_j += p.flops * c.r.pjFlop * kPico;
    t.energy.dram_j += p.dramBytes * c.r.pjDram * kPico;
    t.energy.sram_j += p.sramBytes * c.r.pjSram * kPico;
    t.spilledBytes += tr.spilled;
    t.layersSpilling += (tr.inSpilled || tr.outSpilled) ? 1 : 0;
    (p.bound == Bound::Compute  ? t.compute_s
     : p.bound == Bound::Memory ? t.memory_s
                                : t.overhead_s) += p.latency_s;
    sums.fixedBytes += p.weightBytes;
    sums.unitTime += p.latency_s * p.unitsAllocated / p.unitsTotal;
}

// Rates, energy per inference, memory footprint and critical batch of the whole model.
void finishTotals(const EvalContext& c, const Sums& sums, Totals& t) {
    const HardwarePreset& hw = c.hw;
    const double B = c.B;
    t.throughput_per_s = t.latency_s > 0 ? B / t.latency_s : 0;
    t.utilization = t.latency_s > 0 ? t.flops / (t.latency_s * c.r.peak) : 0;
    t.bandwidthUtilization = t.latency_s > 0 ? t.dramBytes / (t.latency_s * hw.dramBytesPerS()) : 0;
    t.unitsAllocatedMean = t.latency_s > 0 ? sums.unitTime / t.latency_s : 0;
    t.energy.static_j = hw.idleWatts.value * t.latency_s;
    t.energyPerInference = {t.energy.static_j / B, t.energy.compute_j / B, t.energy.dram_j / B,
                            t.energy.sram_j / B};
    t.activationPeakBytes = c.m.peakLiveElemsPerSample() * B * c.r.bytes;
    t.stateBytes = c.m.stateElemsPerSample() * B * c.r.bytes;
    t.peakMemoryBytes = static_cast<double>(c.m.params()) * c.r.bytes + t.activationPeakBytes + t.stateBytes;
    t.fitsMemory = t.peakMemoryBytes <= hw.dramCapacityBytes();
    t.criticalBatch =
        criticalBatch(t.flops / B, sums.fixedBytes, (t.dramBytes - sums.fixedBytes) / B, c.ridgeEff);
}

template <class Sink> Totals run(const EvalInput& s, int batch, Sink&& sink) {
    if (!s.model || !s.hardware) throw EngineError("scenario has no model or no hardware");
    if (batch < 1) throw EngineError("batch must be ≥ 1 (got " + std::to_string(batch) + ")");
    const EvalContext c(*s.model, *s.hardware, s.precision, batch);
    Totals t;
    t.batch = batch;
    t.peakFlops = c.r.peak;
    t.ridge = c.r.peak / c.hw.dramBytesPerS();
    Sums sums;
    for (std::size_t li = 0; li < c.m.layers().size(); ++li) {
        Traffic tr;
        const LayerPlacement p = placeLayer(c, li, tr);
        if (!c.m.layers()[li].view) addLayer(c, p, tr, t, sums);
        sink(p);
    }
    finishTotals(c, sums, t);
    return t;
}

} // namespace

ScenarioResult evaluate(const EvalInput& s, int batch) {
    ScenarioResult out;
    if (s.model) out.layers.reserve(s.model->layers().size());
    out.totals = run(s, batch, [&](const LayerPlacement& p) { out.layers.push_back(p); });
    for (LayerPlacement& p : out.layers)
        p.share = out.totals.latency_s > 0 ? p.latency_s / out.totals.latency_s : 0;
    return out;
}

Totals evaluateTotals(const EvalInput& s, int batch) {
    return run(s, batch, [](const LayerPlacement&) {});
}

} // namespace bs
