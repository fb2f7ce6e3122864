#pragma once
// What the design points of a design-space sweep share (docs/MODEL.md §20): the layers of one model
// at one batch, evaluated on presets that differ in a field or two, move the same bytes unless the
// on-chip level changes, and map their GEMMs the same way unless units or tile shapes change. A
// memo remembers both from the first evaluation; explore keeps one per batch and per worker, and
// resets it when the scenario, the model or a field the mapping depends on changes.
#include "eval/Mapping.h"

#include <cstddef>
#include <vector>

namespace bs {

/// One layer's traffic at one batch: what depends on the model, the precisions and the on-chip
/// level only (Evaluator.cpp).
struct LayerTraffic {
    double weights = 0, quantizedElems = 0;
    double gm = 0, gn = 0, gk = 0, gg = 0; ///< the GEMM as mapped (experts: the busiest one)
    double dramBytes = 0, sramBytes = 0, spilled = 0;
    double outBytes = 0, outElems = 0;
    bool inSpilled = false, outSpilled = false;
};

class EvalMemo {
  public:
    /// Layer `layer`'s GEMM mapping at `peakFlops`: `map()` the first time, remembered afterwards as
    /// time × the peak, which every class's mapping time is inversely proportional to, so a varied
    /// peak or clock reuses it too.
    template <class Map> MappingResult mapping(std::size_t layer, double peakFlops, Map&& map) {
        Entry& e = entry(layer);
        if (e.work.time_s < 0) {
            const MappingResult r = map();
            e.work = {r.time_s * peakFlops, r.unitsAllocated};
        }
        return {e.work.time_s / peakFlops, e.work.unitsAllocated};
    }
    /// Layer `layer`'s traffic with `onchipBytes` of on-chip memory of which `onchipActivationBytes`
    /// hold activations: `compute()` the first time for these sizes, remembered afterwards.
    template <class Compute>
    const LayerTraffic& traffic(std::size_t layer, double onchipBytes, double onchipActivationBytes,
                                Compute&& compute) {
        if (onchipBytes != onchipBytes_ || onchipActivationBytes != onchipActivationBytes_) {
            for (Entry& e : layers_)
                e.hasTraffic = false;
            onchipBytes_ = onchipBytes;
            onchipActivationBytes_ = onchipActivationBytes;
        }
        Entry& e = entry(layer);
        if (!e.hasTraffic) {
            e.traffic = compute();
            e.hasTraffic = true;
        }
        return e.traffic;
    }

  private:
    struct Entry {
        MappingResult work{-1, 0}; ///< time × peak; −1: not mapped yet
        LayerTraffic traffic;
        bool hasTraffic = false;
    };
    Entry& entry(std::size_t layer) {
        if (layer >= layers_.size()) layers_.resize(layer + 1);
        return layers_[layer];
    }
    std::vector<Entry> layers_;
    double onchipBytes_ = -1, onchipActivationBytes_ = -1;
};

} // namespace bs
