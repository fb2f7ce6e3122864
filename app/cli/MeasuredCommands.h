#pragma once
// Commands that work with measured data: `compare` (model vs a measured sweep, per point, with
// anomaly flags), `calibrate` (fit a preset's efficiency knobs to measured sweeps and save the
// result as a user preset) and `measure-machine` (probe this machine and write a CPU preset).
#include "cli/Commands.h"

#include <vector>

namespace bs::cli {

std::vector<Command> measuredCommands();

} // namespace bs::cli
