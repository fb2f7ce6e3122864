// Engine benchmarks (Google Benchmark). Figures are recorded in docs/PERFORMANCE.md; run with
//   build/release/bench/bench_engine --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include "eval/Evaluator.h"
#include "eval/Sweep.h"
#include "explore/Explore.h"
#include "hardware/PresetLoader.h"
#include "onnx/OnnxImport.h"
#include "zoo/ModelZoo.h"

#include <benchmark/benchmark.h>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <onnx/onnx_pb.h>
#include <string>

using namespace bs;

namespace {

struct Fixture {
    PresetLibrary lib = PresetLibrary::shipped();
    std::vector<std::unique_ptr<PreparedModel>> models;
    Fixture() {
        for (const ModelDescriptor& d : ModelZoo::models()) // the built-in builders, as in PERFORMANCE.md
            if (d.builtIn()) models.push_back(std::make_unique<PreparedModel>(ModelZoo::build(d.id)));
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
    const EvalInput s{&m, f.lib.find("h100-sxm"), Precision::BF16};
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
            if (d.builtIn()) benchmark::DoNotOptimize(PreparedModel(ModelZoo::build(d.id)));
}
BENCHMARK(BM_PrepareZoo)->Unit(benchmark::kMillisecond);

// ONNX import + costing of the weight-free ResNet-50 (tests/data): read, parse, bind dims, shape
// inference, graph build, fusion, liveness and one evaluation. Goal: median ≤ 30 ms.
// Shape inference runs in the batchscope-onnx-worker process, whose CPU time the "CPU" column
// does not include: compare wall times ("Time"). Workers are reused, so after the first import
// no process is started.
void BM_ImportAndCostResnet50Onnx(benchmark::State& state) {
    Fixture& f = fixture();
    const std::string file = std::string(BATCHSCOPE_TEST_DATA_DIR) + "/resnet50.onnx";
    const HardwarePreset* hw = f.lib.find("h100-sxm");
    for (auto _ : state) {
        const PreparedModel m(
            importOnnxFile(file, OnnxImportOptions::withDims({{"height", 224}, {"width", 224}})).graph);
        benchmark::DoNotOptimize(evaluateTotals({&m, hw, Precision::BF16}, 64));
    }
}
BENCHMARK(BM_ImportAndCostResnet50Onnx)->Unit(benchmark::kMillisecond)->UseRealTime();

// The design-space scale goal (issue 20, docs/PERFORMANCE.md): a 64 × 64 sweep of DRAM bandwidth
// × on-chip capacity, × the window's 80 batches, × 4 scenarios (1,310,720 evaluations), summarised
// at the knee, on `threads` workers (the argument). Goal: ≤ 2 s on this 2-core machine.
void BM_Explore64x64(benchmark::State& state) {
    const PresetLibrary& lib = fixture().lib;
    std::vector<PreparedScenario> scenarios;
    for (const char* spec :
         {"model=resnet50,hardware=h100-sxm", "model=bert-base,hardware=a100-sxm4-80gb",
          "model=yolov3,hardware=megapixel-edge,resolution=1920x1088", "model=mobilenet_v2,hardware=t4"})
        scenarios.push_back(prepareScenario(scenarioFieldsFromText(spec), lib));
    ExploreRequest r;
    r.axes = {parseDesignAxis("memory.dram.bandwidth_gb_s=100..4000:64"),
              parseDesignAxis("memory.onchip.capacity_mib=1..128:64")};
    r.batches = sweepGrid();
    const ExploreControl control{static_cast<int>(state.range(0)), {}, nullptr};
    for (auto _ : state)
        benchmark::DoNotOptimize(exploreDesignSpace(scenarios, r, control));
    const double evaluations = 64.0 * 64 * 80 * 4;
    // The batches that fit in device memory (neither axis changes it) are evaluated in full; the
    // others are only marked (docs/MODEL.md §20).
    double fitting = 0;
    for (const PreparedScenario& s : scenarios)
        for (int b : r.batches)
            fitting += deviceMemoryBytes(s.input(), b) <= s.hardware->dramCapacityBytes() ? 64.0 * 64 : 0;
    state.counters["evaluations"] = evaluations;
    state.counters["full_evaluations"] = fitting;
    state.counters["evals_per_s"] =
        benchmark::Counter(evaluations, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Explore64x64)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

/// kB from /proc/self/status ("VmRSS:", "VmHWM:").
double statusKb(const char* key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key, 0) == 0) return std::stod(line.substr(std::strlen(key)));
    return 0;
}

/// 64 fp32 1024×1024 MatMuls with their weights in the file (268 MB), made once in /tmp.
const std::string& largeOnnxFile() {
    static const std::string path = [] {
        const std::string p =
            (std::filesystem::temp_directory_path() / "batchscope-bench-large.onnx").string();
        if (std::filesystem::exists(p) && std::filesystem::file_size(p) > (256u << 20)) return p;
        onnx::ModelProto m;
        m.set_ir_version(8);
        m.add_opset_import()->set_version(13);
        auto* g = m.mutable_graph();
        g->set_name("large");
        auto* in = g->add_input();
        in->set_name("x0");
        auto* t = in->mutable_type()->mutable_tensor_type();
        t->set_elem_type(onnx::TensorProto::FLOAT);
        t->mutable_shape()->add_dim()->set_dim_param("N");
        t->mutable_shape()->add_dim()->set_dim_value(1024);
        const std::string weight(1024 * 1024 * sizeof(float), '\0');
        for (int i = 0; i < 64; ++i) {
            const std::string w = "W" + std::to_string(i), x = "x" + std::to_string(i),
                              y = "x" + std::to_string(i + 1);
            auto* init = g->add_initializer();
            init->set_name(w);
            init->set_data_type(onnx::TensorProto::FLOAT);
            init->add_dims(1024);
            init->add_dims(1024);
            init->set_raw_data(weight);
            auto* n = g->add_node();
            n->set_op_type("MatMul");
            n->add_input(x);
            n->add_input(w);
            n->add_output(y);
        }
        g->add_output()->set_name("x64");
        std::ofstream out(p, std::ios::binary);
        m.SerializeToOstream(&out);
        return p;
    }();
    return path;
}

// A 268 MB full-weight file: only its dims are used. Goal: ≤ 0.5 s and peak RSS ≤ 1.2× the file.
// Peak RSS is the process high-water mark after a reset (/proc/self/clear_refs 5) minus the RSS
// before the import: what the import itself adds.
void BM_ImportLargeOnnx(benchmark::State& state) {
    const std::string& file = largeOnnxFile();
    const double fileMb = static_cast<double>(std::filesystem::file_size(file)) / (1 << 20);
    double growthMb = 0;
    for (auto _ : state) {
        { std::ofstream("/proc/self/clear_refs") << "5"; }
        const double before = statusKb("VmRSS:");
        benchmark::DoNotOptimize(importOnnxFile(file));
        growthMb = std::max(growthMb, (statusKb("VmHWM:") - before) / 1024);
    }
    state.counters["file_mb"] = fileMb;
    state.counters["peak_rss_growth_mb"] = growthMb;
    state.counters["peak_over_file"] = growthMb / fileMb;
}
BENCHMARK(BM_ImportLargeOnnx)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

} // namespace

BENCHMARK_MAIN();
