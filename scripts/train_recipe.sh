#!/usr/bin/env bash
# scripts/train_recipe.sh [STAGE...]
# Runs sinkscope's demo-model recipe (docs/training.md, "The recipe and its time
# budget"): the LLM chain lm-b512 -> lm-b512-drill -> -drill2 -> lm-b512-phon2, the
# phoneme audio encoder ctc-audio-phon-one -> ctc-audio-phon-one2 (from scratch), the video chain
# ctc-video -> ctc-video2, then the twelve AVSR fine-tunings
# avsr-{asr,vsr,avsr}-{low,high}[-dec].
#
# A stage whose config names a phoneme table (ctc.units "phonemes:TABLE",
# data.drill_phonemes) that does not exist yet gets it made first with
# scripts/phonemise.py: a CTC stage's from its corpus_dir's train, valid and test
# label CSVs, an LM stage's from the text its init_from run trained on
# (runs/NAME/corpus.txt). All tables share one inventory, PHONEME_INVENTORY (default
# WORK_DIR/corpus/phonemes-inventory.tsv), which phonemise.py only ever extends and which
# a lock keeps to one writer, so the audio encoder's codes and the LLM's agree.
#
# Every stage runs with --resume, so the script can be stopped (SIGINT/SIGTERM
# checkpoint) and started again;
# a stage whose export says schedule_completed is skipped. Without arguments all stages
# run; otherwise only the named ones (e.g. ctc-video avsr-asr-low). A stage whose run
# folder another process is training (a background run, another invocation of this
# script) fails at once: the trainer locks its out_dir.
#
# With LANES=N, N stages train at once (one LibTorch thread each unless SET says
# otherwise): each lane takes the first stage in recipe order whose inputs are finished
# (a stage waits for every runs/NAME/export its config names: init_from, llm, encoders). On the 2-core machine
# LANES=2 keeps both cores busy while the LLM trains beside the encoders.
#
# Environment: WORK_DIR (default /work/data; the configs' relative runs/... paths land
# there), TRAIN (default build/app/train/sinkscope-train), SET (extra --set
# assignments for every stage, space-separated, e.g. "device=cuda
# train.batch_utterances=64"), SET_<stage> with '-' written '_' (assignments for one
# stage, e.g. SET_ctc_video="train.epochs=2.5"), NICE (default 19), LANES (default 1),
# PHONEMISE (default scripts/phonemise.py), PHONEME_INVENTORY.
set -euo pipefail

# The whole script is one function, called on the last line: bash reads a script as it
# runs it, so an edit written into this same file during a run of several hours (as an
# editor may save it) used to make the running copy read on at its old offset, in the
# middle of other text; a function is parsed whole before it runs.
main() {
  repo=$(cd "$(dirname "$0")/.." && pwd)
  work=${WORK_DIR:-/work/data}
  train=${TRAIN:-$repo/build/app/train/sinkscope-train}
  nice_level=${NICE:-19}
  lanes=${LANES:-1}
  phonemise=${PHONEMISE:-$repo/scripts/phonemise.py}
  inventory=${PHONEME_INVENTORY:-$work/corpus/phonemes-inventory.tsv}
  stages=("$@")
  if [ ${#stages[@]} -eq 0 ]; then
    stages=(lm-b512 lm-b512-drill lm-b512-drill2 lm-b512-phon2 ctc-audio-phon-one ctc-audio-phon-one2 ctc-video ctc-video2)
    for m in asr vsr avsr; do
      for level in low high; do
        stages+=("avsr-$m-$level" "avsr-$m-$level-dec")
      done
    done
  fi
  for stage in "${stages[@]}"; do
    [ -f "$repo/configs/$stage.json" ] || { echo "train_recipe.sh: no config $repo/configs/$stage.json" >&2; exit 2; }
  done
  mkdir -p "$work/runs"
  cd "$work"

  finished() { [ -f "runs/$1/export/training.json" ] && grep -q '"schedule_completed": true' "runs/$1/export/training.json"; }
  inputs() {  # the stages whose exports STAGE reads: every "runs/NAME/export" its config names
    (grep -o '"runs/[^/"]*/export[/"]' "$repo/configs/$1.json" || true) | sed 's|"runs/\([^/"]*\)/export.*|\1|' | sort -u
  }
  listed() { local s; for s in "${stages[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }
  # 0: ready; 1: wait (an input is still to be trained in this invocation); 2: never.
  readiness() {
    local input state=0
    for input in $(inputs "$1"); do
      finished "$input" && continue
      listed "$input" || return 2
      [ -e "$claims/$input.failed" ] && return 2
      state=1
    done
    return $state
  }
  value() { grep -o "\"$2\": *\"[^\"]*\"" "$repo/configs/$1.json" | head -1 | sed 's/.*: *"\(.*\)"/\1/' || true; }
  # Makes the phoneme tables STAGE's config names that are missing (see the header).
  phoneme_tables() {
    local stage=$1 table sources=() units init corpus
    units=$(value "$stage" units)
    case $units in
      phonemes:*) table=${units#phonemes:} ;;
      *) table=$(value "$stage" drill_phonemes) ;;
    esac
    [ -n "$table" ] && [ ! -f "$table" ] || return 0
    case $units in
      phonemes:*)
        corpus=$(value "$stage" corpus_dir)
        sources=("$corpus/train.csv" "$corpus/valid.csv" "$corpus/test.csv") ;;
      *)
        init=$(value "$stage" init_from)
        [ -n "$init" ] || { echo "== $stage: its phoneme table $table is missing and it has no init_from run whose text would make it" >&2; return 1; }
        sources=("${init%/export}/corpus.txt") ;;
    esac
    echo "== $stage: making its phoneme table $table from ${sources[*]}"
    mkdir -p "$(dirname "$table")" "$(dirname "$inventory")"
    (flock 9 || exit 1; [ -f "$table" ] || nice -n "$nice_level" "$phonemise" --inventory "$inventory" --out "$table" "${sources[@]}") \
      9>"$inventory.lock" 2>>"runs/$stage.log"
  }
  run_stage() {
    local stage=$1 var assignments=() extra
    phoneme_tables "$stage" || { echo "== $stage: making its phoneme table failed (runs/$stage.log)" >&2; return 1; }
    var="SET_${stage//-/_}"
    extra="${SET:-} ${!var:-}"
    for assignment in $extra; do assignments+=(--set "$assignment"); done
    [ "$lanes" -gt 1 ] && assignments=(--set threads=1 "${assignments[@]}")
    echo "== $stage ($(date -u +%H:%M:%S) UTC)"
    nice -n "$nice_level" "$train" --config "$repo/configs/$stage.json" --resume "${assignments[@]}" 2>>"runs/$stage.log"
  }

  claims=runs/.recipe-claims-$$
  mkdir -p "$claims"
  trap 'rm -rf "$claims"' EXIT
  lane() {
    while true; do
      local picked="" waiting=0 stage rc
      for stage in "${stages[@]}"; do
        [ -e "$claims/$stage" ] && continue
        if finished "$stage"; then
          mkdir "$claims/$stage" 2>/dev/null && echo "== $stage: finished before, skipped"
          continue
        fi
        rc=0; readiness "$stage" || rc=$?
        if [ $rc -eq 2 ]; then
          # Marked failed too, so the stages that read it are skipped in turn, not awaited.
          mkdir "$claims/$stage" 2>/dev/null && touch "$claims/$stage.failed" &&
            echo "== $stage: skipped, an input it needs is neither finished nor listed, or failed" >&2
          continue
        fi
        if [ $rc -eq 1 ]; then waiting=1; continue; fi
        if mkdir "$claims/$stage" 2>/dev/null; then picked=$stage; break; fi
      done
      if [ -z "$picked" ]; then
        [ $waiting -eq 1 ] || return 0
        sleep ${RECIPE_POLL_S:-30}
        continue
      fi
      if ! run_stage "$picked"; then
        touch "$claims/$picked.failed"
        echo "== $picked failed (runs/$picked.log); the stages that read it are skipped" >&2
      fi
    done
  }
  if [ "$lanes" -le 1 ]; then
    lane
  else
    for ((i = 1; i <= lanes; ++i)); do lane & done
    wait
  fi
}

main "$@"; exit $?
