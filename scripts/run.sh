#!/usr/bin/env bash
# Set up (idempotent), build, and start sinkscope on the bundled default model.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SINKSCOPE_BUILD_DIR:-$root/build}
"$root/scripts/setup.sh"
exec "$build/app/sinkscope-cli" info --model "$build/models/default"
