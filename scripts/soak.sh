#!/usr/bin/env bash
# Live-mode soak (issue 6): the application on the model scripts/run.sh starts on (the
# bundled models/avsr-low where it exists, else the build's random default) in live mode,
# a clip looping as the camera and jfk.wav looping into a PulseAudio pipe microphone,
# for MINUTES minutes; the process's RSS is logged every minute, and the growth from
# the first minute (after warm-up) to the last is reported. The app runs on the
# offscreen platform and prints one line per analysed utterance (--live-log).
#
#   scripts/soak.sh [MINUTES] [LOG]        (default 60 minutes, soak.log)
#
# Exit status 0 when the app ran to the end, 1 when it died on the way.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SINKSCOPE_BUILD_DIR:-$root/build}
minutes=${1:-60}
log=${2:-soak.log}
media=$root/../shared/media
model="$root/models/avsr-low"
[ -f "$model/config.json" ] || model="$build/models/default"
source "$root/scripts/pulse_pipe.sh"

export XDG_CONFIG_HOME=$(mktemp -d)   # fresh settings: nothing remembered
pulse_pipe_start
feeder=
app=
cleanup() {
  # The feeder's ffmpeg first: once the microphone's daemon is gone it would block
  # opening the FIFO for ever.
  if [[ -n "$feeder" ]]; then
    pkill -P "$feeder" 2> /dev/null || true
    kill "$feeder" 2> /dev/null || true
    wait "$feeder" 2> /dev/null || true
  fi
  if [[ -n "$app" ]]; then
    kill "$app" 2> /dev/null || true
    wait "$app" 2> /dev/null || true
  fi
  pulse_pipe_stop
  rm -rf "$XDG_CONFIG_HOME"
}
trap cleanup EXIT

QT_QPA_PLATFORM=offscreen "$build/app/sinkscope" --model "$model" \
  --live-clip "$media/lrs2_00008.mp4" --live-log > "$log.app" 2>&1 &
app=$!
( while true; do pulse_pipe_feed "$media/jfk.wav"; done ) &
feeder=$!

# Resident set in kB: all, anonymous (heap, stacks) and file-backed (library code
# paged in as new code paths run).
rss() { awk '/^(VmRSS|RssAnon|RssFile)/ { printf "%s ", $2 }' "/proc/$app/status"; }
echo "minute rss_kB anon_kB file_kB utterances" | tee "$log"
first=
firstAnon=
for minute in $(seq 0 "$minutes"); do
  if ! kill -0 "$app" 2> /dev/null; then
    echo "soak.sh: the app died after $minute minutes; its output is in $log.app" | tee -a "$log"
    exit 1
  fi
  read -r now anon file <<< "$(rss)"
  count=$(grep -c '^live [0-9]' "$log.app" || true)
  echo "$minute $now $anon $file $count" | tee -a "$log"
  [[ $minute -eq 1 ]] && { first=$now; firstAnon=$anon; }
  last=$now
  lastAnon=$anon
  [[ $minute -lt $minutes ]] && sleep 60
done
errors=$(grep -c '^live error' "$log.app" || true)
if [[ -n "$first" ]]; then
  awk -v a="$first" -v b="$last" -v c="$firstAnon" -v d="$lastAnon" -v m="$minutes" -v e="$errors" 'BEGIN {
    printf "soak.sh: RSS %d kB at minute 1, %d kB at minute %d: %+.2f %% (anonymous %+.2f %%); %d live errors\n",
           a, b, m, 100 * (b - a) / a, 100 * (d - c) / c, e }' | tee -a "$log"
fi
# One sample swings by a third with where in an utterance it falls (the heap's own
# sawtooth plus the current utterance's pictures), so the trend is also given as the
# median of the first ten sampled minutes after warm-up against the last ten.
if (( minutes >= 20 )); then
  awk -v m="$minutes" '$1 !~ /^[0-9]+$/ { next }
    $1 >= 1 && $1 <= 10 { head[++h] = $2 }
    $1 > m - 10 && $1 <= m { tail[++t] = $2 }
    function median(v, n,   i, j, x) {
      for (i = 2; i <= n; ++i) { x = v[i]; for (j = i - 1; j >= 1 && v[j] > x; --j) v[j + 1] = v[j]; v[j + 1] = x }
      return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }
    END { a = median(head, h); b = median(tail, t)
      printf "soak.sh: median RSS, minutes 1-10: %d kB; minutes %d-%d: %d kB: %+.2f %%\n", a, m - 9, m, b, 100 * (b - a) / a }' \
    "$log" | tee -a "$log"
fi
