// Control flow in imported ONNX graphs (OnnxControlFlow): an If whose condition the shape
// evaluator decides becomes its branch; one decided only at run time costs the costlier branch and
// says so; a Loop with a static trip count and a Scan over a known length are unrolled; weights
// inside subgraphs are parameters, counted once; inlined ops are named under their parent.
#include "OnnxTestModels.h"
#include "graph/OpCost.h"
#include "onnx/OnnxImport.h"

#include <QtTest>
#include <algorithm>

using namespace bs;

namespace {

using TP = onnx::TensorProto;

onnx::GraphProto* addGraphAttr(onnx::NodeProto* n, const char* name) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::GRAPH);
    auto* g = a->mutable_g();
    g->set_name(name);
    return g;
}

void addIntAttr(onnx::NodeProto* n, const char* name, std::int64_t v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
}

void addIntsAttr(onnx::NodeProto* n, const char* name, std::vector<std::int64_t> v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (auto x : v)
        a->add_ints(x);
}

void valueInfo(onnx::ValueInfoProto* v, const std::string& name, int type,
               const std::vector<std::int64_t>& dims) {
    v->set_name(name);
    auto* t = v->mutable_type()->mutable_tensor_type();
    t->set_elem_type(type);
    auto* s = t->mutable_shape();
    for (auto d : dims)
        s->add_dim()->set_dim_value(d);
}

/// x[N,16] → If(cond) { MatMul(x, Wt[16,64]) } else { MatMul(x, We[16,8]) → Pad to 64 } → Relu.
/// The condition is `cond` (a graph input) or, with `shapeCondition`, Shape(x)[1] == 16.
onnx::ModelProto ifModel(bool shapeCondition) {
    onnx::ModelProto m = baseModel();
    auto* g = m.mutable_graph();
    setShape(g->add_input(), {1, 16}, "N");
    g->mutable_input(0)->set_name("x");
    if (shapeCondition) {
        addNode(g, "Shape", {"x"}, {"xs"}, "xs");
        auto* idx = addInitializer(g, "one", TP::INT64, {});
        idx->add_int64_data(1);
        auto* gather = addNode(g, "Gather", {"xs", "one"}, {"width"}, "width");
        addIntAttr(gather, "axis", 0);
        auto* sixteen = addInitializer(g, "sixteen", TP::INT64, {});
        sixteen->add_int64_data(16);
        addNode(g, "Equal", {"width", "sixteen"}, {"cond"}, "is16");
    } else {
        valueInfo(g->add_input(), "cond", TP::BOOL, {});
    }
    auto* node = addNode(g, "If", {"cond"}, {"h"}, "choose");
    auto* then = addGraphAttr(node, "then_branch");
    addInitializer(then, "Wt", TP::FLOAT, {16, 64});
    addNode(then, "MatMul", {"x", "Wt"}, {"t"}, "big");
    valueInfo(then->add_output(), "t", TP::FLOAT, {1, 64});
    auto* other = addGraphAttr(node, "else_branch");
    addInitializer(other, "We", TP::FLOAT, {16, 8});
    addNode(other, "MatMul", {"x", "We"}, {"e0"}, "small");
    auto* pads = addInitializer(other, "pads", TP::INT64, {4});
    for (auto p : {0, 0, 0, 56})
        pads->add_int64_data(p);
    addNode(other, "Pad", {"e0", "pads"}, {"e"}, "pad");
    valueInfo(other->add_output(), "e", TP::FLOAT, {1, 64});
    addNode(g, "Relu", {"h"}, {"y"}, "act");
    g->add_output()->set_name("y");
    return m;
}

bool hasOp(const Graph& g, const std::string& name) {
    return std::any_of(g.ops().begin(), g.ops().end(), [&](const Op& op) { return op.name == name; });
}

int opsNamed(const Graph& g, const std::string& prefix) {
    return static_cast<int>(std::count_if(g.ops().begin(), g.ops().end(),
                                          [&](const Op& op) { return op.name.rfind(prefix, 0) == 0; }));
}

double macs(const Graph& g) {
    double m = 0;
    for (const Op& op : g.ops())
        m += costOf(g, op).macs;
    return m;
}

std::int64_t params(const Graph& g) {
    return g.parameterCount();
}

bool warned(const OnnxSummary& s, const std::string& text) {
    return std::any_of(s.warnings.begin(), s.warnings.end(),
                       [&](const std::string& w) { return w.find(text) != std::string::npos; });
}

} // namespace

class TstOnnxControlFlow : public QObject {
    Q_OBJECT

  private slots:
    void ifDecidedByShapesIsItsBranch() {
        const OnnxModel r = importOnnxBytes(bytes(ifModel(true)), "if.onnx");
        QVERIFY(hasOp(r.graph, "choose/then/big"));
        QCOMPARE(opsNamed(r.graph, "choose/else/"), 0);
        QVERIFY(r.summary.notCosted.empty());
        QCOMPARE(macs(r.graph), 16.0 * 64);
        // The else branch is dead code, but a runtime loads its weights: both count.
        QCOMPARE(params(r.graph), std::int64_t{16 * 64 + 16 * 8});
    }

    void ifDecidedAtRunTimeCostsTheCostlierBranch() {
        const OnnxModel r = importOnnxBytes(bytes(ifModel(false)), "if.onnx");
        QVERIFY(hasOp(r.graph, "choose/then/big"));
        QCOMPARE(opsNamed(r.graph, "choose/else/"), 0);
        QCOMPARE(macs(r.graph), 16.0 * 64);
        QCOMPARE(params(r.graph), std::int64_t{16 * 64 + 16 * 8});
        QVERIFY(warned(r.summary,
                       "node 'choose' (If): condition 'cond' is known only at run time; costed the "
                       "then branch (1.02e-06 GMACs, 1 nodes) over the else branch (1.28e-07 GMACs, "
                       "2 nodes)"));
        QVERIFY(r.summary.notCosted.empty());
    }

    void loopWithAStaticTripCountIsUnrolled() {
        // Loop(M=3) { h = Relu(MatMul(h, W)); scan out h } from x[N,16].
        onnx::ModelProto m = baseModel();
        auto* g = m.mutable_graph();
        setShape(g->add_input(), {1, 16}, "N");
        g->mutable_input(0)->set_name("x");
        addInitializer(g, "M", TP::INT64, {})->add_int64_data(3);
        auto* loop = addNode(g, "Loop", {"M", "", "x"}, {"h_final", "hs"}, "steps");
        auto* body = addGraphAttr(loop, "body");
        valueInfo(body->add_input(), "i", TP::INT64, {});
        valueInfo(body->add_input(), "c", TP::BOOL, {});
        valueInfo(body->add_input(), "h", TP::FLOAT, {1, 16});
        addInitializer(body, "W", TP::FLOAT, {16, 16});
        addNode(body, "MatMul", {"h", "W"}, {"mm"}, "mm");
        addNode(body, "Relu", {"mm"}, {"h2"}, "act");
        addNode(body, "Identity", {"c"}, {"c2"}, "keep");
        addNode(body, "Identity", {"h2"}, {"scan"}, "out");
        valueInfo(body->add_output(), "c2", TP::BOOL, {});
        valueInfo(body->add_output(), "h2", TP::FLOAT, {1, 16});
        valueInfo(body->add_output(), "scan", TP::FLOAT, {1, 16});
        g->add_output()->set_name("h_final");
        g->add_output()->set_name("hs");
        const OnnxModel r = importOnnxBytes(bytes(m), "loop.onnx");
        QVERIFY(hasOp(r.graph, "steps/iter0/mm"));
        QVERIFY(hasOp(r.graph, "steps/iter2/mm"));
        QVERIFY(!hasOp(r.graph, "steps/iter3/mm"));
        QCOMPARE(macs(r.graph), 3.0 * 16 * 16);
        QCOMPARE(params(r.graph), std::int64_t{16 * 16}); // the body's weight once, not per iteration
        const auto& ts = r.graph.tensors();
        auto hs = std::find_if(ts.begin(), ts.end(), [](const Tensor& t) { return t.name == "hs"; });
        QVERIFY(hs != ts.end());
        QCOMPARE(hs->shape, (Shape{3, 1, 16})); // scan outputs stacked on a new axis 0
    }

    void scanOverAKnownLengthIsUnrolled() {
        // Scan over axis 1 of x[N,5,16]: s = Add(MatMul(s, W), x_t), 5 steps.
        onnx::ModelProto m = baseModel();
        auto* g = m.mutable_graph();
        setShape(g->add_input(), {1, 5, 16}, "N");
        g->mutable_input(0)->set_name("x");
        setShape(g->add_input(), {1, 16}, "N");
        g->mutable_input(1)->set_name("s0"); // the initial state is an input: step 0 is not folded
        auto* scan = addNode(g, "Scan", {"s0", "x"}, {"s_final", "ys"}, "rnn");
        addIntAttr(scan, "num_scan_inputs", 1);
        addIntsAttr(scan, "scan_input_axes", {1});
        addIntsAttr(scan, "scan_output_axes", {1});
        auto* body = addGraphAttr(scan, "body");
        valueInfo(body->add_input(), "s", TP::FLOAT, {1, 16});
        valueInfo(body->add_input(), "xt", TP::FLOAT, {1, 16});
        addInitializer(body, "W", TP::FLOAT, {16, 16});
        addNode(body, "MatMul", {"s", "W"}, {"sw"}, "mm");
        addNode(body, "Add", {"sw", "xt"}, {"s2"}, "add");
        addNode(body, "Identity", {"s2"}, {"y"}, "out");
        valueInfo(body->add_output(), "s2", TP::FLOAT, {1, 16});
        valueInfo(body->add_output(), "y", TP::FLOAT, {1, 16});
        g->add_output()->set_name("s_final");
        g->add_output()->set_name("ys");
        const OnnxModel r = importOnnxBytes(bytes(m), "scan.onnx");
        QCOMPARE(opsNamed(r.graph, "rnn/step"), 5 * 3 + 5); // body ops plus one slice per step
        QCOMPARE(macs(r.graph), 5.0 * 16 * 16);
        QCOMPARE(params(r.graph), std::int64_t{16 * 16});
        const auto& ts = r.graph.tensors();
        auto ys = std::find_if(ts.begin(), ts.end(), [](const Tensor& t) { return t.name == "ys"; });
        QVERIFY(ys != ts.end());
        QCOMPARE(ys->shape, (Shape{1, 5, 16}));
    }

    void loopOverTheBudgetIsReportedNotCosted() {
        onnx::ModelProto m = baseModel();
        auto* g = m.mutable_graph();
        setShape(g->add_input(), {1, 16}, "N");
        g->mutable_input(0)->set_name("x");
        addInitializer(g, "M", TP::INT64, {})->add_int64_data(1'000'000);
        auto* loop = addNode(g, "Loop", {"M", "", "x"}, {"h_final"}, "forever");
        auto* body = addGraphAttr(loop, "body");
        valueInfo(body->add_input(), "i", TP::INT64, {});
        valueInfo(body->add_input(), "c", TP::BOOL, {});
        valueInfo(body->add_input(), "h", TP::FLOAT, {1, 16});
        addNode(body, "Relu", {"h"}, {"h2"}, "act");
        addNode(body, "Identity", {"c"}, {"c2"}, "keep");
        valueInfo(body->add_output(), "c2", TP::BOOL, {});
        valueInfo(body->add_output(), "h2", TP::FLOAT, {1, 16});
        addNode(g, "Relu", {"x"}, {"y"}, "live");
        g->add_output()->set_name("y");
        g->add_output()->set_name("h_final");
        valueInfo(g->mutable_output(1), "h_final", TP::FLOAT, {1, 16});
        const OnnxModel r = importOnnxBytes(bytes(m), "loop.onnx");
        QVERIFY(warned(r.summary,
                       "node 'forever' (Loop): 1000000 iterations of 2 nodes exceed the unrolling budget"));
        QCOMPARE(r.summary.notCosted.at("Loop"), 1);
    }
};

QTEST_GUILESS_MAIN(TstOnnxControlFlow)
#include "tst_onnx_control_flow.moc"
