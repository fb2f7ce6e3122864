#pragma once
// The `generate` command: LLM generation per batch (TTFT, TPOT, tokens/s, energy per token,
// memory), with continuous batching, speculative decoding and quantization schemes.
#include "cli/Commands.h"

namespace bs::cli {

Command generateCommand();

} // namespace bs::cli
