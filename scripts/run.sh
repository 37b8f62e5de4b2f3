#!/usr/bin/env bash
# Set up (idempotent), build, and start sinkscope on the bundled default model.
# Without a display (no DISPLAY or WAYLAND_DISPLAY) it prints the model's summary
# with the command line tool instead, and says so.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SINKSCOPE_BUILD_DIR:-$root/build}
"$root/scripts/setup.sh"
model="$build/models/default"
if [[ -x "$build/app/sinkscope" && ( -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ) ]]; then
  exec "$build/app/sinkscope" --model "$model" "$@"
fi
echo "run.sh: no display here; the model's summary from sinkscope-cli instead" >&2
exec "$build/app/sinkscope-cli" info --model "$model"
