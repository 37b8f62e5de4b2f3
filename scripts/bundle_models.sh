#!/usr/bin/env bash
# scripts/bundle_models.sh — gathers the twelve fine-tunings of the recipe
# (scripts/train_recipe.sh) into models/, their shared LLM and encoders stored once,
# weights in bf16, each with its model card; then reports the folder's size (the
# issue's budget: 80 MB for all bundled models).
#
# Environment: WORK_DIR (default /work/data: where runs/ is), CLI (default
# build/app/sinkscope-cli), MODELS_DIR (default models/).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK_DIR:-/work/data}
cli=${CLI:-$repo/build/app/sinkscope-cli}
out=${MODELS_DIR:-$repo/models}
pairs=()
for m in asr vsr avsr; do
  for level in low high; do
    for suffix in "" -dec; do
      export_dir=$work/runs/avsr-$m-$level$suffix/export
      if [ -f "$export_dir/config.json" ]; then
        pairs+=("$m-$level$suffix=$export_dir")
      else
        echo "bundle_models.sh: $export_dir missing (stage avsr-$m-$level$suffix not finished), skipped" >&2
      fi
    done
  done
done
[ ${#pairs[@]} -gt 0 ] || { echo "bundle_models.sh: nothing to bundle" >&2; exit 2; }
"$cli" bundle --out "$out" --dtype bf16 \
  --reproduce "LANES=2 scripts/train_recipe.sh   # lm-b512→lm-b512-drill→-drill2→lm-b512-phon2, ctc-audio-phon-one→-one2 (the phoneme tables are made on the way), ctc-video→ctc-video2, then the 12 avsr-* stages, all on lm-b512-phon2; docs/training.md
scripts/bundle_models.sh" "${pairs[@]}"
du -sh "$out"
