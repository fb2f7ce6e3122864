#!/usr/bin/env bash
# Builds the libFuzzer targets (the "fuzz" preset: clang, ASan+UBSan) and runs each one for
# SECONDS (default 60) on its seed corpus, in parallel jobs of one process each. A crash, leak,
# timeout or out-of-memory stops the run with the reproducer in build/fuzz/findings/TARGET/.
# Prints, per target: executions, executions per second, coverage (edges) and corpus size.
# Usage: tests/fuzz/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
cmake --preset fuzz > /dev/null
cmake --build --preset fuzz
export BATCHSCOPE_PRESET_DIR=$PWD/presets
export ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 # leaks: the inference child exits by _exit
seeds() {
  case $1 in
    onnx) echo tests/data tests/data/malformed tests/fuzz/seeds/onnx ;;
    preset) echo presets ;;
    session) echo tests/fuzz/seeds/session ;;
    measured) echo presets/measured tests/fuzz/seeds/measured ;;
    hf_config) echo presets/models tests/data/hf ;;
  esac
}
status=0
for t in onnx preset session measured hf_config; do
  corpus=build/fuzz/corpus/$t findings=build/fuzz/findings/$t
  mkdir -p "$corpus" "$findings"
  log=build/fuzz/$t.log
  # shellcheck disable=SC2046
  if build/fuzz/tests/fuzz/fuzz_$t -max_total_time="$seconds" -timeout=30 -rss_limit_mb=6144 -max_len=262144 \
      -print_final_stats=1 -artifact_prefix="$findings/" "$corpus" $(seeds $t) > "$log" 2>&1; then
    result=ok
  else
    result="FAILED (see $log and $findings)"
    status=1
  fi
  # A target that never started (not built, crashed on load) leaves no statistics: report "?"
  # rather than let pipefail end the script before the FAILED line is printed.
  execs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}' || true)
  rate=$(grep -m1 'stat::average_exec_per_sec' "$log" | awk '{print $2}' || true)
  cov=$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -o 'cov: [0-9]*' | awk '{print $2}' || true)
  units=$(ls "$corpus" | wc -l)
  echo "fuzz_$t: ${seconds}s, ${execs:-?} executions (${rate:-?}/s), coverage ${cov:-?} edges, corpus $units: $result"
done
exit $status
