#!/usr/bin/env bash
# Packaging check (ctest "packaging"): installs the build into a scratch prefix and runs the
# installed binary away from the source tree, validates the .desktop and AppStream files, then
# builds the .deb with CPack and checks its contents and shlibdeps dependencies.
# Usage: install_and_package.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
prefix=$scratch/usr
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" > "$scratch/install.log"
app=io.github.batchscope.Batchscope
for f in bin/batchscope share/applications/$app.desktop share/metainfo/$app.metainfo.xml \
         share/icons/hicolor/scalable/apps/$app.svg share/icons/hicolor/256x256/apps/$app.png \
         share/batchscope/presets/h100-sxm.json share/batchscope/measured/torch-cpu-epyc-2core.csv; do
  [ -e "$prefix/$f" ] || fail "not installed: $f"
done
desktop-file-validate "$prefix/share/applications/$app.desktop"
appstreamcli validate --no-net --pedantic "$prefix/share/metainfo/$app.metainfo.xml" > "$scratch/as.log" ||
  { cat "$scratch/as.log"; fail "AppStream metainfo"; }

# The installed binary uses the installed presets: keep two, and it must list exactly those two.
find "$prefix/share/batchscope/presets" -name '*.json' ! -name 't4.json' ! -name 'h100-sxm.json' -delete
cd "$scratch"
listed=$(env -u BATCHSCOPE_PRESET_DIR "$prefix/bin/batchscope" presets | tail -n +2 | cut -d, -f1 | sort | tr '\n' ' ')
[ "$listed" = "h100-sxm t4 " ] || fail "installed binary lists presets '$listed', not the installed h100-sxm and t4"
env -u BATCHSCOPE_PRESET_DIR -u QT_QPA_PLATFORM "$prefix/bin/batchscope" export \
  --scenario model=resnet18,hardware=t4 --chart all --out "$scratch/charts.png" > /dev/null
[ -s "$scratch/charts.png" ] || fail "installed binary did not export a chart"
# ONNX shape inference runs in the worker installed beside it, not in the build tree's.
worker=$(env -u BATCHSCOPE_ONNX_WORKER "$prefix/bin/batchscope" --version | sed -n 's/^onnx shape-inference worker: //p')
[ "$worker" = "$prefix/libexec/batchscope/batchscope-onnx-worker" ] || fail "installed binary uses the worker '$worker'"
env -u BATCHSCOPE_ONNX_WORKER "$prefix/bin/batchscope" import "$src/tests/data/resnet18.onnx" --dim height=224 --dim width=224 \
  | grep -q '^params  *11689512$' || fail "installed binary did not import resnet18.onnx"

# The Debian package.
(cd "$build" && cpack -G DEB -B "$scratch/deb" > "$scratch/cpack.log") || { cat "$scratch/cpack.log"; fail "cpack"; }
deb=$(ls "$scratch"/deb/batchscope_*.deb)
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libqt6widgets6 libqt6charts6 libonnx libprotobuf libc6 qt6-qpa-plugins; do
  case "$depends" in *"$lib"*) ;; *) fail "Depends lacks $lib: $depends" ;; esac
done
dpkg-deb -c "$deb" > "$scratch/contents.txt"
grep -q "./usr/bin/batchscope$" "$scratch/contents.txt" || fail "the package has no /usr/bin/batchscope"
grep -q "./usr/libexec/batchscope/batchscope-onnx-worker$" "$scratch/contents.txt" || fail "the package has no ONNX worker"
grep -q "./usr/share/batchscope/presets/h100-sxm.json$" "$scratch/contents.txt" || fail "the package has no presets"
grep -q "./usr/share/applications/$app.desktop$" "$scratch/contents.txt" || fail "the package has no .desktop file"
echo "packaging: install tree, desktop/metainfo, installed presets, headless export and $(basename "$deb") OK"
echo "Depends: $depends"
