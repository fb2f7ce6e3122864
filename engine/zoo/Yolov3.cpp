// YOLOv3 as the original darknet yolov3.cfg defines it: the Darknet-53 backbone and three detection
// scales (strides 32, 16, 8) joined by 2× nearest upsampling and channel concatenation. At 416×416
// with 80 classes darknet reports 65.86 BFLOPs (2 FLOPs per MAC) and the model has 61,949,149
// parameters (conv weights, BN scale/shift, biases of the three output convs).
#include "graph/GraphBuilder.h"
#include "zoo/ZooModels.h"

namespace bs::zoo {

namespace {

// darknet's [convolutional] with batch_normalize=1, pad=1 (pad = size/2), activation=leaky: the conv
// has no bias because BN's shift replaces it.
int convBnLeaky(GraphBuilder& b, int x, std::int64_t out, std::int64_t kernel, std::int64_t stride = 1) {
    return b.leakyRelu(b.batchNorm(b.conv(x, out, kernel, stride, kernel / 2)));
}

// A stride-2 3×3 downsampling conv followed by `blocks` residual units (1×1 halving the channels,
// 3×3 restoring them, [shortcut] from=-3).
int darknetStage(GraphBuilder& b, int x, std::int64_t channels, int blocks) {
    x = convBnLeaky(b, x, channels, 3, 2);
    for (int i = 0; i < blocks; ++i) {
        int y = convBnLeaky(b, x, channels / 2, 1);
        y = convBnLeaky(b, y, channels, 3);
        x = b.add(x, y);
    }
    return x;
}

struct Head {
    int route = -1;      ///< the fifth conv's output: feeds the next (finer) scale
    int detections = -1; ///< [1, 3·(classes+5), h/stride, w/stride]
};

// Detection head: five alternating 1×1 / 3×3 convs, then a 3×3 conv and the linear 1×1 output conv
// (bias, no BN, no activation). The [yolo] layer's sigmoid/exp box decoding and NMS are
// post-processing outside the network and are not part of darknet's BFLOPs either.
Head detectionHead(GraphBuilder& b, int x, std::int64_t channels, std::int64_t outChannels) {
    for (int i = 0; i < 5; ++i)
        x = convBnLeaky(b, x, i % 2 == 0 ? channels : channels * 2, i % 2 == 0 ? 1 : 3);
    Head h;
    h.route = x;
    const int y = convBnLeaky(b, x, channels * 2, 3);
    h.detections = b.conv(y, outChannels, 1, 1, 0, 1, /*bias=*/true);
    return h;
}

// [route] layers=-4 → 1×1 conv → [upsample] stride=2 → [route] layers=-1,<backbone>: the coarse
// scale's features, upsampled and concatenated with the backbone features of the finer scale.
int upsampleAndJoin(GraphBuilder& b, int route, int lateral, std::int64_t channels) {
    const int up = b.upsampleNearest(convBnLeaky(b, route, channels, 1), 2);
    return b.concat({up, lateral}, 1);
}

} // namespace

Graph yolov3(const KnobValues& k) {
    const auto h = static_cast<std::int64_t>(knob(k, "height"));
    const auto w = static_cast<std::int64_t>(knob(k, "width"));
    const auto classes = static_cast<std::int64_t>(knob(k, "classes"));
    // Five stride-2 stages and two 2× upsamplings: the upsampled maps only line up with the
    // backbone's when the input is a multiple of 32. Darknet letterboxes to such a size.
    if (h % 32 != 0 || w % 32 != 0)
        throw ZooError("model 'yolov3': height and width must be multiples of 32 (got height " +
                       std::to_string(h) + ", width " + std::to_string(w) +
                       "); darknet letterboxes the image, e.g. 1920×1080 runs as width 1920, height 1088");
    const std::int64_t outChannels = 3 * (classes + 5); // 3 anchors × (x, y, w, h, objectness, classes)

    GraphBuilder b("yolov3");
    int x = b.input("image", {1, 3, h, w});
    x = convBnLeaky(b, x, 32, 3);
    x = darknetStage(b, x, 64, 1);
    x = darknetStage(b, x, 128, 2);
    const int c3 = darknetStage(b, x, 256, 8);   // stride 8 (cfg layer 36)
    const int c4 = darknetStage(b, c3, 512, 8);  // stride 16 (cfg layer 61)
    const int c5 = darknetStage(b, c4, 1024, 4); // stride 32

    const Head large = detectionHead(b, c5, 512, outChannels);
    const Head medium = detectionHead(b, upsampleAndJoin(b, large.route, c4, 256), 256, outChannels);
    const Head small = detectionHead(b, upsampleAndJoin(b, medium.route, c3, 128), 128, outChannels);
    b.markOutput(large.detections);
    b.markOutput(medium.detections);
    b.markOutput(small.detections);
    return b.take();
}

} // namespace bs::zoo
