// The MLP of seed 003: `depth` Linear(width→width) layers, ReLU between them.
#include "graph/GraphBuilder.h"
#include "zoo/ZooModels.h"

namespace bs::zoo {

Graph mlp(const KnobValues& k) {
    GraphBuilder b("mlp");
    const auto depth = static_cast<int>(knob(k, "depth"));
    const auto width = static_cast<std::int64_t>(knob(k, "width"));
    int x = b.input("features", {1, width});
    for (int i = 0; i < depth; ++i) {
        x = b.linear(x, width);
        if (i + 1 < depth) x = b.relu(x);
    }
    b.markOutput(x);
    return b.take();
}

} // namespace bs::zoo
