#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: set-up (idempotent), the
# services the tests use, then CTest. Ends with CTest's summary.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SINKSCOPE_BUILD_DIR:-$root/build}
"$root/scripts/setup.sh"
cd "$build"
ctest --output-on-failure -j2 "$@"
