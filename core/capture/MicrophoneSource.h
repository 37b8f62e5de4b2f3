#pragma once

#include <memory>
#include <string>

#include "core/capture/AudioSource.h"
#include "core/capture/CaptureClock.h"

namespace sinkscope {

struct MicrophoneOptions {
  std::string deviceId;  // a CaptureDeviceInfo::id; empty for the system's default
  int bufferMs = 20;     // the device buffer asked for: the latency of each block
  // Open the device in its own preferred format and convert here, even when it
  // offers 16 kHz mono float (a sound server's own resampling may be poor).
  bool useDeviceFormat = false;
};

// A microphone through Qt Multimedia's QAudioSource, on a thread of its own. Asks
// the device for 16 kHz mono float and converts (AudioResampler) when it offers
// something else. Each block is stamped on the shared CaptureClock: the time of its
// first sample is taken from the sample count since start and the arrival times of
// the blocks (the earliest arrival over the last seconds, so that delivery jitter
// does not move the stamps but device clock drift is followed).
class MicrophoneSource : public AudioSource {
 public:
  // Throws DeviceError naming the id when no such microphone exists.
  MicrophoneSource(const CaptureClock& clock, MicrophoneOptions options = {});
  ~MicrophoneSource() override;

  std::string description() const override;
  void start(BlockCallback onBlock, ErrorCallback onError = {}) override;
  void stop() override;
  bool isActive() const override;

  // What the device delivers, e.g. "16000 Hz, 1 ch, Float"; empty before start().
  std::string deviceFormat() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sinkscope
