#include "graph/GraphBuilder.h"

#include <algorithm>

namespace bs {

namespace {
Shape broadcastShapes(const Shape& a, const Shape& b) {
    const std::size_t rank = std::max(a.size(), b.size());
    Shape out(rank, 1);
    for (std::size_t i = 0; i < rank; ++i) {
        const std::int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
        const std::int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
        if (da != db && da != 1 && db != 1)
            throw GraphError("cannot broadcast " + shapeString(a) + " with " + shapeString(b));
        out[i] = std::max(da, db);
    }
    return out;
}
} // namespace

GraphBuilder::GraphBuilder(std::string modelName) {
    graph_.name = std::move(modelName);
}

std::string GraphBuilder::nextName(const char* type) {
    return std::string(type) + "_" + std::to_string(counter_++);
}

int GraphBuilder::input(const std::string& name, Shape perSampleShape) {
    return graph_.addTensor(Tensor{name, std::move(perSampleShape), TensorKind::Input, false});
}

int GraphBuilder::state(const std::string& name, Shape perSampleShape) {
    return graph_.addTensor(Tensor{name, std::move(perSampleShape), TensorKind::State, false});
}

void GraphBuilder::markOutput(int tensor) {
    graph_.tensor(tensor).graphOutput = true;
}

void GraphBuilder::markKvCache(int tensor) {
    markOutput(tensor);
    graph_.tensor(tensor).kvCache = true;
}

int GraphBuilder::weight(const std::string& name, Shape shape) {
    return graph_.addTensor(Tensor{name, std::move(shape), TensorKind::Weight, false});
}

int GraphBuilder::activation(const std::string& opName, Shape shape) {
    return graph_.addTensor(Tensor{opName + ":out", std::move(shape), TensorKind::Activation, false});
}

int GraphBuilder::conv(int x, std::int64_t outChannels, std::int64_t kernel, std::int64_t stride,
                       std::int64_t pad, std::int64_t groups, bool bias, std::int64_t dilation) {
    const Shape in = shape(x);
    if (in.size() != 4) throw GraphError("conv expects NCHW input, got " + shapeString(in));
    const std::int64_t cin = in[1];
    if (cin % groups != 0 || outChannels % groups != 0)
        throw GraphError("conv groups do not divide channels");
    const std::int64_t effK = dilation * (kernel - 1) + 1;
    const std::int64_t oh = (in[2] + 2 * pad - effK) / stride + 1;
    const std::int64_t ow = (in[3] + 2 * pad - effK) / stride + 1;
    if (oh <= 0 || ow <= 0) throw GraphError("conv output is empty for input " + shapeString(in));
    const std::string name = nextName("conv");
    Op op{name,         "Conv",
          OpKind::Conv, {x, weight(name + ".weight", {outChannels, cin / groups, kernel, kernel})},
          {},           {}};
    if (bias) op.inputs.push_back(weight(name + ".bias", {outChannels}));
    op.attrs.kernel = {kernel, kernel};
    op.attrs.strides = {stride, stride};
    op.attrs.pads = {pad, pad, pad, pad};
    op.attrs.dilations = {dilation, dilation};
    op.attrs.groups = groups;
    const int y = activation(name, {in[0], outChannels, oh, ow});
    op.outputs = {y};
    graph_.addOp(std::move(op));
    return y;
}

int GraphBuilder::batchNorm(int x) {
    const std::int64_t c = shape(x).at(1);
    const std::string name = nextName("bn");
    // Learned scale and shift are parameters (running statistics are buffers, as torchvision counts).
    const int y = activation(name, shape(x));
    graph_.addOp(Op{name,
                    "BatchNormalization",
                    OpKind::BatchNorm,
                    {x, weight(name + ".weight", {c}), weight(name + ".bias", {c})},
                    {y},
                    {}});
    return y;
}

int GraphBuilder::unary(int x, OpKind kind, const char* type) {
    const std::string name = nextName(type);
    const int y = activation(name, shape(x));
    graph_.addOp(Op{name, type, kind, {x}, {y}, {}});
    return y;
}

int GraphBuilder::binary(int a, int b, OpKind kind, const char* type) {
    const std::string name = nextName(type);
    const int y = activation(name, broadcastShapes(shape(a), shape(b)));
    graph_.addOp(Op{name, type, kind, {a, b}, {y}, {}});
    return y;
}

int GraphBuilder::allReduce(int x, std::int64_t devices) {
    const std::string name = nextName("AllReduce");
    const int y = activation(name, shape(x));
    Op op{name, "AllReduce", OpKind::AllReduce, {x}, {y}, {}};
    op.attrs.groups = devices;
    graph_.addOp(std::move(op));
    return y;
}

int GraphBuilder::allGather(int x, std::int64_t devices) {
    const std::string name = nextName("AllGather");
    Shape s = shape(x);
    s.back() *= devices;
    const int y = activation(name, s);
    Op op{name, "AllGather", OpKind::AllGather, {x}, {y}, {}};
    op.attrs.groups = devices;
    graph_.addOp(std::move(op));
    return y;
}

int GraphBuilder::allToAll(int x, std::int64_t devices, std::int64_t topK, double imbalance) {
    if (imbalance < 1.0) throw GraphError("all-to-all imbalance factor must be ≥ 1");
    const std::string name = nextName("AllToAll");
    const int y = activation(name, shape(x));
    Op op{name, "AllToAll", OpKind::AllToAll, {x}, {y}, {}};
    op.attrs.groups = devices;
    op.attrs.topK = topK;
    op.attrs.imbalance = imbalance;
    graph_.addOp(std::move(op));
    return y;
}

int GraphBuilder::relu(int x) {
    return unary(x, OpKind::Relu, "Relu");
}
int GraphBuilder::relu6(int x) {
    return unary(x, OpKind::Clip, "Clip");
}
int GraphBuilder::leakyRelu(int x) {
    return unary(x, OpKind::LeakyRelu, "LeakyRelu");
}
int GraphBuilder::silu(int x) {
    return unary(x, OpKind::Silu, "Silu");
}
int GraphBuilder::gelu(int x) {
    return unary(x, OpKind::Gelu, "Gelu");
}
int GraphBuilder::sigmoid(int x) {
    return unary(x, OpKind::Sigmoid, "Sigmoid");
}
int GraphBuilder::softmax(int x) {
    return unary(x, OpKind::Softmax, "Softmax");
}
int GraphBuilder::add(int a, int b) {
    return binary(a, b, OpKind::Add, "Add");
}
int GraphBuilder::mul(int a, int b) {
    return binary(a, b, OpKind::Mul, "Mul");
}

int GraphBuilder::layerNorm(int x) {
    const std::int64_t c = shape(x).back();
    const std::string name = nextName("ln");
    const int y = activation(name, shape(x));
    graph_.addOp(Op{name,
                    "LayerNormalization",
                    OpKind::LayerNorm,
                    {x, weight(name + ".weight", {c}), weight(name + ".bias", {c})},
                    {y},
                    {}});
    return y;
}

int GraphBuilder::rmsNorm(int x) {
    const std::int64_t c = shape(x).back();
    const std::string name = nextName("rmsnorm");
    const int y = activation(name, shape(x));
    graph_.addOp(Op{name, "RMSNorm", OpKind::RmsNorm, {x, weight(name + ".weight", {c})}, {y}, {}});
    return y;
}

std::pair<int, int> GraphBuilder::rotary(int q, int k) {
    const std::string name = nextName("rotary");
    const int qOut = activation(name + ".q", shape(q));
    const int kOut = activation(name + ".k", shape(k));
    graph_.addOp(Op{name, "RotaryEmbedding", OpKind::Rotary, {q, k}, {qOut, kOut}, {}});
    return {qOut, kOut};
}

int GraphBuilder::maxPool(int x, std::int64_t kernel, std::int64_t stride, std::int64_t pad) {
    const Shape in = shape(x);
    const std::int64_t oh = (in[2] + 2 * pad - kernel) / stride + 1;
    const std::int64_t ow = (in[3] + 2 * pad - kernel) / stride + 1;
    const std::string name = nextName("maxpool");
    Op op{name, "MaxPool", OpKind::MaxPool, {x}, {}, {}};
    op.attrs.kernel = {kernel, kernel};
    op.attrs.strides = {stride, stride};
    op.attrs.pads = {pad, pad, pad, pad};
    const int y = activation(name, {in[0], in[1], oh, ow});
    op.outputs = {y};
    graph_.addOp(std::move(op));
    return y;
}

int GraphBuilder::globalAvgPool(int x) {
    const Shape in = shape(x);
    const std::string name = nextName("gap");
    const int y = activation(name, {in[0], in[1], 1, 1});
    graph_.addOp(Op{name, "GlobalAveragePool", OpKind::GlobalAvgPool, {x}, {y}, {}});
    return y;
}

int GraphBuilder::upsampleNearest(int x, std::int64_t scale) {
    const Shape in = shape(x);
    const std::string name = nextName("resize");
    const int y = activation(name, {in[0], in[1], in[2] * scale, in[3] * scale});
    graph_.addOp(Op{name, "Resize", OpKind::Resize, {x}, {y}, {}});
    return y;
}

int GraphBuilder::concat(const std::vector<int>& xs, std::int64_t axis) {
    Shape out = shape(xs.at(0));
    const auto ax = static_cast<std::size_t>(axis < 0 ? axis + static_cast<std::int64_t>(out.size()) : axis);
    out[ax] = 0;
    for (int t : xs)
        out[ax] += shape(t).at(ax);
    const std::string name = nextName("concat");
    const int y = activation(name, out);
    Op op{name, "Concat", OpKind::Concat, xs, {y}, {}};
    op.attrs.axis = axis;
    graph_.addOp(std::move(op));
    return y;
}

int GraphBuilder::flatten(int x) {
    const Shape in = shape(x);
    const std::int64_t rest = elementCount(in) / in[0];
    const std::string name = nextName("flatten");
    const int y = activation(name, {in[0], rest});
    graph_.addOp(Op{name, "Flatten", OpKind::Flatten, {x}, {y}, {}});
    return y;
}

int GraphBuilder::linear(int x, std::int64_t outFeatures, bool bias) {
    Shape out = shape(x);
    const std::int64_t in = out.back();
    out.back() = outFeatures;
    const std::string name = nextName("linear");
    Op op{name, "Gemm", OpKind::Gemm, {x, weight(name + ".weight", {outFeatures, in})}, {}, {}};
    op.attrs.transB = true;
    if (bias) op.inputs.push_back(weight(name + ".bias", {outFeatures}));
    const int y = activation(name, out);
    op.outputs = {y};
    graph_.addOp(std::move(op));
    return y;
}

int GraphBuilder::matmul(int a, int b) {
    const Shape sa = shape(a), sb = shape(b);
    if (sa.size() < 2 || sb.size() < 2 || sa.back() != sb[sb.size() - 2])
        throw GraphError("matmul shapes do not agree: " + shapeString(sa) + " × " + shapeString(sb));
    Shape lead = broadcastShapes(Shape(sa.begin(), sa.end() - 2), Shape(sb.begin(), sb.end() - 2));
    lead.push_back(sa[sa.size() - 2]);
    lead.push_back(sb.back());
    const std::string name = nextName("matmul");
    const int y = activation(name, lead);
    graph_.addOp(Op{name, "MatMul", OpKind::MatMul, {a, b}, {y}, {}});
    return y;
}

int GraphBuilder::headLinear(int x, std::int64_t outFeatures) {
    const Shape in = shape(x);
    if (in.size() != 4) throw GraphError("head projection expects [1, H, T, K], got " + shapeString(in));
    const std::string name = nextName("headproj");
    const int w = weight(name + ".weight", {in[1], in[3], outFeatures});
    const int y = activation(name, {in[0], in[1], in[2], outFeatures});
    graph_.addOp(Op{name, "MatMul", OpKind::MatMul, {x, w}, {y}, {}});
    return y;
}

int GraphBuilder::tiedLinear(int x, int embeddingOutput) {
    const int producer = graph_.producer(embeddingOutput);
    if (producer < 0 || graph_.op(producer).kind != OpKind::Gather)
        throw GraphError("tied linear needs the output of an embedding");
    const int table = graph_.op(producer).inputs.at(0);
    Shape out = shape(x);
    out.back() = shape(table).at(0);
    const std::string name = nextName("linear");
    Op op{name, "Gemm", OpKind::Gemm, {x, table}, {}, {}};
    op.attrs.transB = true;
    const int y = activation(name, out);
    op.outputs = {y};
    graph_.addOp(std::move(op));
    return y;
}

int GraphBuilder::reshape(int x, Shape perSampleShape) {
    if (elementCount(perSampleShape) != elementCount(shape(x)))
        throw GraphError("reshape " + shapeString(shape(x)) + " → " + shapeString(perSampleShape) +
                         " changes the element count");
    const std::string name = nextName("reshape");
    const int y = activation(name, std::move(perSampleShape));
    graph_.addOp(Op{name, "Reshape", OpKind::Reshape, {x}, {y}, {}});
    return y;
}

int GraphBuilder::transpose(int x, const std::vector<int>& perm, bool strided) {
    const Shape in = shape(x);
    Shape out(in.size());
    for (std::size_t i = 0; i < perm.size(); ++i)
        out[i] = in.at(static_cast<std::size_t>(perm[i]));
    const std::string name = nextName("transpose");
    const int y = activation(name, out);
    OpAttrs attrs;
    attrs.strided = strided;
    graph_.addOp(Op{name, "Transpose", OpKind::Transpose, {x}, {y}, attrs});
    return y;
}

int GraphBuilder::fusedAttention(int q, int kT, int v) {
    const int first = static_cast<int>(graph_.ops().size());
    const int ctx = matmul(softmax(matmul(q, kT)), v);
    for (int op = first; op < static_cast<int>(graph_.ops().size()); ++op)
        graph_.attrs(op).fusedAttention = true;
    return ctx;
}

int GraphBuilder::attention(int q, int kT, int v, bool fused) {
    return fused ? fusedAttention(q, kT, v) : matmul(softmax(matmul(q, kT)), v);
}

int GraphBuilder::slice(int x, std::int64_t axis, std::int64_t count) {
    Shape out = shape(x);
    out.at(static_cast<std::size_t>(axis)) = count;
    const std::string name = nextName("slice");
    const int y = activation(name, out);
    Op op{name, "Slice", OpKind::Slice, {x}, {y}, {}};
    op.attrs.axis = axis;
    graph_.addOp(std::move(op));
    return y;
}

int GraphBuilder::embedding(int ids, std::int64_t rows, std::int64_t dim) {
    Shape out = shape(ids);
    out.push_back(dim);
    const std::string name = nextName("embedding");
    const int table = weight(name + ".weight", {rows, dim});
    const int y = activation(name, out);
    graph_.addOp(Op{name, "Gather", OpKind::Gather, {table, ids}, {y}, {}});
    return y;
}

int GraphBuilder::addLearned(int x, const std::string& what) {
    Shape w = shape(x);
    w[0] = 1;
    const std::string name = nextName("add");
    const int y = activation(name, shape(x));
    graph_.addOp(Op{name, "Add", OpKind::Add, {x, weight(name + "." + what, w)}, {y}, {}});
    return y;
}

int GraphBuilder::expertGemm(int x, std::int64_t experts, std::int64_t topK, double imbalance,
                             std::int64_t outFeatures, std::int64_t shards) {
    if (topK < 1 || topK > experts) throw GraphError("expert top-k must be in 1..experts");
    if (imbalance < 1.0) throw GraphError("expert imbalance factor must be ≥ 1");
    if (shards < 1 || experts % shards != 0)
        throw GraphError("ep=" + std::to_string(shards) + " must divide the " + std::to_string(experts) +
                         " experts");
    Shape out = shape(x);
    const std::int64_t in = out.back();
    out.back() = outFeatures;
    const std::string name = nextName("experts");
    Op op{name,
          "ExpertGemm",
          OpKind::ExpertGemm,
          {x, weight(name + ".weight", {experts / shards, in, outFeatures})},
          {},
          {}};
    op.attrs.experts = experts;
    op.attrs.expertShards = shards;
    op.attrs.topK = topK;
    op.attrs.imbalance = imbalance;
    const int y = activation(name, out);
    op.outputs = {y};
    graph_.addOp(std::move(op));
    return y;
}

int GraphBuilder::unknown(int x, const std::string& type) {
    const std::string name = nextName(type.c_str());
    const int y = activation(name, shape(x));
    graph_.addOp(Op{name, type, OpKind::Unknown, {x}, {y}, {}});
    return y;
}

} // namespace bs
