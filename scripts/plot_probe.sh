#!/usr/bin/env bash
# scripts/plot_probe.sh RUN_DIR [OUT.png] [COLUMNS]
# Plots a training run's sink metrics (RUN_DIR/probe.csv) against steps: by default
# the probe's summaries (BOS-sink share, intermediate-sink share, max/median, BOS
# cosine, and in AVSR runs the sink share of each delimiter and of the prompt).
# COLUMNS: a comma-separated list of probe.csv columns instead (e.g.
# bos_sink_l0,bos_sink_l5). Needs sinkscope-plot-csv (built with the app; no Python
# plotting library is installed here). BUILD_DIR defaults to ./build.
set -euo pipefail
run=${1:?usage: plot_probe.sh RUN_DIR [OUT.png] [COLUMNS]}
out=${2:-$run/probe.png}
columns=${3:-}
tool=${BUILD_DIR:-build}/app/sinkscope-plot-csv
[ -x "$tool" ] || { echo "plot_probe.sh: $tool not built (ninja -C ${BUILD_DIR:-build} sinkscope-plot-csv)" >&2; exit 1; }
args=(--csv "$run/probe.csv" --out "$out" --title "$(basename "$run"): sink metrics")
[ -n "$columns" ] && args+=(--columns "$columns")
"$tool" "${args[@]}"
