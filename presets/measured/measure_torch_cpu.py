#!/usr/bin/python3
"""Batch sweeps of PyTorch CPU inference, written as a Batchscope measured file (docs/MEASURED.md).

Models: torchvision resnet18, resnet50, mobilenet_v2 (224x224) and the DistilBERT-style encoder
of tests/data/make_onnx_models.py (seq 128), fp32, eval mode, torch.no_grad(), batches 1..64 by
doubling. Each batch: 2 warm-up runs, then timed runs (time.perf_counter around one forward pass)
until at least 3 runs and 2 s; every run is one CSV row, so the reader's median is the point.

Environment (recorded in the file's '#' header):
  - Debian 12's python3-torch (1.13) with libopenblas0-openmp as the BLAS (without it, Debian's
    torch falls back to the slow reference BLAS); oneDNN does the convolutions.
  - torch.set_num_threads(all cores).
  - glibc malloc tuned so that large batches are not distorted by page faults from returning and
    re-mapping big activation buffers: MALLOC_MMAP_MAX_=0, MALLOC_TRIM_THRESHOLD_=2^40 (the script
    re-executes itself with them set when they are not).

Usage: /usr/bin/python3 presets/measured/measure_torch_cpu.py OUT.csv [PRESET_ID] [--quick]   (PRESET_ID: the id of the measure-machine preset, default this-machine)
"""
import datetime
import os
import platform
import sys
import time

MALLOC_ENV = {"MALLOC_MMAP_MAX_": "0", "MALLOC_TRIM_THRESHOLD_": str(1 << 40)}
if any(os.environ.get(k) != v for k, v in MALLOC_ENV.items()):
    os.environ.update(MALLOC_ENV)
    os.execv(sys.executable, [sys.executable] + sys.argv)

import torch  # noqa: E402
import torchvision  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "data"))
from make_onnx_models import DistilBertEncoder  # noqa: E402


def cpu_name():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()


def blas():
    try:
        return os.path.realpath("/etc/alternatives/libblas.so.3-x86_64-linux-gnu")
    except OSError:
        return "unknown"


def time_runs(model, x, min_runs, min_seconds):
    with torch.no_grad():
        for _ in range(2):
            model(x)
        times = []
        start = time.perf_counter()
        while len(times) < min_runs or time.perf_counter() - start < min_seconds:
            t0 = time.perf_counter()
            model(x)
            times.append(time.perf_counter() - t0)
            if len(times) >= 25:
                break
    return times


def main():
    out = sys.argv[1]
    quick = "--quick" in sys.argv
    ids = [a for a in sys.argv[2:] if not a.startswith("--")]
    hardware = ids[0] if ids else "this-machine"
    threads = os.cpu_count()
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    models = [
        ("resnet18", torchvision.models.resnet18(), {"resolution": 224}),
        ("resnet50", torchvision.models.resnet50(), {"resolution": 224}),
        ("mobilenet_v2", torchvision.models.mobilenet_v2(), {"resolution": 224}),
        ("distilbert", DistilBertEncoder(seq=128), {"seq": 128}),
    ]
    batches = [1, 2, 4] if quick else [1, 2, 4, 8, 16, 32, 64]
    rows = []
    for name, model, keys in models:
        model.eval()
        for b in batches:
            if "seq" in keys:
                x = torch.randint(0, 30522, (b, keys["seq"]), dtype=torch.long)
            else:
                x = torch.randn(b, 3, keys["resolution"], keys["resolution"])
            times = time_runs(model, x, 3, 0.5 if quick else 2.0)
            for t in times:
                rows.append((name, b, keys.get("seq", ""), keys.get("resolution", ""), t * 1e3))
            med = sorted(times)[len(times) // 2]
            print(f"{name} batch {b}: {len(times)} runs, median {med * 1e3:.2f} ms, "
                  f"{b / med:.1f} inf/s", file=sys.stderr, flush=True)
    with open(out, "w") as f:
        f.write(f"# PyTorch CPU batch sweeps, made by presets/measured/measure_torch_cpu.py\n")
        f.write(f"# date: {datetime.datetime.now().isoformat(timespec='seconds')}\n")
        f.write(f"# cpu: {cpu_name()}, {threads} logical CPUs; python {platform.python_version()}\n")
        f.write(f"# torch {torch.__version__}, torchvision {torchvision.__version__}, "
                f"threads {torch.get_num_threads()}, BLAS {blas()}, oneDNN {torch.backends.mkldnn.is_available()}\n")
        f.write("# env: " + " ".join(f"{k}={os.environ[k]}" for k in sorted(MALLOC_ENV)) + "\n")
        f.write("# fp32, eval, no_grad; 2 warm-up runs, then >= 3 timed runs and >= 2 s per batch; one row per run\n")
        # hardware: the preset 'batchscope measure-machine' writes for this machine (its id is the
        # second argument, default this-machine); runtime: the profile that models eager PyTorch.
        f.write("model,precision,batch,seq,resolution,latency_ms,hardware,runtime,params\n")
        for name, b, seq, res, ms in rows:
            f.write(f"{name},fp32,{b},{seq},{res},{ms:.4f},{hardware},pytorch-eager,\n")


if __name__ == "__main__":
    main()
