#!/usr/bin/env bash
# Imports the realworld corpus and checks it: usage: run.sh BATCHSCOPE_BINARY CACHE_DIR [ID...]
# (run fetch.sh CACHE_DIR first). Exit 0 all pass, 1 any fails, 77 cache incomplete (skipped).
# The work is in run.py (python3, standard library only).
set -euo pipefail
exec python3 "$(dirname "$0")/run.py" "$@"
