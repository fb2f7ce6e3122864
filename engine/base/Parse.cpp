#include "base/Parse.h"

#include <cctype>

namespace bs {

std::optional<int> parsePositiveInt(const std::string& text, int max) {
    std::size_t used = 0;
    long v = 0;
    try {
        v = std::stol(text, &used);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    if (used != text.size() || text.empty() || v < 1 || v > max) return std::nullopt;
    return static_cast<int>(v);
}

} // namespace bs
