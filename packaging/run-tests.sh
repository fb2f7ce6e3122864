#!/usr/bin/env bash
# Installs dependencies, then builds and runs the whole test suite twice: the dev preset
# (warnings as errors, plus a clang-format check) and the asan preset (AddressSanitizer +
# UndefinedBehaviorSanitizer); then a short run (60 s each) of the five libFuzzer targets.
# Exits non-zero on the first failure. This is what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
./packaging/install-deps.sh

echo "== clang-format"
git ls-files '*.cpp' '*.h' | xargs clang-format --dry-run --Werror

echo "== dev build + tests"
cmake --preset dev
cmake --build --preset dev
ctest --preset dev

echo "== asan build + tests"
cmake --preset asan
cmake --build --preset asan
ctest --preset asan

echo "== fuzz: 60 s per target (docs/ROBUSTNESS.md)"
tests/fuzz/run.sh 60
