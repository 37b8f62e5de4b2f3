#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace sinkscope {

// A stream of interleaved float samples at any rate and channel count → 16 kHz mono,
// block by block with state carried between blocks: channels averaged (as
// `ffmpeg -ac 1` does), then speexdsp's resampler (quality 8) when the rate differs.
class AudioResampler {
 public:
  AudioResampler(int inputRateHz, int inputChannels);
  ~AudioResampler();
  AudioResampler(const AudioResampler&) = delete;
  AudioResampler& operator=(const AudioResampler&) = delete;

  // `frameCount` frames of `inputChannels` interleaved samples each. The filter's
  // delay (about 5 ms) holds the newest output back until more input comes.
  std::vector<float> process(const float* interleaved, std::size_t frameCount);

  int inputRateHz() const { return inputRateHz_; }
  int inputChannels() const { return inputChannels_; }

 private:
  struct Impl;
  int inputRateHz_;
  int inputChannels_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sinkscope
