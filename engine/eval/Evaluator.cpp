#include "eval/Evaluator.h"

#include "base/EngineError.h"
#include "eval/EvalMemo.h"
#include "eval/Mapping.h"
#include "eval/Replica.h"

#include <algorithm>
#include <cmath>

namespace bs {

const RuntimeClassProfile& EvalInput::profile() const {
    static const RuntimeClassProfile ideal = Runtime::ideal().classes.at(ArchClass::Gpu);
    return runtime ? *runtime : ideal;
}

namespace {

constexpr double kPico = 1e-12;
// Dequantizing one weight: convert the packed integer and apply its group's scale (a multiply-add):
// an estimate of 2 vector FLOPs, the count Marlin-style W4A16 kernels do per weight (docs/MODEL.md §18).
constexpr double kDequantFlopsPerWeight = 2;
constexpr double kMicro = 1e-6;
// A GEMM on a GPU's SIMT cores (a precision with no matrix path faster than them: fp32 on most
// GPUs) steps K by 8 per threadblock where tensor-op kernels step by 32-64 (CUTLASS
// default_gemm_configuration.h: OpClassSimt GemmShape<128, 128, 8>, 2 stages; SM80 fp16 tensor
// ops GemmShape<128, 256, 64>). Its tile's fixed prologue/epilogue is ⅛ of the runtime's gemm_k0,
// which is written for tensor-op kernels (docs/MODEL.md §17).
constexpr double kSimtK0Share = 8.0 / 64.0;

// A 3×3, stride-1, undilated, ungrouped convolution: the shape cuDNN runs as Winograd F(2×2,3×3)
// or F(4×4,3×3) when it is faster, which it is on the SIMT path: 16 multiplies for 4 outputs
// where a direct convolution does 36 (Lavin & Gray 2016). Tensor-op convolutions stay implicit
// GEMM (docs/MODEL.md §17).
bool winogradShape(const Op& op) {
    const auto ones = [](const std::vector<std::int64_t>& v) {
        return std::all_of(v.begin(), v.end(), [](std::int64_t x) { return x == 1; });
    };
    const OpAttrs& a = op.attrs;
    return op.kind == OpKind::Conv && a.groups == 1 && a.kernel.size() == 2 && a.kernel[0] == 3 &&
           a.kernel[1] == 3 && ones(a.strides) && ones(a.dilations);
}

// Rates and capacities of one scenario, computed once per evaluation.
struct Rates {
    double bytes = 4;          // per element of activations
    double wBytes = 4;         // per element of quantized weights (scales included)
    double kvBytes = 4;        // per element of the KV cache
    bool dequant = false;      // weights are dequantized to the arithmetic's precision in the kernel
    bool simtGemm = false;     // GEMMs run on a GPU's SIMT cores (no faster matrix path at this precision)
    bool castsWeights = false; // weights wider than the arithmetic: cast by a kernel on every call
    double peak = 0;           // nominal dense FLOP/s
    double peakEff = 0;        // × the path's compute fraction (HardwarePreset::gemmFraction)
    double vectorEff = 0;      // vector FLOP/s × the vector fraction
    double dramBw = 0;         // achievable B/s
    double sramBw = 0;         // B/s
    double onchip = 0;         // bytes
    double onchipAct = 0;      // bytes usable for activations
    double dispatch_s = 0;
    double pjFlop = 0, pjDram = 0, pjSram = 0;
    double static_w = 0;        // board power not attributed to operations
    double limit_w = 0;         // board power limit (0: none)
    double dynamicBudget_w = 0; // what the limit leaves for operations (0: unlimited)

    Rates(const HardwarePreset& hw, Precision p, const Quantization& q) {
        bytes = bytesPerElement(p);
        wBytes = weightBytesPerElement(q, p);
        kvBytes = kvBytesPerElement(q, p);
        dequant = dequantizes(q, p);
        castsWeights = bs::castsWeights(q, p);
        peak = hw.peakFlops(p);
        peakEff = peak * hw.gemmFraction(p);
        vectorEff = hw.vectorFlops(p) * hw.vectorFraction();
        simtGemm = hw.simtGemm(p);
        dramBw = hw.dramBytesPerS() * hw.bandwidthFraction.value;
        sramBw = hw.onchipBytesPerS();
        onchip = hw.onchipBytes();
        onchipAct = onchip * hw.onchipActivationFraction.value;
        dispatch_s = hw.dispatchUs.value * 1e-6;
        pjFlop = hw.pjPerFlop.at(p).value;
        pjDram = hw.dram.pjPerByte.value;
        pjSram = hw.onchip.pjPerByte.value;
        static_w = hw.staticWatts.value;
        limit_w = hw.tdpWatts.value;
        dynamicBudget_w = limit_w > static_w ? limit_w - static_w : 0;
    }
};

// Critical batch of a linear traffic model: compute f·B / peak equals memory (w + a·B) / bw.
double criticalBatch(double flopsPerSample, double batchFixedBytes, double perSampleBytes, double ridge) {
    const double denom = flopsPerSample - ridge * perSampleBytes;
    if (denom <= 0) return std::numeric_limits<double>::infinity();
    return std::max(1.0, ridge * batchFixedBytes / denom);
}

// A layer's times at the boost clock: what the power limit's clock stretches (compute) and what
// it does not (memory, dispatch, host).
struct LayerTime {
    double compute_s, memory_s, launch_s, hostRaw_s, unitShare;
    double interconnect_s = 0; // a collective's transfer over the link (not stretched by the clock)
    bool collective = false;
    double outBytes = 0; // what a pipeline stage ending here sends to the next
};
struct Settled {
    double compute_s, host_s, latency_s;
    Bound bound;
};

// The layer at `clock` × boost: compute time stretches; the host time per kernel is all paid
// when the runtime is serial, the excess over the kernel when async, none under a graph launch.
// A layer whose time is set by the slowed compute is power-bound.
Settled settle(const LayerTime& lt, double clock, LaunchOverlap overlap) {
    Settled s{};
    s.compute_s = lt.compute_s / clock;
    const double device_s = std::max({s.compute_s, lt.memory_s, lt.interconnect_s}) + lt.launch_s;
    s.host_s = overlap == LaunchOverlap::Serial  ? lt.hostRaw_s
               : overlap == LaunchOverlap::Async ? std::max(0.0, lt.hostRaw_s - device_s)
                                                 : 0.0;
    s.latency_s = device_s + s.host_s;
    const double overhead_s = lt.launch_s + s.host_s;
    if (lt.interconnect_s > 0 && lt.interconnect_s >= std::max(s.compute_s, lt.memory_s) &&
        lt.interconnect_s >= overhead_s)
        s.bound = Bound::Interconnect;
    else if (s.compute_s >= lt.memory_s && s.compute_s >= overhead_s)
        s.bound = clock < 1 ? Bound::Power : Bound::Compute;
    else if (lt.memory_s >= overhead_s)
        s.bound = Bound::Memory;
    else
        s.bound = Bound::Overhead;
    return s;
}

// The layer's time fields at `clock` (what the power limit changes), and what derives from them.
void place(LayerPlacement& p, const LayerTime& lt, double clock, LaunchOverlap overlap, double static_w,
           double peak) {
    const Settled st = settle(lt, clock, overlap);
    p.compute_s = st.compute_s;
    p.clockFactor = clock;
    p.host_s = st.host_s;
    p.overhead_s = p.launch_s + p.host_s;
    p.latency_s = st.latency_s;
    p.bound = st.bound;
    p.power_w = p.latency_s > 0 ? static_w + p.energy_j / p.latency_s : 0;
    p.utilization = p.latency_s > 0 ? p.flops / (p.latency_s * peak) : 0;
}

double runTime(const std::vector<LayerTime>& times, double clock, LaunchOverlap overlap) {
    double total = 0;
    for (const LayerTime& lt : times)
        total += settle(lt, clock, overlap).latency_s;
    return total;
}

// The clock (share of boost) at which the layers take `needed_s`. In u = 1 / clock each layer's
// time is a maximum of terms constant or linear in u, so the run time is convex and piecewise linear
// in u: Newton's method from the slow end (u = 10^6, too slow) steps down without overshooting and
// lands on the root after crossing a few pieces. Bisection took 60 passes over the layers;
// this takes a handful, which a design-space sweep of a power-limited chip notices
// (docs/PERFORMANCE.md).
double solveClock(const std::vector<LayerTime>& times, LaunchOverlap overlap, double needed_s) {
    double u = 1e6;
    for (int i = 0; i < 100; ++i) {
        double time_s = 0, slope = 0; // d time / d u
        for (const LayerTime& lt : times) {
            const Settled s = settle(lt, 1 / u, overlap);
            time_s += s.latency_s;
            // The layer stretches with u when its compute sets its device time and (async launch)
            // the device time, not the host's, sets its latency.
            const double device_s = std::max({s.compute_s, lt.memory_s, lt.interconnect_s}) + lt.launch_s;
            if (s.compute_s >= std::max(lt.memory_s, lt.interconnect_s) &&
                (overlap != LaunchOverlap::Async || device_s >= lt.hostRaw_s))
                slope += lt.compute_s;
        }
        // The first step, from far away, leaves a rounding error of u × 1e-16; later steps remove
        // it from either side (from below, the tangent of a convex function lands at or above the
        // root; from above, Newton comes down onto it).
        const double excess_s = time_s - needed_s;
        if (excess_s == 0 || slope <= 0) break;
        const double next = u - excess_s / slope;
        const bool settled = std::abs(next - u) <= 4e-16 * u; // a few ulps: rounding, not a piece
        u = next;
        if (settled) break;
    }
    return 1 / u;
}

// Latency, host time, time by bound and the unit-weighted time of the layers at `clock`.
void sumTimes(Totals& t, const std::vector<LayerTime>& times, double clock, LaunchOverlap overlap) {
    for (const LayerTime& lt : times) {
        const Settled s = settle(lt, clock, overlap);
        t.latency_s += s.latency_s;
        t.launch_s += lt.launch_s;
        t.host_s += s.host_s;
        (s.bound == Bound::Compute        ? t.compute_s
         : s.bound == Bound::Memory       ? t.memory_s
         : s.bound == Bound::Power        ? t.power_s
         : s.bound == Bound::Interconnect ? t.interconnect_s
                                          : t.overhead_s) += s.latency_s;
        if (lt.collective) t.collective_s += s.latency_s;
        t.unitsAllocatedMean += s.latency_s * lt.unitShare; // ÷ latency by the caller
    }
}

} // namespace

namespace {

// One pass over the fused layers: each placed on the roofline (weights, activation traffic and
// spills, re-streaming of operands that do not fit together, compute on the matrix and vector
// units, memory time, bound) and summed into the totals. Deliberately one function, longer than
// the house's 80 lines: split into per-layer steps, even force-inlined, the totals-only sweeps
// (evaluateTotals) ran 20-40 % slower (bench_engine BM_FullSweepPow2 16.7 -> 20.2 ms,
// docs/PERFORMANCE.md), because the compiler no longer drops the per-layer work only the layer
// table reads.
template <class Sink>
Totals run(const EvalInput& s, int batch, std::vector<LayerTime>& times, EvalMemo* memo, Sink&& sink) {
    const PreparedModel& m = s.fusedModel();
    const HardwarePreset& hw = *s.hardware;
    const RuntimeClassProfile& rt = s.profile();
    const Rates r(hw, s.precision, s.quant);
    const double B = batch;
    const double ridgeEff = r.peakEff / r.dramBw;
    double clock = 1.0; // share of the boost clock

    Totals t;
    t.batch = batch;
    t.peakFlops = r.peak;
    t.ridge = r.peak / hw.dramBytesPerS();
    double fixedBytes = 0;
    times.clear();
    times.reserve(m.layers().size());
    t.powerLimit_w = r.dynamicBudget_w > 0 ? r.limit_w : 0;

    // Share of a tensor's bytes that goes through DRAM: all of it for graph inputs and state;
    // for activations, the share of the largest live set during its lifetime that exceeds the
    // on-chip activation budget (0 when everything live fits).
    auto spillFraction = [&](int tensor) {
        const TensorInfo& i = m.tensor(m.tensor(tensor).root);
        if (i.alwaysDram) return 1.0;
        if (i.onChip) return 0.0;
        const double live = B * i.maxLivePerSample * r.bytes;
        return live <= r.onchipAct ? 0.0 : 1.0 - r.onchipAct / live;
    };
    auto bytesOf = [&](int tensor) {
        return m.tensor(tensor).elemsPerSample * B * (m.tensor(tensor).kvCache ? r.kvBytes : r.bytes);
    };

    const auto& layers = m.layers();
    for (std::size_t li = 0; li < layers.size(); ++li) {
        const Layer& l = layers[li];
        LayerPlacement p;
        p.index = static_cast<int>(li);
        p.unitsTotal = hw.units();
        if (l.view) {
            sink(p);
            continue;
        }
        const OpCost& a = l.anchorCost;
        p.macs = (l.macs + l.vectorMacs) * B;
        p.flops = l.flopsPerSample() * B;

        // What the layer moves (weights, activations, spills, re-streamed operands): the same for
        // every preset with this on-chip level, so a design-space sweep reuses it (EvalMemo).
        const auto traffic = [&] {
            LayerTraffic x;
            // Weights: read once per batch (experts: only those the batch's tokens reach), the
            // quantized matrices at the scheme's weight precision (docs/MODEL.md §18).
            x.quantizedElems = l.quantizedWeightElems;
            x.weights = (l.weightReadElems - x.quantizedElems) * r.bytes + x.quantizedElems * r.wBytes;
            if (a.gemm) {
                const GemmShape& g = *a.gemm;
                x.gm = g.batchScalesM ? g.m * B : g.m;
                x.gg = g.batchScalesM ? g.groups : g.groups * B;
                x.gn = g.n;
                x.gk = g.k;
            }
            if (a.experts > 0) {
                const double tokens = a.expertTokens * B;
                const double active = std::min(
                    a.experts, std::ceil(a.experts * (1 - std::pow(1 - a.topK / a.experts, tokens)) - 1e-9));
                const double busiest = std::min(tokens, std::ceil(tokens * a.topK / a.experts * a.imbalance));
                x.weights += active * x.gk * x.gn * r.wBytes;
                x.quantizedElems += active * x.gk * x.gn;
                x.gm = busiest;
                x.gg = active;
            }

            // Activations: on chip when the live set fits, else spilled to DRAM.
            double dram = 0, inBytes = 0, primaryBytes = 0, secondBytes = 0;
            double primaryDram = 1, secondDram = 1;
            for (int tensor : l.inputs) {
                const double b = bytesOf(tensor);
                const double frac = spillFraction(tensor);
                inBytes += b;
                dram += b * frac;
                if (frac > 0 && !m.tensor(m.tensor(tensor).root).alwaysDram) {
                    x.spilled += b * frac;
                    x.inSpilled = true;
                }
                if (tensor == l.primaryInput) primaryBytes = b, primaryDram = frac;
                if (tensor == l.secondOperand) secondBytes = b, secondDram = frac;
            }
            for (int tensor : l.outputs) {
                const double b = bytesOf(tensor);
                x.outBytes += b;
                x.outElems += m.tensor(tensor).elemsPerSample * B;
                if (m.tensor(tensor).graphOutput) {
                    dram += b;
                    continue;
                }
                const double frac = spillFraction(tensor);
                if (frac > 0) {
                    dram += b * frac;
                    x.spilled += b * frac;
                    x.outSpilled = true;
                }
            }
            const double gather = l.gatherElems * B * r.bytes;

            // Operands that do not fit on chip together are tiled: one operand is re-streamed once
            // per block of the other (half the on-chip level each). Take the cheaper loop order. A
            // GEMM of G groups (batch × heads of a batched MatMul, conv groups, experts) is G
            // independent GEMMs: each group's operands must fit, not the whole batch's
            // (docs/MODEL.md §4).
            double extraDram = 0, extraSram = 0;
            const double other = l.secondOperand >= 0 ? secondBytes : x.weights;
            const double otherDram = l.secondOperand >= 0 ? secondDram : 1.0;
            const double groups = std::max(1.0, x.gg);
            if (a.gemm && (primaryBytes + other + x.outBytes) / groups > r.onchip) {
                const double half = r.onchip / 2;
                const double reA = primaryBytes * (std::ceil(other / groups / half) - 1);
                const double reB = other * (std::ceil(primaryBytes / groups / half) - 1);
                const double dramA = primaryDram * reA, dramB = otherDram * reB;
                const bool pickA = dramA < dramB || (dramA == dramB && reA <= reB);
                extraDram = pickA ? dramA : dramB;
                extraSram = pickA ? reA : reB;
            }
            // An eager composite's kernels pass full-size intermediates to each other: on chip
            // or spilled as its output would be (docs/MODEL.md §2).
            if (l.kernels > 1) {
                const double passes =
                    eagerExtraBytesPerElem(m.graph().op(l.anchor).kind, r.bytes) * x.outElems;
                extraSram += passes;
                extraDram += passes * spillFraction(l.outputs.front());
            }
            x.dramBytes = x.weights + dram + gather + extraDram;
            x.sramBytes = x.weights + inBytes + x.outBytes + gather + extraSram;
            return x;
        };
        const LayerTraffic tr = memo ? memo->traffic(li, r.onchip, r.onchipAct, traffic) : traffic();
        const double weights = tr.weights, quantizedElems = tr.quantizedElems;
        const double gm = tr.gm, gn = tr.gn, gk = tr.gk, gg = tr.gg, outBytes = tr.outBytes;
        p.weightBytes = weights;
        p.dramBytes = tr.dramBytes;
        p.sramBytes = tr.sramBytes;
        p.inputSpilled = tr.inSpilled;
        p.outputSpilled = tr.outSpilled;
        // A runtime that appends by concatenation copies every cache tensor the layer reads into a
        // new one each step: one more call and kernel, reading and writing it (docs/MODEL.md §17).
        int kernels = l.kernels;
        double calls = static_cast<double>(l.ops.size());
        if (rt.kvUpdate == KvUpdate::Concat)
            for (int tensor : l.inputs)
                if (m.graph().tensor(tensor).kind == TensorKind::State) { // state is the KV cache
                    p.dramBytes += 2 * bytesOf(tensor);
                    p.sramBytes += 2 * bytesOf(tensor);
                    ++kernels;
                    ++calls;
                }
        // Weights stored wider than the arithmetic (fp32 master weights under PyTorch autocast or
        // TensorFlow mixed precision) are cast by a kernel of their own on every call: it reads
        // them and writes the copy that the GEMM then reads at the arithmetic's width, one more
        // call and kernel (docs/MODEL.md §18).
        const double castCopyBytes = r.castsWeights ? quantizedElems * r.bytes : 0;
        if (castCopyBytes > 0) {
            // The stored weights' read, already counted, is now the cast's; it writes the copy and
            // the GEMM reads it.
            p.dramBytes += 2 * castCopyBytes;
            p.sramBytes += 2 * castCopyBytes;
            ++kernels;
            ++calls;
        }

        // Compute: matrix engine for the GEMM view, vector units for the rest.
        MappingResult mat, vec;
        double algorithmGain = 1; // the kernel does 1/gain of the layer's multiplies (Winograd)
        // The runtime's kernels reach a fraction of the achievable rates by op class, and a GEMM
        // with a short K pays its tile prologue/epilogue K0 (docs/MODEL.md §17).
        if (a.gemm && l.macs > 0) {
            const auto map = [&] { return mapGemm(hw, gm, gn, gk, gg, r.peakEff); };
            mat = memo ? memo->mapping(li, r.peakEff, map) : map();
            const double eff = l.secondOperand >= 0 ? rt.attentionEfficiency.value : rt.gemmEfficiency.value;
            const double k0 = r.simtGemm ? rt.gemmK0.value * kSimtK0Share : rt.gemmK0.value;
            mat.time_s *= (gk + k0) / (gk * eff);
            if (r.simtGemm && winogradShape(m.graph().op(l.anchor))) algorithmGain = rt.winogradSpeedup.value;
            mat.time_s /= algorithmGain;
            // A fused attention kernel (SDPA) also runs the context GEMM P·V: the scores' M, their
            // K (head dim) as its N, their N (attended tokens) as its K.
            if (m.graph().op(l.anchor).attrs.fusedAttention) {
                const MappingResult ctx = mapGemm(hw, gm, gk, gn, gg, r.peakEff);
                mat.time_s += ctx.time_s * (gn + k0) / (gn * eff);
                mat.unitsAllocated = std::max(mat.unitsAllocated, ctx.unitsAllocated);
            }
        }
        const double outElems = tr.outElems;
        const double vecFlops = (l.vectorFlops + 2 * l.vectorMacs) * B;
        vec = mapVector(hw, vecFlops, outElems, r.vectorEff);
        if (l.vectorMacs > 0) vec.time_s /= rt.depthwiseEfficiency.value;
        // Weights narrower than the arithmetic are dequantized as the GEMM kernel loads them, once
        // per element read, spread over every unit as the weight tiles are (kDequantFlopsPerWeight:
        // an estimate, docs/MODEL.md §18).
        const double dequantFlops = r.dequant ? kDequantFlopsPerWeight * quantizedElems : 0;
        p.compute_s = mat.time_s + vec.time_s + dequantFlops / r.vectorEff;
        // A GEMM layer reports the matrix engine's units (its epilogue must not hide idle tensor
        // cores); other layers the vector units; pure data movement the units a copy would use.
        if (mat.unitsAllocated > 0)
            p.unitsAllocated = mat.unitsAllocated;
        else if (vec.unitsAllocated > 0)
            p.unitsAllocated = vec.unitsAllocated;
        else
            p.unitsAllocated = mapVector(hw, outElems, outElems, r.vectorEff).unitsAllocated;

        const double bwEff = l.macs > 0 ? 1.0 : rt.elementwiseBandwidth.value;
        const double dram_s = p.dramBytes / (r.dramBw * bwEff);
        const double sram_s = r.sramBw > 0 ? p.sramBytes / (r.sramBw * bwEff) : 0;
        p.memory_s = std::max(dram_s, sram_s);
        p.memoryBoundOnChip = sram_s > dram_s;
        p.arithmeticFlops = p.flops - 2 * l.macs * B * (1 - 1 / algorithmGain);
        const double arithmeticFlops = p.arithmeticFlops + dequantFlops;
        p.energy_j = (arithmeticFlops * r.pjFlop + p.dramBytes * r.pjDram + p.sramBytes * r.pjSram) * kPico;
        // Host time: a launch call per kernel plus the framework's time per op the layer holds, an
        // eager composite being one op of the model code whose tensor ops are launches (settle()
        // decides how much of it the device waits for). Each kernel pays the device's dispatch.
        p.launch_s = r.dispatch_s * kernels;
        const double host_us = rt.launchUs.value * kernels + rt.hostUsPerOp.value * calls;
        LayerTime lt{p.compute_s, p.memory_s, p.launch_s, host_us * kMicro, p.unitsAllocated / p.unitsTotal};
        lt.outBytes = outBytes;
        // A collective moves its tensor over the node's link (docs/MODEL.md §19): it reads and
        // writes it in device memory as any layer, and waits for the transfer.
        if (a.collectiveDevices > 1) {
            if (!s.link)
                throw EngineError("the model is split over " +
                                  std::to_string(static_cast<int>(a.collectiveDevices)) + " devices (" +
                                  l.name + "): the scenario needs a node for their interconnect");
            const int devices = static_cast<int>(a.collectiveDevices);
            const double bytes = a.collectiveElems * B * r.bytes;
            const bool reduce = a.collective == OpKind::AllReduce;
            p.interconnect_s = reduce ? allReduceSeconds(bytes, devices, *s.link)
                               : a.collective == OpKind::AllGather
                                   ? allGatherSeconds(bytes, devices, *s.link)
                                   : allToAllSeconds(bytes, devices, a.collectiveImbalance, *s.link);
            p.interconnectBytes = (reduce ? 2.0 : 1.0) * (devices - 1) / devices * bytes;
            lt.interconnect_s = p.interconnect_s;
            lt.collective = true;
            ++t.collectives;
        }
        times.push_back(lt);
        // At the boost clock; evaluate() re-places the layers if the power limit lowers it.
        place(p, lt, 1.0, rt.overlap, r.static_w, r.peak);
        const double aiBytes = p.memoryBoundOnChip ? p.sramBytes : p.dramBytes;
        p.arithmeticIntensity = aiBytes > 0 ? p.flops / aiBytes : 0;
        const double fixed = weights + 2 * castCopyBytes;
        p.criticalBatch = criticalBatch(p.arithmeticFlops / B, fixed, (p.dramBytes - fixed) / B, ridgeEff);

        t.kernels += kernels;
        t.flops += p.flops;
        t.macs += p.macs;
        t.dramBytes += p.dramBytes;
        t.sramBytes += p.sramBytes;
        t.weightBytes += weights;
        t.energy.compute_j += arithmeticFlops * r.pjFlop * kPico;
        t.energy.dram_j += p.dramBytes * r.pjDram * kPico;
        t.energy.sram_j += p.sramBytes * r.pjSram * kPico;
        t.spilledBytes += tr.spilled;
        t.layersSpilling += (tr.inSpilled || tr.outSpilled) ? 1 : 0;
        fixedBytes += fixed;
        sink(p);
    }

    t.fixed_s = rt.perInferenceUs.value * kMicro;
    t.criticalBatch = criticalBatch(t.flops / B, fixedBytes, (t.dramBytes - fixedBytes) / B, ridgeEff);
    // Power limit (§8): when the run at the boost clock would draw more than the board allows,
    // the whole run slows to the clock at which it draws exactly the limit. Board power
    // controllers average over milliseconds, so the clock is one per run, not one per kernel.
    const double dynamic_j = t.energy.compute_j + t.energy.dram_j + t.energy.sram_j;
    if (r.dynamicBudget_w > 0 && dynamic_j > 0) {
        const double needed_s = dynamic_j / r.dynamicBudget_w - t.fixed_s;
        if (runTime(times, 1.0, rt.overlap) < needed_s) clock = solveClock(times, rt.overlap, needed_s);
    }
    sumTimes(t, times, clock, rt.overlap);
    t.powerClockFactor = clock;
    return t;
}

// The pass's layers as the pipeline cuts them: each one's settled time and what it hands on. Only
// a pipeline needs them (none otherwise: the sweeps' hot path builds nothing).
std::vector<replica::PassLayer> passLayers(const EvalInput& s, const std::vector<LayerTime>& times,
                                           double clock) {
    std::vector<replica::PassLayer> out;
    if (s.layout.pp == 1) return out;
    out.reserve(times.size());
    for (const LayerTime& lt : times)
        out.push_back({settle(lt, clock, s.profile().overlap).latency_s, lt.outBytes});
    return out;
}

} // namespace

double weightMemoryBytes(const EvalInput& s) {
    const PreparedModel& m = *s.model;
    const auto quantized = static_cast<double>(m.quantizedParams());
    // Weights cast on every call keep their copies for the call (autocast's cast cache).
    const double castCopies =
        castsWeights(s.quant, s.precision) ? quantized * bytesPerElement(s.precision) : 0;
    return ((static_cast<double>(m.params()) - quantized) * bytesPerElement(s.precision) +
            quantized * weightBytesPerElement(s.quant, s.precision) + castCopies) /
           s.layout.pp;
}

double deviceMemoryBytes(const EvalInput& s, double batch) {
    const PreparedModel& m = s.fusedModel();
    const DeviceLayout& l = s.layout;
    return weightMemoryBytes(s) +
           batch * (m.peakLiveElemsPerSample() * bytesPerElement(s.precision) * l.activationShare() +
                    m.stateElemsPerSample() * kvBytesPerElement(s.quant, s.precision) * l.stateShare());
}

std::optional<long long> largestBatchWithin(double fixedBytes, double perSampleBytes, double capacityBytes) {
    if (!(perSampleBytes > 0)) return std::nullopt;
    if (fixedBytes + perSampleBytes > capacityBytes) return 0;
    return static_cast<long long>(std::floor((capacityBytes - fixedBytes) / perSampleBytes));
}

std::optional<long long> largestFittingBatch(const EvalInput& s) {
    const double fixed = deviceMemoryBytes(s, 0);
    return largestBatchWithin(fixed, deviceMemoryBytes(s, 1) - fixed, s.hardware->dramCapacityBytes());
}

ScenarioResult evaluate(const EvalInput& s, int batch) {
    const replica::BatchSplit b = replica::splitBatch(s, batch);
    ScenarioResult out;
    out.layers.reserve(s.fusedModel().layers().size());
    std::vector<LayerTime> times;
    out.totals =
        run(s, b.microBatch, times, nullptr, [&](const LayerPlacement& p) { out.layers.push_back(p); });
    const double pass_s = out.totals.latency_s; // before finish(): one micro-batch through every layer
    const std::vector<int> stages =
        replica::finish(s, b, out.totals, passLayers(s, times, out.totals.powerClockFactor));
    // The layers were placed at the boost clock before the run's clock was known, and before the
    // pipeline's stages were cut.
    const double clock = out.totals.powerClockFactor;
    const auto& layers = s.fusedModel().layers();
    std::size_t k = 0;
    for (LayerPlacement& p : out.layers) {
        if (layers[static_cast<std::size_t>(p.index)].view) continue;
        if (clock < 1)
            place(p, times[k], clock, s.profile().overlap, s.hardware->staticWatts.value,
                  out.totals.peakFlops);
        p.stage = stages.empty() ? 0 : stages[k];
        ++k;
    }
    // A layer's share of the pass it belongs to: one micro-batch through every stage under pp.
    const double whole_s = s.layout.pp > 1 ? pass_s : out.totals.latency_s;
    for (LayerPlacement& p : out.layers)
        p.share = whole_s > 0 ? p.latency_s / whole_s : 0;
    return out;
}

Totals evaluateTotals(const EvalInput& s, int batch, EvalMemo* memo) {
    const replica::BatchSplit b = replica::splitBatch(s, batch);
    // One buffer per thread: sweeps evaluate millions of points (explore), each would allocate it.
    thread_local std::vector<LayerTime> times;
    Totals t = run(s, b.microBatch, times, memo, [](const LayerPlacement&) {});
    replica::finish(s, b, t, passLayers(s, times, t.powerClockFactor));
    return t;
}

} // namespace bs
