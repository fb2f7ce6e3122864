#!/usr/bin/env bash
# Installs every Debian 12 package Batchscope needs to build, run and test.
# Idempotent: packages already present are skipped by apt. Run as root (or with sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  qt6-base-dev qt6-charts-dev qt6-svg-dev qt6-base-dev-tools
  libgl-dev libqt6opengl6-dev
  libboost-graph-dev
  libonnx-dev libprotobuf-dev protobuf-compiler
  libonnx-testdata  # ~1,000 ONNX models: the importer's robustness corpus (tst_onnx_corpus)
  libbenchmark-dev
  xvfb xauth
  clang-format clang-tidy
  desktop-file-utils appstream dpkg-dev file  # packaging checks: .desktop, metainfo, cpack shlibdeps
  clang libclang-rt-14-dev                    # libFuzzer targets (tests/fuzz, the fuzz preset)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
