#!/usr/bin/env bash
# Installs dependencies, builds the release preset and starts the explorer window on the default
# comparison (ResNet-50 and ResNet-18 on H100 vs TPU v4). Without a display it runs under Xvfb.
# Any arguments are passed to batchscope (e.g. `packaging/run-app.sh sweep --model resnet50 ...`).
set -euo pipefail
cd "$(dirname "$0")/.."
./packaging/install-deps.sh
cmake --preset release
# Only what the window needs (the app and its ONNX worker), not every test suite and benchmark:
# the test command builds those.
cmake --build --preset release --target batchscope
if [ $# -eq 0 ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "no display: starting under xvfb-run"
  exec xvfb-run -a ./build/release/app/batchscope
fi
exec ./build/release/app/batchscope "$@"
