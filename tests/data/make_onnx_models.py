#!/usr/bin/python3
"""Exports the weight-free ONNX test models under tests/data.

Run with Debian's python3 and python3-torch, python3-torchvision, python3-onnx (Debian 12:
torch 1.13, torchvision 0.14, onnx 1.12):

    /usr/bin/python3 tests/data/make_onnx_models.py tests/data

Each model is exported in eval mode with a symbolic batch axis. The CNNs keep their BatchNorm nodes
(TrainingMode.PRESERVE skips the exporter's Conv+BN folding) so their parameters are exactly
torchvision's: BN scale and shift count, the running statistics do not. The CNNs also have symbolic height and width so `--dim height=...`
re-infers the shapes. The float initializers are then stripped of their values: dims stay, so
parameter counts, FLOPs and bytes are unchanged, and a ResNet-50 is ~100 KB instead of ~100 MB.
Integer initializers (Reshape targets, indices) keep their values because shape inference reads them.
"""
import os
import sys

import torch
import torchvision
from torch import nn


def strip_weights(path):
    # Imported here so that the model classes can be used without the onnx package
    # (presets/measured/measure_torch_cpu.py times the same encoder).
    import onnx
    float_types = {onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16, onnx.TensorProto.DOUBLE,
                   onnx.TensorProto.BFLOAT16}
    model = onnx.load(path)
    for init in model.graph.initializer:
        if init.data_type in float_types:
            init.ClearField("raw_data")
            init.ClearField("float_data")
            init.ClearField("double_data")
            init.ClearField("int32_data")  # float16/bfloat16 live here when not raw
    model.producer_name = "batchscope make_onnx_models.py (weights stripped) via " + model.producer_name
    onnx.save(model, path)


def export(model, args, path, input_names, dynamic_axes, opset, keep_batchnorm=False):
    model.eval()
    mode = torch.onnx.TrainingMode.PRESERVE if keep_batchnorm else torch.onnx.TrainingMode.EVAL
    with torch.no_grad():
        torch.onnx.export(model, args, path, input_names=input_names, output_names=["output"],
                          dynamic_axes=dynamic_axes, opset_version=opset, do_constant_folding=True,
                          training=mode)
    strip_weights(path)
    print(f"{path}: {os.path.getsize(path)} bytes")


class Attention(nn.Module):
    """DistilBERT's self-attention with constant head/sequence shapes (ONNX 1.12 shape inference
    cannot follow the Shape→Gather→Concat chains a dynamic reshape exports to)."""

    def __init__(self, dim, heads, seq):
        super().__init__()
        self.heads, self.head_dim, self.seq = heads, dim // heads, seq
        self.q_lin, self.k_lin, self.v_lin = nn.Linear(dim, dim), nn.Linear(dim, dim), nn.Linear(dim, dim)
        self.out_lin = nn.Linear(dim, dim)

    def split(self, x):  # [B, S, D] -> [B, H, S, d]; -1 is the batch
        return x.reshape(-1, self.seq, self.heads, self.head_dim).transpose(1, 2)

    def forward(self, x):
        q = self.split(self.q_lin(x)) / (self.head_dim ** 0.5)
        k, v = self.split(self.k_lin(x)), self.split(self.v_lin(x))
        weights = torch.softmax(q @ k.transpose(2, 3), dim=-1)
        ctx = (weights @ v).transpose(1, 2).reshape(-1, self.seq, self.heads * self.head_dim)
        return self.out_lin(ctx)


class Block(nn.Module):
    def __init__(self, dim, heads, hidden, seq):
        super().__init__()
        self.attention = Attention(dim, heads, seq)
        self.sa_layer_norm = nn.LayerNorm(dim, eps=1e-12)
        self.lin1, self.lin2 = nn.Linear(dim, hidden), nn.Linear(hidden, dim)
        self.output_layer_norm = nn.LayerNorm(dim, eps=1e-12)

    def forward(self, x):
        x = self.sa_layer_norm(x + self.attention(x))
        return self.output_layer_norm(x + self.lin2(nn.functional.gelu(self.lin1(x))))


class DistilBertEncoder(nn.Module):
    """distilbert-base-uncased: 6 layers, 12 heads, d=768, FFN 3072, vocab 30522, 512 positions."""

    def __init__(self, seq=128, vocab=30522, positions=512, dim=768, heads=12, hidden=3072, layers=6):
        super().__init__()
        self.seq = seq
        self.word_embeddings = nn.Embedding(vocab, dim)
        self.position_embeddings = nn.Embedding(positions, dim)
        self.register_buffer("position_ids", torch.arange(positions).unsqueeze(0))
        self.layer_norm = nn.LayerNorm(dim, eps=1e-12)
        self.layers = nn.ModuleList(Block(dim, heads, hidden, seq) for _ in range(layers))

    def forward(self, input_ids):
        pos = self.position_embeddings(self.position_ids[:, : self.seq])
        x = self.layer_norm(self.word_embeddings(input_ids) + pos)
        for layer in self.layers:
            x = layer(x)
        return x


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    torch.manual_seed(0)
    image_axes = {"input": {0: "batch", 2: "height", 3: "width"}, "output": {0: "batch"}}
    for name in ("resnet18", "resnet50", "mobilenet_v2"):
        model = getattr(torchvision.models, name)(weights=None)
        export(model, torch.zeros(1, 3, 224, 224), os.path.join(out, name + ".onnx"), ["input"],
               image_axes, 13, keep_batchnorm=True)
    seq = 128
    export(DistilBertEncoder(seq=seq), torch.zeros(1, seq, dtype=torch.long),
           os.path.join(out, "distilbert_encoder.onnx"), ["input_ids"],
           {"input_ids": {0: "batch"}, "output": {0: "batch"}}, 17)


if __name__ == "__main__":
    main()
