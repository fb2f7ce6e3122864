#pragma once
// Parsing the integers users type (batch lists, --dim values, scenario keys): one rule, so that
// "08", "8x" and "1e3" are treated the same everywhere.
#include <optional>
#include <string>

namespace bs {

/// `text` as an integer in 1..`max`, written exactly (no sign, spaces or trailing characters);
/// empty otherwise.
std::optional<int> parsePositiveInt(const std::string& text, int max = 1'000'000);

} // namespace bs
