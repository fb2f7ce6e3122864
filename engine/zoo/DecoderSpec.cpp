#include "zoo/DecoderSpec.h"

#include "zoo/ModelZoo.h"

#include <algorithm>

namespace bs {

std::int64_t DecoderSpec::attendedTokens(std::int64_t layer, std::int64_t tokens) const {
    const bool windowed = slidingWindow > 0 && layer % slidingEvery == 0;
    return windowed ? std::min(tokens, slidingWindow) : tokens;
}

double DecoderSpec::kvCacheElems(std::int64_t tokens) const {
    const double perToken = isMla() ? static_cast<double>(mla.kvLoraRank + mla.ropeDim)
                                    : 2.0 * static_cast<double>(kvHeads * headDim);
    double elems = 0;
    for (std::int64_t l = 0; l < layers; ++l)
        elems += perToken * static_cast<double>(attendedTokens(l, tokens));
    return elems;
}

void DecoderSpec::checkTensorParallel(std::int64_t tp) const {
    if (tp == 1) return;
    const std::string at = "tp=" + std::to_string(tp) + ": ";
    if (tp < 1 || tp > 64) throw ZooError(at + "tensor-parallel devices must be in 1..64");
    auto divides = [&](std::int64_t v, const char* name) {
        if (v % tp != 0)
            throw ZooError(at + "does not divide the " + name + " (" + std::to_string(v) +
                           "): each device must hold the same share");
    };
    divides(heads, "attention heads");
    if (!isMla() && kvHeads % tp != 0 && tp % kvHeads != 0)
        throw ZooError(at + "the key/value heads (" + std::to_string(kvHeads) +
                       ") must divide tp or be divisible by it (fewer heads are replicated)");
    divides(ffn, "MLP width");
    if (isMoe()) divides(moe.ffn, "expert width");
}

std::string Sharding::text() const {
    std::string t = tp != 1 ? "tp=" + std::to_string(tp) : "";
    if (ep != 1) t += (t.empty() ? "ep=" : ",ep=") + std::to_string(ep);
    return t;
}

void DecoderSpec::checkSharding(const Sharding& s) const {
    checkTensorParallel(s.tp);
    if (s.ep == 1) return;
    const std::string at = "ep=" + std::to_string(s.ep) + ": ";
    if (!isMoe())
        throw ZooError(at + "expert parallelism needs a mixture-of-experts model; this one is dense");
    if (s.ep < 1 || moe.experts % s.ep != 0)
        throw ZooError(at + "does not divide the " + std::to_string(moe.experts) +
                       " routed experts: each device must hold the same number");
}

double DecoderSpec::kvCacheElemsPerDevice(std::int64_t tokens, std::int64_t tp) const {
    if (tp <= 1 || isMla()) return kvCacheElems(tokens);
    const double perDevice = static_cast<double>(std::max<std::int64_t>(1, kvHeads / tp));
    return kvCacheElems(tokens) * perDevice / static_cast<double>(kvHeads);
}

void DecoderSpec::check(const std::string& what) const {
    auto fail = [&](const std::string& why) { throw ZooError(what + ": " + why); };
    auto positive = [&](std::int64_t v, const char* name) {
        if (v < 1) fail(std::string(name) + " must be at least 1 (is " + std::to_string(v) + ")");
    };
    positive(layers, "layers");
    positive(hidden, "hidden size");
    positive(heads, "attention heads");
    positive(vocab, "vocabulary size");
    if (!isMla()) {
        positive(kvHeads, "key/value heads");
        positive(headDim, "head dimension");
        if (heads % kvHeads != 0)
            fail("key/value heads (" + std::to_string(kvHeads) + ") must divide attention heads (" +
                 std::to_string(heads) + ")");
    } else {
        positive(mla.nopeDim, "qk_nope_head_dim");
        positive(mla.ropeDim, "qk_rope_head_dim");
        positive(mla.vHeadDim, "v_head_dim");
    }
    if (!isMoe() || moe.firstDense > 0) positive(ffn, "intermediate size");
    if (isMoe()) {
        positive(moe.ffn, "expert intermediate size");
        if (moe.topK < 1 || moe.topK > moe.experts)
            fail("experts per token (" + std::to_string(moe.topK) + ") must be in 1.." +
                 std::to_string(moe.experts));
        if (moe.imbalance < 1) fail("expert imbalance must be at least 1");
    }
    if (slidingWindow < 0 || slidingEvery < 1) fail("sliding window must be ≥ 0, applied every ≥ 1 layers");
}

} // namespace bs
