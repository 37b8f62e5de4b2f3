#pragma once

#include <cstddef>
#include <memory>

namespace sinkscope {

struct VoiceActivityOptions {
  // WebRTC's likelihood setting 0..3 (its aggressiveness modes 3..0). 3 took the
  // background hiss of jfk.wav for speech; 0-2 cut it cleanly (UtteranceSegmenterTest).
  int likelihood = 1;
};

// Speech or not, per 10 ms frame of 16 kHz mono audio: WebRTC's GMM voice activity
// detector, through the AudioProcessing module of Debian's webrtc-audio-processing
// with every other stage (gain, noise suppression, filters) off. Stateful: frames
// must be given in order.
class VoiceActivityDetector {
 public:
  static constexpr int kFrameMs = 10;
  static constexpr std::size_t kFrameSamples = 160;

  explicit VoiceActivityDetector(VoiceActivityOptions options = {});  // throws ConfigError
  ~VoiceActivityDetector();
  VoiceActivityDetector(const VoiceActivityDetector&) = delete;
  VoiceActivityDetector& operator=(const VoiceActivityDetector&) = delete;

  // kFrameSamples samples in [-1, 1].
  bool isSpeech(const float* frame);

  // WebRTC keeps calling frames speech for a while after a speech run of its own
  // accord (vad_core's over-hang: 9 frames of 10 ms in its aggressive modes, which
  // likelihood 0 and 1 select, 14 in the others); a segmenter with a hang-over of
  // its own takes this off the end of an utterance.
  int builtInHangoverMs() const { return hangoverMs_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int hangoverMs_;
};

}  // namespace sinkscope
