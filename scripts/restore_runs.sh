#!/usr/bin/env bash
# scripts/restore_runs.sh
# Puts the committed shared parts (models/shared/*: the LLMs and encoders the bundled
# models read) back where the recipe keeps its exports, WORK_DIR/runs/<stage>/export, so a
# machine that lost its work folder can train the later stages (a longer LLM, a refit of
# the twelve AVSR models) without first retraining the ≈ 4-hour encoder lane.
#
# Each part's training.json names the run folder it was exported from ("out_dir"); that
# is where it goes back. An export that already holds a training.json is left alone, so
# the script can run again at any time. The parts hold the exports' weights (the bundle
# stores bf16, the exports' dtype) and their training.json, so train_recipe.sh then sees
# those stages as finished.
#
# Environment: WORK_DIR (default /work/data).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK_DIR:-/work/data}
restored=0
for part in "$repo"/models/shared/*/; do
  part=${part%/}
  [ -f "$part/training.json" ] || { echo "restore_runs.sh: $part has no training.json, skipped" >&2; continue; }
  out_dir=$(grep -o '"out_dir": *"[^"]*"' "$part/training.json" | head -1 | sed 's/.*: *"\(.*\)"/\1/')
  case "$out_dir" in
    runs/*) ;;
    *) echo "restore_runs.sh: $part: out_dir '$out_dir' is not under runs/, skipped" >&2; continue ;;
  esac
  target="$work/$out_dir/export"
  if [ -f "$target/training.json" ]; then
    echo "kept     $target"
    continue
  fi
  mkdir -p "$target"
  cp "$part"/* "$target/"
  echo "restored $target (from models/shared/$(basename "$part"))"
  restored=$((restored + 1))
done
echo "restore_runs.sh: $restored export(s) restored under $work/runs"
