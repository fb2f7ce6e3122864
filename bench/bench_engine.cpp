// Engine benchmarks (Google Benchmark). Figures are recorded in docs/PERFORMANCE.md; run with
//   build/release/bench/bench_engine --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include "Evaluator.h"
#include "ModelZoo.h"
#include "OnnxImport.h"
#include "PresetLoader.h"
#include "Sweep.h"

#include <benchmark/benchmark.h>
#include <memory>
#include <sys/resource.h>

using namespace bs;

namespace {

struct Fixture {
    PresetLibrary lib = PresetLibrary::shipped();
    std::vector<std::unique_ptr<PreparedModel>> models;
    Fixture() {
        for (const ModelDescriptor& d : ModelZoo::models())
            models.push_back(std::make_unique<PreparedModel>(ModelZoo::build(d.id)));
    }
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

// One ResNet-50 scenario with its per-layer placements (what the layers table shows).
void BM_EvaluateResnet50(benchmark::State& state) {
    Fixture& f = fixture();
    const PreparedModel& m = *f.models[1];
    const Scenario s{&m, f.lib.find("h100-sxm"), Precision::BF16};
    for (auto _ : state)
        benchmark::DoNotOptimize(evaluate(s, static_cast<int>(state.range(0))));
}
BENCHMARK(BM_EvaluateResnet50)->Arg(1)->Arg(64)->Unit(benchmark::kMicrosecond);

// Every zoo model × every shipped preset × a batch list, at each preset's default precision.
void sweepAll(benchmark::State& state, const std::vector<int>& batches) {
    Fixture& f = fixture();
    std::size_t points = 0;
    for (auto _ : state) {
        points = 0;
        for (const HardwarePreset& hw : f.lib.presets())
            for (const auto& m : f.models) {
                auto pts = sweepBatches({m.get(), &hw, hw.defaultPrecision}, batches);
                points += pts.size();
                benchmark::DoNotOptimize(pts);
            }
    }
    state.counters["scenario_points"] = static_cast<double>(points);
}

void BM_FullSweepPow2(benchmark::State& state) {
    sweepAll(state, parseBatchList("1..1024*2"));
}
BENCHMARK(BM_FullSweepPow2)->Unit(benchmark::kMillisecond);

void BM_FullSweepEveryBatch(benchmark::State& state) {
    sweepAll(state, parseBatchList("1..1024"));
}
BENCHMARK(BM_FullSweepEveryBatch)->Unit(benchmark::kMillisecond);

// Building + fusing + liveness of every zoo model (done once per model/knob change).
void BM_PrepareZoo(benchmark::State& state) {
    for (auto _ : state)
        for (const ModelDescriptor& d : ModelZoo::models())
            benchmark::DoNotOptimize(PreparedModel(ModelZoo::build(d.id)));
}
BENCHMARK(BM_PrepareZoo)->Unit(benchmark::kMillisecond);

// ONNX import + costing of the weight-free ResNet-50 (tests/data): read, parse, bind dims, shape
// inference, graph build, fusion, liveness and one evaluation. Goal: median ≤ 30 ms.
// Shape inference runs in a forked child, whose CPU time the "CPU" column does not include:
// the child_cpu_ms counter adds it (user + system, per import).
double childCpuMs() {
    rusage u{};
    getrusage(RUSAGE_CHILDREN, &u);
    return (static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 +
            static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3);
}

void BM_ImportAndCostResnet50Onnx(benchmark::State& state) {
    Fixture& f = fixture();
    const std::string file = std::string(BATCHSCOPE_TEST_DATA_DIR) + "/resnet50.onnx";
    const HardwarePreset* hw = f.lib.find("h100-sxm");
    const double before = childCpuMs();
    for (auto _ : state) {
        const PreparedModel m(
            importOnnxFile(file, OnnxImportOptions::withDims({{"height", 224}, {"width", 224}})).graph);
        benchmark::DoNotOptimize(evaluateTotals({&m, hw, Precision::BF16}, 64));
    }
    state.counters["child_cpu_ms"] = (childCpuMs() - before) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_ImportAndCostResnet50Onnx)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
