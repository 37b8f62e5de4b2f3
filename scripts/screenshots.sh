#!/usr/bin/env bash
# Screenshots of the main window for the README, taken under Xvfb (a real X server,
# not the offscreen platform, so fonts and styles are what a user sees).
#
#   scripts/screenshots.sh [OUT_DIR]      (default docs/screenshots)
#
# Needs a built tree (build/ or SINKSCOPE_BUILD_DIR) and xvfb-run.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SINKSCOPE_BUILD_DIR:-$root/build}
out=${1:-$root/docs/screenshots}
mkdir -p "$out"
app="$build/app/sinkscope"
# The bundled low-rate AVSR baseline (run.sh's default), else the random-initialised one.
model="$root/models/avsr-low"
[ -f "$model/config.json" ] || model="$build/models/default"
clip="$root/../shared/media/grid_s2_swwp2s.mpg"
shot() {
  local name=$1; shift
  # Fresh settings for every shot: no remembered model, layout or teaching mode.
  XDG_CONFIG_HOME=$(mktemp -d) xvfb-run -a -s "-screen 0 1600x1000x24" "$app" --model "$model" --screenshot "$out/$name.png" "$@"
  echo "screenshots.sh: $out/$name.png"
}

shot clip --clip "$clip"
shot text --prompt "the quick brown fox jumps over the lazy dog"
shot teaching --clip "$clip" --teaching
shot tools --clip "$clip" --raise "Heads,Decoding steps,Interventions"
# Compare mode: the baseline against its decorrelated twin when both are bundled, else a
# second random-initialised model (seed 1).
other="$root/models/avsr-low-dec"
if [ ! -f "$other/config.json" ]; then
  other=$(mktemp -d)/seed1
  "$build/app/sinkscope-cli" init --out "$other" --seed 1 \
    --tokenizer "$root/tests/fixtures/text/llama3_bpe.tokenizer.json" >/dev/null
fi
shot compare --clip "$clip" --compare "$other"

# Live mode: the lrs2 clip plays as the camera, jfk.wav goes into a private PulseAudio
# pipe microphone (scripts/pulse_pipe.sh); the shot is taken once the first utterance
# is analysed and shown.
source "$root/scripts/pulse_pipe.sh"
pulse_pipe_start
( sleep 2; pulse_pipe_feed "$root/../shared/media/jfk.wav" ) &
feeder=$!
shot live --live-clip "$root/../shared/media/lrs2_00008.mp4"
pkill -P "$feeder" 2> /dev/null || true
kill "$feeder" 2> /dev/null || true
wait "$feeder" 2> /dev/null || true
pulse_pipe_stop
