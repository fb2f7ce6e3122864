#pragma once
// Internal to the ONNX importer: control flow turned into plain nodes, so its work is costed like
// the rest of the graph. An `If` whose condition is known becomes its taken branch; one whose
// condition is known only at run time has both branches inlined and the costlier kept (the
// importer decides once shapes are known); a `Loop` with a static trip count and a `Scan` over a
// known length are unrolled. Inlined nodes are named under their parent (`If_32/then/Conv_3`,
// `Loop_5/iter2/MatMul`), and a subgraph's weights become the graph's (counted once).
#include <cstdint>
#include <onnx/onnx_pb.h>
#include <string>
#include <vector>

namespace bs::onnximport {

/// Nodes and initializers that replace one control-flow node, in topological order.
struct Inlined {
    std::vector<onnx::NodeProto> nodes;
    std::vector<onnx::TensorProto> initializers;
};

/// The branch (`then_branch` or `else_branch`) of `ifNode`, under `prefix` ("If_32/then/"), its
/// outputs copied to the If's outputs by Identity nodes.
Inlined inlineIfBranch(const onnx::NodeProto& ifNode, const char* branch, const std::string& prefix);

/// Both branches, and `Where(cond, then, else)` for each output: what the If computes, to be
/// resolved to one branch once shapes are known (`keepBranch`).
Inlined inlineBothBranches(const onnx::NodeProto& ifNode, const std::string& prefix);

/// The body of `loop` run `trips` times. Needs the trip count's value; loop-carried values flow
/// from one iteration to the next and scan outputs are stacked on a new axis 0.
Inlined unrollLoop(const onnx::NodeProto& loop, std::int64_t trips, const std::string& prefix,
                   std::int64_t opset);

/// The body of `scan` run once per slice of its scan inputs, `length` slices.
Inlined unrollScan(const onnx::NodeProto& scan, std::int64_t length, const std::string& prefix,
                   std::int64_t opset);

/// True when a Loop's condition cannot stop it early: no condition input, or a body whose
/// condition output is its condition input passed through (PyTorch's `for i in range(n)`).
bool loopRunsAllTrips(const onnx::NodeProto& loop);

const onnx::GraphProto* subgraph(const onnx::NodeProto& n, const char* name);
/// Nodes in `g` and in every subgraph below it.
std::int64_t nodeCount(const onnx::GraphProto& g);

} // namespace bs::onnximport
