#pragma once
// Builders of the built-in models; each takes resolved knob values (every knob present).
#include "graph/Graph.h"
#include "zoo/DecoderSpec.h"
#include "zoo/ModelZoo.h"

namespace bs::zoo {

Graph resnet(const KnobValues& k, int depth); // 18 or 50; knobs height, width, classes
Graph mobilenetV2(const KnobValues& k);       // knobs height, width, classes, width_mult (x100)
Graph mlp(const KnobValues& k);               // knobs depth, width, inputs, outputs
// BERT-style encoders; knobs seq, layers, hidden, heads, ffn, vocab
Graph bertEncoder(const KnobValues& k, const std::string& name);
Graph yolov3(const KnobValues& k); // knobs height, width, classes
// A decoder LLM's prefill over `tokensOrContext` prompt tokens, or its decode step attending to
// `tokensOrContext` cached tokens.
/// A `sharding` over several devices: one device's graph (DecoderSpec::checkSharding).
Graph llmDecoder(const DecoderSpec& spec, bool decode, std::int64_t tokensOrContext,
                 const Sharding& sharding = {});
// A decode step over `tokens` new tokens per sequence attending to `context` cached tokens (and to
// each other): the target's pass that verifies `tokens` − 1 speculated tokens.
Graph llmDecoderStep(const DecoderSpec& spec, std::int64_t context, std::int64_t tokens,
                     const Sharding& sharding = {});
Graph moeBlock(const KnobValues& k); // knobs tokens(seq), hidden, ffn, experts, top_k, imbalance (x100)

} // namespace bs::zoo
