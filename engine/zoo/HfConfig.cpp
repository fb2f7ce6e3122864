#include "zoo/HfConfig.h"

#include "base/JsonFields.h"
#include "zoo/ModelZoo.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QStringList>
#include <algorithm>

namespace bs {

namespace {

constexpr std::int64_t kMaxDim = 1 << 24; // no real model has a dimension above 16 M
constexpr std::int64_t kMaxLayers = 1024; // the largest public models have 126; the graph grows with it

const QStringList& knownTypes() {
    static const QStringList types =
        QString::fromLatin1(
            "llama mistral mixtral qwen2 qwen3 qwen3_moe gemma gemma2 phi3 gpt_neox deepseek_v2 "
            "deepseek_v3")
            .split(QLatin1Char(' '));
    return types;
}

// Field access with the file and the key in every message.
class ConfigReader {
  public:
    ConfigReader(const QJsonObject& o, const QString& file) : o_(o), r_(file) {}

    std::int64_t integer(const char* key, std::int64_t lo = 1) const {
        const QString k = QString::fromLatin1(key);
        return r_.integer(r_.get(o_, k, k, true), k, lo, kMaxDim);
    }
    std::int64_t integerIn(const char* key, std::int64_t lo, std::int64_t hi) const {
        const QString k = QString::fromLatin1(key);
        return r_.integer(r_.get(o_, k, k, true), k, lo, hi);
    }
    /// An optional integer: absent or null gives `fallback`.
    std::int64_t integerOr(const char* key, std::int64_t fallback, std::int64_t lo = 1) const {
        const QJsonValue v = o_.value(QLatin1String(key));
        return v.isUndefined() || v.isNull() ? fallback
                                             : r_.integer(v, QString::fromLatin1(key), lo, kMaxDim);
    }
    bool boolean(const char* key, bool fallback) const {
        const QJsonValue v = o_.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull()) return fallback;
        if (!v.isBool()) r_.wrongType(v, QString::fromLatin1(key), QStringLiteral("a boolean"));
        return v.toBool();
    }
    QString string(const char* key) const {
        const QString k = QString::fromLatin1(key);
        return r_.string(r_.get(o_, k, k, true), k);
    }
    QString stringOr(const char* key, const QString& fallback) const {
        const QJsonValue v = o_.value(QLatin1String(key));
        return v.isUndefined() || v.isNull() ? fallback : r_.string(v, QString::fromLatin1(key));
    }
    /// Absent, null or [].
    bool isEmptyList(const char* key) const {
        const QJsonValue v = o_.value(QLatin1String(key));
        return v.isUndefined() || v.isNull() || (v.isArray() && v.toArray().isEmpty());
    }
    [[noreturn]] void fail(const char* key, const QString& why) const {
        r_.fail(QString::fromLatin1(key), why);
    }

  private:
    QJsonObject o_;
    JsonFieldReader r_;
};

// hidden_act: the MLP's gate activation; SiLU (SwiGLU) or GELU (GeGLU, GPT-NeoX).
DecoderSpec::Mlp gatedMlp(const ConfigReader& c, const char* key, const QString& fallback) {
    const QString act = c.stringOr(key, fallback);
    if (act == QLatin1String("silu") || act == QLatin1String("swish")) return DecoderSpec::Mlp::SwiGlu;
    if (act.startsWith(QLatin1String("gelu"))) return DecoderSpec::Mlp::GeGlu;
    c.fail(key, QStringLiteral("activation '%1' is not one Batchscope builds (silu, gelu*)").arg(act));
}

// The fields every Llama-like family shares (llama, mistral, mixtral, qwen2/3, gemma, phi3).
void readLlamaLike(const ConfigReader& c, DecoderSpec& s) {
    s.hidden = c.integer("hidden_size");
    s.layers = c.integerIn("num_hidden_layers", 1, kMaxLayers);
    s.heads = c.integer("num_attention_heads");
    s.kvHeads = c.integerOr("num_key_value_heads", s.heads);
    s.headDim = c.integerOr("head_dim", s.hidden / s.heads);
    s.vocab = c.integer("vocab_size");
    s.mlp = gatedMlp(c, "hidden_act", QStringLiteral("silu"));
}

void readMixtral(const ConfigReader& c, DecoderSpec& s) {
    s.moe.experts = c.integer("num_local_experts");
    s.moe.topK = c.integer("num_experts_per_tok");
    s.moe.ffn = c.integer("intermediate_size");
}

void readQwen3Moe(const ConfigReader& c, DecoderSpec& s) {
    s.moe.experts = c.integer("num_experts");
    s.moe.topK = c.integer("num_experts_per_tok");
    s.moe.ffn = c.integer("moe_intermediate_size");
    if (c.integerOr("decoder_sparse_step", 1) != 1)
        c.fail("decoder_sparse_step", QStringLiteral("only 1 (every layer sparse) is built"));
    if (!c.isEmptyList("mlp_only_layers"))
        c.fail("mlp_only_layers", QStringLiteral("dense layers among sparse ones are not built"));
}

void readDeepSeek(const ConfigReader& c, DecoderSpec& s) {
    s.hidden = c.integer("hidden_size");
    s.layers = c.integerIn("num_hidden_layers", 1, kMaxLayers);
    s.heads = c.integer("num_attention_heads");
    s.kvHeads = s.heads; // num_key_value_heads has no meaning under MLA
    s.vocab = c.integer("vocab_size");
    s.ffn = c.integer("intermediate_size");
    s.mla.qLoraRank = c.integerOr("q_lora_rank", 0);
    s.mla.kvLoraRank = c.integer("kv_lora_rank");
    s.mla.nopeDim = c.integer("qk_nope_head_dim");
    s.mla.ropeDim = c.integer("qk_rope_head_dim");
    s.mla.vHeadDim = c.integer("v_head_dim");
    s.headDim = s.mla.nopeDim + s.mla.ropeDim;
    s.moe.experts = c.integer("n_routed_experts");
    s.moe.topK = c.integer("num_experts_per_tok");
    s.moe.ffn = c.integer("moe_intermediate_size");
    s.moe.shared = c.integerOr("n_shared_experts", 0, 0);
    s.moe.firstDense = std::min(c.integerOr("first_k_dense_replace", 0, 0), s.layers);
    if (c.integerOr("moe_layer_freq", 1) != 1)
        c.fail("moe_layer_freq", QStringLiteral("only 1 (every layer after the dense ones) is built"));
    s.moe.routerBias = c.stringOr("topk_method", {}) == QLatin1String("noaux_tc");
    s.mtpLayers = std::min(c.integerOr("num_nextn_predict_layers", 0, 0), kMaxLayers);
}

void readGptNeox(const ConfigReader& c, DecoderSpec& s) {
    s.hidden = c.integer("hidden_size");
    s.layers = c.integerIn("num_hidden_layers", 1, kMaxLayers);
    s.heads = c.integer("num_attention_heads");
    s.kvHeads = s.heads;
    s.headDim = s.hidden / s.heads;
    s.ffn = c.integer("intermediate_size");
    s.vocab = c.integer("vocab_size");
    s.norm = DecoderSpec::Norm::Layer;
    s.mlp = DecoderSpec::Mlp::Gelu;
    s.qkvBias = s.outBias = s.mlpBias = true;
    s.parallelResidual = c.boolean("use_parallel_residual", true);
    s.tiedEmbeddings = c.boolean("tie_word_embeddings", false);
}

} // namespace

QString hfModelTypes() {
    return knownTypes().join(QStringLiteral(", "));
}

DecoderSpec decoderSpecFromHfJson(const QJsonObject& config, const QString& file) {
    const ConfigReader c(config, file);
    const QString type = c.string("model_type");
    if (!knownTypes().contains(type))
        c.fail("model_type", QStringLiteral("'%1' is not an architecture Batchscope builds (known: %2)")
                                 .arg(type, hfModelTypes()));
    DecoderSpec s;
    s.family = type.toStdString();
    if (type == QLatin1String("gpt_neox")) {
        readGptNeox(c, s);
    } else if (type.startsWith(QLatin1String("deepseek"))) {
        readDeepSeek(c, s);
        s.tiedEmbeddings = c.boolean("tie_word_embeddings", false);
    } else {
        readLlamaLike(c, s);
        const bool gemma = type.startsWith(QLatin1String("gemma"));
        // Gemma's configs leave tie_word_embeddings out: transformers' GemmaConfig defaults it true.
        s.tiedEmbeddings = c.boolean("tie_word_embeddings", gemma);
        if (gemma) s.mlp = gatedMlp(c, "hidden_activation", QStringLiteral("gelu_pytorch_tanh"));
        s.sandwichNorms = type == QLatin1String("gemma2");
        // Qwen2 always has Q/K/V biases (Qwen2Attention hard-codes bias=True); others opt in.
        const bool attentionBias = c.boolean("attention_bias", false);
        s.qkvBias = type == QLatin1String("qwen2") || attentionBias;
        s.outBias = attentionBias && type != QLatin1String("qwen2");
        s.mlpBias = c.boolean("mlp_bias", false);
        s.qkNorm = type.startsWith(QLatin1String("qwen3"));
        if (type == QLatin1String("mixtral"))
            readMixtral(c, s);
        else if (type == QLatin1String("qwen3_moe"))
            readQwen3Moe(c, s);
        else
            s.ffn = c.integer("intermediate_size");
        // Sliding window: Qwen2/3 only when use_sliding_window is true; Gemma-2 on every other layer.
        const bool qwen = type.startsWith(QLatin1String("qwen"));
        if (!qwen || c.boolean("use_sliding_window", false))
            s.slidingWindow = c.integerOr("sliding_window", 0);
        if (type == QLatin1String("gemma2")) s.slidingEvery = 2;
    }
    try {
        s.check(file.toStdString());
    } catch (const ZooError& e) {
        throw FileError(QString::fromStdString(e.what()));
    }
    return s;
}

DecoderSpec decoderSpecFromHfConfig(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw FileError(path + QStringLiteral(": cannot read: ") + f.errorString());
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &err);
    if (err.error != QJsonParseError::NoError)
        throw FileError(
            QStringLiteral("%1: not JSON (offset %2: %3)").arg(path).arg(err.offset).arg(err.errorString()));
    if (!doc.isObject()) throw FileError(path + QStringLiteral(": expected a JSON object (a config.json)"));
    return decoderSpecFromHfJson(doc.object(), path);
}

} // namespace bs
