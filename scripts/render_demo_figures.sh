#!/bin/sh
# Renders every plot of the planted test trace (tests/support/PlantedTrace.h) as PNG,
# PDF and SVG, light and dark, into OUT_DIR (default: build/demo-figures), to look at
# the figures the CLI and the GUI draw without a model.
# Usage: scripts/render_demo_figures.sh [BUILD_DIR] [OUT_DIR]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$root/build"}
out=${2:-"$build/demo-figures"}
ninja -C "$build" -j2 sinkscope-demo-figures
QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen} "$build/tests/sinkscope-demo-figures" "$out"
