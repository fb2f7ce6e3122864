// ONNX import: the shipped weight-free exports against the built-in models, symbolic dimensions,
// and one clear error (file + node) for every kind of bad input the issue lists.
#include "OnnxTestModels.h"
#include "eval/Evaluator.h"
#include "graph/PreparedModel.h"
#include "hardware/PresetLoader.h"
#include "onnx/OnnxImport.h"
#include "zoo/ModelZoo.h"

#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <onnx/onnx_pb.h>

using namespace bs;

namespace {

std::string dataFile(const char* name) {
    return std::string(BATCHSCOPE_TEST_DATA_DIR) + "/" + name;
}

const std::map<std::string, std::int64_t> k224{{"height", 224}, {"width", 224}};

bool hasWarning(const OnnxSummary& s, const std::string& text) {
    return std::any_of(s.warnings.begin(), s.warnings.end(),
                       [&](const std::string& w) { return w.find(text) != std::string::npos; });
}

/// x[batch,16] → MatMul(W[16,32]) → Relu → y; W has no data (weight-free) unless `withData`.
onnx::ModelProto linearRelu(bool withData = false) {
    onnx::ModelProto m = baseModel();
    auto* g = m.mutable_graph();
    g->set_name("linear_relu");
    setShape(g->add_input(), {1, 16}, "N");
    g->mutable_input(0)->set_name("x");
    auto* w = addInitializer(g, "W", onnx::TensorProto::FLOAT, {16, 32});
    if (withData)
        for (int i = 0; i < 16 * 32; ++i)
            w->add_float_data(0.01f * static_cast<float>(i));
    addNode(g, "MatMul", {"x", "W"}, {"h"}, "fc");
    addNode(g, "Relu", {"h"}, {"y"}, "act");
    g->add_output()->set_name("y");
    return m;
}

/// Imports and expects an OnnxError whose message holds every one of `parts`.
void expectError(const std::string& data, const std::vector<std::string>& parts,
                 const OnnxImportOptions& opt = {}) {
    try {
        importOnnxBytes(data, "bad.onnx", opt);
        QFAIL("expected an OnnxError");
    } catch (const OnnxError& e) {
        const std::string msg = e.what();
        QVERIFY2(msg.rfind("bad.onnx: ", 0) == 0, msg.c_str());
        QVERIFY2(msg.find('\n') == std::string::npos, msg.c_str());
        for (const std::string& p : parts)
            QVERIFY2(msg.find(p) != std::string::npos, (msg + "  [missing: " + p + "]").c_str());
    }
}

} // namespace

class TstOnnxImport : public QObject {
    Q_OBJECT

  private slots:
    // ---- the shipped exports match the built-in models -----------------------------------------

    void matchesBuiltIn_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("zoo");
        QTest::addColumn<bool>("image");
        QTest::newRow("resnet18") << "resnet18.onnx"
                                  << "resnet18" << true;
        QTest::newRow("resnet50") << "resnet50.onnx"
                                  << "resnet50" << true;
        QTest::newRow("mobilenet_v2") << "mobilenet_v2.onnx"
                                      << "mobilenet_v2" << true;
        QTest::newRow("distilbert") << "distilbert_encoder.onnx"
                                    << "distilbert" << false;
    }
    void matchesBuiltIn() {
        QFETCH(QString, file);
        QFETCH(QString, zoo);
        QFETCH(bool, image);
        OnnxImportOptions opt;
        if (image) opt.dims = k224;
        OnnxModel imported = importOnnxFile(dataFile(file.toUtf8().constData()), opt);
        QCOMPARE(imported.summary.batchDim, std::string("batch"));
        QVERIFY(imported.summary.notCosted.empty());
        QVERIFY(imported.summary.initializersWithoutData > 0); // really weight-free
        const PreparedModel onnx(std::move(imported.graph));
        const PreparedModel builtIn(ModelZoo::build(zoo.toStdString()));
        // Parameters are counted from dims: exactly torchvision's / Hugging Face's.
        QCOMPARE(onnx.params(), builtIn.params());
        QVERIFY2(std::abs(onnx.macsPerSample() / builtIn.macsPerSample() - 1) < 0.005,
                 qPrintable(QString::number(onnx.macsPerSample() / builtIn.macsPerSample())));
        if (!image) return; // the encoder's export has explicit transposes and an Erf GELU
        // Same sweep within 2 % on every class of chip.
        const PresetLibrary lib = PresetLibrary::shipped();
        for (const char* hw : {"h100-sxm", "tpu-v4", "xeon-8490h", "t4", "kpu-t256"}) {
            const HardwarePreset& p = resolvePreset(lib, hw);
            for (int batch : {1, 2, 8, 32, 64, 256}) {
                const Totals a = evaluateTotals({&onnx, &p, p.defaultPrecision}, batch);
                const Totals b = evaluateTotals({&builtIn, &p, p.defaultPrecision}, batch);
                QVERIFY2(std::abs(a.latency_s / b.latency_s - 1) < 0.02,
                         qPrintable(QStringLiteral("%1 batch %2: %3 vs %4 s")
                                        .arg(QLatin1String(hw))
                                        .arg(batch)
                                        .arg(a.latency_s)
                                        .arg(b.latency_s)));
                QVERIFY(std::abs(a.energyPerInference.total() / b.energyPerInference.total() - 1) < 0.02);
            }
        }
    }

    void encoderSweepClose() {
        // The encoder export is not the built-in graph op for op (Q scaling Div, head transposes,
        // GELU as Div/Erf/Add/Mul/Mul), so it reads a few per cent slower: within 15 %, never faster.
        const PreparedModel onnx(importOnnxFile(dataFile("distilbert_encoder.onnx")).graph);
        const PreparedModel builtIn(ModelZoo::build("distilbert"));
        const PresetLibrary lib = PresetLibrary::shipped();
        const HardwarePreset& p = resolvePreset(lib, "h100-sxm");
        for (int batch : {1, 16, 128}) {
            const double ratio = evaluateTotals({&onnx, &p, p.defaultPrecision}, batch).latency_s /
                                 evaluateTotals({&builtIn, &p, p.defaultPrecision}, batch).latency_s;
            QVERIFY2(ratio >= 1.0 && ratio < 1.15, qPrintable(QString::number(ratio)));
        }
    }

    // ---- symbolic dimensions ---------------------------------------------------------------------

    void dimsReinfer() {
        const std::string f = dataFile("resnet50.onnx");
        const PreparedModel at224(importOnnxFile(f, OnnxImportOptions::withDims(k224)).graph);
        OnnxModel big = importOnnxFile(f, OnnxImportOptions::withDims({{"height", 448}, {"width", 448}}));
        QCOMPARE(big.summary.dims.at("height"), std::int64_t{448});
        const PreparedModel at448(std::move(big.graph));
        QCOMPARE(at448.params(), at224.params());
        // Convolutions scale with the pixel count; only the final FC (2 M of 4.1 G MACs) does not.
        const double ratio = at448.macsPerSample() / at224.macsPerSample();
        QVERIFY2(ratio > 3.99 && ratio < 4.0, qPrintable(QString::number(ratio)));
        // Non-square works too and is re-inferred through every stride.
        const PreparedModel wide(
            importOnnxFile(f, OnnxImportOptions::withDims({{"height", 1088}, {"width", 1920}})).graph);
        QVERIFY(wide.macsPerSample() > 40 * at224.macsPerSample());
    }

    void batchAxisFollowsTheBatch() {
        const PreparedModel m(
            importOnnxFile(dataFile("resnet18.onnx"), OnnxImportOptions::withDims(k224)).graph);
        const PresetLibrary lib = PresetLibrary::shipped();
        const HardwarePreset& p = resolvePreset(lib, "h100-sxm");
        const Totals b1 = evaluateTotals({&m, &p, Precision::BF16}, 1);
        const Totals b64 = evaluateTotals({&m, &p, Precision::BF16}, 64);
        QCOMPARE(b64.flops, 64 * b1.flops);
        QVERIFY(b64.throughput_per_s > 5 * b1.throughput_per_s);
    }

    void dimErrors() {
        const std::string f = dataFile("resnet18.onnx");
        auto expectFileError = [&](const OnnxImportOptions& opt, std::vector<std::string> parts) {
            try {
                importOnnxFile(f, opt);
                QFAIL("expected an OnnxError");
            } catch (const OnnxError& e) {
                const std::string msg = e.what();
                QVERIFY2(msg.rfind(f + ": ", 0) == 0, msg.c_str());
                for (const auto& p : parts)
                    QVERIFY2(msg.find(p) != std::string::npos, msg.c_str());
            }
        };
        expectFileError({}, {"symbolic dimensions 'height'", "'width'", "--dim"});
        expectFileError(OnnxImportOptions::withDims({{"height", 224}}),
                        {"symbolic dimension 'width'", "axis 3"});
        expectFileError(OnnxImportOptions::withDims({{"height", 224}, {"width", 224}, {"batch", 8}}),
                        {"--dim batch", "batch axis"});
        expectFileError(OnnxImportOptions::withDims({{"height", 224}, {"width", 224}, {"seq", 8}}),
                        {"--dim seq", "height, width"});
        expectFileError(OnnxImportOptions::withDims({{"height", 0}, {"width", 224}}),
                        {"--dim height", "positive"});
        try {
            importOnnxFile(f, OnnxImportOptions::withDims({{"height", 224}}));
            QFAIL("expected an OnnxUnboundDimsError");
        } catch (const OnnxUnboundDimsError& e) {
            QCOMPARE(e.names, std::vector<std::string>{"width"});
        }
    }

    // The window imports on a worker thread: progress reports each stage in order, and a cancel
    // request stops the import with a message (before parsing, or by killing the inference child).
    void progressAndCancel() {
        const std::string f = dataFile("resnet18.onnx");
        OnnxImportOptions opt;
        opt.dims = {{"height", 224}, {"width", 224}};
        std::vector<int> steps;
        opt.progress = [&](int step, int total, const std::string& stage) {
            QCOMPARE(total, 4);
            QVERIFY(!stage.empty());
            steps.push_back(step);
        };
        importOnnxFile(f, opt);
        QCOMPARE(steps, (std::vector<int>{0, 1, 2, 3}));

        std::atomic<bool> cancel{true};
        opt.cancel = &cancel;
        steps.clear();
        QVERIFY_THROWS_EXCEPTION(OnnxError, importOnnxFile(f, opt));
        QVERIFY(steps.empty());
        // Cancel while the child is inferring: set it from the progress callback of stage 1.
        cancel = false;
        opt.progress = [&](int step, int, const std::string&) {
            if (step == 1) cancel = true;
        };
        try {
            importOnnxFile(f, opt);
            QFAIL("expected a cancelled import");
        } catch (const OnnxError& e) {
            QVERIFY2(std::string(e.what()).find("import cancelled") != std::string::npos, e.what());
        }
    }

    // ---- weights: present, absent, external and missing ------------------------------------------

    void weightsPresentAbsentOrExternal() {
        const OnnxModel free = importOnnxBytes(bytes(linearRelu(false)), "free.onnx");
        const OnnxModel full = importOnnxBytes(bytes(linearRelu(true)), "full.onnx");
        onnx::ModelProto ext = linearRelu(false);
        auto* w = ext.mutable_graph()->mutable_initializer(0);
        w->set_data_location(onnx::TensorProto::EXTERNAL);
        auto* loc = w->add_external_data();
        loc->set_key("location");
        loc->set_value("weights_that_do_not_exist.bin");
        const OnnxModel external = importOnnxBytes(bytes(ext), "ext.onnx");
        QCOMPARE(free.summary.initializersWithoutData, std::int64_t{1});
        QCOMPARE(full.summary.initializersWithoutData, std::int64_t{0});
        QCOMPARE(external.summary.externalInitializers, std::int64_t{1});
        QVERIFY(hasWarning(external.summary, "external data"));
        for (const OnnxModel* m : {&free, &full, &external}) {
            const PreparedModel pm(m->graph);
            QCOMPARE(pm.params(), std::int64_t{16 * 32});
            QCOMPARE(pm.macsPerSample(), 16.0 * 32.0);
            QCOMPARE(pm.kernelLayerCount(), 1); // Relu fused into the GEMM
        }
    }

    // ---- what is not costed is reported -----------------------------------------------------------

    void notCostedOpsAreListed() {
        // A standard op without a cost formula (TopK) and a custom-domain op whose output shape the
        // file declares: both import, both are listed, neither silently costs zero.
        onnx::ModelProto m = linearRelu();
        auto* g = m.mutable_graph();
        g->clear_output();
        addInitializer(g, "k", onnx::TensorProto::INT64, {1})->add_int64_data(4);
        addNode(g, "TopK", {"y", "k"}, {"top", "idx"}, "topk");
        auto* custom = addNode(g, "FancyNorm", {"top"}, {"z"}, "fancy");
        custom->set_domain("com.example");
        setShape(g->add_value_info(), {1, 4}, "N");
        g->mutable_value_info(0)->set_name("z");
        addNode(g, "Relu", {"z"}, {"out"}, "after");
        g->add_output()->set_name("out");
        auto* op = m.add_opset_import();
        op->set_domain("com.example");
        op->set_version(1);
        const OnnxModel r = importOnnxBytes(bytes(m), "mixed.onnx");
        QCOMPARE(r.summary.notCosted.at("TopK"), 1);
        QCOMPARE(r.summary.notCosted.at("com.example:FancyNorm"), 1);
        QVERIFY(hasWarning(r.summary, "custom domain 'com.example'"));
        const PreparedModel pm(r.graph);
        QCOMPARE(pm.notCosted().size(), std::size_t{2});
    }

    void controlFlowWithAConstantConditionIsItsBranch() {
        // If(cond) { Identity(y) } else { Identity(y) } feeding a Relu: the constant condition
        // picks the then branch, which replaces the If (tst_onnx_control_flow has the rest).
        onnx::ModelProto m = linearRelu();
        auto* g = m.mutable_graph();
        g->clear_output();
        addInitializer(g, "cond", onnx::TensorProto::BOOL, {})->add_int32_data(1);
        auto* node = addNode(g, "If", {"cond"}, {"branch_out"}, "choose");
        for (const char* branch : {"then_branch", "else_branch"}) {
            auto* a = node->add_attribute();
            a->set_name(branch);
            a->set_type(onnx::AttributeProto::GRAPH);
            auto* body = a->mutable_g();
            body->set_name(branch);
            addNode(body, "Identity", {"y"}, {std::string(branch) + "_y"});
            setShape(body->add_output(), {1, 32}, "N");
            body->mutable_output(0)->set_name(std::string(branch) + "_y");
        }
        addNode(g, "Relu", {"branch_out"}, {"out"}, "after");
        g->add_output()->set_name("out");
        const OnnxModel r = importOnnxBytes(bytes(m), "if.onnx");
        QVERIFY(r.summary.notCosted.empty());
        const auto& ops = r.graph.ops();
        QVERIFY(std::any_of(ops.begin(), ops.end(),
                            [](const Op& op) { return op.name == "choose/then/Identity_0"; }));
    }

    void opsetsNewerThanLibonnxUseFallbacks() {
        // Opset 20: Gelu (new in 20), ReduceMean with axes as an input (18), Split's num_outputs (18).
        onnx::ModelProto m = baseModel();
        m.mutable_opset_import(0)->set_version(20);
        auto* g = m.mutable_graph();
        setShape(g->add_input(), {1, 8, 16}, "N");
        g->mutable_input(0)->set_name("x");
        addNode(g, "Gelu", {"x"}, {"g"}, "gelu");
        addInitializer(g, "axes", onnx::TensorProto::INT64, {1})->add_int64_data(2);
        addNode(g, "ReduceMean", {"g", "axes"}, {"r"}, "mean");
        auto* split = addNode(g, "Split", {"r"}, {"a", "b"}, "split");
        for (auto [name, value] : {std::pair{"axis", 1}, std::pair{"num_outputs", 2}}) {
            auto* at = split->add_attribute();
            at->set_name(name);
            at->set_type(onnx::AttributeProto::INT);
            at->set_i(value);
        }
        g->add_output()->set_name("a");
        g->add_output()->set_name("b");
        const OnnxModel r = importOnnxBytes(bytes(m), "opset20.onnx");
        QVERIFY(r.summary.notCosted.empty());
        for (const Tensor& t : r.graph.tensors()) {
            if (t.name == "r") QCOMPARE(t.shape, (Shape{1, 8, 1}));
            if (t.name == "a" || t.name == "b") QCOMPARE(t.shape, (Shape{1, 4, 1}));
        }
        QVERIFY(
            hasWarning(r.summary, "Gelu: shape-preserving op unknown to ONNX 1.12: inferred as Identity"));
        QVERIFY(hasWarning(r.summary, "ReduceMean: axes input read as the opset-17 attribute"));
        QVERIFY(hasWarning(r.summary, "Split: attribute 'num_outputs' (opset 18+) ignored for shapes"));
    }

    void qdqPairsAreFusedViews() {
        // x → Q → DQ → Conv(DQ(W int8)): the activation pair is a view, the weight is int8 dims.
        onnx::ModelProto m = baseModel();
        auto* g = m.mutable_graph();
        setShape(g->add_input(), {1, 3, 8, 8}, "N");
        g->mutable_input(0)->set_name("x");
        addInitializer(g, "s", onnx::TensorProto::FLOAT, {})->add_float_data(0.1f);
        addInitializer(g, "zp", onnx::TensorProto::INT8, {})->add_int32_data(0);
        addInitializer(g, "Wq", onnx::TensorProto::INT8, {4, 3, 3, 3});
        addNode(g, "DequantizeLinear", {"Wq", "s", "zp"}, {"W"}, "dq_w");
        addNode(g, "QuantizeLinear", {"x", "s", "zp"}, {"xq"}, "q_x");
        addNode(g, "DequantizeLinear", {"xq", "s", "zp"}, {"xd"}, "dq_x");
        addNode(g, "Conv", {"xd", "W"}, {"y"}, "conv");
        g->add_output()->set_name("y");
        const OnnxModel r = importOnnxBytes(bytes(m), "qdq.onnx");
        QVERIFY2(r.summary.quantization.rfind("int8 QDQ: 1 QuantizeLinear/DequantizeLinear pairs", 0) == 0,
                 r.summary.quantization.c_str());
        for (const Op& op : r.graph.ops()) {
            if (op.name == "q_x" || op.name == "dq_x") QCOMPARE(op.kind, OpKind::Identity);
            if (op.name == "conv") QCOMPARE(op.kind, OpKind::Conv);
        }
        QCOMPARE(r.graph.parameterCount(), std::int64_t{4 * 3 * 3 * 3});
    }

    // ---- errors: one line, the file, the node ------------------------------------------------------

    void rejectsWhatIsNotOnnx() {
        expectError("", {"empty"});
        expectError("this is a text file, not a protobuf\n", {"not an ONNX model"});
        std::string full;
        {
            std::ifstream in(dataFile("resnet50.onnx"), std::ios::binary);
            full.assign(std::istreambuf_iterator<char>(in), {});
        }
        QVERIFY(full.size() > 1000);
        for (std::size_t cut : {full.size() / 3, full.size() / 2, full.size() - 7})
            expectError(full.substr(0, cut), {"not an ONNX model"});
        onnx::ModelProto noGraph = baseModel();
        expectError(bytes(noGraph), {"no graph"});
    }

    void rejectsBrokenGraphs() {
        {
            onnx::ModelProto m = linearRelu(); // Relu reads its own output through a second Relu
            auto* g = m.mutable_graph();
            g->mutable_node(1)->set_input(0, "loop_back");
            addNode(g, "Relu", {"y"}, {"loop_back"}, "back");
            expectError(bytes(m), {"cycle", "node '"});
        }
        {
            onnx::ModelProto m = linearRelu();
            m.mutable_graph()->mutable_node(1)->set_input(0, "nowhere");
            expectError(bytes(m), {"node 'act' (Relu)", "'nowhere'", "no node"});
        }
        {
            onnx::ModelProto m = linearRelu();
            addNode(m.mutable_graph(), "Relu", {"x"}, {"h"}, "twin");
            expectError(bytes(m), {"'h'", "node 'fc' (MatMul)"});
        }
        {
            onnx::ModelProto m = linearRelu(); // unsorted nodes are fine: sorted with a warning
            m.mutable_graph()->mutable_node()->SwapElements(0, 1);
            const OnnxModel r = importOnnxBytes(bytes(m), "unsorted.onnx");
            QCOMPARE(PreparedModel(r.graph).kernelLayerCount(), 1);
        }
    }

    void rejectsShapesItCannotKnow() {
        {
            // A custom op's output with no declared shape feeding a costed op.
            onnx::ModelProto m = linearRelu();
            auto* g = m.mutable_graph();
            g->clear_output();
            addNode(g, "Mystery", {"y"}, {"z"}, "mystery")->set_domain("com.example");
            addNode(g, "Relu", {"z"}, {"out"});
            g->add_output()->set_name("out");
            expectError(bytes(m), {"node 'mystery' (com.example:Mystery)", "'z'", "custom domain"});
        }
        {
            // A Reshape whose target shape is a graph input: only known at run time.
            onnx::ModelProto m = linearRelu();
            auto* g = m.mutable_graph();
            g->clear_output();
            auto* shape = g->add_input();
            shape->set_name("target");
            shape->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::INT64);
            shape->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_value(2);
            addNode(g, "Reshape", {"y", "target"}, {"r"}, "reshape");
            addNode(g, "Relu", {"r"}, {"out"});
            g->add_output()->set_name("out");
            expectError(bytes(m), {"node 'reshape' (Reshape)", "'target'", "run time"});
        }
        {
            // Element counts that overflow int64.
            onnx::ModelProto m = linearRelu();
            auto* dims =
                m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape();
            dims->mutable_dim(1)->set_dim_value(std::int64_t{1} << 40);
            dims->add_dim()->set_dim_value(std::int64_t{1} << 40);
            expectError(bytes(m), {"input 'x'", "int64"});
        }
        {
            // Sequences are not tensors.
            onnx::ModelProto m = linearRelu();
            m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_sequence_type();
            expectError(bytes(m), {"input 'x'", "not a tensor"});
        }
    }

    void libonnxCrashesAreContained() {
        // A fuzzed Scan (a mutated attribute name, so num_scan_inputs is missing) makes libonnx
        // 1.12's ScanInferenceFunction read out of bounds. Inference runs in a child process, so
        // the crash becomes a message and this process carries on.
        const std::string f = dataFile("malformed/scan_crashes_onnx_inference.onnx");
        try {
            importOnnxFile(f);
            QFAIL("expected an OnnxError");
        } catch (const OnnxError& e) {
            const std::string msg = e.what();
            QVERIFY2(msg.rfind(f + ": ", 0) == 0 && msg.find("crashed") != std::string::npos, msg.c_str());
        }
        QCOMPARE(
            PreparedModel(importOnnxFile(dataFile("resnet18.onnx"), OnnxImportOptions::withDims(k224)).graph)
                .params(),
            std::int64_t{11'689'512});
    }

    void limitsSizeAndNodeCount() {
        // The limits are checked before shape inference; lowered here to exercise them cheaply
        // (defaults: 1,000,000 nodes and protobuf's 2 GiB).
        OnnxImportOptions few;
        few.maxNodes = 1;
        expectError(bytes(linearRelu()), {"2 nodes", "limit of 1"}, few);
        OnnxImportOptions small;
        small.maxFileBytes = 16;
        expectError(bytes(linearRelu()), {"2 GiB"}, small);
        onnx::ModelProto constantOnly = baseModel();
        addNode(constantOnly.mutable_graph(), "Shape", {"x"}, {"s"}, "shape_only");
        setShape(constantOnly.mutable_graph()->add_input(), {1, 4}, "N");
        constantOnly.mutable_graph()->mutable_input(0)->set_name("x");
        constantOnly.mutable_graph()->add_output()->set_name("s");
        expectError(bytes(constantOnly), {"nothing to cost"});
        // More than 32 axes: refused, naming the tensor (initializer or value).
        onnx::ModelProto deep = linearRelu();
        addInitializer(deep.mutable_graph(), "deep", onnx::TensorProto::FLOAT,
                       std::vector<std::int64_t>(40, 1));
        expectError(bytes(deep), {"tensor 'deep' has 40 axes", "at most 32"});
        onnx::ModelProto deepInput = linearRelu();
        setShape(deepInput.mutable_graph()->mutable_input(0), std::vector<std::int64_t>(33, 1), "N");
        expectError(bytes(deepInput), {"tensor 'x' has", "axes (at most 32)"});
    }

    void hugeFilesAreRefusedBeforeReading() {
        // A sparse file just over 2 GiB: refused from its size, nothing is read or allocated.
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("huge.onnx")).toStdString();
        { std::ofstream(path, std::ios::binary) << 'x'; }
        std::filesystem::resize_file(path, (std::uintmax_t{1} << 31) + 16);
        try {
            importOnnxFile(path);
            QFAIL("expected an OnnxError");
        } catch (const OnnxError& e) {
            const std::string msg = e.what();
            QVERIFY2(msg.find(path) == 0 && msg.find("2 GiB") != std::string::npos, msg.c_str());
        }
        try {
            importOnnxFile(path + ".missing");
            QFAIL("expected an OnnxError");
        } catch (const OnnxError& e) {
            QVERIFY(std::string(e.what()).find("no such file") != std::string::npos);
        }
    }
};

QTEST_GUILESS_MAIN(TstOnnxImport)
#include "tst_onnx_import.moc"
