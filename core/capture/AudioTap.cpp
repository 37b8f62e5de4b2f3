#include "core/capture/AudioTap.h"

#include <utility>

namespace sinkscope {

AudioTap::AudioTap(std::unique_ptr<AudioSource> inner, std::size_t keepSamples)
    : inner_(std::move(inner)), keepSamples_(keepSamples), history_(std::make_unique<AudioRingBuffer>(keepSamples)) {}

std::string AudioTap::description() const { return inner_->description(); }

void AudioTap::start(BlockCallback onBlock, ErrorCallback onError) {
  inner_->stop();
  history_ = std::make_unique<AudioRingBuffer>(keepSamples_);
  AudioRingBuffer* history = history_.get();
  inner_->start(
      [history, onBlock = std::move(onBlock)](AudioBlock&& block) {
        history->write(block);
        onBlock(std::move(block));
      },
      std::move(onError));
}

void AudioTap::stop() { inner_->stop(); }

bool AudioTap::isActive() const { return inner_->isActive(); }

}  // namespace sinkscope
