#!/usr/bin/python3
"""Writes the ONNX fuzzer's extra seeds (tests/fuzz/seeds/onnx): small graphs with the structures
the importer's newer stages handle, so the fuzzer starts from them: If (decided by shapes and at
run time), Loop, Scan, shape arithmetic feeding Pad/Resize, QDQ pairs, and opset-20 ops.
Run with Debian's python3-onnx: /usr/bin/python3 tests/fuzz/seeds/make_onnx_seeds.py"""
import os
import onnx
from onnx import helper as h, TensorProto as T

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "onnx")
os.makedirs(out, exist_ok=True)


def save(name, nodes, inputs, outputs, inits=(), opset=13):
    g = h.make_graph(nodes, name, inputs, outputs, list(inits))
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)], producer_name="seeds")
    m.ir_version = 8
    onnx.save(m, os.path.join(out, name + ".onnx"))


x = h.make_tensor_value_info("x", T.FLOAT, ["N", 16])
y = h.make_tensor_value_info("y", T.FLOAT, None)
w = lambda name, *dims: h.make_tensor(name, T.FLOAT, list(dims), [0.01] * (1 if not dims else __import__("math").prod(dims)))
i64 = lambda name, vals, dims=None: h.make_tensor(name, T.INT64, [len(vals)] if dims is None else dims, vals)

then_g = h.make_graph([h.make_node("MatMul", ["x", "Wt"], ["t"])], "then", [], [h.make_tensor_value_info("t", T.FLOAT, [1, 8])], [w("Wt", 16, 8)])
else_g = h.make_graph([h.make_node("Relu", ["x"], ["e0"]), h.make_node("MatMul", ["e0", "We"], ["e"])], "else", [], [h.make_tensor_value_info("e", T.FLOAT, [1, 8])], [w("We", 16, 8)])
save("if_shape", [h.make_node("Shape", ["x"], ["s"]), h.make_node("Gather", ["s", "one"], ["d"], axis=0),
                  h.make_node("Equal", ["d", "sixteen"], ["c"]), h.make_node("If", ["c"], ["y"], then_branch=then_g, else_branch=else_g)],
     [x], [y], [i64("one", [1], []), i64("sixteen", [16], [])])
save("if_runtime", [h.make_node("If", ["c"], ["y"], then_branch=then_g, else_branch=else_g)],
     [x, h.make_tensor_value_info("c", T.BOOL, [])], [y])

body = h.make_graph([h.make_node("MatMul", ["h", "W"], ["m"]), h.make_node("Relu", ["m"], ["h2"]),
                     h.make_node("Identity", ["c"], ["c2"]), h.make_node("Identity", ["h2"], ["sc"])], "body",
                    [h.make_tensor_value_info("i", T.INT64, []), h.make_tensor_value_info("c", T.BOOL, []), h.make_tensor_value_info("h", T.FLOAT, [1, 16])],
                    [h.make_tensor_value_info("c2", T.BOOL, []), h.make_tensor_value_info("h2", T.FLOAT, [1, 16]), h.make_tensor_value_info("sc", T.FLOAT, [1, 16])],
                    [w("W", 16, 16)])
save("loop", [h.make_node("Loop", ["M", "", "x"], ["y", "ys"], body=body)], [x], [y, h.make_tensor_value_info("ys", T.FLOAT, None)], [i64("M", [3], [])])

xs = h.make_tensor_value_info("x", T.FLOAT, ["N", 5, 16])
sbody = h.make_graph([h.make_node("MatMul", ["s", "W"], ["sw"]), h.make_node("Add", ["sw", "xt"], ["s2"]), h.make_node("Identity", ["s2"], ["o"])], "sbody",
                     [h.make_tensor_value_info("s", T.FLOAT, [1, 16]), h.make_tensor_value_info("xt", T.FLOAT, [1, 16])],
                     [h.make_tensor_value_info("s2", T.FLOAT, [1, 16]), h.make_tensor_value_info("o", T.FLOAT, [1, 16])], [w("W", 16, 16)])
save("scan", [h.make_node("Scan", ["s0", "x"], ["y", "ys"], body=sbody, num_scan_inputs=1, scan_input_axes=[1], scan_output_axes=[1])],
     [h.make_tensor_value_info("s0", T.FLOAT, ["N", 16]), xs], [y, h.make_tensor_value_info("ys", T.FLOAT, None)], opset=16)

img = h.make_tensor_value_info("x", T.FLOAT, ["N", 3, "height", "width"])
save("pad_resize", [h.make_node("Shape", ["x"], ["s"]), h.make_node("Slice", ["s", "b", "e"], ["hw"]), h.make_node("Mod", ["hw", "eight"], ["r"]),
                    h.make_node("Sub", ["eight", "r"], ["m"]), h.make_node("Mod", ["m", "eight"], ["p"]), h.make_node("Concat", ["z6", "p"], ["pads"], axis=0),
                    h.make_node("Pad", ["x", "pads"], ["xp"]), h.make_node("Conv", ["xp", "W"], ["c"], pads=[1, 1, 1, 1]),
                    h.make_node("Shape", ["c"], ["cs"]), h.make_node("Slice", ["cs", "b", "e"], ["chw"]), h.make_node("Cast", ["chw"], ["cf"], to=T.FLOAT),
                    h.make_node("Mul", ["cf", "k"], ["cm"]), h.make_node("Floor", ["cm"], ["cfl"]), h.make_node("Cast", ["cfl"], ["ci"], to=T.INT64),
                    h.make_node("Concat", ["nc", "ci"], ["sizes"], axis=0), h.make_node("Resize", ["c", "", "", "sizes"], ["y"])],
     [img], [y], [i64("b", [2]), i64("e", [4]), h.make_tensor("eight", T.INT64, [], [8]), i64("z6", [0] * 6), w("W", 8, 3, 3, 3),
                  h.make_tensor("k", T.FLOAT, [], [1.5]), i64("nc", [1, 8])])

q = [h.make_tensor("s", T.FLOAT, [], [0.1]), h.make_tensor("zp", T.INT8, [], [0]), h.make_tensor("Wq", T.INT8, [4, 3, 3, 3], [1] * 108)]
save("qdq", [h.make_node("DequantizeLinear", ["Wq", "s", "zp"], ["W"]), h.make_node("QuantizeLinear", ["x", "s", "zp"], ["xq"]),
             h.make_node("DequantizeLinear", ["xq", "s", "zp"], ["xd"]), h.make_node("Conv", ["xd", "W"], ["y"])],
     [h.make_tensor_value_info("x", T.FLOAT, ["N", 3, 8, 8])], [y], q)

x3 = h.make_tensor_value_info("x", T.FLOAT, ["N", 8, 16])
save("opset20", [h.make_node("Gelu", ["x"], ["g"]), h.make_node("ReduceMean", ["g", "axes"], ["r"]),
                 h.make_node("Split", ["r"], ["y", "y2"], axis=1, num_outputs=2)],
     [x3], [y, h.make_tensor_value_info("y2", T.FLOAT, None)], [i64("axes", [2])], opset=20)
print("wrote", sorted(os.listdir(out)))
