#include "core/capture/AudioRingBuffer.h"

#include <algorithm>

#include "core/base/Error.h"

namespace sinkscope {

AudioRingBuffer::AudioRingBuffer(std::size_t capacitySamples) : ring_(capacitySamples) {
  if (capacitySamples == 0) throw Error("AudioRingBuffer: capacity must be positive, found 0");
}

void AudioRingBuffer::write(const AudioBlock& block) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::int64_t capacity = static_cast<std::int64_t>(ring_.size());
  if (block.firstSample < end_) {
    throw Error("AudioRingBuffer: block starts at sample " + std::to_string(block.firstSample) +
                ", expected " + std::to_string(end_) + " or later");
  }
  // Only the last `capacity` samples of a gap and block can survive.
  const std::int64_t blockEnd = block.firstSample + static_cast<std::int64_t>(block.samples.size());
  for (std::int64_t s = std::max(end_, blockEnd - capacity); s < blockEnd; ++s) {
    const float value = s < block.firstSample ? 0.0f : block.samples[s - block.firstSample];
    ring_[static_cast<std::size_t>(s % capacity)] = value;
  }
  end_ = std::max(end_, blockEnd);
  anchorSample_ = block.firstSample;
  anchorUs_ = block.firstSampleUs;
}

std::vector<float> AudioRingBuffer::read(std::int64_t from, std::size_t count,
                                         std::int64_t* firstReturned) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::int64_t capacity = static_cast<std::int64_t>(ring_.size());
  const std::int64_t begin = std::max(from, std::max<std::int64_t>(0, end_ - capacity));
  const std::int64_t stop = std::min(end_, from + static_cast<std::int64_t>(count));
  if (firstReturned) *firstReturned = begin;
  std::vector<float> samples;
  for (std::int64_t s = begin; s < stop; ++s) samples.push_back(ring_[static_cast<std::size_t>(s % capacity)]);
  return samples;
}

std::int64_t AudioRingBuffer::beginSample() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return std::max<std::int64_t>(0, end_ - static_cast<std::int64_t>(ring_.size()));
}

std::int64_t AudioRingBuffer::endSample() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return end_;
}

std::int64_t AudioRingBuffer::sampleTimeUs(std::int64_t sample) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return anchorUs_ + (sample - anchorSample_) * 1000000 / AudioSource::kSampleRateHz;
}

}  // namespace sinkscope
