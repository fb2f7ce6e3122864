// Static shape evaluation (OnnxShapeEval): each op on tiny tensors built here; then whole imports
// whose Pad/Resize/Reshape targets come from shape arithmetic libonnx cannot propagate, unnamed
// dynamic axes, load-time zeros that are not parameters, windows longer than their input, and the
// shape-inference worker under concurrent imports.
#include "OnnxTestModels.h"
#include "onnx/OnnxImport.h"
#include "onnx/OnnxInference.h"
#include "onnx/OnnxShapeEval.h"

#include <QThreadPool>
#include <QtTest>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>

using namespace bs;
using namespace bs::onnximport;

namespace {

using TP = onnx::TensorProto;

ConstValue ints(std::vector<std::int64_t> v, Shape dims = {}) {
    ConstValue c;
    c.dims = dims.empty() && v.size() != 1 ? Shape{static_cast<std::int64_t>(v.size())} : dims;
    c.ints = std::move(v);
    return c;
}

ConstValue scalar(std::int64_t v) {
    ConstValue c;
    c.ints = {v};
    return c;
}

ConstValue reals(std::vector<double> v) {
    ConstValue c;
    c.elemType = TP::FLOAT;
    c.dims = {static_cast<std::int64_t>(v.size())};
    c.reals = std::move(v);
    return c;
}

/// Evaluates one node whose inputs are named a, b, c, ... with the given values; `x` has `xShape`.
struct Eval {
    std::map<std::string, ConstValue> values;
    std::map<std::string, Shape> shapes;
    std::int64_t opset = 17;

    std::optional<std::vector<ConstValue>> run(const onnx::NodeProto& n) const {
        EvalInputs in;
        in.value = [&](const std::string& name) -> const ConstValue* {
            auto it = values.find(name);
            return it == values.end() ? nullptr : &it->second;
        };
        in.shape = [&](const std::string& name) -> const Shape* {
            auto it = shapes.find(name);
            return it == shapes.end() ? nullptr : &it->second;
        };
        in.opset = opset;
        return evaluateNode(n, in);
    }
};

onnx::NodeProto node(const char* type, std::vector<std::string> in) {
    onnx::NodeProto n;
    n.set_op_type(type);
    for (auto& i : in)
        n.add_input(i);
    n.add_output("out");
    return n;
}

void setInt(onnx::NodeProto& n, const char* name, std::int64_t v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
}

void setInts(onnx::NodeProto& n, const char* name, std::vector<std::int64_t> v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (auto x : v)
        a->add_ints(x);
}

std::vector<std::int64_t> outInts(const std::optional<std::vector<ConstValue>>& r) {
    if (!r || r->empty()) return {-999};
    return r->front().ints;
}

Shape outDims(const std::optional<std::vector<ConstValue>>& r) {
    return r && !r->empty() ? r->front().dims : Shape{-999};
}

onnx::TensorProto* int64Init(onnx::GraphProto* g, const char* name, std::vector<std::int64_t> v) {
    auto* t = addInitializer(g, name, TP::INT64, {static_cast<std::int64_t>(v.size())});
    for (auto x : v)
        t->add_int64_data(x);
    return t;
}

onnx::TensorProto* int64Scalar(onnx::GraphProto* g, const char* name, std::int64_t v) {
    auto* t = addInitializer(g, name, TP::INT64, {});
    t->add_int64_data(v);
    return t;
}

void setDims(onnx::ValueInfoProto* v, const char* name, std::vector<const char*> params, Shape fixed) {
    v->set_name(name);
    auto* t = v->mutable_type()->mutable_tensor_type();
    t->set_elem_type(TP::FLOAT);
    auto* s = t->mutable_shape();
    for (std::size_t i = 0; i < fixed.size(); ++i) {
        auto* d = s->add_dim();
        if (i < params.size() && params[i]) {
            if (*params[i]) d->set_dim_param(params[i]);
        } else {
            d->set_dim_value(fixed[i]);
        }
    }
}

const Tensor* tensorNamed(const Graph& g, const std::string& name) {
    for (const Tensor& t : g.tensors())
        if (t.name == name) return &t;
    return nullptr;
}

std::int64_t parameters(const Graph& g) {
    std::int64_t n = 0;
    for (const Tensor& t : g.tensors())
        if (t.kind == TensorKind::Weight && t.parameter) n += t.elements();
    return n;
}

/// PyTorch's F.pad to a multiple of 8, then a 3×3 conv: pads = (8 - h % 8) % 8 computed from
/// Shape(x) with Mod and Sub (libonnx 1.12 propagates neither through Mod), then a Resize whose
/// `sizes` is floor(shape · 1.5) through Cast to float, Mul, Floor and Cast back.
onnx::ModelProto padResizeModel() {
    onnx::ModelProto m = baseModel();
    auto* g = m.mutable_graph();
    g->set_name("pad_resize");
    setDims(g->add_input(), "x", {"N", nullptr, "height", "width"}, {1, 3, 0, 0});
    addNode(g, "Shape", {"x"}, {"shape"}, "shape");
    int64Init(g, "hw_start", {2});
    int64Init(g, "hw_end", {4});
    addNode(g, "Slice", {"shape", "hw_start", "hw_end"}, {"hw"}, "hw");
    int64Scalar(g, "eight", 8);
    addNode(g, "Mod", {"hw", "eight"}, {"rem"}, "rem");
    addNode(g, "Sub", {"eight", "rem"}, {"missing"}, "missing");
    addNode(g, "Mod", {"missing", "eight"}, {"pad_hw"}, "pad_hw");
    int64Init(g, "zeros6", {0, 0, 0, 0, 0, 0});
    addNode(g, "Concat", {"zeros6", "pad_hw"}, {"pads"}, "pads");
    g->mutable_node(g->node_size() - 1)->add_attribute()->set_name("axis");
    g->mutable_node(g->node_size() - 1)->mutable_attribute(0)->set_type(onnx::AttributeProto::INT);
    g->mutable_node(g->node_size() - 1)->mutable_attribute(0)->set_i(0);
    addNode(g, "Pad", {"x", "pads"}, {"padded"}, "pad");
    addInitializer(g, "W", TP::FLOAT, {16, 3, 3, 3});
    auto* conv = addNode(g, "Conv", {"padded", "W"}, {"y"}, "conv");
    setInts(*conv, "pads", {1, 1, 1, 1});
    // sizes = [1, 16] ++ floor(Shape(y)[2:4] · 1.5)
    addNode(g, "Shape", {"y"}, {"yshape"}, "yshape");
    addNode(g, "Slice", {"yshape", "hw_start", "hw_end"}, {"yhw"}, "yhw");
    auto* toF = addNode(g, "Cast", {"yhw"}, {"yhw_f"}, "to_float");
    setInt(*toF, "to", TP::FLOAT);
    auto* scale = addInitializer(g, "scale", TP::FLOAT, {});
    scale->add_float_data(1.5f);
    addNode(g, "Mul", {"yhw_f", "scale"}, {"scaled"}, "scaled");
    addNode(g, "Floor", {"scaled"}, {"floored"}, "floor");
    auto* toI = addNode(g, "Cast", {"floored"}, {"up_hw"}, "to_int");
    setInt(*toI, "to", TP::INT64);
    int64Init(g, "nc", {1, 16});
    auto* cat = addNode(g, "Concat", {"nc", "up_hw"}, {"sizes"}, "sizes");
    setInt(*cat, "axis", 0);
    addNode(g, "Resize", {"y", "", "", "sizes"}, {"up"}, "resize");
    g->add_output()->set_name("up");
    m.mutable_opset_import(0)->set_version(13);
    return m;
}

} // namespace

class TstOnnxShapes : public QObject {
    Q_OBJECT

  private slots:
    // Runs first: the worker pool is still empty, so the import must start a worker.
    void missingWorkerIsOneClearLine() {
        qputenv("BATCHSCOPE_ONNX_WORKER", "/nonexistent/batchscope-onnx-worker");
        try {
            importOnnxBytes(bytes(padResizeModel()), "w.onnx",
                            OnnxImportOptions::withDims({{"height", 30}, {"width", 20}}));
            QFAIL("expected an OnnxError");
        } catch (const OnnxError& e) {
            const QString msg = QString::fromUtf8(e.what());
            QVERIFY2(msg.startsWith(QStringLiteral("w.onnx: cannot start the shape inference worker "
                                                   "/nonexistent/batchscope-onnx-worker")),
                     e.what());
        }
        qunsetenv("BATCHSCOPE_ONNX_WORKER");
        QVERIFY(!onnxWorkerPath().empty());
    }

    // ---- one op at a time ----------------------------------------------------------------------

    void shapeAndSize() {
        Eval e;
        e.shapes["x"] = {1, 3, 224, 160};
        QCOMPARE(outInts(e.run(node("Shape", {"x"}))), (std::vector<std::int64_t>{1, 3, 224, 160}));
        auto n = node("Shape", {"x"});
        setInt(n, "start", -2);
        QCOMPARE(outInts(e.run(n)), (std::vector<std::int64_t>{224, 160}));
        QCOMPARE(outInts(e.run(node("Size", {"x"}))), (std::vector<std::int64_t>{1 * 3 * 224 * 160}));
        QVERIFY(!e.run(node("Shape", {"unknown"})));
    }

    void gatherSliceConcat() {
        Eval e;
        e.values["s"] = ints({1, 3, 224, 160});
        e.values["i"] = scalar(-1);
        e.values["iv"] = ints({0, 2});
        auto r = e.run(node("Gather", {"s", "i"}));
        QCOMPARE(outInts(r), (std::vector<std::int64_t>{160}));
        QCOMPARE(outDims(r), Shape{}); // a scalar index drops the axis
        QCOMPARE(outInts(e.run(node("Gather", {"s", "iv"}))), (std::vector<std::int64_t>{1, 224}));
        e.values["st"] = ints({1});
        e.values["en"] = ints({INT64_MAX});
        QCOMPARE(outInts(e.run(node("Slice", {"s", "st", "en"}))), (std::vector<std::int64_t>{3, 224, 160}));
        e.values["st"] = ints({-1});
        e.values["en"] = ints({INT64_MIN});
        e.values["ax"] = ints({0});
        e.values["step"] = ints({-1});
        QCOMPARE(outInts(e.run(node("Slice", {"s", "st", "en", "ax", "step"}))),
                 (std::vector<std::int64_t>{160, 224, 3, 1}));
        e.values["m"] = ints({1, 2, 3, 4, 5, 6}, {2, 3});
        e.values["st"] = ints({1});
        e.values["en"] = ints({3});
        e.values["ax"] = ints({1});
        auto sl = e.run(node("Slice", {"m", "st", "en", "ax"}));
        QCOMPARE(outInts(sl), (std::vector<std::int64_t>{2, 3, 5, 6}));
        QCOMPARE(outDims(sl), (Shape{2, 2}));
        auto cat = node("Concat", {"s", "iv"});
        setInt(cat, "axis", 0);
        QCOMPARE(outInts(e.run(cat)), (std::vector<std::int64_t>{1, 3, 224, 160, 0, 2}));
        auto cat2 = node("Concat", {"m", "m"});
        setInt(cat2, "axis", 1);
        auto r2 = e.run(cat2);
        QCOMPARE(outInts(r2), (std::vector<std::int64_t>{1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6}));
        QCOMPARE(outDims(r2), (Shape{2, 6}));
    }

    void squeezeUnsqueezeReshape() {
        Eval e;
        e.values["v"] = scalar(7);
        e.values["axes"] = ints({0});
        auto un = e.run(node("Unsqueeze", {"v", "axes"})); // opset 13: axes as input
        QCOMPARE(outDims(un), Shape{1});
        auto un11 = node("Unsqueeze", {"v"});
        setInts(un11, "axes", {0, 1}); // opset 11: axes as attribute
        QCOMPARE(outDims(e.run(un11)), (Shape{1, 1}));
        e.values["col"] = ints({4, 5}, {2, 1});
        auto sq = node("Squeeze", {"col"});
        QCOMPARE(outDims(e.run(sq)), Shape{2});
        e.values["six"] = ints({1, 2, 3, 4, 5, 6});
        e.values["target"] = ints({3, -1});
        auto rs = e.run(node("Reshape", {"six", "target"}));
        QCOMPARE(outDims(rs), (Shape{3, 2}));
        QCOMPARE(outInts(rs), (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6}));
        // F.pad's export: pads [[0,1],[2,3]] transposed to [[0,2],[1,3]].
        e.values["pairs"] = ints({0, 1, 2, 3}, {2, 2});
        auto tr = e.run(node("Transpose", {"pairs"}));
        QCOMPARE(outInts(tr), (std::vector<std::int64_t>{0, 2, 1, 3}));
        auto tp = node("Transpose", {"six3"});
        setInts(tp, "perm", {1, 0});
        e.values["six3"] = ints({1, 2, 3, 4, 5, 6}, {2, 3});
        QCOMPARE(outDims(e.run(tp)), (Shape{3, 2}));
        QCOMPARE(outInts(e.run(tp)), (std::vector<std::int64_t>{1, 4, 2, 5, 3, 6}));
        e.values["bad"] = ints({4, -1});
        QVERIFY(!e.run(node("Reshape", {"six", "bad"}))); // 6 is not a multiple of 4
    }

    void arithmeticAndCast() {
        Eval e;
        e.values["a"] = ints({7, -7, 224});
        e.values["b"] = scalar(4);
        QCOMPARE(outInts(e.run(node("Add", {"a", "b"}))), (std::vector<std::int64_t>{11, -3, 228}));
        QCOMPARE(outInts(e.run(node("Sub", {"a", "b"}))), (std::vector<std::int64_t>{3, -11, 220}));
        QCOMPARE(outInts(e.run(node("Mul", {"a", "b"}))), (std::vector<std::int64_t>{28, -28, 896}));
        QCOMPARE(outInts(e.run(node("Div", {"a", "b"}))),
                 (std::vector<std::int64_t>{1, -1, 56})); // truncates
        QCOMPARE(outInts(e.run(node("Mod", {"a", "b"}))),
                 (std::vector<std::int64_t>{3, 1, 0})); // divisor's sign
        auto fm = node("Mod", {"a", "b"});
        setInt(fm, "fmod", 1);
        QCOMPARE(outInts(e.run(fm)), (std::vector<std::int64_t>{3, -3, 0})); // dividend's sign
        e.values["zero"] = scalar(0);
        QVERIFY(!e.run(node("Div", {"a", "zero"})));
        e.values["big"] = scalar(INT64_MAX);
        QVERIFY(!e.run(node("Mul", {"big", "b"}))); // overflow: not evaluated
        e.values["f"] = reals({2.5, -1.5});
        auto ci = node("Cast", {"f"});
        setInt(ci, "to", TP::INT64);
        QCOMPARE(outInts(e.run(ci)), (std::vector<std::int64_t>{2, -1}));
        auto fl = e.run(node("Floor", {"f"}));
        QVERIFY(fl && fl->front().reals == (std::vector<double>{2.0, -2.0}));
        QVERIFY(!e.run(node("Add", {"a", "f"}))); // mixed types are not ONNX
        e.values["row"] = ints({1, 2, 3}, {1, 3});
        e.values["colv"] = ints({10, 20}, {2, 1});
        auto bc = e.run(node("Add", {"row", "colv"}));
        QCOMPARE(outDims(bc), (Shape{2, 3}));
        QCOMPARE(outInts(bc), (std::vector<std::int64_t>{11, 12, 13, 21, 22, 23}));
    }

    void rangeConstantOfShapeExpandTile() {
        Eval e;
        e.values["s"] = scalar(0);
        e.values["l"] = scalar(10);
        e.values["d"] = scalar(3);
        QCOMPARE(outInts(e.run(node("Range", {"s", "l", "d"}))), (std::vector<std::int64_t>{0, 3, 6, 9}));
        e.values["shape"] = ints({2, 3});
        auto cos = node("ConstantOfShape", {"shape"});
        auto* v = cos.add_attribute();
        v->set_name("value");
        v->set_type(onnx::AttributeProto::TENSOR);
        v->mutable_t()->set_data_type(TP::INT64);
        v->mutable_t()->add_dims(1);
        v->mutable_t()->add_int64_data(5);
        auto r = e.run(cos);
        QCOMPARE(outDims(r), (Shape{2, 3}));
        QCOMPARE(outInts(r), (std::vector<std::int64_t>(6, 5)));
        e.values["huge"] = ints({1, 512, 512, 512});
        QVERIFY(!e.run(node("ConstantOfShape", {"huge"}))); // activation-sized: left to inference
        e.values["one"] = ints({1, 2});
        e.values["to"] = ints({3, 1});
        auto ex = e.run(node("Expand", {"one", "to"}));
        QCOMPARE(outDims(ex), (Shape{3, 2}));
        QCOMPARE(outInts(ex), (std::vector<std::int64_t>{1, 2, 1, 2, 1, 2}));
        e.values["rep"] = ints({3});
        QCOMPARE(outInts(e.run(node("Tile", {"one", "rep"}))), (std::vector<std::int64_t>{1, 2, 1, 2, 1, 2}));
    }

    void reduceCompareWhere() {
        Eval e;
        e.values["hw"] = ints({224, 160});
        auto prod = node("ReduceProd", {"hw"});
        setInt(prod, "keepdims", 0);
        QCOMPARE(outInts(e.run(prod)), (std::vector<std::int64_t>{224 * 160}));
        QCOMPARE(outDims(e.run(prod)), Shape{});
        auto sum = node("ReduceSum", {"hw"}); // keepdims defaults to 1
        QCOMPARE(outDims(e.run(sum)), Shape{1});
        QCOMPARE(outInts(e.run(sum)), (std::vector<std::int64_t>{384}));
        e.values["lim"] = ints({200, 200});
        auto less = e.run(node("Less", {"hw", "lim"}));
        QCOMPARE(outInts(less), (std::vector<std::int64_t>{0, 1}));
        QCOMPARE(less->front().elemType, int(TP::BOOL));
        e.values["cond"] = less->front();
        QCOMPARE(outInts(e.run(node("Where", {"cond", "hw", "lim"}))), (std::vector<std::int64_t>{200, 160}));
        QCOMPARE(outInts(e.run(node("Not", {"cond"}))), (std::vector<std::int64_t>{1, 0}));
        QCOMPARE(outInts(e.run(node("Equal", {"hw", "lim"}))), (std::vector<std::int64_t>{0, 0}));
    }

    void constantNodesAndTensors() {
        auto c = node("Constant", {});
        setInts(c, "value_ints", {1, -1});
        QCOMPARE(outInts(Eval().run(c)), (std::vector<std::int64_t>{1, -1}));
        // A raw_data tensor round-trips through the Constant the importer writes back.
        onnx::TensorProto t;
        t.set_data_type(TP::INT32);
        t.add_dims(3);
        const std::int32_t raw[3] = {4, -5, 6};
        t.set_raw_data(std::string(reinterpret_cast<const char*>(raw), sizeof raw));
        auto v = constFromTensor(t);
        QVERIFY(v);
        QCOMPARE(v->ints, (std::vector<std::int64_t>{4, -5, 6}));
        auto back = constFromTensor(tensorFromConst(*v, "t"));
        QVERIFY(back && back->ints == v->ints && back->dims == v->dims);
        // Float weights are never decoded: they are not shape arithmetic.
        onnx::TensorProto w;
        w.set_data_type(TP::FLOAT);
        w.add_dims(64);
        w.add_dims(64);
        for (int i = 0; i < 64 * 64; ++i)
            w.add_float_data(1.0f);
        QVERIFY(!constFromTensor(w));
        // Wrong raw size (a truncated file): not decoded.
        t.set_raw_data("abc");
        QVERIFY(!constFromTensor(t));
    }

    // ---- whole imports -------------------------------------------------------------------------

    void padAndResizeFromShapeArithmetic() {
        const OnnxModel m = importOnnxBytes(bytes(padResizeModel()), "pad_resize.onnx",
                                            OnnxImportOptions::withDims({{"height", 30}, {"width", 20}}));
        // 30 → 32 and 20 → 24 after padding; the 3×3 conv keeps 32×24; Resize ×1.5 → 48×36.
        const Tensor* padded = tensorNamed(m.graph, "padded");
        QVERIFY(padded);
        QCOMPARE(padded->shape, (Shape{1, 3, 32, 24}));
        const Tensor* up = tensorNamed(m.graph, "up");
        QVERIFY(up);
        QCOMPARE(up->shape, (Shape{1, 16, 48, 36}));
        QCOMPARE(parameters(m.graph), std::int64_t{16 * 3 * 3 * 3});
        QVERIFY(m.summary.notCosted.empty());
    }

    void unnamedAxesAreAddressedAsInputColonAxis() {
        onnx::ModelProto model = baseModel();
        auto* g = model.mutable_graph();
        setDims(g->add_input(), "image", {"", nullptr, "", ""}, {1, 3, 0, 0}); // all dynamic, unnamed
        addInitializer(g, "W", TP::FLOAT, {8, 3, 3, 3});
        addNode(g, "Conv", {"image", "W"}, {"y"}, "conv");
        g->add_output()->set_name("y");
        try {
            importOnnxBytes(bytes(model), "u.onnx");
            QFAIL("expected OnnxUnboundDimsError");
        } catch (const OnnxUnboundDimsError& e) {
            QCOMPARE(e.names, (std::vector<std::string>{"image:2", "image:3"}));
            QVERIFY2(std::string(e.what()).find("--dim INPUT:AXIS=VALUE") != std::string::npos, e.what());
        }
        const OnnxModel m = importOnnxBytes(bytes(model), "u.onnx",
                                            OnnxImportOptions::withDims({{"image:2", 64}, {"image:3", 48}}));
        QCOMPARE(tensorNamed(m.graph, "y")->shape, (Shape{1, 8, 62, 46}));
        QCOMPARE(m.summary.dims.at("image:2"), std::int64_t{64});
    }

    void loadTimeZerosAreNotParameters() {
        // Channel padding as face detectors export it: Concat(x, ConstantOfShape([1,5,8,8])).
        onnx::ModelProto model = baseModel();
        auto* g = model.mutable_graph();
        setDims(g->add_input(), "x", {"N"}, {1, 3, 8, 8});
        int64Init(g, "zshape", {1, 5, 8, 8});
        addNode(g, "ConstantOfShape", {"zshape"}, {"zeros"}, "zeros");
        auto* cat = addNode(g, "Concat", {"x", "zeros"}, {"cat"}, "cat");
        setInt(*cat, "axis", 1);
        addInitializer(g, "W", TP::FLOAT, {4, 8, 1, 1});
        addNode(g, "Conv", {"cat", "W"}, {"y"}, "conv");
        g->add_output()->set_name("y");
        const OnnxModel m = importOnnxBytes(bytes(model), "z.onnx");
        QCOMPARE(parameters(m.graph), std::int64_t{4 * 8}); // W only, not the 320 zeros
    }

    void windowLongerThanInputSaysSo() {
        onnx::ModelProto model = baseModel();
        auto* g = model.mutable_graph();
        setDims(g->add_input(), "x", {"N", nullptr, "h", "w"}, {1, 3, 0, 0});
        addInitializer(g, "W", TP::FLOAT, {8, 3, 7, 7});
        addNode(g, "Conv", {"x", "W"}, {"y"}, "stem");
        addNode(g, "Relu", {"y"}, {"z"}, "act");
        g->add_output()->set_name("z");
        try {
            importOnnxBytes(bytes(model), "small.onnx", OnnxImportOptions::withDims({{"h", 4}, {"w", 32}}));
            QFAIL("expected an OnnxError");
        } catch (const OnnxError& e) {
            const std::string msg = e.what();
            QVERIFY2(msg.find("node 'stem' (Conv)") != std::string::npos, msg.c_str());
            QVERIFY2(msg.find("input axis 2 has length 4, shorter than the window of 7") != std::string::npos,
                     msg.c_str());
            QVERIFY2(msg.find("would be negative") != std::string::npos, msg.c_str());
        }
    }

    // ---- the worker ----------------------------------------------------------------------------

    void concurrentImportsFromEightThreads() {
        // 8 imports at once from a thread pool, 20 rounds: each takes its own worker; none waits on
        // another's lock.
        const std::vector<std::pair<std::string, std::map<std::string, std::int64_t>>> files{
            {"resnet18.onnx", {{"height", 64}, {"width", 64}}},
            {"mobilenet_v2.onnx", {{"height", 64}, {"width", 64}}},
            {"distilbert_encoder.onnx", {}},
            {"resnet50.onnx", {{"height", 64}, {"width", 64}}},
        };
        std::vector<std::string> data;
        for (const auto& f : files) {
            std::ifstream in(std::string(BATCHSCOPE_TEST_DATA_DIR) + "/" + f.first, std::ios::binary);
            data.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        }
        const std::string padResize = bytes(padResizeModel());
        std::atomic<int> ok{0};
        std::vector<std::string> errors(8);
        QThreadPool pool; // as the window imports: a pool of worker threads
        pool.setMaxThreadCount(8);
        for (int round = 0; round < 20; ++round) {
            for (int t = 0; t < 8; ++t)
                pool.start([&, t] {
                    try {
                        if (t < 4) {
                            const auto& f = files[static_cast<std::size_t>(t)];
                            importOnnxBytes(data[static_cast<std::size_t>(t)], f.first,
                                            OnnxImportOptions::withDims(f.second));
                        } else {
                            importOnnxBytes(padResize, "pad_resize.onnx",
                                            OnnxImportOptions::withDims({{"height", 30 + t}, {"width", 20}}));
                        }
                        ++ok;
                    } catch (const std::exception& e) {
                        errors[static_cast<std::size_t>(t)] = e.what();
                    }
                });
            pool.waitForDone();
            for (const std::string& e : errors)
                QVERIFY2(e.empty(), e.c_str());
        }
        QCOMPARE(ok.load(), 160);
    }
};

QTEST_GUILESS_MAIN(TstOnnxShapes)
#include "tst_onnx_shapes.moc"
