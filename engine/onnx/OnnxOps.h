#pragma once
// Internal to the ONNX importer: how ONNX nodes map onto engine ops (domains, the op table, which
// inputs carry data rather than steer shapes, attributes) and small TypeProto helpers.
#include "graph/Graph.h"

#include <onnx/onnx_pb.h>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace bs::onnximport {

/// First line of a library message, trimmed and bounded.
std::string oneLine(const std::string& s);
bool isStandardDomain(const std::string& d);
/// ai.onnx, ai.onnx.ml, ai.onnx.preview.training: schemas libonnx knows. Anything else is custom.
bool isOnnxDomain(const std::string& d);
std::string opTypeOf(const onnx::NodeProto& n);
/// "node 'name' (Type)" or, for unnamed nodes, "node #i (Type, output 'y')".
std::string nodeLabel(const onnx::NodeProto& n, int index);
/// A fully known tensor shape, or nothing.
std::optional<Shape> shapeOf(const onnx::TypeProto& t);
bool isFloatType(int t);
bool isQuantType(int t);

struct OpMapping {
    OpKind kind;
    double flops = 1; ///< Elementwise / Reduce FLOPs per element
};

/// Standard ONNX op types the engine can cost. Anything else is "not costed".
const std::unordered_map<std::string, OpMapping>& opTable();
/// Inputs that carry data the op computes on (indices into the node's inputs, empty names skipped).
std::vector<int> dataInputs(const onnx::NodeProto& n);
bool isControlFlow(const onnx::NodeProto& n);
std::vector<std::int64_t> intsAttr(const onnx::NodeProto& n, const char* name);
std::optional<std::int64_t> intAttr(const onnx::NodeProto& n, const char* name);

} // namespace bs::onnximport
