#!/usr/bin/env bash
# A contact sheet of mouth frames from a generated corpus: one row per clip, every
# STEP-th frame (default 6) across, up to 10 frames per row.
# usage: scripts/corpus_contact_sheet.sh CORPUS_DIR OUT.png [CLIPS...]
#   CLIPS are paths relative to CORPUS_DIR (default: the first 6 clips of test/).
set -euo pipefail
dir=${1:?usage: corpus_contact_sheet.sh CORPUS_DIR OUT.png [CLIPS...]}
out=${2:?usage: corpus_contact_sheet.sh CORPUS_DIR OUT.png [CLIPS...]}
shift 2
step=${STEP:-6}
cols=10
if [ $# -gt 0 ]; then
  clips=("$@")
else
  mapfile -t clips < <(cd "$dir" && ls test/*.mp4 | head -n 6)
fi
[ ${#clips[@]} -gt 0 ] || { echo "corpus_contact_sheet: no clips found in $dir" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
inputs=()
for i in "${!clips[@]}"; do
  # Short clips leave the rest of their row black (tile pads with its colour).
  ffmpeg -hide_banner -loglevel error -y -i "$dir/${clips[$i]}" \
    -vf "select='not(mod(n\,$step))',format=gray,tile=${cols}x1:padding=2:color=white" \
    -frames:v 1 -update 1 "$work/row$i.png"
  inputs+=(-i "$work/row$i.png")
done
if [ ${#clips[@]} -eq 1 ]; then
  cp "$work/row0.png" "$out"
else
  ffmpeg -hide_banner -loglevel error -y "${inputs[@]}" \
    -filter_complex "vstack=inputs=${#clips[@]}" -frames:v 1 -update 1 "$out"
fi
echo "$out"
