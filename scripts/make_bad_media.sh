#!/usr/bin/env bash
# Writes a corpus of awkward and broken media files into DIR, with DIR/cases.tsv
# saying what decoding each must give (BadMediaTest reads it):
#   error              a MediaError with a one-line message
#   any                either a result or a MediaError, never a crash
#   video=N            N frames on the 25 fps grid (±1)
#   audio=N            N samples at 16 kHz (±1 %)
#   size=WxH           pictures of that size (after rotation)
# several expectations on one line all hold.
#
#   scripts/make_bad_media.sh DIR
#
# Needs ffmpeg, sox, head, dd and awk; runs in a few seconds.
set -euo pipefail

out=${1:?usage: make_bad_media.sh DIR}
mkdir -p "$out"
cd "$out"
cases=cases.tsv
: > "$cases"

ff() { ffmpeg -v error -nostdin -y "$@"; }
expect() { printf '%s\t%s\n' "$1" "$2" >> "$cases"; }
# Deterministic bytes that look random (mawk's generator with a fixed seed).
noise() { LC_ALL=C awk -v n="$1" -v seed="$2" 'BEGIN{srand(seed); for(i=0;i<n;i++) printf "%c", int(rand()*256)}'; }
# Overwrites COUNT bytes at OFFSET with noise, keeping the length.
scribble() { noise "$3" "$4" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }

picture="testsrc2=size=160x120:rate=25"
tone="sine=frequency=440:sample_rate=44100"

# Good material the broken files are cut from.
ff -f lavfi -i "$picture:duration=3" -f lavfi -i "$tone:duration=3" -c:v libx264 -pix_fmt yuv420p \
   -c:a aac -shortest good.mp4
expect good.mp4 "video=75 audio=48000 size=160x120"
ff -i good.mp4 -c copy -movflags +faststart good_faststart.mp4
expect good_faststart.mp4 "video=75 audio=48000"
ff -f lavfi -i "$picture:duration=3" -f lavfi -i "$tone:duration=3" -c:v mpeg1video -c:a mp2 \
   -shortest good.mpg
expect good.mpg "video=75 audio=48000"
ff -f lavfi -i "$picture:duration=3" -f lavfi -i "$tone:duration=3" -c:v libx264 -c:a aac \
   -shortest good.ts
# MPEG-TS has no edit list, so AAC's 1024 priming samples (371 at 16 kHz) stay, and
# the video, starting 23 ms after the audio, gets its first frame one slot later.
expect good.ts "video=76 audio=48669"
ff -f lavfi -i "$picture:duration=3" -f lavfi -i "$tone:duration=3" -c:v ffv1 -c:a flac \
   -shortest good.mkv
expect good.mkv "video=75 audio=48000"

# Not media at all.
: > empty.mp4
expect empty.mp4 error
: > empty.wav
expect empty.wav error
noise 65536 1 > random.mp4
expect random.mp4 error
noise 4096 2 > random.wav
expect random.wav error
printf 'this is a text file, not a video\n' > text.mp4
expect text.mp4 error
noise 40 3 > tiny_noise.mkv
expect tiny_noise.mkv error

# Cut short.
head -c 100 good.mp4 > truncated_header.mp4
expect truncated_header.mp4 error
head -c "$(($(stat -c %s good.mp4) / 2))" good.mp4 > truncated_half_moov_at_end.mp4
expect truncated_half_moov_at_end.mp4 error
head -c "$(($(stat -c %s good_faststart.mp4) / 2))" good_faststart.mp4 > truncated_half_faststart.mp4
expect truncated_half_faststart.mp4 any
head -c "$(($(stat -c %s good.mkv) / 2))" good.mkv > truncated_half.mkv
expect truncated_half.mkv any
head -c "$(($(stat -c %s good.mpg) / 3))" good.mpg > truncated_third.mpg
expect truncated_third.mpg any
head -c 30000 good.ts > truncated.ts
expect truncated.ts any
ff -f lavfi -i "sine=frequency=300:sample_rate=16000:duration=2" truncated.wav
head -c 20000 truncated.wav > truncated.wav.part && mv truncated.wav.part truncated.wav
expect truncated.wav "audio=9978"

# Damaged in the middle.
cp good.ts corrupt_middle.ts
scribble corrupt_middle.ts 60000 4000 4
expect corrupt_middle.ts any
cp good.mp4 corrupt_middle.mp4
scribble corrupt_middle.mp4 $(($(stat -c %s good.mp4) / 3)) 3000 5
expect corrupt_middle.mp4 any
cp good.mkv corrupt_middle.mkv
scribble corrupt_middle.mkv $(($(stat -c %s good.mkv) / 2)) 2000 6
expect corrupt_middle.mkv any
cp good.mpg corrupt_middle.mpg
scribble corrupt_middle.mpg $(($(stat -c %s good.mpg) / 2)) 5000 7
expect corrupt_middle.mpg any

# Named for something else.
cp good.mp4 mp4_named.wav
expect mp4_named.wav "video=75 audio=48000"
cp truncated.wav wav_named.mp4
expect wav_named.mp4 "audio=9978"
cp good.mkv mkv_named.txt
expect mkv_named.txt "video=75"

# Missing streams.
ff -i good.mp4 -an -c copy no_audio.mp4
expect no_audio.mp4 "video=75 audio=0"
ff -i good.mp4 -vn -c copy no_video.m4a
expect no_video.m4a "video=0 audio=48000"
ff -f lavfi -i "$tone:duration=2" -f lavfi -i "color=red:size=32x32:duration=1" -map 0 -map 1 \
   -c:a libmp3lame -c:v png -disposition:v attached_pic cover_art.mp3 2>/dev/null ||
  ff -f lavfi -i "$tone:duration=2" cover_art.mp3
expect cover_art.mp3 "video=0"

# Odd sizes.
ff -f lavfi -i "testsrc2=size=64x48:rate=25:duration=1" -vf scale=1:1 -c:v ffv1 one_by_one.mkv
expect one_by_one.mkv "video=25 size=1x1"
ff -f lavfi -i "testsrc2=size=64x48:rate=25:duration=1" -vf scale=3:5 -c:v ffv1 three_by_five.mkv
expect three_by_five.mkv "video=25 size=3x5"
ff -f lavfi -i "testsrc2=size=4000x2:rate=25:duration=0.4" -c:v ffv1 wide_4000x2.mkv
expect wide_4000x2.mkv "video=10 size=4000x2"
ff -f lavfi -i "testsrc2=size=64x48:rate=25:duration=1" -c:v ffv1 -pix_fmt yuv444p10le deep_10bit.mkv
expect deep_10bit.mkv "video=25 size=64x48"

# Odd rates and timing.
ff -f lavfi -i "testsrc2=size=64x48:rate=60:duration=3" -c:v libx264 rate_60.mp4
expect rate_60.mp4 "video=75"
ff -f lavfi -i "testsrc2=size=64x48:rate=30000/1001:duration=3" -c:v libx264 rate_29.97.mp4
expect rate_29.97.mp4 "video=75"
ff -f lavfi -i "testsrc2=size=64x48:rate=50" -vf "settb=1/1000,setpts='(N*N)/400/TB'" \
   -fps_mode passthrough -enc_time_base 1:1000 -frames:v 40 -c:v libx264 variable_rate.mp4
expect variable_rate.mp4 any
ff -f lavfi -i "testsrc2=size=64x48:rate=25:duration=2" -c:v libx264 -f h264 raw_stream.h264
expect raw_stream.h264 "video=50"
ff -f lavfi -i "testsrc2=size=64x48:rate=25:duration=0.04" -c:v libx264 one_frame.mp4
expect one_frame.mp4 "video=1"
ff -f lavfi -i "testsrc2=size=64x48:rate=25" -frames:v 0 -c:v libx264 zero_frames.mp4 ||
  cp empty.mp4 zero_frames.mp4
expect zero_frames.mp4 error
ff -f lavfi -i "$picture:duration=2" -f lavfi -i "$tone:duration=2" -c:v libx264 -c:a aac \
   -output_ts_offset 0 part1.ts
ff -f lavfi -i "$picture:duration=2" -f lavfi -i "$tone:duration=2" -c:v libx264 -c:a aac \
   -output_ts_offset 7200 part2.ts
cat part1.ts part2.ts > timestamp_jump.ts
rm part1.ts part2.ts
expect timestamp_jump.ts any
ff -i good.mp4 -c copy -metadata:s:v:0 rotate=90 rotated_90.mp4
expect rotated_90.mp4 "video=75 size=120x160"
ff -i good.mp4 -itsoffset 1 -i good.mp4 -map 0:v -map 1:a -c copy audio_late.mkv
expect audio_late.mkv any
ff -f lavfi -i "color=black:size=32x24:rate=25:duration=600" -f lavfi \
   -i "sine=frequency=200:sample_rate=8000:duration=600" -c:v mpeg4 -g 250 -c:a pcm_s16le \
   long_10min.avi
expect long_10min.avi "video=15000 audio=9600000 size=32x24"

# Odd audio.
sox -n -r 8000 -c 2 stereo_8k.wav synth 2 sine 300
expect stereo_8k.wav "audio=32000"
ff -f lavfi -i "sine=frequency=300:sample_rate=48000:duration=2" -ac 6 surround_48k_6ch.wav
expect surround_48k_6ch.wav "audio=32000"
# Plain WAVE_FORMAT_PCM has no channel mask: FFmpeg cannot name the six channels.
sox -n -r 22050 -c 6 -t wavpcm unlabelled_6ch.wav synth 1 sine 300
expect unlabelled_6ch.wav "audio=16000"
sox -n -r 16000 -c 20 twenty_channels.wav synth 1 sine 300
expect twenty_channels.wav "audio=16000"
sox -n -r 11025 -b 8 -e unsigned-integer unsigned_8bit.wav synth 1 sine 300
expect unsigned_8bit.wav "audio=16000"
ff -f lavfi -i "sine=frequency=300:sample_rate=16000:duration=1" -af atrim=end_sample=1 one_sample.wav
expect one_sample.wav "audio=1"
sox -n -r 16000 -c 1 no_samples.wav trim 0 0
expect no_samples.wav error
ff -f lavfi -i "sine=frequency=300:sample_rate=16000:duration=1" -f f32le nan.f32
cp nan.f32 inf.f32
# IEEE 754 single NaN (7fc00000) and +inf (7f800000), little-endian, at sample 8000.
printf '\000\000\300\177' | dd of=nan.f32 bs=1 seek=32000 conv=notrunc status=none
printf '\000\000\200\177' | dd of=inf.f32 bs=1 seek=32000 conv=notrunc status=none
ff -f f32le -ar 16000 -ac 1 -i nan.f32 -c:a pcm_f32le nan_float.wav
ff -f f32le -ar 16000 -ac 1 -i inf.f32 -c:a pcm_f32le inf_float.wav
rm nan.f32 inf.f32
expect nan_float.wav error
expect inf_float.wav error
ff -f lavfi -i "sine=frequency=300:sample_rate=44100:duration=2" -c:a libopus opus.ogg 2>/dev/null ||
  ff -f lavfi -i "sine=frequency=300:sample_rate=44100:duration=2" -c:a libvorbis opus.ogg
expect opus.ogg "audio=32000"

# A still image is a one-frame video.
ff -f lavfi -i "testsrc2=size=64x48" -frames:v 1 still.png
expect still.png "video=1 size=64x48"
