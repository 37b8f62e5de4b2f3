#!/usr/bin/env bash
# Installs what sinkscope needs from Debian 12 (only what is missing, so it is cheap
# to run again), then configures and builds into build/ (or $SINKSCOPE_BUILD_DIR).
# Another LibTorch (a CUDA build, say) is used when CMAKE_PREFIX_PATH points at it.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SINKSCOPE_BUILD_DIR:-$root/build}

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  # OpenBLAS matters: without it LibTorch falls back to reference BLAS (~30x slower).
  libtorch-dev libopenblas0-pthread
  nlohmann-json3-dev
  qt6-base-dev qt6-multimedia-dev qt6-svg-dev libqcustomplot-dev libgl-dev
  libavformat-dev libavcodec-dev libavutil-dev libswresample-dev libswscale-dev ffmpeg
  libopencv-dev libdlib-dev libdlib-data
  libwebrtc-audio-processing-dev libspeexdsp-dev
  pulseaudio pulseaudio-utils xvfb xauth imagemagick sox
  espeak-ng flite wordnet-base fortunes-min fortunes pocketsphinx-testdata
  # The synthetic corpus (core/corpus): espeak-ng's library, festival with two voices.
  libespeak-ng-dev festival festvox-kdlpc16k festvox-us-slt-hts
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release ${SINKSCOPE_CMAKE_ARGS:-}
cmake --build "$build" -j"$(nproc)"
