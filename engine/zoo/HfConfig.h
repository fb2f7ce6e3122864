#pragma once
// Hugging Face `config.json` → DecoderSpec, for the decoder families the builder knows: llama,
// mistral, mixtral, qwen2, qwen3, qwen3_moe, gemma, gemma2, phi3, gpt_neox, deepseek_v2,
// deepseek_v3 (docs/MODELS.md lists the fields read and the defaults transformers applies).
#include "zoo/DecoderSpec.h"

#include <QJsonObject>
#include <QString>

namespace bs {

/// The model_type values understood, comma-separated (for messages and --help).
QString hfModelTypes();
/// Reads `path`; throws FileError naming the file and the field (missing, wrong type, out of
/// range, an unknown model_type).
DecoderSpec decoderSpecFromHfConfig(const QString& path);
/// The same from a parsed document; `file` names it in messages.
DecoderSpec decoderSpecFromHfJson(const QJsonObject& config, const QString& file);

} // namespace bs
