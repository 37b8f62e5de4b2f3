# A private PulseAudio daemon whose default microphone is a FIFO, for scripts that
# drive live mode (soak.sh, screenshots.sh, bench runs by hand). The same set-up as the
# C++ tests' tests/capture/PulseAudioServer.h: user mode, its own runtime folder and
# socket (nothing of the machine's own sound set-up is touched), module-pipe-source
# (s16le, 16 kHz, mono) as the default source and a null sink.
#
#   source scripts/pulse_pipe.sh
#   pulse_pipe_start            # exports PULSE_SERVER; sets PULSE_PIPE_FIFO
#   pulse_pipe_feed FILE        # decodes FILE, writes it into the FIFO at real-time pace
#   pulse_pipe_stop
#
# Needs pulseaudio, pactl and ffmpeg (scripts/setup.sh installs them).

pulse_pipe_start() {
  PULSE_PIPE_DIR=$(mktemp -d)
  PULSE_PIPE_FIFO=$PULSE_PIPE_DIR/mic.fifo
  mkdir -p "$PULSE_PIPE_DIR/run" "$PULSE_PIPE_DIR/state"
  chmod 700 "$PULSE_PIPE_DIR/run"
  cat > "$PULSE_PIPE_DIR/default.pa" <<PA
load-module module-native-protocol-unix auth-anonymous=1 socket=$PULSE_PIPE_DIR/native
load-module module-pipe-source source_name=testpipe file=$PULSE_PIPE_FIFO format=s16le rate=16000 channels=1
load-module module-null-sink sink_name=nullsink
set-default-source testpipe
set-default-sink nullsink
PA
  HOME=$PULSE_PIPE_DIR XDG_RUNTIME_DIR=$PULSE_PIPE_DIR/run PULSE_RUNTIME_PATH=$PULSE_PIPE_DIR/run \
    PULSE_STATE_PATH=$PULSE_PIPE_DIR/state \
    pulseaudio -n -F "$PULSE_PIPE_DIR/default.pa" --daemonize=no --system=false --exit-idle-time=-1 \
    --use-pid-file=no --log-target=stderr --log-level=error &
  PULSE_PIPE_PID=$!
  export PULSE_SERVER=unix:$PULSE_PIPE_DIR/native
  for _ in $(seq 100); do
    if pactl info > /dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "pulse_pipe.sh: pulseaudio did not answer on $PULSE_SERVER" >&2
  return 1
}

pulse_pipe_feed() {
  ffmpeg -hide_banner -loglevel error -re -i "$1" -f s16le -ar 16000 -ac 1 - > "$PULSE_PIPE_FIFO"
}

pulse_pipe_stop() {
  if [[ -n "${PULSE_PIPE_PID:-}" ]]; then
    kill "$PULSE_PIPE_PID" 2> /dev/null || true
    wait "$PULSE_PIPE_PID" 2> /dev/null || true
  fi
  [[ -n "${PULSE_PIPE_DIR:-}" ]] && rm -rf "$PULSE_PIPE_DIR"
  unset PULSE_PIPE_PID PULSE_PIPE_DIR PULSE_PIPE_FIFO PULSE_SERVER
}
