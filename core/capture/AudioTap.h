#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "core/capture/AudioRingBuffer.h"
#include "core/capture/AudioSource.h"

namespace sinkscope {

// An AudioSource that passes another one's blocks on unchanged and keeps the last
// seconds of them in a ring of its own, so a view can show the audio around an
// utterance while the CaptureSession consumes the same blocks.
class AudioTap : public AudioSource {
 public:
  AudioTap(std::unique_ptr<AudioSource> inner, std::size_t keepSamples);

  std::string description() const override;
  void start(BlockCallback onBlock, ErrorCallback onError = {}) override;
  void stop() override;
  bool isActive() const override;

  // What was kept; sample numbers restart with each start().
  const AudioRingBuffer& history() const { return *history_; }

 private:
  std::unique_ptr<AudioSource> inner_;
  std::size_t keepSamples_;
  std::unique_ptr<AudioRingBuffer> history_;
};

}  // namespace sinkscope
