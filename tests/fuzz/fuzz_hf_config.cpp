// libFuzzer target: Hugging Face config.json import (zoo/HfConfig.cpp). A config that reads is
// also built in both phases and prepared, so a value that passes the reader but breaks the
// builder (a zero width, an expert count below top-k, a window of 0) is found too.
#include "base/EngineError.h"
#include "graph/PreparedModel.h"
#include "zoo/HfConfig.h"
#include "zoo/ModelZoo.h"
#include "zoo/ZooModels.h"

#include <QByteArray>
#include <QJsonDocument>
#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const QJsonDocument doc = QJsonDocument::fromJson(
        QByteArray(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size)));
    if (!doc.isObject()) return 0;
    bs::DecoderSpec spec;
    try {
        spec = bs::decoderSpecFromHfJson(doc.object(), QStringLiteral("fuzz.json"));
    } catch (const bs::EngineError&) {
        return 0; // a message naming the field: the expected outcome for bad input
    }
    try {
        for (const bool decode : {false, true}) {
            const bs::PreparedModel m(bs::zoo::llmDecoder(spec, decode, 3));
            if (m.params() <= 0 || m.graph().activeParameterCount() > m.params()) __builtin_trap();
        }
    } catch (const bs::GraphError&) {
    } catch (const bs::ZooError&) {
    }
    return 0;
}
