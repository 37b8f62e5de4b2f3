#!/usr/bin/env bash
# Builds the tests with AddressSanitizer (+ LeakSanitizer) in a separate build
# folder and runs them through CTest.
#
#   scripts/asan.sh [BUILD_DIR] [LABEL_REGEX] [NAME_REGEX]
#
# BUILD_DIR defaults to /tmp/sinkscope-asan, LABEL_REGEX to "unit" (a ctest -L
# regex: "unit|model" adds the LibTorch suites), NAME_REGEX (a ctest -R regex) to
# every suite with those labels. The media suites link no LibTorch, so
#   scripts/asan.sh build-asan media 'BadMedia|ClipDecoder'
# builds the bad-media corpus suites alone in minutes. JOBS (default 2) limits the build.
# Leak checking is on. LibTorch 1.13 reported no leaks at exit in the suites run
# here; fontconfig's process-lifetime configuration (loaded when a figure is drawn) is
# suppressed in scripts/lsan.supp.
set -euo pipefail

src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-/tmp/sinkscope-asan}"
labels="${2:-unit}"
names="${3:-}"
select=(-L "$labels")
[[ -n "$names" ]] && select+=(-R "$names")
jobs="${JOBS:-2}"

cmake -S "$src" -B "$build" -G Ninja -DSINKSCOPE_ASAN=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null

# Only the suites with the wanted labels, not the whole tree.
mapfile -t targets < <(ctest --test-dir "$build" -N "${select[@]}" |
                       sed -n 's/^ *Test *#[0-9]*: *\([A-Za-z0-9_]*\)$/\1/p')
if [[ ${#targets[@]} -eq 0 ]]; then
  echo "asan.sh: no tests labelled '$labels' named '$names'" >&2
  exit 2
fi
echo "asan.sh: building ${targets[*]} in $build"
ninja -C "$build" -j "$jobs" "${targets[@]}"

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$src/scripts/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
ctest --test-dir "$build" "${select[@]}" --output-on-failure
