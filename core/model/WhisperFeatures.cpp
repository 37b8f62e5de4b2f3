#include "core/model/WhisperFeatures.h"

#include <algorithm>
#include <string>

#include "core/base/Error.h"

namespace sinkscope {

torch::Tensor WhisperFeatures::normalizeUtterance(const torch::Tensor& waveform) {
  if (waveform.dim() != 1 || waveform.size(0) == 0) {
    throw ShapeError("utterance normalisation: expected a non-empty waveform [N], found shape " +
                     c10::str(waveform.sizes()));
  }
  const torch::Tensor samples = waveform.to(torch::kFloat32);
  return torch::layer_norm(samples, {samples.size(0)}, {}, {}, kNormalizeEps);
}

torch::Tensor WhisperFeatures::encoderInput(const torch::Tensor& waveform, const LogMel& logMel,
                                            int64_t padSamples) {
  torch::Tensor samples = normalizeUtterance(waveform);
  const int64_t n = samples.size(0);
  if (padSamples <= 0) return logMel.compute(samples);  // [n_mels, N / 160]
  if (n >= padSamples) {
    samples = samples.narrow(0, 0, padSamples);
  } else {
    samples = torch::constant_pad_nd(samples, {0, padSamples - n}, 0.0);
  }
  return logMel.compute(samples);  // [n_mels, 3000] for 30 s
}

int64_t WhisperFeatures::keptEncoderFrames(int64_t numSamples, int64_t encoderFrames) {
  const double seconds = static_cast<double>(numSamples) / LogMel::kSampleRateHz;
  const auto frames = static_cast<int64_t>(seconds * kEncoderFramesPerSecond);
  return std::min(std::max(frames, kMinEncoderFrames), encoderFrames);
}

torch::Tensor WhisperFeatures::truncateEncoderOutput(const torch::Tensor& hidden, int64_t numSamples) {
  if (hidden.dim() != 3) {
    throw ShapeError("encoder output truncation: expected [B, T, D], found shape " +
                     c10::str(hidden.sizes()));
  }
  return hidden.narrow(1, 0, keptEncoderFrames(numSamples, hidden.size(1)));
}

}  // namespace sinkscope
