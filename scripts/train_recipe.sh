#!/usr/bin/env bash
# scripts/train_recipe.sh [STAGE...]
# Runs sinkscope's demo-model recipe (docs/training.md, "The recipe and its time
# budget") stage after stage: lm-demo, ctc-audio, ctc-video, then the twelve AVSR
# fine-tunings avsr-{asr,vsr,avsr}-{low,high}[-dec]. Every stage runs with --resume,
# so the script can be stopped (SIGINT/SIGTERM checkpoint) and started again; a stage
# whose export says schedule_completed is skipped. Without arguments all stages run;
# otherwise only the named ones (e.g. ctc-audio avsr-asr-low). Never start a stage
# whose run folder another process is still training (e.g. a background lm-demo).
#
# Environment: WORK_DIR (default /work/data; the configs' relative runs/... paths land
# there), TRAIN (default build/app/train/sinkscope-train), SET (extra --set
# assignments, space-separated, e.g. "device=cuda train.batch_utterances=64"),
# NICE (default 19).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK_DIR:-/work/data}
train=${TRAIN:-$repo/build/app/train/sinkscope-train}
nice_level=${NICE:-19}
stages=("$@")
if [ ${#stages[@]} -eq 0 ]; then
  stages=(lm-demo ctc-audio ctc-video)
  for m in asr vsr avsr; do
    for level in low high; do
      stages+=("avsr-$m-$level" "avsr-$m-$level-dec")
    done
  done
fi
overrides=()
for assignment in ${SET:-}; do overrides+=(--set "$assignment"); done
mkdir -p "$work/runs"
cd "$work"
for stage in "${stages[@]}"; do
  config=$repo/configs/$stage.json
  [ -f "$config" ] || { echo "train_recipe.sh: no config $config" >&2; exit 2; }
  done_marker=runs/$stage/export/training.json
  if [ -f "$done_marker" ] && grep -q '"schedule_completed": true' "$done_marker"; then
    echo "== $stage: finished before, skipped"
    continue
  fi
  echo "== $stage ($(date -u +%H:%M:%S) UTC)"
  nice -n "$nice_level" "$train" --config "$config" --resume "${overrides[@]}" 2>>"runs/$stage.log"
done
