#!/usr/bin/env python3
"""Counts an ONNX model's parameters independently of Batchscope's C++ importer.

Usage: count_params.py [--verbose] [--json] MODEL.onnx...

Needs python3-onnx (Debian: apt-get install python3-onnx python3-numpy). Only the
manifest's expected counts come from here; run.sh itself needs no onnx module.

Definition (docs/ONNX.md, "Real-world corpus"): the parameters of a model are the
elements of its stored weight tensors, each storage counted once, where

* a *weight source* is an initializer (of the main graph or of any If/Loop/Scan body,
  recursively) or the value of a Constant node (anywhere) that is
    - floating point (float, float16, bfloat16, double) with more than 1 element, or
    - int8/uint8 with rank >= 2 (quantized weights);
  int64/int32 tensors (shapes, indices, int32 biases) and scalars are never weights;
* a source counts only if it *reaches* a computing node: it is read, directly or
  through a chain of nodes that compute from constants alone (Transpose, Reshape,
  Cast, DequantizeLinear, Concat, Slice, Identity, ... as a runtime folds them at load
  time), by a node that depends on run-time data (a "live" node), in one of that
  node's data inputs;
* inputs that steer rather than carry data never make a source count: Reshape/Expand/
  Tile shapes, Slice starts/ends/axes/steps, Pad pads and value, Resize/Upsample
  roi/scales/sizes, Squeeze/Unsqueeze axes, Split sizes, TopK k, Reduce* axes, Clip
  min/max, Dropout ratio, OneHot depth, Trilu k; nor do the running mean/variance of
  BatchNormalization (inputs 3 and 4) or quantization scales and zero points
  (QuantizeLinear/DequantizeLinear 1-2, QLinearConv/QLinearMatMul 1,2,4,5,6,7,
  ConvInteger/MatMulInteger 2-3, DynamicQuantizeLinear outputs);
* values made at run time or load time by ConstantOfShape, Expand, Tile, Range, EyeLike
  are not sources: their elements are not stored in the file, so they are not counted
  even when they reach a live node (a folded Expand of a stored vector counts the
  stored vector, once);
* a Gather whose table is a float constant is an embedding lookup: it is live even
  when its indices are constant, so the table counts;
* initializers no node reads are not counted.

Shape/Size/ConstantOfShape/Range/EyeLike read no data (input shapes are known), so
nodes fed only by them and by constants are folded too. Nodes of non-standard domains
(com.microsoft, ...) and control-flow nodes are never folded.
"""

import json
import sys

try:
    import onnx
    from onnx import TensorProto, AttributeProto
except ImportError:  # pragma: no cover - reported to the caller
    sys.stderr.write("count_params.py needs python3-onnx (apt-get install python3-onnx)\n")
    sys.exit(2)

FLOAT_TYPES = {TensorProto.FLOAT, TensorProto.FLOAT16, TensorProto.BFLOAT16, TensorProto.DOUBLE}
QUANT_TYPES = {TensorProto.INT8, TensorProto.UINT8}

# Input slots that steer (shapes, axes, scalars) rather than carry data. A node is folded
# when all of its *other* inputs are constant.
STEERING = {
    "Reshape": {1}, "Expand": {1}, "Tile": {1}, "Slice": {1, 2, 3, 4}, "Pad": {1, 2, 3},
    "Squeeze": {1}, "Unsqueeze": {1}, "Split": {1}, "Resize": {1, 2, 3}, "Upsample": {1},
    "TopK": {1}, "OneHot": {1}, "CenterCropPad": {1}, "Trilu": {1}, "Dropout": {1, 2},
    "Clip": {1, 2},
    "ReduceMean": {1}, "ReduceSum": {1}, "ReduceMax": {1}, "ReduceMin": {1}, "ReduceProd": {1},
    "ReduceL1": {1}, "ReduceL2": {1}, "ReduceLogSum": {1}, "ReduceLogSumExp": {1},
    "ReduceSumSquare": {1},
}
# Ops that read no data at all: only shapes or scalar arguments.
NO_DATA = {"Shape", "Size", "ConstantOfShape", "Range", "EyeLike", "Constant"}
# Input slots that hold statistics or quantization parameters: not weights even when read.
NOT_WEIGHT_SLOTS = {
    "BatchNormalization": {3, 4},
    "QuantizeLinear": {1, 2}, "DequantizeLinear": {1, 2},
    "QLinearConv": {1, 2, 4, 5, 6, 7}, "QLinearMatMul": {1, 2, 4, 5, 6, 7},
    "ConvInteger": {2, 3}, "MatMulInteger": {2, 3},
}
# Ops whose outputs are made, not stored: a value they produce is never a source, and
# they do not pass a source through (Expand/Tile pass their data input 0 through once).
CONTROL_FLOW = {"If", "Loop", "Scan"}


def is_standard(domain):
    return domain in ("", "ai.onnx")


def elements(dims):
    n = 1
    for d in dims:
        n *= d
    return n


def tensor_is_weight(t):
    n = elements(t.dims)
    if t.data_type in FLOAT_TYPES:
        return n > 1
    if t.data_type in QUANT_TYPES:
        return len(t.dims) >= 2
    return False


def subgraphs(node):
    for a in node.attribute:
        if a.type == AttributeProto.GRAPH:
            yield a.g
        elif a.type == AttributeProto.GRAPHS:
            yield from a.graphs


class Counter:
    def __init__(self, model):
        self.sources = {}     # name -> (elements, kind, where)
        self.nodes = []       # (node, depth)
        self.const = set()    # names known at load time
        self.runtime = set()  # graph inputs, body inputs
        self._collect(model.graph, 0)

    def _collect(self, g, depth):
        where = "main" if depth == 0 else "subgraph"
        init_names = set()
        for t in g.initializer:
            init_names.add(t.name)
            self.const.add(t.name)
            if tensor_is_weight(t):
                self.sources[t.name] = (elements(t.dims), "initializer", where)
        for i in g.input:
            if i.name not in init_names:
                self.runtime.add(i.name)
        for n in g.node:
            self.nodes.append((n, depth))
            if n.op_type == "Constant" and is_standard(n.domain) and n.output:
                for a in n.attribute:
                    if a.name == "value" and a.type == AttributeProto.TENSOR:
                        if tensor_is_weight(a.t):
                            self.sources[n.output[0]] = (elements(a.t.dims), "Constant", where)
                    elif a.name == "value_floats" and len(a.floats) > 1:
                        self.sources[n.output[0]] = (len(a.floats), "Constant", where)
            for sg in subgraphs(n):
                self._collect(sg, depth + 1)

    @staticmethod
    def data_slots(n):
        if not is_standard(n.domain):
            return [i for i, x in enumerate(n.input) if x]
        if n.op_type in NO_DATA:
            return []
        steer = STEERING.get(n.op_type, set())
        return [i for i, x in enumerate(n.input) if x and i not in steer]

    def _float_table(self, name):
        return name in self.sources  # float or quantized stored tensor

    def foldable(self, n):
        if not is_standard(n.domain) or n.op_type in CONTROL_FLOW:
            return False
        if n.op_type == "Gather" and n.input and self._float_table(n.input[0]):
            return False  # an embedding lookup stays live
        return all(n.input[i] in self.const for i in self.data_slots(n))

    def run(self):
        # Fold to a fixpoint (files are not always topologically ordered).
        folded = set()
        changed = True
        while changed:
            changed = False
            for idx, (n, _) in enumerate(self.nodes):
                if idx in folded or not self.foldable(n):
                    continue
                folded.add(idx)
                changed = True
                for o in n.output:
                    if o:
                        self.const.add(o)
        # Tensors read as weights by live nodes, then back through folded producers.
        needed = set()
        producers = {}
        for idx, (n, _) in enumerate(self.nodes):
            for o in n.output:
                if o:
                    producers[o] = idx
        for idx, (n, _) in enumerate(self.nodes):
            if idx in folded:
                continue
            skip = NOT_WEIGHT_SLOTS.get(n.op_type, set()) if is_standard(n.domain) else set()
            for i in self.data_slots(n):
                if i not in skip:
                    needed.add(n.input[i])
        frontier = list(needed)
        while frontier:
            name = frontier.pop()
            if name in self.sources:
                continue  # a stored tensor: counted as it is
            idx = producers.get(name)
            if idx is None or idx not in folded:
                continue
            n = self.nodes[idx][0]
            skip = NOT_WEIGHT_SLOTS.get(n.op_type, set())
            for i in self.data_slots(n):
                if i in skip:
                    continue
                src = n.input[i]
                if src not in needed:
                    needed.add(src)
                    frontier.append(src)
        counted = {k: v for k, v in self.sources.items() if k in needed}
        return counted, folded


def count(path):
    model = onnx.load(path, load_external_data=False)
    c = Counter(model)
    counted, folded = c.run()
    total = sum(v[0] for v in counted.values())
    by = {}
    for _, (n, kind, where) in counted.items():
        key = f"{where} {kind}"
        by[key] = by.get(key, 0) + n
    unread = sum(v[0] for k, v in c.sources.items() if k not in counted)
    return {
        "file": path,
        "params": total,
        "breakdown": by,
        "stored_but_not_counted": unread,
        "folded_nodes": len(folded),
        "nodes": len(c.nodes),
    }


def main(argv):
    verbose = "--verbose" in argv
    as_json = "--json" in argv
    files = [a for a in argv if not a.startswith("--")]
    if not files:
        sys.stderr.write(__doc__)
        return 2
    results = [count(f) for f in files]
    if as_json:
        print(json.dumps(results, indent=1))
        return 0
    for r in results:
        line = f"{r['params']}\t{r['file']}"
        if verbose:
            parts = ", ".join(f"{k}={v}" for k, v in sorted(r["breakdown"].items()))
            line += f"\t[{parts}; stored but not counted={r['stored_but_not_counted']}]"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
