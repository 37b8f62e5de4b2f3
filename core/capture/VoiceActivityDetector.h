#pragma once

#include <cstddef>
#include <memory>

namespace sinkscope {

struct VoiceActivityOptions {
  // WebRTC's likelihood setting, 0 (very low: calls more frames speech) to 3 (high).
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

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sinkscope
