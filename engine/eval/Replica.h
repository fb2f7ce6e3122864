#pragma once
// From one device's pass over one micro-batch to a replica's batch (docs/MODEL.md §19): the batch
// split over the ep device groups and into micro-batches, the pipeline's stages with their sends,
// fill, steady state and drain, and energy and throughput over the replica's devices. The
// evaluator's internals (Evaluator.cpp), apart so that each file holds one step.
#include "eval/Evaluator.h"

#include <vector>

namespace bs::replica {

/// A replica's batch over its ep device groups, then into equal micro-batches (the last padded).
struct BatchSplit {
    int batch = 1, deviceBatch = 1, microBatches = 1, microBatch = 1;
};
/// Throws EngineError for a missing model or hardware, or a batch below 1.
BatchSplit splitBatch(const EvalInput& s, int batch);

/// One layer of the pass at the run's clock, and the bytes a stage ending with it sends on.
struct PassLayer {
    double latency_s = 0;
    double outBytes = 0;
};

/// `t` (one device's pass over one micro-batch, as the evaluator summed it) made the replica's
/// batch. `layers` (needed under pp only) are the pass's kernels in order; returns each one's
/// pipeline stage (empty without pp). Throws EngineError when pp exceeds the kernels or has no
/// link.
std::vector<int> finish(const EvalInput& s, const BatchSplit& b, Totals& t,
                        const std::vector<PassLayer>& layers);

} // namespace bs::replica
