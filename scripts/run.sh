#!/usr/bin/env bash
# Set up (idempotent), build, and start sinkscope on the bundled default model.
# Without a display (no DISPLAY or WAYLAND_DISPLAY) it prints the model's summary
# with the command line tool instead, and says so.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SINKSCOPE_BUILD_DIR:-$root/build}
"$root/scripts/setup.sh"
# The bundled low-rate AVSR baseline (models/, trained by scripts/train_recipe.sh); a
# random-initialised model made by set-up stands in where it is not bundled yet.
model="$root/models/avsr-low"
[ -f "$model/config.json" ] || model="$build/models/default"
if [[ -x "$build/app/sinkscope" && ( -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ) ]]; then
  exec "$build/app/sinkscope" --model "$model" "$@"
fi
echo "run.sh: no display here; the model's summary from sinkscope-cli instead" >&2
exec "$build/app/sinkscope-cli" info --model "$model"
