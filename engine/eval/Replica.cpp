#include "eval/Replica.h"

#include "base/EngineError.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace bs::replica {

namespace {

// Cuts the layers into `stages` contiguous stages of about equal time (an ideal partitioner: each
// cut where the running time is nearest k ÷ stages of the total, every stage at least one layer),
// marks each layer's stage and returns each stage's time per micro-batch with the send of its
// output to the next stage.
std::vector<double> pipelineStages(const std::vector<PassLayer>& layers, int stages, const Interconnect* link,
                                   std::vector<int>& stageOf, double& sends_s, double& sendBytes) {
    const int n = static_cast<int>(layers.size());
    if (n < stages)
        throw EngineError("pp=" + std::to_string(stages) + " needs at least " + std::to_string(stages) +
                          " kernels to place; the model has " + std::to_string(n));
    if (!link)
        throw EngineError("pp=" + std::to_string(stages) + ": the stages need a node for their interconnect");
    double total = 0;
    for (const PassLayer& l : layers)
        total += l.latency_s;
    stageOf.assign(layers.size(), 0);
    std::vector<double> stage_s(static_cast<std::size_t>(stages), 0.0);
    sends_s = 0;
    sendBytes = 0;
    double run = 0;
    int stage = 0;
    for (int i = 0; i < n; ++i) {
        const auto k = static_cast<std::size_t>(i);
        stageOf[k] = stage;
        stage_s[static_cast<std::size_t>(stage)] += layers[k].latency_s;
        run += layers[k].latency_s;
        const int left = n - 1 - i, stagesLeft = stages - 1 - stage;
        if (stagesLeft == 0) continue;
        const double target = total * (stage + 1) / stages;
        const double next = i + 1 < n ? layers[k + 1].latency_s : 0;
        // Cut here when the running time is nearer the target than it would be after the next
        // layer, or when the layers left are just enough for the stages left.
        if (left == stagesLeft || std::abs(run - target) <= std::abs(run + next - target)) {
            const double send = sendSeconds(layers[k].outBytes, *link);
            stage_s[static_cast<std::size_t>(stage)] += send;
            sends_s += send;
            sendBytes += layers[k].outBytes;
            ++stage;
        }
    }
    return stage_s;
}

} // namespace

BatchSplit splitBatch(const EvalInput& s, int batch) {
    if (!s.model || !s.hardware) throw EngineError("scenario has no model or no hardware");
    if (batch < 1) throw EngineError("batch must be ≥ 1 (got " + std::to_string(batch) + ")");
    const DeviceLayout& l = s.layout;
    BatchSplit b;
    b.batch = batch;
    b.deviceBatch = (batch + l.ep - 1) / l.ep;
    const int wanted = std::clamp(l.microBatches, 1, b.deviceBatch);
    b.microBatch = (b.deviceBatch + wanted - 1) / wanted;
    b.microBatches = (b.deviceBatch + b.microBatch - 1) / b.microBatch;
    return b;
}

// From one device's pass over one micro-batch (t, summed by run) to the replica's batch: the
// pipeline's fill, steady state and drain, the batch split over ep groups, energy over every device
// of the replica, throughput over the replicas (docs/MODEL.md §19).
std::vector<int> finish(const EvalInput& s, const BatchSplit& b, Totals& t,
                        const std::vector<PassLayer>& layers) {
    const HardwarePreset& hw = *s.hardware;
    const DeviceLayout& l = s.layout;
    const double micro = b.microBatch, m = b.microBatches;
    const double pass_s = t.latency_s; // one micro-batch through every layer
    const double unitTime = t.unitsAllocatedMean;
    double busy_s = pass_s, dynamicScale = l.tp * l.ep, perDevice = 1;
    t.microBatches = b.microBatches;
    t.microBatch = b.microBatch;
    t.stepInterval_s = pass_s;
    std::vector<int> stageOf;
    if (l.pp > 1) {
        const std::vector<double> stage_s =
            pipelineStages(layers, l.pp, s.link, stageOf, t.send_s, t.sendBytes);
        const double fill_s = std::accumulate(stage_s.begin(), stage_s.end(), 0.0);
        t.stage_s = *std::max_element(stage_s.begin(), stage_s.end());
        busy_s = m * t.stage_s;
        t.bubble_s = fill_s - t.stage_s;
        t.stepInterval_s = std::max(fill_s, busy_s);
        // The slowest stage's busy time, split by bound as the whole pass's layers and sends are.
        const double scale = busy_s / (pass_s + t.send_s);
        t.interconnect_s += t.send_s;
        t.collective_s += t.send_s;
        for (double* x : {&t.compute_s, &t.memory_s, &t.power_s, &t.overhead_s, &t.interconnect_s,
                          &t.collective_s, &t.launch_s, &t.host_s})
            *x *= scale;
        dynamicScale *= m;
        perDevice = m / l.pp;
    }
    t.batch = b.batch;
    t.latency_s = busy_s + t.bubble_s + t.fixed_s;
    t.stepInterval_s += t.fixed_s;
    t.overhead_s += t.fixed_s;
    // A stage reads its weights once per micro-batch, as it moves its other bytes.
    for (double* x : {&t.flops, &t.macs, &t.dramBytes, &t.sramBytes, &t.weightBytes})
        *x *= perDevice;
    t.throughput_per_s = t.latency_s > 0 ? b.batch * s.replicas / t.latency_s : 0;
    t.usdPerMillion = usdPerMillion(hw.usdPerDeviceHour.value, l.devices() * s.replicas, t.throughput_per_s);
    t.utilization = t.latency_s > 0 ? t.flops / (t.latency_s * t.peakFlops) : 0;
    t.bandwidthUtilization = t.latency_s > 0 ? t.dramBytes / (t.latency_s * hw.dramBytesPerS()) : 0;
    t.unitsAllocatedMean = pass_s > 0 ? unitTime / pass_s : 0;
    // Every device runs its share of each layer (tp), its ep group's tokens, its stage's layers for
    // every micro-batch; all of them draw static power for the whole batch.
    for (double* e : {&t.energy.compute_j, &t.energy.dram_j, &t.energy.sram_j})
        *e *= dynamicScale;
    t.energy.static_j = hw.staticWatts.value * t.latency_s * l.devices();
    t.power_w = t.latency_s > 0 ? t.energy.total() / t.latency_s : 0;
    const double B = b.batch;
    t.energyPerInference = {t.energy.static_j / B, t.energy.compute_j / B, t.energy.dram_j / B,
                            t.energy.sram_j / B};
    const PreparedModel& pm = s.fusedModel();
    t.activationPeakBytes = pm.peakLiveElemsPerSample() * micro * bytesPerElement(s.precision);
    t.stateBytes = pm.stateElemsPerSample() * b.deviceBatch / l.pp * kvBytesPerElement(s.quant, s.precision);
    t.peakMemoryBytes = deviceMemoryBytes(s, B);
    t.fitsMemory = t.peakMemoryBytes <= hw.dramCapacityBytes();
    return stageOf;
}

} // namespace bs::replica
