#!/usr/bin/env python3
"""Imports every model of the realworld corpus and checks it (stdlib only).

Usage: run.py BATCHSCOPE CACHE_DIR [ID...]

For each row of manifest.tsv (or only the given ids) it runs
    BATCHSCOPE import CACHE_DIR/<id>/<file> --dim NAME=N ... --format json
and checks: exit status 0, FLOPs per sample > 0, and parameters within 1% of the
manifest's count (count_params.py, computed with python3-onnx, not by the importer).
Prints one table row per model and closes with "realworld: N passed, M failed".

Exit codes: 0 all passed; 1 any failed; 77 (ctest's skip) when the cache lacks a model
(run fetch.sh first); 2 on usage errors.
"""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOLERANCE = 0.01
TIMEOUT_S = 600


def read_manifest():
    rows = []
    with open(os.path.join(HERE, "manifest.tsv"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            c = line.split("\t")
            rows.append({
                "id": c[0], "package": c[1], "path": c[2],
                "dims": [d for d in c[3].split(",") if d and d != "-"],
                "domain": c[4], "precision": c[5], "params": int(c[6]), "note": c[9],
            })
    return rows


def one_line(text, limit=400):
    text = " ".join(text.strip().split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check(binary, cache, row):
    model = os.path.join(cache, row["id"], os.path.basename(row["path"]))
    cmd = [binary, "import", model, "--format", "json"]
    for d in row["dims"]:
        cmd += ["--dim", d]
    res = {"id": row["id"], "expected": row["params"], "got": None, "gmacs": None,
           "not_costed": "", "ok": False, "why": ""}
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        res["why"] = f"timed out after {TIMEOUT_S} s"
        return res
    if p.returncode != 0:
        res["why"] = f"exit {p.returncode}: " + one_line(p.stderr or p.stdout)
        return res
    try:
        out = json.loads(p.stdout)
    except ValueError:
        res["why"] = "output is not JSON: " + one_line(p.stdout, 120)
        return res
    res["got"] = int(out.get("params", 0))
    res["gmacs"] = float(out.get("gmacs_per_sample", 0.0))
    gflops = float(out.get("gflops_per_sample", 0.0))
    res["not_costed"] = ", ".join(out.get("not_costed", []))
    res["warnings"] = out.get("warnings", [])
    problems = []
    if not gflops > 0:
        problems.append("0 FLOPs")
    exp = row["params"]
    if abs(res["got"] - exp) > TOLERANCE * max(exp, 1):
        diff = res["got"] - exp
        problems.append(f"params {res['got']} vs {exp} ({diff:+d}, {100.0 * diff / max(exp, 1):+.1f}%)")
    res["ok"] = not problems
    res["why"] = "; ".join(problems)
    return res


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    binary, cache, only = argv[0], argv[1], set(argv[2:])
    rows = read_manifest()
    if only:
        unknown = only - {r["id"] for r in rows}
        if unknown:
            sys.stderr.write("run.py: unknown model ids: " + ", ".join(sorted(unknown)) + "\n")
            return 2
        rows = [r for r in rows if r["id"] in only]
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        sys.stderr.write(f"run.py: {binary} is not an executable\n")
        return 2
    missing = [r["id"] for r in rows
               if not os.path.isfile(os.path.join(cache, r["id"], os.path.basename(r["path"])))]
    if missing:
        print(f"realworld: skipped: {len(missing)} of {len(rows)} models are not in {cache} "
              f"(run tests/realworld/fetch.sh {cache}): {', '.join(missing[:5])}"
              + (" ..." if len(missing) > 5 else ""))
        return 77
    results = []
    head = f"{'model':<24} {'params exp':>11} {'params got':>11} {'GMACs':>9}  {'result':<6} not costed / why"
    print(head)
    print("-" * len(head))
    for row in rows:
        r = check(binary, cache, row)
        results.append(r)
        got = "-" if r["got"] is None else str(r["got"])
        gm = "-" if r["gmacs"] is None else f"{r['gmacs']:.4f}"
        detail = r["not_costed"] or "none"
        if not r["ok"]:
            detail = r["why"] + (f" | not costed: {r['not_costed']}" if r["not_costed"] else "")
        print(f"{r['id']:<24} {r['expected']:>11} {got:>11} {gm:>9}  {'PASS' if r['ok'] else 'FAIL':<6} {detail}",
              flush=True)
    passed = sum(1 for r in results if r["ok"])
    failed = len(results) - passed
    if os.environ.get("BATCHSCOPE_REALWORLD_JSON"):
        with open(os.environ["BATCHSCOPE_REALWORLD_JSON"], "w", encoding="utf-8") as f:
            json.dump(results, f, indent=1)
    print(f"realworld: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
