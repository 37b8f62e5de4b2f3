#pragma once

#include <cstdint>
#include <string>

#include <torch/torch.h>

namespace sinkscope {

// Token-rate reduction between an encoder and its projector (Llama-AVSR's
// downsample_ratio with compression_mode):
//   stack        k consecutive frames concatenated -> k * D features (Llama-AVSR,
//                Omni-AVSR "stack": slices of k frames viewed as one row);
//   avg-pooling  k consecutive frames averaged -> D features (Omni-AVSR: nn.AvgPool1d(k)
//                over time, kernel = stride = k, no padding).
// Both keep floor(T / k) groups and drop the remaining T mod k frames, as Llama-AVSR's
// audio path and AvgPool1d do.
class Compression {
 public:
  enum class Mode { Stack, AvgPooling };

  explicit Compression(Mode mode = Mode::Stack, int rate = 1);

  // "stack" or "avg-pooling"; ConfigError otherwise.
  static Mode parseMode(const std::string& name);
  static std::string modeName(Mode mode);

  Mode mode() const { return mode_; }
  int rate() const { return rate_; }
  int64_t outputFrames(int64_t inputFrames) const { return inputFrames / rate_; }
  int64_t outputDim(int64_t inputDim) const { return mode_ == Mode::Stack ? inputDim * rate_ : inputDim; }

  // x [B, T, D] -> [B, T / k, k * D] (stack) or [B, T / k, D] (avg-pooling)
  torch::Tensor apply(const torch::Tensor& x) const;

 private:
  Mode mode_;
  int rate_;
};

}  // namespace sinkscope
