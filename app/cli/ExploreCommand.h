#pragma once
// `batchscope explore`: design-space sweeps over preset fields (docs/MODEL.md §20).
#include "cli/Commands.h"

namespace bs::cli {

Command exploreCommand();

} // namespace bs::cli
