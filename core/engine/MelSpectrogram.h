#pragma once

#include <vector>

#include "core/base/HostTensor.h"

namespace sinkscope {

// Whisper's log-mel of a 16 kHz waveform as plain data (core/model/LogMel behind a
// LibTorch-free header), for the views and the `features` command.
class MelSpectrogram {
 public:
  // [melBins, frames], unpadded; the waveform as given (before normalisation).
  // Throws MediaError when it is too short for one frame.
  static HostTensor compute(const std::vector<float>& waveform, int melBins = 80);
};

}  // namespace sinkscope
