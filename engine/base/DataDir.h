#pragma once
// Where the shipped data is: hardware presets, runtime profiles (runtimes/), model configs
// (models/) and, beside it, the measured datasets.
#include <string>

namespace bs {

/// $BATCHSCOPE_PRESET_DIR, else next to the executable (../share/batchscope/presets when
/// installed), else the source tree's presets/.
std::string shippedPresetDir();

} // namespace bs
