#!/usr/bin/env bash
# CTest: scripts/train_recipe.sh with LANES=2 and a stand-in trainer (training itself is
# covered by the *TrainerTest binaries; this checks the scheduling): every stage runs once,
# no fine-tuning starts before the exports it reads are finished, per-stage SET_ values
# reach only their stage, a failed encoder skips its dependants, a second invocation
# skips what is finished, editing the script during a run does not break the run, and the
# phoneme tables a stage names are made (once, from the right text) before it starts.
set -euo pipefail
repo=$1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cat > "$scratch/trainer" <<'TRAINER'
#!/usr/bin/env bash
stage=$(basename "$2" .json)
echo "start $stage $(date +%s%N) $*" >> "$LOG"
# An edit of the running script, written in place as an editor may (sed -i or git would
# make a new file, which the running bash never sees), moves every byte after line 1.
if [ -n "${EDIT_SCRIPT:-}" ]; then
  edited=$( { head -n 1 "$EDIT_SCRIPT"; echo "# edited while running by $stage: $(printf '%0200d' 0)"; tail -n +2 "$EDIT_SCRIPT"; } )
  printf '%s\n' "$edited" > "$EDIT_SCRIPT"
fi
# The real trainer stops at a phoneme table its config names that is missing.
for table in $(grep -o '"phonemes:[^"]*"\|"drill_phonemes": "[^"]*"' "$2" | sed 's/.*[:" ]\([^:" ]*\)"$/\1/'); do
  [ -f "$table" ] || { echo "missing $stage $table" >> "$LOG"; exit 1; }
done
sleep 0.$((RANDOM % 3))
echo "end $stage $(date +%s%N)" >> "$LOG"
[ "$stage" = "${FAIL_STAGE:-}" ] && exit 1
mkdir -p "runs/$stage/export"
case $stage in lm-*) echo "a line of text" > "runs/$stage/corpus.txt" ;; esac
echo '{"schedule_completed": true}' > "runs/$stage/export/training.json"
TRAINER
chmod +x "$scratch/trainer"
# Stands in for scripts/phonemise.py (espeak-ng): logs its arguments, writes the table.
cat > "$scratch/phonemise" <<'PHONEMISE'
#!/usr/bin/env bash
echo "phonemise $(date +%s%N) $*" >> "$LOG"
while [ $# -gt 0 ]; do
  case $1 in
    --out) out=$2; shift 2 ;;
    --inventory) echo "x	y	1" >> "$2"; shift 2 ;;
    *) case $1 in *.txt) [ -f "$1" ] || { echo "phonemise: no $1" >&2; exit 1; } ;; esac; shift ;;
  esac
done
echo "sentence	codes" > "$out"
PHONEMISE
chmod +x "$scratch/phonemise"
fail() { echo "FAIL: $*" >&2; exit 1; }
script=$repo/scripts/train_recipe.sh
run() { WORK_DIR=$scratch/work TRAIN=$scratch/trainer PHONEMISE=$scratch/phonemise NICE=0 LANES=2 RECIPE_POLL_S=0.1 timeout 120 "$script" > "$scratch/out" 2>&1; }
time_of() { awk -v what="$1" -v s="$2" '$1 == what && $2 == s { print $3 }' "$LOG"; }

export LOG=$scratch/log SET_ctc_video="train.epochs=2.5"
run
stages=20
[ "$(grep -c '^start' "$LOG")" -eq $stages ] || fail "expected $stages stages, got: $(cat "$LOG")"
grep -q '^missing' "$LOG" && fail "a stage started without its phoneme table: $(grep '^missing' "$LOG")"
[ "$(grep -c '^phonemise' "$LOG")" -eq 2 ] || fail "expected two phoneme tables made: $(grep '^phonemise' "$LOG")"
grep '^phonemise' "$LOG" | grep -q -- "--inventory $scratch/work/corpus/phonemes-inventory.tsv --out runs/lm-phonemes.tsv runs/lm-b512-drill2/corpus.txt$" ||
  fail "the LLM's table should come from lm-b512-drill2's text: $(grep '^phonemise' "$LOG")"
grep '^phonemise' "$LOG" | grep -q -- "--out corpus/phonemes.tsv .*/train.csv .*/valid.csv .*/test.csv$" ||
  fail "the audio encoder's table should come from the corpus splits: $(grep '^phonemise' "$LOG")"
[ "$(wc -l < "$scratch/work/corpus/phonemes-inventory.tsv")" -eq 2 ] || fail "the two tables should share one inventory"
# Every stage starts after each stage whose export its config reads (init_from, llm,
# encoders) has ended; the fine-tunings read at least an LLM and an encoder.
for config in "$repo"/configs/lm-*.json "$repo"/configs/ctc-*.json "$repo"/configs/avsr-*.json; do
  stage=$(basename "$config" .json)
  started=$(time_of start "$stage")
  [ -n "$started" ] || continue
  inputs=$( (grep -o '"runs/[^/"]*/export[/"]' "$config" || true) | sed 's|"runs/\([^/"]*\)/export.*|\1|' | sort -u)
  case $stage in avsr-*) [ "$(echo "$inputs" | wc -w)" -ge 2 ] || fail "$stage reads only: $inputs" ;; esac
  for input in $inputs; do
    ended=$(time_of end "$input")
    [ -n "$ended" ] && [ "$ended" -lt "$started" ] || fail "$stage started before $input ended"
  done
done
grep '^start ctc-video ' "$LOG" | grep -q 'train.epochs=2.5' || fail "SET_ctc_video did not reach ctc-video"
grep '^start ' "$LOG" | grep -v '^start ctc-video ' | grep -q 'train.epochs=2.5' && fail "SET_ctc_video reached another stage"
grep -q 'threads=1' "$LOG" || fail "lanes should run one thread each"

: > "$LOG"
run
[ ! -s "$LOG" ] || fail "finished stages ran again, or tables were made again: $(cat "$LOG")"
[ "$(grep -c 'finished before, skipped' "$scratch/out")" -eq $stages ] || fail "expected $stages skips: $(cat "$scratch/out")"
# A stage that runs again over a table that is there uses it as it is.
rm -rf "$scratch/work/runs/lm-b512-phon2"; : > "$LOG"
run
grep -q '^start lm-b512-phon2 ' "$LOG" || fail "lm-b512-phon2 should have run again: $(cat "$LOG")"
grep -q '^phonemise' "$LOG" && fail "an existing table was made again: $(cat "$LOG")"

rm -rf "$scratch/work"; : > "$LOG"
FAIL_STAGE=ctc-video run || true
grep -q '^start avsr-asr-high-dec ' "$LOG" || fail "ASR stages should still run"
grep -q '^start avsr-vsr-\|^start avsr-avsr-' "$LOG" && fail "stages reading the failed video encoder ran"
grep -q 'ctc-video failed' "$scratch/out" || fail "the failure was not reported"

# The same recipe from a copy of the script that every stage edits while it runs.
mkdir -p "$scratch/copy/scripts"
cp "$script" "$scratch/copy/scripts/"
ln -s "$repo/configs" "$scratch/copy/configs"
script=$scratch/copy/scripts/train_recipe.sh
rm -rf "$scratch/work"; : > "$LOG"
EDIT_SCRIPT=$script run || fail "the edited run failed: $(tail -5 "$scratch/out")"
[ "$(grep -c '^start' "$LOG")" -eq $stages ] || fail "the edited run ran $(grep -c '^start' "$LOG") stages: $(tail -5 "$scratch/out")"
grep -q 'edited while running' "$script" || fail "the script was not edited"
grep -qi 'syntax error' "$scratch/out" && fail "the edit broke the running script: $(cat "$scratch/out")"
# Read again from its old offset, an edited script runs whatever lands there, e.g. its own
# beginning, which skips every stage once more.
grep -q 'finished before, skipped' "$scratch/out" && fail "the running script read its edited text: $(tail -5 "$scratch/out")"
echo "train_recipe.sh lanes: ok"
