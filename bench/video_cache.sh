#!/usr/bin/env bash
# bench/video_cache.sh [CONFIG] [STEPS]
# Fine-tuning speed with and without avsr.video_cache, in one run of this script so the
# shared machine's load hits all three: no cache, a cold cache (filled as the run goes),
# a warm cache (the same steps again). Prints each run's utterances/s from the trainer's
# JSON summary and the ratios to the uncached run. Needs the corpus and the parts the
# config names (WORK_DIR, default /work/data, as for scripts/train_recipe.sh).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
train=${TRAIN:-${SINKSCOPE_BUILD_DIR:-$root/build}/app/train/sinkscope-train}
config=${1:-$root/configs/avsr-vsr-low.json}
steps=${2:-30}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "${WORK_DIR:-/work/data}"
speed() {  # NAME [extra --set ...]
  local name=$1
  shift
  "$train" --config "$config" --set out_dir="$scratch/$name" --set avsr.eval_utterances=4 \
    --set avsr.probe_utterances=2 --set threads=1 --stop-after "$steps" "$@" 2>/dev/null |
    python3 -c 'import json, sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])["utterances_per_s"])'
}
none=$(speed none --set avsr.video_cache=)
cold=$(speed cold --set avsr.video_cache="$scratch/cache")
warm=$(speed warm --set avsr.video_cache="$scratch/cache")
python3 - "$none" "$cold" "$warm" <<'PY'
import sys
none, cold, warm = (float(x) for x in sys.argv[1:])
print(f"utterances/s  no cache {none:.2f}  cold cache {cold:.2f}  warm cache {warm:.2f}")
print(f"ratio to no cache: cold {cold / none:.2f}x, warm {warm / none:.2f}x")
PY
