#pragma once
// Tiny ONNX models built in the tests (protobuf API, no files): the ONNX suites share these.
#include <cstdint>
#include <onnx/onnx_pb.h>
#include <string>
#include <vector>

inline void setShape(onnx::ValueInfoProto* v, const std::vector<std::int64_t>& dims,
                     const char* batch = nullptr) {
    auto* t = v->mutable_type()->mutable_tensor_type();
    t->set_elem_type(onnx::TensorProto::FLOAT);
    auto* shape = t->mutable_shape();
    for (std::size_t i = 0; i < dims.size(); ++i) {
        auto* d = shape->add_dim();
        if (i == 0 && batch)
            d->set_dim_param(batch);
        else
            d->set_dim_value(dims[i]);
    }
}

inline onnx::ModelProto baseModel() {
    onnx::ModelProto m;
    m.set_ir_version(8);
    m.set_producer_name("tst_onnx_import");
    m.add_opset_import()->set_version(13);
    return m;
}

inline onnx::NodeProto* addNode(onnx::GraphProto* g, const char* type, std::vector<std::string> in,
                                std::vector<std::string> out, const char* name = "") {
    auto* n = g->add_node();
    n->set_op_type(type);
    n->set_name(name);
    for (auto& i : in)
        n->add_input(i);
    for (auto& o : out)
        n->add_output(o);
    return n;
}

inline onnx::TensorProto* addInitializer(onnx::GraphProto* g, const char* name, int type,
                                         const std::vector<std::int64_t>& dims) {
    auto* t = g->add_initializer();
    t->set_name(name);
    t->set_data_type(type);
    for (auto d : dims)
        t->add_dims(d);
    return t;
}

inline std::string bytes(const onnx::ModelProto& m) {
    std::string s;
    m.SerializeToString(&s);
    return s;
}
