#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "core/capture/AudioSource.h"

namespace sinkscope {

// The audio queue between the microphone thread and the stage after it (DESIGN §4):
// a fixed-size ring of 16 kHz samples that overwrites its oldest ones, addressed by
// the absolute sample number of the source, with the clock time of each sample.
class AudioRingBuffer {
 public:
  explicit AudioRingBuffer(std::size_t capacitySamples);

  // Blocks must follow each other (firstSample == endSample()); a gap (the device
  // lost samples) is filled with silence so sample numbers stay true.
  void write(const AudioBlock& block);

  // Samples [from, from + count) clipped to what is still held: the first sample
  // returned is max(from, beginSample()). `firstReturned` tells which it was.
  std::vector<float> read(std::int64_t from, std::size_t count,
                          std::int64_t* firstReturned = nullptr) const;

  std::int64_t beginSample() const;  // oldest sample still held
  std::int64_t endSample() const;    // one past the newest
  // Clock time of sample `sample`, from the latest block's stamp.
  std::int64_t sampleTimeUs(std::int64_t sample) const;
  std::size_t capacity() const { return ring_.size(); }

 private:
  mutable std::mutex mutex_;
  std::vector<float> ring_;
  std::int64_t end_ = 0;
  std::int64_t anchorSample_ = 0;
  std::int64_t anchorUs_ = 0;
};

}  // namespace sinkscope
