// `batchscope generate`: LLM generation per batch (static or continuous batching, speculative
// decoding, quantization schemes), docs/MODEL.md §11 and §18.
#include "cli/GenerateCommand.h"

#include "base/EngineError.h"
#include "base/Format.h"
#include "cli/ScenarioOptions.h"
#include "eval/Generation.h"
#include "eval/ResultTables.h"
#include "eval/Sweep.h"
#include "zoo/ModelZoo.h"

#include <ostream>

namespace bs::cli {

namespace {

std::optional<double> targetMs(const Options& o, const char* name) {
    if (!o.has(name)) return std::nullopt;
    const std::optional<double> ms = parseNumber(o.value(name));
    if (!ms || !(*ms > 0))
        throw EngineError(std::string("--") + name + " '" + o.value(name) +
                          "' is not a number of milliseconds > 0");
    return *ms / 1e3;
}

// A decoder model named by id or config.json path; `what` names the option in messages.
const ModelDescriptor& decoderModel(const std::string& idOrPath, const std::string& what) {
    const ModelDescriptor* m = bs::decoderModel(idOrPath);
    if (!m)
        throw EngineError(what +
                          " runs a decoder LLM: llm (with --param knobs), a shipped config (see "
                          "'batchscope models') or a Hugging Face config.json; '" +
                          idOrPath + "' is not one");
    return *m;
}

// --draft ID --draft-len K --acceptance A: the draft's models and the speculation, or nothing.
struct SpeculationOptions {
    std::optional<GenerationModels> draft;
    Speculation speculation;
};
SpeculationOptions speculationFrom(const Options& o, GenerationLengths lengths) {
    SpeculationOptions out;
    if (!o.has("draft")) {
        if (o.has("draft-len") || o.has("acceptance"))
            throw EngineError("--draft-len and --acceptance describe speculative decoding: give --draft ID");
        return out;
    }
    if (!o.has("acceptance"))
        throw EngineError(
            "--draft needs --acceptance A: the probability that the target accepts a draft token");
    const std::optional<double> a = parseNumber(o.value("acceptance"));
    if (!a || *a < 0 || *a > 1)
        throw EngineError("--acceptance '" + o.value("acceptance") + "' is not in 0..1");
    out.speculation.acceptance = *a;
    out.speculation.draftTokens = o.positiveInt("draft-len", 4);
    if (out.speculation.draftTokens > 16) throw EngineError("--draft-len must be in 1..16");
    out.draft.emplace(decoderModel(o.value("draft"), "--draft"), KnobValues{}, lengths);
    out.speculation.draft = &*out.draft;
    return out;
}

int runGenerate(const Options& o, std::ostream& out) {
    const PreparedScenario s = prepareFromOptions(o);
    const ModelDescriptor& model = decoderModel(s.scenario.isOnnx() ? s.scenario.onnxPath.toStdString()
                                                                    : s.scenario.modelId.toStdString(),
                                                "generate");
    if (!o.has("input-len") || !o.has("output-len"))
        throw EngineError("generate needs --input-len N and --output-len N (prompt and generated tokens)");
    const GenerationLengths lengths{o.positiveInt("input-len", 512), o.positiveInt("output-len", 128)};
    const std::string batching = o.value("batching", "static");
    if (batching != "static" && batching != "continuous")
        throw EngineError("--batching '" + batching + "' is not static or continuous");
    const bool continuous = batching == "continuous";
    if (o.has("chunk") && !continuous) throw EngineError("--chunk applies to --batching continuous");
    const SpeculationOptions spec = speculationFrom(o, lengths);
    if (continuous && spec.draft)
        throw EngineError("speculative decoding is modelled with static batching only");
    const int stepTokens = spec.draft ? spec.speculation.draftTokens + 1 : 1;
    const int chunk = continuous ? o.positiveInt("chunk", 512) : 0;
    const GenerationModels models(model, s.scenario.knobs, lengths, stepTokens, chunk,
                                  s.scenario.parallel.sharding());
    const std::optional<double> ttft = targetMs(o, "ttft-ms"), tpot = targetMs(o, "tpot-ms");
    const bool targets = ttft || tpot;
    std::vector<GenerationPoint> points;
    std::vector<ContinuousPoint> steady;
    for (int b : parseBatchList(o.value("batches", "1..256*2"))) {
        if (continuous) {
            steady.push_back(evaluateContinuous(models, s.input(), b));
            points.push_back(steady.back().point);
        } else {
            points.push_back(
                evaluateGeneration(models, s.input(), b, spec.draft ? &spec.speculation : nullptr));
        }
    }
    const std::optional<long long> maxBatch =
        largestGenerationBatch(models, s.input(), spec.draft ? &*spec.draft : nullptr);
    const std::optional<int> best = bestBatchWithinTargets(points, ttft, tpot);
    std::vector<QString> header = generationColumns();
    if (spec.draft) header.push_back(QStringLiteral("tokens_per_target_step"));
    if (continuous)
        header.insert(header.end(), {QStringLiteral("prefill_tokens_per_step"),
                                     QStringLiteral("request_rate_per_s"), QStringLiteral("sustainable")});
    if (targets)
        header.insert(header.end(), {QStringLiteral("meets_targets"), QStringLiteral("recommended")});
    header.push_back(QStringLiteral("memory_note"));
    Table t(header);
    const double capacity = s.hardware->dramCapacityBytes();
    for (std::size_t i = 0; i < points.size(); ++i) {
        const GenerationPoint& p = points[i];
        std::vector<Cell> row = generationCells(p, maxBatch);
        if (spec.draft)
            row.emplace_back(
                expectedTokensPerStep(spec.speculation.acceptance, spec.speculation.draftTokens));
        if (continuous) {
            row.emplace_back(steady[i].prefillTokensPerStep);
            row.emplace_back(steady[i].requestRate_per_s);
            row.emplace_back(steady[i].sustainable);
        }
        if (targets) {
            row.emplace_back(meetsTargets(p, ttft, tpot));
            row.emplace_back(best && *best == p.batch);
        }
        row.emplace_back(qs(memoryVerdict(p, capacity)));
        t.addRow(row);
    }
    writeTable(t, o, out);
    return 0;
}

} // namespace

Command generateCommand() {
    return {
        "generate",
        std::string("Usage: batchscope generate --model llm|ID|config.json [--param K=V]... --hardware ID\n"
                    "                           --input-len N --output-len N [--batches LIST]\n"
                    "                           [--ttft-ms X] [--tpot-ms Y]\n\n"
                    "The model is a decoder LLM: the built-in 'llm' (Llama-style, --param knobs), a shipped\n"
                    "config (the ids of 'batchscope models' read from presets/models) or any Hugging Face\n"
                    "config.json (model_type llama, mistral, mixtral, qwen2, qwen3, qwen3_moe, gemma,\n"
                    "gemma2, phi3, gpt_neox, deepseek_v2, deepseek_v3).\n\n"
                    "LLM generation with static batching (docs/MODEL.md §11): each of `batch` sequences\n"
                    "has an N-token prompt, prefilled in one pass, then one token per sequence per\n"
                    "decode step while the KV cache grows to input + output tokens.\n\n") +
            kScenarioHelp +
            "Generate options:\n"
            "  --input-len N         prompt tokens per sequence\n"
            "  --output-len N        generated tokens per sequence (the first comes from the prefill)\n"
            "  --batches LIST        concurrent sequences (default 1..256*2)\n"
            "  --ttft-ms X           target time to first token; adds meets_targets and recommended\n"
            "  --tpot-ms Y           target time per output token (likewise)\n"
            "  --batching MODE       static (default: the batch starts and ends together) or\n"
            "                        continuous (steady state: `batch` sequences decode while the\n"
            "                        prompts of arriving requests are prefilled in chunks in the same\n"
            "                        steps; adds prefill_tokens_per_step, request_rate_per_s and\n"
            "                        sustainable)\n"
            "  --chunk N             continuous: prefill tokens per step at most (default 512)\n"
            "  --draft ID|FILE       speculative decoding with this draft model (a decoder model or\n"
            "                        config.json); needs --acceptance; adds tokens_per_target_step\n"
            "  --draft-len K         draft tokens per target step (default 4, at most 16)\n"
            "  --acceptance A        probability 0..1 that the target accepts a draft token\n\n"
            "Columns: batch, ttft_ms (the batch's prefill), tpot_ms (the mean decode step as the KV\n"
            "cache grows), e2e_ms = ttft + (output − 1) × tpot, output_tokens_per_s (batch × output\n"
            "÷ e2e), output_tokens_per_s_per_user (1 ÷ tpot), energy_per_token_mj (prefill and\n"
            "decode energy ÷ output tokens), power_w (average over e2e), kv_cache_gb (batch × KV at\n"
            "input + output tokens), weights_gb, activations_gb, peak_memory_gb (their sum),\n"
            "fits_memory, max_batch (the largest batch that fits), usd_per_million_tokens (at the\n"
            "preset's price per device-hour; empty without one), meets_targets and recommended\n"
            "(the highest-throughput batch that fits and meets both targets) with targets, and\n"
            "memory_note (what overflows the device memory, when it does).\n",
        withScenario({{"input-len", true, false},
                      {"output-len", true, false},
                      {"batching", true, false},
                      {"chunk", true, false},
                      {"draft", true, false},
                      {"draft-len", true, false},
                      {"acceptance", true, false},
                      {"batches", true, false},
                      {"ttft-ms", true, false},
                      {"tpot-ms", true, false}}),
        runGenerate};
}

} // namespace bs::cli
