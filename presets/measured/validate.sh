#!/usr/bin/env bash
# Prints the model's error on each shipped dataset as the Markdown table in docs/VALIDATION.md:
# per model, the median absolute percentage error (MdAPE) and the anomalies with
#   - the stock preset closest to the machine (xeon-8490h, the shipped CPU),
#   - the measured-machine preset (this-machine-*.json, from 'batchscope measure-machine'),
#   - that preset calibrated to all four sweeps ('batchscope calibrate').
# Usage: presets/measured/validate.sh [path/to/batchscope]   (default build/dev/app/batchscope)
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build/dev/app/batchscope}
data=presets/measured/torch-cpu-epyc-2core.csv
machine=presets/measured/this-machine-epyc-2core.json
calibrated=$(mktemp --suffix=.json)
trap 'rm -f "$calibrated"' EXIT
models=(resnet18 resnet50 mobilenet_v2 distilbert)
args=()
for m in "${models[@]}"; do args+=(--model "$m"); done
echo "Calibration of $machine to $data:"
"$B" calibrate --hardware "$machine" "${args[@]}" --precision fp32 --measured "$data" --out "$calibrated" \
  --id this-machine-calibrated | sed 's/^/    /'
echo
echo "| model | points | MdAPE stock (xeon-8490h) | MdAPE measured machine | MdAPE calibrated | measured ÷ model (calibrated) | anomalies |"
echo "|---|---|---|---|---|---|---|"
for m in "${models[@]}"; do
  row() { "$B" compare --model "$m" --hardware "$1" --precision fp32 --measured "$data" --summary | tail -1; }
  IFS=, read -r _ _ _ n stock _ _ <<<"$(row xeon-8490h)"
  IFS=, read -r _ _ _ _ meas _ _ <<<"$(row "$machine")"
  IFS=, read -r _ _ _ _ cal ratio anomalies <<<"$(row "$calibrated")"
  printf '| %s | %s | %.1f %% | %.1f %% | %.1f %% | %.2f | %s |\n' "$m" "$n" "$stock" "$meas" "$cal" "$ratio" "$anomalies"
done
