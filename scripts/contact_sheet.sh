#!/usr/bin/env bash
# A PNG contact sheet of a clip's mouth crops (DESIGN §3): every third 25 fps frame,
# shown at twice their size with a thin red cross through the crop centre, tiled
# five by five (the first three seconds).
#
#   scripts/contact_sheet.sh CLIP OUT.png [SINKSCOPE_CLI]
#
# SINKSCOPE_CLI defaults to build/app/sinkscope-cli of this checkout.
set -euo pipefail

clip=${1:?usage: contact_sheet.sh CLIP OUT.png [SINKSCOPE_CLI]}
out=${2:?usage: contact_sheet.sh CLIP OUT.png [SINKSCOPE_CLI]}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cli=${3:-$root/build/app/sinkscope-cli}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$cli" mouth --input "$clip" --out "$work/crops.mp4" > /dev/null
ffmpeg -v error -nostdin -y -i "$work/crops.mp4" -vf \
  "select='not(mod(n\,3))',scale=iw*2:ih*2:flags=neighbor,format=rgb24,\
drawbox=x=iw/2-1:y=0:w=1:h=ih:color=red@0.5:t=fill,\
drawbox=x=0:y=ih/2-1:w=iw:h=1:color=red@0.5:t=fill,\
tile=5x5:padding=4:color=white" \
  -frames:v 1 -update 1 "$out"
