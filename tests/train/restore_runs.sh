#!/usr/bin/env bash
# CTest: scripts/restore_runs.sh puts every committed part (models/shared/*) back as
# runs/<stage>/export under WORK_DIR, where its training.json says it was exported from,
# with the same bytes; a second call restores nothing and never overwrites an export that
# is there; the recipe script then skips the restored stages as finished.
set -euo pipefail
repo=$1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
script=$repo/scripts/restore_runs.sh

WORK_DIR=$scratch/work "$script" > "$scratch/out1"
parts=0
for part in "$repo"/models/shared/*/; do
  part=${part%/}
  parts=$((parts + 1))
  out_dir=$(grep -o '"out_dir": *"[^"]*"' "$part/training.json" | head -1 | sed 's/.*: *"\(.*\)"/\1/')
  target=$scratch/work/$out_dir/export
  [ -d "$target" ] || fail "$part not restored to $target: $(cat "$scratch/out1")"
  for f in "$part"/*; do
    cmp -s "$f" "$target/$(basename "$f")" || fail "$target/$(basename "$f") differs from $f"
  done
  grep -q '"schedule_completed": true' "$target/training.json" || fail "$target/training.json does not say schedule_completed"
done
[ $parts -gt 0 ] || fail "models/shared holds no parts"
grep -q "$parts export(s) restored" "$scratch/out1" || fail "first call: $(tail -1 "$scratch/out1")"

# An export already there (a run trained on this machine) is kept as it is.
first=$(find "$scratch/work/runs" -name training.json | head -1)
echo '{"schedule_completed": true, "mine": 1}' > "$first"
WORK_DIR=$scratch/work "$script" > "$scratch/out2"
grep -q " 0 export(s) restored" "$scratch/out2" || fail "second call: $(tail -1 "$scratch/out2")"
grep -q '"mine": 1' "$first" || fail "second call overwrote $first"

# The recipe sees the restored stages as finished: a stand-in trainer must not be called.
stage=$(basename "$(dirname "$(dirname "$first")")")
printf '#!/usr/bin/env bash\necho called >> "%s/called"\n' "$scratch" > "$scratch/trainer"
chmod +x "$scratch/trainer"
WORK_DIR=$scratch/work TRAIN=$scratch/trainer NICE=0 timeout 60 "$repo/scripts/train_recipe.sh" "$stage" > "$scratch/recipe" 2>&1 \
  || fail "train_recipe.sh $stage: $(cat "$scratch/recipe")"
[ ! -e "$scratch/called" ] || fail "train_recipe.sh trained the restored stage $stage"
echo "restore_runs: $parts parts restored and kept"
