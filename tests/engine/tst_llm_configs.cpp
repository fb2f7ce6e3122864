// Hugging Face config.json import: every shipped config (presets/models, provenance in its
// README.md) builds to exactly the parameter count its publisher states, in both phases; the
// mixtures of experts also to their active count; the architecture fields land where the builder
// needs them (GQA, head_dim, windows, MLA's cache); and a bad config is a message naming the file
// and the field.
#include "base/EngineError.h"
#include "zoo/HfConfig.h"
#include "zoo/ModelZoo.h"

#include <QJsonDocument>
#include <QObject>
#include <QTemporaryDir>
#include <QTest>
#include <cstdint>

using namespace bs;

namespace {

struct Published {
    const char* id;
    std::int64_t total;
    std::int64_t active; ///< 0: dense (active = total)
};

// Sources per row in presets/models/README.md.
const Published kPublished[] = {
    {"llama-3.2-1b", 1'235'814'400, 0},
    {"llama-3.1-8b", 8'030'261'248, 0},
    {"llama-3.1-70b", 70'553'706'496, 0},
    {"llama-3.1-405b", 405'853'388'800, 0},
    {"llama-2-7b", 6'738'415'616, 0},
    {"llama-2-70b", 68'976'648'192, 0},
    {"mistral-7b-v0.1", 7'241'732'096, 0},
    {"mixtral-8x7b", 46'702'792'704, 12'879'925'248},   // Mistral AI: "12.9B active"
    {"mixtral-8x22b", 140'620'634'112, 39'152'031'744}, // Mistral AI: "39B active"
    {"qwen2.5-1.5b", 1'543'714'304, 0},
    {"qwen2.5-7b", 7'615'616'512, 0},
    {"qwen2.5-72b", 72'706'203'648, 0},
    {"qwen3-30b-a3b", 30'532'122'624, 3'353'032'704},
    {"gemma-2-9b-it", 9'241'705'984, 0},
    {"phi-3-mini-4k", 3'821'079'552, 0},
    {"gpt-neox-20b", 20'554'567'680, 0},
    // Main model (the MTP module is not run to generate); DeepSeek: "37B activated", 36.6 B
    // without the input embedding: 37,552,297,472 − 129,280 × 7,168.
    {"deepseek-v3", 671'026'419'200, 37'552'297'472},
};

Graph build(const std::string& id, int phase) {
    return ModelZoo::build(id, {{"phase", phase}, {"seq", 16}, {"context", 64}});
}

DecoderSpec spec(const std::string& id) {
    const ModelDescriptor* d = ModelZoo::find(id);
    if (!d) qFatal("%s is not shipped", id.c_str());
    return d->decoder(ModelZoo::resolve(*d, {}));
}

QString writeConfig(const QTemporaryDir& dir, const char* name, const QByteArray& text) {
    const QString path = dir.filePath(QString::fromLatin1(name));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(path));
    f.write(text);
    return path;
}

QString loadError(const QString& path) {
    try {
        ModelZoo::loadConfig(path.toStdString());
    } catch (const FileError& e) {
        return e.message();
    }
    return {};
}

} // namespace

class TestLlmConfigs : public QObject {
    Q_OBJECT
  private slots:
    void shippedConfigsHaveTheirPublishedCounts_data() {
        QTest::addColumn<QString>("id");
        QTest::addColumn<qint64>("total");
        QTest::addColumn<qint64>("active");
        for (const Published& p : kPublished)
            QTest::newRow(p.id) << QString::fromLatin1(p.id) << qint64(p.total)
                                << qint64(p.active ? p.active : p.total);
    }
    void shippedConfigsHaveTheirPublishedCounts() {
        QFETCH(QString, id);
        QFETCH(qint64, total);
        QFETCH(qint64, active);
        QVERIFY2(ModelZoo::find(id.toStdString()), qPrintable(id + QStringLiteral(" is not shipped")));
        for (int phase : {0, 1}) {
            const Graph g = build(id.toStdString(), phase);
            QCOMPARE(g.parameterCount(), total);
            QCOMPARE(g.activeParameterCount(), active);
        }
    }

    void everyShippedConfigIsCounted() {
        int configs = 0;
        for (const ModelDescriptor& m : ModelZoo::models()) {
            if (m.configFile.empty()) continue;
            ++configs;
            bool counted = false;
            for (const Published& p : kPublished)
                counted = counted || m.id == p.id;
            QVERIFY2(counted, m.id.c_str());
        }
        QCOMPARE(configs, static_cast<int>(std::size(kPublished)));
    }

    // The fields that change shapes without changing the layer pattern.
    void architectureFieldsAreRead() {
        const DecoderSpec gemma = spec("gemma-2-9b-it");
        QCOMPARE(gemma.headDim, 256);  // not 3584 / 16 = 224
        QVERIFY(gemma.tiedEmbeddings); // the key is absent: GemmaConfig's default
        QCOMPARE(gemma.slidingWindow, 4096);
        QCOMPARE(gemma.slidingEvery, 2);
        QCOMPARE(gemma.attendedTokens(0, 8192), 4096);
        QCOMPARE(gemma.attendedTokens(1, 8192), 8192);
        const DecoderSpec qwen = spec("qwen2.5-7b");
        QVERIFY(qwen.qkvBias && !qwen.outBias);
        QCOMPARE(qwen.slidingWindow, 0); // use_sliding_window is false
        const DecoderSpec llama = spec("llama-3.1-8b");
        QCOMPARE(llama.kvHeads, 8);
        // KV cache per token: 2 · 32 layers · 8 heads · 128 = 65,536 elements.
        QCOMPARE(llama.kvCacheElems(1), 65536.0);
        // Mistral's window caps the cache: 4096 tokens per layer however long the sequence.
        const DecoderSpec mistral = spec("mistral-7b-v0.1");
        QCOMPARE(mistral.kvCacheElems(10000), mistral.kvCacheElems(4096));
        // DeepSeek-V3 caches kv_lora_rank + rope = 512 + 64 per token and layer: 61 · 576 = 35,136.
        const DecoderSpec ds = spec("deepseek-v3");
        QCOMPARE(ds.kvCacheElems(1), 35136.0);
        QCOMPARE(ds.moe.firstDense, 3);
        QCOMPARE(ds.moe.shared, 1);
        QVERIFY(ds.moe.routerBias);
    }

    // Decode on a windowed layer reads min(context, window) cached tokens; MLA reads its latent.
    void decodeReadsTheAttendedCache() {
        const Graph g = ModelZoo::build("mistral-7b-v0.1", {{"phase", 1}, {"context", 10000}});
        const Graph ds = ModelZoo::build("deepseek-v3", {{"phase", 1}, {"context", 1000}});
        int caches = 0;
        for (const Tensor& t : g.tensors())
            if (t.kind == TensorKind::State) {
                ++caches;
                QVERIFY(t.shape == Shape({1, 8, 128, 4096}) || t.shape == Shape({1, 8, 4096, 128}));
            }
        QCOMPARE(caches, 64);
        for (const Tensor& t : ds.tensors())
            if (t.kind == TensorKind::State) QCOMPARE(t.shape, Shape({1, 1, 576, 1000}));
    }

    void aConfigFileIsAModel() {
        QTemporaryDir dir;
        const QString path = writeConfig(dir, "config.json", R"({"model_type": "llama", "hidden_size": 256,
            "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
            "intermediate_size": 512, "vocab_size": 1000, "tie_word_embeddings": true})");
        const ModelDescriptor& m = ModelZoo::loadConfig(path.toStdString());
        QCOMPARE(m.id, path.toStdString());
        QCOMPARE(ModelZoo::find(path.toStdString()), &m);
        QVERIFY(m.isDecoder());
        // embed 256,000 (tied head) + 2 × (q 65,536 + k,v 2 × 32,768 + o 65,536 + MLP 393,216 +
        // norms 512) + final norm 256
        QCOMPARE(ModelZoo::build(m.id, {}).parameterCount(),
                 256000 + 2 * (65536 + 65536 + 65536 + 393216 + 512) + 256);
    }

    void badConfigsNameTheFileAndField_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("not JSON") << QByteArray("{\"model_type\": ") << QStringLiteral("not JSON");
        QTest::newRow("no model_type") << QByteArray("{}") << QStringLiteral("model_type: missing");
        QTest::newRow("unknown type")
            << QByteArray(R"({"model_type": "gptj"})")
            << QStringLiteral("model_type: 'gptj' is not an architecture Batchscope "
                              "builds (known: llama, mistral");
        QTest::newRow("missing field") << QByteArray(R"({"model_type": "llama", "hidden_size": 64})")
                                       << QStringLiteral("num_hidden_layers: missing");
        QTest::newRow("wrong type") << QByteArray(R"({"model_type": "mistral", "hidden_size": "4096"})")
                                    << QStringLiteral("hidden_size: expected a number, found a string");
        QTest::newRow("inconsistent heads")
            << QByteArray(R"({"model_type": "llama", "hidden_size": 64, "num_hidden_layers": 1,
                "num_attention_heads": 4, "num_key_value_heads": 3, "intermediate_size": 8, "vocab_size": 8})")
            << QStringLiteral("key/value heads (3) must divide attention heads (4)");
        QTest::newRow("moe without experts")
            << QByteArray(R"({"model_type": "mixtral", "hidden_size": 64, "num_hidden_layers": 1,
                "num_attention_heads": 4, "intermediate_size": 8, "vocab_size": 8})")
            << QStringLiteral("num_local_experts: missing");
        QTest::newRow("too many layers")
            << QByteArray(R"({"model_type": "llama", "hidden_size": 64, "num_hidden_layers": 100000,
                "num_attention_heads": 4, "intermediate_size": 8, "vocab_size": 8})")
            << QStringLiteral("num_hidden_layers: 100000 is outside 1..1024");
        QTest::newRow("unknown activation")
            << QByteArray(R"({"model_type": "llama", "hidden_size": 64, "num_hidden_layers": 1,
                "num_attention_heads": 4, "intermediate_size": 8, "vocab_size": 8, "hidden_act": "relu2"})")
            << QStringLiteral("hidden_act: activation 'relu2'");
    }
    void badConfigsNameTheFileAndField() {
        QFETCH(QByteArray, text);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const QString path = writeConfig(dir, "bad.json", text);
        const QString error = loadError(path);
        QVERIFY2(error.startsWith(path + QStringLiteral(": ")), qPrintable(error));
        QVERIFY2(error.contains(message), qPrintable(error));
        QVERIFY(!ModelZoo::find(path.toStdString())); // nothing half-registered
        QVERIFY(
            loadError(dir.filePath(QStringLiteral("absent.json"))).contains(QStringLiteral("cannot read")));
    }
};

QTEST_GUILESS_MAIN(TestLlmConfigs)
#include "tst_llm_configs.moc"
