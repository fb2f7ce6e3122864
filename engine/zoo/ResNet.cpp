// torchvision ResNet-18 / ResNet-50 (v1.5: stride on the 3×3 conv of the bottleneck).
#include "graph/GraphBuilder.h"
#include "zoo/ZooModels.h"

namespace bs::zoo {

namespace {

int convBn(GraphBuilder& b, int x, std::int64_t out, std::int64_t k, std::int64_t stride, std::int64_t pad) {
    return b.batchNorm(b.conv(x, out, k, stride, pad));
}

int basicBlock(GraphBuilder& b, int x, std::int64_t planes, std::int64_t stride) {
    const std::int64_t inC = b.shape(x)[1];
    int y = b.relu(convBn(b, x, planes, 3, stride, 1));
    y = convBn(b, y, planes, 3, 1, 1);
    const int skip = (stride != 1 || inC != planes) ? convBn(b, x, planes, 1, stride, 0) : x;
    return b.relu(b.add(y, skip));
}

int bottleneck(GraphBuilder& b, int x, std::int64_t planes, std::int64_t stride) {
    const std::int64_t inC = b.shape(x)[1];
    const std::int64_t out = planes * 4;
    int y = b.relu(convBn(b, x, planes, 1, 1, 0));
    y = b.relu(convBn(b, y, planes, 3, stride, 1));
    y = convBn(b, y, out, 1, 1, 0);
    const int skip = (stride != 1 || inC != out) ? convBn(b, x, out, 1, stride, 0) : x;
    return b.relu(b.add(y, skip));
}

} // namespace

Graph resnet(const KnobValues& k, int depth) {
    GraphBuilder b(depth == 18 ? "resnet18" : "resnet50");
    const auto h = static_cast<std::int64_t>(knob(k, "height"));
    const auto w = static_cast<std::int64_t>(knob(k, "width"));
    int x = b.input("image", {1, 3, h, w});
    x = b.relu(convBn(b, x, 64, 7, 2, 3));
    x = b.maxPool(x, 3, 2, 1);
    const int blocks18[4] = {2, 2, 2, 2};
    const int blocks50[4] = {3, 4, 6, 3};
    for (int stage = 0; stage < 4; ++stage) {
        const std::int64_t planes = 64LL << stage;
        const int n = depth == 18 ? blocks18[stage] : blocks50[stage];
        for (int i = 0; i < n; ++i) {
            const std::int64_t stride = (stage > 0 && i == 0) ? 2 : 1;
            x = depth == 18 ? basicBlock(b, x, planes, stride) : bottleneck(b, x, planes, stride);
        }
    }
    x = b.flatten(b.globalAvgPool(x));
    x = b.linear(x, static_cast<std::int64_t>(knob(k, "classes")));
    b.markOutput(x);
    return b.take();
}

} // namespace bs::zoo
