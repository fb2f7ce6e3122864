// torchvision MobileNetV2 (width multiplier 1.0): inverted residuals with linear bottlenecks.
#include "graph/GraphBuilder.h"
#include "zoo/ZooModels.h"

namespace bs::zoo {

namespace {
int convBnRelu6(GraphBuilder& b, int x, std::int64_t out, std::int64_t k, std::int64_t stride,
                std::int64_t groups) {
    return b.relu6(b.batchNorm(b.conv(x, out, k, stride, (k - 1) / 2, groups)));
}

int invertedResidual(GraphBuilder& b, int x, std::int64_t out, std::int64_t stride, std::int64_t expand) {
    const std::int64_t inC = b.shape(x)[1];
    const std::int64_t hidden = inC * expand;
    int y = x;
    if (expand != 1) y = convBnRelu6(b, y, hidden, 1, 1, 1);
    y = convBnRelu6(b, y, hidden, 3, stride, hidden); // depthwise
    y = b.batchNorm(b.conv(y, out, 1, 1, 0));         // linear bottleneck
    return (stride == 1 && inC == out) ? b.add(x, y) : y;
}
} // namespace

Graph mobilenetV2(const KnobValues& k) {
    GraphBuilder b("mobilenet_v2");
    const auto h = static_cast<std::int64_t>(knob(k, "height"));
    const auto w = static_cast<std::int64_t>(knob(k, "width"));
    int x = b.input("image", {1, 3, h, w});
    x = convBnRelu6(b, x, 32, 3, 2, 1);
    // t (expansion), c (channels), n (repeats), s (first stride) — the paper's Table 2.
    const int cfg[7][4] = {{1, 16, 1, 1}, {6, 24, 2, 2},  {6, 32, 3, 2}, {6, 64, 4, 2},
                           {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
    for (const auto& c : cfg)
        for (int i = 0; i < c[2]; ++i)
            x = invertedResidual(b, x, c[1], i == 0 ? c[3] : 1, c[0]);
    x = convBnRelu6(b, x, 1280, 1, 1, 1);
    x = b.flatten(b.globalAvgPool(x));
    x = b.linear(x, static_cast<std::int64_t>(knob(k, "classes")));
    b.markOutput(x);
    return b.take();
}

} // namespace bs::zoo
