// libFuzzer target: session files (.batchscope): JSON parse, format/version checks, every field,
// embedded presets. A session that parses is written again and must parse to the same bytes.
#include "model/Session.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const bs::SessionData d =
            bs::sessionFromJson(QByteArray(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size)),
                                QStringLiteral("fuzz.batchscope"));
        const QByteArray once = bs::sessionToJson(d);
        if (bs::sessionToJson(bs::sessionFromJson(once, QStringLiteral("again.batchscope"))) != once)
            __builtin_trap(); // save -> load -> save must give identical bytes
    } catch (const bs::SessionError&) {
    }
    return 0;
}
