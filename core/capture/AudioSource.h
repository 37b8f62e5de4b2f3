#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sinkscope {

// Consecutive 16 kHz mono float samples from a capture device.
struct AudioBlock {
  std::int64_t firstSample = 0;    // counted from start()
  std::int64_t firstSampleUs = 0;  // on the CaptureClock: when that sample was taken
  std::vector<float> samples;
};

// What the capture stage reads sound from (a microphone), delivered as 16 kHz mono
// float whatever the device's own format is.
class AudioSource {
 public:
  static constexpr int kSampleRateHz = 16000;

  using BlockCallback = std::function<void(AudioBlock&&)>;
  using ErrorCallback = std::function<void(const std::string& message)>;

  virtual ~AudioSource() = default;

  virtual std::string description() const = 0;
  // Blocks go to onBlock on the source's own thread (hand them to an
  // AudioRingBuffer). Throws DeviceError when it cannot start.
  virtual void start(BlockCallback onBlock, ErrorCallback onError = {}) = 0;
  // Returns once no callback runs any more.
  virtual void stop() = 0;
  virtual bool isActive() const = 0;
};

}  // namespace sinkscope
