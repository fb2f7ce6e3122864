#!/usr/bin/python3
"""Batch sweeps of PyTorch GPU inference, written as Batchscope measured files (docs/MEASURED.md).

Models (plain-torch modules, random weights, no downloads; built on the GPU, then cast to bf16):
  - resnet50: torchvision's ResNet-50, 3x224x224 input, channels_last.
  - bert-base: BERT-base encoder with pooler as the zoo's 'bert-base' builds it (12 post-LN layers,
    hidden 768, 12 heads, FFN 3072 GELU, vocab 30522, token-type and 512 position embeddings), seq 128.
  - llm: Llama-style decoder in prefill as the zoo's 'llm' builds it (pre-RMSNorm, rotary, GQA
    attention, SwiGLU, untied LM head on the last position only), seq 128 and a ~1 B config:
    --param layers=16 --param hidden=2048 --param heads=32 --param kv_heads=8 --param ffn=8192
    --param vocab=32000 --param phase=prefill  (the exact config is in each file's header).
  Attention uses F.scaled_dot_product_attention (bert: no mask; llm: causal, enable_gqa).
bf16 weights and activations, eval mode, torch.inference_mode(), cudnn.benchmark on; batches 1..256
by doubling.

Runtimes, one file each (a measured file has no runtime column, and rows with the same keys would
be merged as repeated runs of one point):
  - OUT_PREFIX-eager.csv: the module called as is.
  - OUT_PREFIX-cudagraph.csv: the same eager module captured into one CUDA graph per batch
    (torch.cuda.graph after 3 warm-up runs on a side stream) and timed by replaying it; this
    removes the CPU launch cost and nothing else.
  - OUT_PREFIX-compiled.csv: torch.compile(mode="reduce-overhead"): Inductor's fused kernels run through
    CUDA graphs. To keep the compile time bounded each model is compiled twice, not per batch:
    batch 1 static, then one graph with the batch dimension dynamic (torch._dynamo.maybe_mark_dynamic
    on the input) for batches 2..256 (CUDA graphs are still recorded per batch). Order: batch 1 of
    every model, then each model's batches 8, 64, 256 (the first of them compiles), then the rest.
    The compile times (the first call of each) are in the file's header.
Timing: each point has warm-up runs (eager and cudagraph 3, compiled 5: the CUDA-graph trees
warm up, record, then replay), then timed runs until at least 10 runs and 0.4 s, at most 300 runs;
each run is torch.cuda.synchronize(), time.perf_counter() around one forward pass (or graph
replay), synchronize; every run is one CSV row, so the reader's median is the point. The input and
weights are the same in every run (as in serving; ResNet-50's 51 MB of bf16 weights fit in the
H200's 60 MB L2).
energy_mj (when NVML's total-energy counter is readable and the timed runs span >= 0.2 s): the
board's energy over the whole timed loop / runs / batch, the same value on each row of a point;
it includes the idle gaps of the synchronisations between runs.
A global deadline (--deadline-s, from the start) stops starting new points; a compile is only
started when at least 1.3 x the longest compile so far (and 60 s) is left. The files are
rewritten after every point, so a killed run keeps what it measured.

Usage: python3 presets/measured/measure_torch_gpu.py OUT_PREFIX [--deadline-s 480] [--quick]
         [--device cpu]
  writes OUT_PREFIX-eager.csv, OUT_PREFIX-cudagraph.csv, OUT_PREFIX-compiled.csv.
  --quick --device cpu: tiny models and batches 1, 2, eager only, to check the script on a machine
  without a GPU (Debian 12's python3-torch 1.13 works).
The shipped torch-gpu-h200-{eager,cudagraph,compiled}.csv came from one run on an H200 (torch 2.11):
  PYTHONUNBUFFERED=1 python3 presets/measured/measure_torch_gpu.py $OUT/torch-gpu-h200 --deadline-s 470
which took 152 s and measured every point (the six compiles took 7.5 to 26 s each).
"""
import argparse
import contextlib
import datetime
import math
import os
import platform
import subprocess
import sys
import time
import traceback

import torch
import torch.nn.functional as F
import torchvision
from torch import nn

T0 = time.monotonic()


def log(msg):
    print(f"[{time.monotonic() - T0:7.1f} s] {msg}", file=sys.stderr, flush=True)


# ---- models ---------------------------------------------------------------------------------------

SDPA = getattr(F, "scaled_dot_product_attention", None)


def _has_gqa():
    try:
        q, kv = torch.zeros(1, 2, 1, 4), torch.zeros(1, 1, 1, 4)
        SDPA(q, kv, kv, enable_gqa=True)
        return True
    except Exception:  # noqa: BLE001 (torch < 2.5: no enable_gqa; torch < 2.0: no SDPA)
        return False


SDPA_GQA = SDPA is not None and _has_gqa()


def attention(q, k, v, causal, gqa_group):
    """q [B, H, T, hd], k/v [B, KV, T, hd]."""
    if gqa_group > 1 and SDPA_GQA:
        return SDPA(q, k, v, is_causal=causal, enable_gqa=True)
    if gqa_group > 1:
        k = k.repeat_interleave(gqa_group, dim=1)
        v = v.repeat_interleave(gqa_group, dim=1)
    if SDPA is not None:
        return SDPA(q, k, v, is_causal=causal)
    # torch < 2.0 (the CPU check only)
    s = (q @ k.transpose(-2, -1)) / math.sqrt(q.shape[-1])
    if causal:
        t = q.shape[-2]
        s = s.masked_fill(torch.ones(t, t, dtype=torch.bool, device=q.device).triu(1), float("-inf"))
    return torch.softmax(s.float(), dim=-1).to(q.dtype) @ v


class BertLayer(nn.Module):
    def __init__(self, hidden, heads, ffn):
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v = nn.Linear(hidden, hidden), nn.Linear(hidden, hidden), nn.Linear(hidden, hidden)
        self.o = nn.Linear(hidden, hidden)
        self.ln1 = nn.LayerNorm(hidden, eps=1e-12)
        self.fc1, self.fc2 = nn.Linear(hidden, ffn), nn.Linear(ffn, hidden)
        self.ln2 = nn.LayerNorm(hidden, eps=1e-12)

    def forward(self, x):
        b, t, c = x.shape
        split = lambda y: y.view(b, t, self.heads, c // self.heads).transpose(1, 2)  # noqa: E731
        ctx = attention(split(self.q(x)), split(self.k(x)), split(self.v(x)), False, 1)
        x = self.ln1(x + self.o(ctx.transpose(1, 2).reshape(b, t, c)))
        return self.ln2(x + self.fc2(F.gelu(self.fc1(x))))


class BertModel(nn.Module):
    """Hugging Face BertModel's structure (embeddings, post-LN encoder, pooler) without its masks."""

    def __init__(self, seq=128, layers=12, hidden=768, heads=12, ffn=3072, vocab=30522, positions=512):
        super().__init__()
        self.word = nn.Embedding(vocab, hidden)
        self.token_type = nn.Embedding(2, hidden)
        self.position = nn.Embedding(positions, hidden)
        self.register_buffer("position_ids", torch.arange(seq).unsqueeze(0), persistent=False)
        self.register_buffer("token_type_ids", torch.zeros(1, seq, dtype=torch.long), persistent=False)
        self.ln = nn.LayerNorm(hidden, eps=1e-12)
        self.layers = nn.ModuleList(BertLayer(hidden, heads, ffn) for _ in range(layers))
        self.pooler = nn.Linear(hidden, hidden)

    def forward(self, input_ids):
        x = self.word(input_ids) + self.token_type(self.token_type_ids) + self.position(self.position_ids)
        x = self.ln(x)
        for layer in self.layers:
            x = layer(x)
        return x, torch.tanh(self.pooler(x[:, 0]))


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):  # as HF's LlamaRMSNorm: in float32, then back
        xf = x.float()
        return self.weight * (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)).to(x.dtype)


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


class LlamaLayer(nn.Module):
    def __init__(self, hidden, heads, kv_heads, ffn):
        super().__init__()
        self.heads, self.kv_heads, self.hd = heads, kv_heads, hidden // heads
        self.norm1, self.norm2 = RMSNorm(hidden), RMSNorm(hidden)
        self.q = nn.Linear(hidden, heads * self.hd, bias=False)
        self.k = nn.Linear(hidden, kv_heads * self.hd, bias=False)
        self.v = nn.Linear(hidden, kv_heads * self.hd, bias=False)
        self.o = nn.Linear(heads * self.hd, hidden, bias=False)
        self.gate = nn.Linear(hidden, ffn, bias=False)
        self.up = nn.Linear(hidden, ffn, bias=False)
        self.down = nn.Linear(ffn, hidden, bias=False)

    def forward(self, x, cos, sin):
        b, t, c = x.shape
        h = self.norm1(x)
        q = self.q(h).view(b, t, self.heads, self.hd).transpose(1, 2)
        k = self.k(h).view(b, t, self.kv_heads, self.hd).transpose(1, 2)
        v = self.v(h).view(b, t, self.kv_heads, self.hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        ctx = attention(q, k, v, True, self.heads // self.kv_heads)
        x = x + self.o(ctx.transpose(1, 2).reshape(b, t, c))
        h = self.norm2(x)
        return x + self.down(F.silu(self.gate(h)) * self.up(h))


class LlamaPrefill(nn.Module):
    """Llama-style decoder, prefill: all prompt tokens in one pass, logits of the last position."""

    def __init__(self, seq=128, layers=16, hidden=2048, heads=32, kv_heads=8, ffn=8192, vocab=32000,
                 rope_theta=10000.0):
        super().__init__()
        self.embed = nn.Embedding(vocab, hidden)
        self.layers = nn.ModuleList(LlamaLayer(hidden, heads, kv_heads, ffn) for _ in range(layers))
        self.norm = RMSNorm(hidden)
        self.lm_head = nn.Linear(hidden, vocab, bias=False)
        hd = hidden // heads
        inv = 1.0 / (rope_theta ** (torch.arange(0, hd, 2, dtype=torch.float32) / hd))
        ang = torch.outer(torch.arange(seq, dtype=torch.float32), inv)
        ang = torch.cat((ang, ang), dim=-1)  # [T, hd]
        self.register_buffer("cos", ang.cos(), persistent=False)
        self.register_buffer("sin", ang.sin(), persistent=False)

    def forward(self, input_ids):
        x = self.embed(input_ids)
        cos, sin = self.cos.to(x.dtype), self.sin.to(x.dtype)
        for layer in self.layers:
            x = layer(x, cos, sin)
        return self.lm_head(self.norm(x[:, -1:, :]))


LLM_CONFIG = dict(layers=16, hidden=2048, heads=32, kv_heads=8, ffn=8192, vocab=32000)
LLM_QUICK = dict(layers=2, hidden=64, heads=4, kv_heads=2, ffn=128, vocab=1000)
BERT_QUICK = dict(layers=2, hidden=64, heads=4, ffn=128, vocab=1000)


def device_ctx(dev):
    # torch >= 2.0: modules are created (and randomly initialised) directly on the device.
    d = torch.device(dev)
    return d if hasattr(d, "__enter__") else contextlib.nullcontext()


def build_models(dev, dtype, quick):
    """(name, module, keys, make_input(batch)) for each model."""
    seq = 16 if quick else 128
    res = 64 if quick else 224
    torch.manual_seed(0)
    with device_ctx(dev):
        specs = [
            ("resnet50", lambda: torchvision.models.resnet50(weights=None), {"resolution": res}),
            ("bert-base", lambda: BertModel(seq=seq, **(BERT_QUICK if quick else {})), {"seq": seq}),
            ("llm", lambda: LlamaPrefill(seq=seq, **(LLM_QUICK if quick else LLM_CONFIG)), {"seq": seq}),
        ]
        out = []
        for name, make, keys in specs:
            t = time.monotonic()
            m = make().to(device=dev, dtype=dtype).eval()
            if name == "resnet50":
                m = m.to(memory_format=torch.channels_last)
            vocab = getattr(getattr(m, "word", None) or getattr(m, "embed", None), "num_embeddings", 0)

            def make_input(b, name=name, keys=keys, vocab=vocab):
                g = torch.Generator(device=dev).manual_seed(b)
                if "seq" in keys:
                    return torch.randint(0, vocab, (b, keys["seq"]), device=dev, generator=g)
                x = torch.randn(b, 3, keys["resolution"], keys["resolution"], device=dev, generator=g)
                return x.to(dtype).contiguous(memory_format=torch.channels_last)

            params = sum(p.numel() for p in m.parameters())
            log(f"built {name}: {params:,} parameters in {time.monotonic() - t:.1f} s")
            out.append((name, m, keys, make_input, params))
    return out


# ---- environment ----------------------------------------------------------------------------------

def sh(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
        return r.stdout.strip().replace("\n", " | ")
    except Exception as e:  # noqa: BLE001
        return f"unavailable ({type(e).__name__})"


def smi_state():
    return sh(["nvidia-smi", "--query-gpu=clocks.sm,clocks.max.sm,clocks.mem,power.draw,power.limit,"
               "temperature.gpu,pstate", "--format=csv,noheader"])


class Energy:
    """NVML's total-energy counter (mJ since the driver loaded), where readable."""

    def __init__(self):
        self.h = None
        try:
            import pynvml
            pynvml.nvmlInit()
            h = pynvml.nvmlDeviceGetHandleByIndex(torch.cuda.current_device())
            pynvml.nvmlDeviceGetTotalEnergyConsumption(h)
            self.nvml, self.h = pynvml, h
        except Exception as e:  # noqa: BLE001
            log(f"no NVML energy counter: {type(e).__name__}: {e}")

    def read_mj(self):
        if self.h is None:
            return None
        try:
            return float(self.nvml.nvmlDeviceGetTotalEnergyConsumption(self.h))
        except Exception:  # noqa: BLE001
            return None


def environment(dev):
    lines = [f"date: {datetime.datetime.now().isoformat(timespec='seconds')}",
             f"python {platform.python_version()}, torch {torch.__version__}, torchvision {torchvision.__version__}"]
    if dev == "cuda":
        p = torch.cuda.get_device_properties(0)
        lines += [
            f"gpu: {torch.cuda.get_device_name(0)}, {p.multi_processor_count} SMs, "
            f"{p.total_memory / 2**30:.1f} GiB, compute capability {p.major}.{p.minor}",
            "driver " + sh(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"])
            + f", CUDA (torch) {torch.version.cuda}, cuDNN {torch.backends.cudnn.version()}",
        ]
        try:
            import triton
            lines[-1] += f", triton {triton.__version__}"
        except Exception:  # noqa: BLE001
            pass
    else:
        lines.append(f"device: cpu ({platform.processor() or platform.machine()}), {os.cpu_count()} CPUs")
    lines.append(f"host: {os.cpu_count()} CPUs, {platform.platform()}")
    return lines


# ---- timing ---------------------------------------------------------------------------------------

class Deadline(Exception):
    pass


def sync(dev):
    if dev == "cuda":
        torch.cuda.synchronize()


def time_runs(fn, dev, warmup, energy, min_runs=10, min_s=0.4, max_runs=300):
    for _ in range(warmup):
        fn()
    sync(dev)
    times = []
    e0 = energy.read_mj() if energy else None
    start = time.perf_counter()
    while len(times) < max_runs and (len(times) < min_runs or time.perf_counter() - start < min_s):
        sync(dev)
        t0 = time.perf_counter()
        fn()
        sync(dev)
        times.append(time.perf_counter() - t0)
    span = time.perf_counter() - start
    e1 = energy.read_mj() if energy else None
    joules = (e1 - e0) / 1e3 if e0 is not None and e1 is not None and span >= 0.2 and e1 > e0 else None
    return times, joules


def preset_id():
    """The Batchscope preset of this GPU (presets/*.json id), else its name in lower case."""
    name = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu"
    for key, preset in [("H200", "h200"), ("H100 PCIe", "h100-pcie"), ("H100", "h100-sxm"),
                        ("A100-SXM4-80GB", "a100-sxm4-80gb"), ("A100", "a100-sxm4-40gb"), ("L4", "l4"),
                        ("T4", "t4"), ("A10", "a10"), ("MI300X", "mi300x")]:
        if key in name:
            return preset
    return name.lower().replace(" ", "-")


class Output:
    """One CSV per runtime, rewritten whole after every point."""

    def __init__(self, prefix, runtimes, env, model_lines, quick):
        self.prefix, self.env, self.model_lines, self.quick = prefix, env, model_lines, quick
        self.rows = {r: [] for r in runtimes}
        self.notes = {r: [] for r in runtimes}

    def path(self, runtime):
        return f"{self.prefix}-{runtime}.csv"

    def add(self, runtime, name, keys, b, times, joules):
        e = "" if joules is None else f"{joules * 1e3 / (len(times) * b):.4f}"
        # The columns 'batchscope validate' reads: the preset, the runtime profile and the llm's knobs.
        cfg = LLM_QUICK if self.quick else LLM_CONFIG
        # Both transformers call F.scaled_dot_product_attention: attention=sdpa.
        params = ";".join(f"{k}={v}" for k, v in cfg.items()) + ";phase=prefill" if name == "llm" else ""
        params = f"{params};attention=sdpa" if params else "attention=sdpa" if name == "bert-base" else ""
        for t in times:
            self.rows[runtime].append(f"{name},bf16,{b},{keys.get('seq', '')},{keys.get('resolution', '')},"
                                      f"{t * 1e3:.4f},{e},{preset_id()},pytorch-{runtime},{params}")
        self.write(runtime)

    def write(self, runtime):
        what = {"eager": "eager (the module called as is)",
                "cudagraph": "eager module captured into one CUDA graph per batch, timed by graph replay",
                "compiled": 'torch.compile(mode="reduce-overhead") (Inductor + CUDA graphs)'}[runtime]
        tmp = self.path(runtime) + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"# PyTorch GPU batch sweeps, made by presets/measured/measure_torch_gpu.py{' --quick' if self.quick else ''}\n")
            f.write(f"# runtime: {what}\n")
            for line in self.env + self.model_lines + self.notes[runtime]:
                f.write(f"# {line}\n")
            f.write("model,precision,batch,seq,resolution,latency_ms,energy_mj,hardware,runtime,params\n")
            for r in self.rows[runtime]:
                f.write(r + "\n")
        os.replace(tmp, self.path(runtime))


def report(runtime, name, b, times, joules):
    med = sorted(times)[len(times) // 2]
    e = "" if joules is None else f", {joules * 1e3 / (len(times) * b):.2f} mJ/inf"
    log(f"{runtime:9s} {name:9s} batch {b:3d}: {len(times):3d} runs, median {med * 1e3:9.3f} ms, "
        f"{b / med:10.1f} inf/s{e}")
    return med


# ---- runtimes -------------------------------------------------------------------------------------

def run_eager(model, x, dev, energy):
    return time_runs(lambda: model(x), dev, 3, energy)


def run_cudagraph(model, x, dev, energy):
    s = torch.cuda.Stream()
    s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):
        for _ in range(3):
            model(x)
    torch.cuda.current_stream().wait_stream(s)
    g = torch.cuda.CUDAGraph()
    with torch.cuda.graph(g):
        out = model(x)
    try:
        return time_runs(g.replay, dev, 3, energy)
    finally:
        del g, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("prefix")
    ap.add_argument("--deadline-s", type=float, default=480)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--runtimes", default="eager,cudagraph,compiled")
    args = ap.parse_args()
    dev = args.device
    runtimes = args.runtimes.split(",")
    if dev != "cuda":
        runtimes = [r for r in runtimes if r == "eager"]
    left = lambda: args.deadline_s - (time.monotonic() - T0)  # noqa: E731
    batches = [1, 2] if args.quick else [1, 2, 4, 8, 16, 32, 64, 128, 256]

    if dev == "cuda":
        torch.backends.cudnn.benchmark = True
    env = environment(dev)
    for line in env:
        log(line)
    smi0 = smi_state() if dev == "cuda" else ""
    energy = Energy() if dev == "cuda" else None
    dtype = torch.bfloat16
    models = build_models(dev, dtype, args.quick)
    cfg = LLM_QUICK if args.quick else LLM_CONFIG
    model_lines = [
        "bf16 weights and activations, eval, torch.inference_mode(), cudnn.benchmark; random weights "
        "(plain-torch modules; no transformers)",
        f"models: resnet50 = torchvision resnet50, 3x{models[0][2]['resolution']}^2 input, channels_last, "
        f"{models[0][4]:,} params",
        f"  bert-base = BERT-base with pooler as the zoo builds it (post-LN, SDPA, GELU), seq {models[1][2]['seq']}, "
        f"{models[1][4]:,} params",
        f"  llm = Llama-style prefill (RMSNorm, rotary, GQA via SDPA causal, SwiGLU, LM head on the last "
        f"position), seq {models[2][2]['seq']}, {models[2][4]:,} params; in batchscope: --model llm --seq "
        f"{models[2][2]['seq']} " + " ".join(f"--param {k}={v}" for k, v in cfg.items()) + " --param phase=prefill",
        "timing: per run synchronize + perf_counter around one forward pass; >= 10 runs and >= 0.4 s (at most "
        "300) after the warm-ups; one row per run",
        "energy_mj: NVML total-energy counter over the timed loop / runs / batch (board energy, idle gaps "
        "included), the same on each row of a point; empty when unreadable or the loop < 0.2 s",
        f"nvidia-smi at start (clocks.sm, clocks.max.sm, clocks.mem, power.draw, power.limit, temp, pstate): {smi0}",
    ]
    out = Output(args.prefix, runtimes, env, model_lines, args.quick)
    for r in runtimes:
        out.write(r)

    medians = {}
    with torch.inference_mode():
        # Finite outputs (random weights in bf16 must not overflow), once per model.
        for name, m, keys, make_input, _ in models:
            y = m(make_input(2))
            y = y[0] if isinstance(y, tuple) else y
            log(f"{name}: output {tuple(y.shape)}, finite {bool(torch.isfinite(y).all())}")

        for runtime in [r for r in runtimes if r in ("eager", "cudagraph")]:
            fn = run_eager if runtime == "eager" else run_cudagraph
            for name, m, keys, make_input, _ in models:
                for b in batches:
                    if left() < 0:
                        log(f"deadline: {runtime} {name} batch {b} and later points skipped")
                        out.notes[runtime].append(f"deadline reached: {name} from batch {b} on not measured")
                        out.write(runtime)
                        break
                    try:
                        times, joules = fn(m, make_input(b), dev, energy)
                    except Exception as e:  # noqa: BLE001
                        log(f"{runtime} {name} batch {b} failed: {type(e).__name__}: {e}")
                        traceback.print_exc()
                        out.notes[runtime].append(f"{name} batch {b} failed: {type(e).__name__}: {str(e)[:200]}")
                        out.write(runtime)
                        break
                    medians[(runtime, name, b)] = report(runtime, name, b, times, joules)
                    out.add(runtime, name, keys, b, times, joules)
                if dev == "cuda":
                    torch.cuda.empty_cache()
            if dev == "cuda":
                out.notes[runtime].append(f"nvidia-smi after the {runtime} sweeps: {smi_state()}")
                out.write(runtime)

        if "compiled" in runtimes:
            run_compiled(models, batches, dev, energy, out, medians, left)

    summary(medians, [m[0] for m in models], batches)


def run_compiled(models, batches, dev, energy, out, medians, left):
    import torch._dynamo as dynamo
    for attr in ("cache_size_limit", "recompile_limit", "accumulated_cache_size_limit",
                 "accumulated_recompile_limit"):
        if hasattr(dynamo.config, attr):
            setattr(dynamo.config, attr, 256)
    mark = getattr(dynamo, "maybe_mark_dynamic", None) or dynamo.mark_dynamic
    step = getattr(getattr(torch, "compiler", None), "cudagraph_mark_step_begin", None)
    compiled = {name: torch.compile(m, mode="reduce-overhead") for name, m, *_ in models}
    compile_s = []
    broken = set()

    def call(fn, x):
        if step:
            step()
        return fn(x)

    def point(name, keys, make_input, b, first):
        x = make_input(b)
        if b > 1:
            mark(x, 0)
        cm = compiled[name]
        if first:
            need = max(60.0, 1.3 * max(compile_s, default=0))
            if left() < need:
                raise Deadline(f"{left():.0f} s left, a compile needs ~{need:.0f} s")
            sync(dev)
            t = time.perf_counter()
            call(cm, x)
            sync(dev)
            dt = time.perf_counter() - t
            compile_s.append(dt)
            what = "batch 1 (static)" if b == 1 else f"batches >= 2 (batch dynamic; first call at batch {b})"
            log(f"compiled {name} for {what}: first call {dt:.1f} s")
            out.notes["compiled"].append(f"compile of {name} for {what}: first call {dt:.1f} s")
        else:
            if left() < 0:
                raise Deadline("deadline")
            sync(dev)
            t = time.perf_counter()
            call(cm, x)  # a new batch: the CUDA-graph trees warm up and record again (no recompile)
            sync(dev)
            log(f"compiled {name} batch {b}: first call {time.perf_counter() - t:.2f} s")
        times, joules = time_runs(lambda: call(cm, x), dev, 5, energy)
        medians[("compiled", name, b)] = report("compiled", name, b, times, joules)
        out.add("compiled", name, keys, b, times, joules)

    # Batch 1 of every model first (the launch-overhead point), then each model's dynamic graph at
    # the sweep's corners (8, 64, the largest), then the other batches.
    order = [(m, 1, True) for m in models]
    rest = [b for b in batches if b > 1]
    corners = [b for b in (8, 64, rest[-1] if rest else None) if b in rest]
    corners = corners or rest[:1]
    for m in models:
        order += [(m, b, i == 0) for i, b in enumerate(corners)]
    for m in models:
        order += [(m, b, False) for b in rest if b not in corners]
    for (name, _, keys, make_input, _), b, first in order:
        if name in broken:
            continue
        try:
            point(name, keys, make_input, b, first)
        except Deadline as e:
            log(f"compiled {name} batch {b} skipped: {e}")
            out.notes["compiled"].append(f"not measured: {name} batch {b} ({e})")
            if first and b > 1:
                broken.add(name)
        except Exception as e:  # noqa: BLE001
            log(f"compiled {name} batch {b} failed: {type(e).__name__}: {e}")
            traceback.print_exc()
            out.notes["compiled"].append(f"{name} batch {b} failed: {type(e).__name__}: {str(e)[:200]}")
            if first and b > 1:
                broken.add(name)  # the dynamic graph did not compile: the model's other batches too
        out.write("compiled")
    if dev == "cuda":
        out.notes["compiled"].append(f"nvidia-smi after the compiled sweeps: {smi_state()}")
        out.write("compiled")


def summary(medians, names, batches):
    runtimes = sorted({k[0] for k in medians}, key=["eager", "cudagraph", "compiled"].index)
    print("\nmedian latency, ms")
    print(f"{'model':10s} {'batch':>5s} " + " ".join(f"{r:>10s}" for r in runtimes)
          + "  eager/cudagraph  eager/compiled")
    for n in names:
        for b in batches:
            v = [medians.get((r, n, b)) for r in runtimes]
            if all(x is None for x in v):
                continue
            cells = " ".join(f"{x * 1e3:10.3f}" if x else f"{'-':>10s}" for x in v)
            e, g, c = (medians.get((r, n, b)) for r in ("eager", "cudagraph", "compiled"))
            ratio = lambda a, d: f"{a / d:15.2f}" if a and d else f"{'-':>15s}"  # noqa: E731
            print(f"{n:10s} {b:5d} {cells}  {ratio(e, g)} {ratio(e, c)}")


if __name__ == "__main__":
    main()
