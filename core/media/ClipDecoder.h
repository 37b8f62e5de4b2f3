#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/media/Image.h"

namespace sinkscope {

// One picture of the clip on the project's 25 fps grid: frame `index` stands for
// t = index / 25 s from the clip's start and shows the last source picture whose
// timestamp rounds to that index or earlier (the rule of FFmpeg's fps filter), so
// other and variable source rates come out with pictures duplicated or dropped.
struct VideoFrame {
  std::int64_t index = 0;
  double timeSec = 0.0;  // index / 25
  Image bgr;             // empty unless DecodeOptions::bgr
  Image gray;            // empty unless DecodeOptions::gray
};

// Consecutive 16 kHz mono float32 samples; firstSample counts from the clip's start.
struct AudioChunk {
  std::int64_t firstSample = 0;
  std::vector<float> samples;
};

struct ClipInfo {
  std::string path;
  std::string containerName;  // FFmpeg's demuxer name ("mov,mp4,m4a,3gp,3g2,mj2")
  double durationSec = 0.0;   // the container's figure; 0 when it does not say
  bool hasVideo = false;
  bool hasAudio = false;
  std::string videoCodec;
  int widthPx = 0;  // as displayed, i.e. after rotation
  int heightPx = 0;
  double sourceFrameRate = 0.0;  // FFmpeg's guess; 0 when unknown
  int rotationDeg = 0;           // clockwise display rotation applied: 0, 90, 180, 270
  std::string audioCodec;
  int sourceSampleRateHz = 0;
  int sourceChannels = 0;
};

struct DecodeOptions {
  bool video = true;  // decode the video stream (when there is one)
  bool audio = true;  // decode the audio stream (when there is one)
  bool bgr = true;    // fill VideoFrame::bgr
  bool gray = true;   // fill VideoFrame::gray
  // A jump between consecutive source pictures longer than this is taken for a
  // broken file (it would otherwise turn into that many duplicated frames).
  double maxVideoGapSec = 60.0;
};

// A short clip decoded in one go.
struct DecodedClip {
  ClipInfo info;
  std::vector<float> waveform;  // 16 kHz mono float32
  std::int64_t waveformFirstSample = 0;
  std::vector<VideoFrame> frames;  // frames[i].index == i
};

// Decodes any container and codec FFmpeg reads, packet by packet: video to the
// 25 fps grid (display rotation honoured), audio to 16 kHz mono float32 (any
// channel layout mixed down the way `ffmpeg -ac 1` does, as Whisper's loader does).
// Damaged packets are skipped as FFmpeg's own tools skip them; a file that yields
// nothing at all throws MediaError. Every error is a MediaError whose one-line
// message names the file.
class ClipDecoder {
 public:
  static constexpr int kSampleRateHz = 16000;
  static constexpr int kFrameRate = 25;

  using VideoSink = std::function<void(VideoFrame&&)>;
  using AudioSink = std::function<void(AudioChunk&&)>;

  explicit ClipDecoder(const std::string& path, DecodeOptions options = {});
  ~ClipDecoder();
  ClipDecoder(const ClipDecoder&) = delete;
  ClipDecoder& operator=(const ClipDecoder&) = delete;

  const ClipInfo& info() const;

  // Reads one packet and hands what it yields to the sinks (either may be empty).
  // Returns false once the file is exhausted and everything has been flushed.
  bool step(const VideoSink& onVideo, const AudioSink& onAudio);
  // step() until the end.
  void run(const VideoSink& onVideo, const AudioSink& onAudio);

  // The next frame delivered is the one covering timeSec (index floor(t × 25)),
  // the next audio sample the one at round(t × 16000).
  void seek(double timeSec);
  // The frame covering timeSec, or nothing past the end; leaves the decoder there.
  std::optional<VideoFrame> frameAt(double timeSec);

  static DecodedClip decodeAll(const std::string& path, DecodeOptions options = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sinkscope
