#pragma once

#include <utility>

#include <torch/torch.h>

#include "core/model/LlamaConfig.h"

namespace sinkscope {

// Rotary position embedding of a Llama decoder. The inverse frequencies (with the
// linear or Llama-3 scaling of config.json) are computed in float32 exactly as HF's
// rope initialisers do; they are derived from the config, not stored in checkpoints,
// so this is a plain object and not a registered buffer.
class LlamaRotary {
 public:
  explicit LlamaRotary(const LlamaConfig& config, torch::Device device = torch::kCPU);

  // cos and sin for positions [B, T] -> each [B, T, headDim], computed in float32 and
  // returned in `dtype` (HF casts them to the activations' dtype).
  std::pair<torch::Tensor, torch::Tensor> cosSin(const torch::Tensor& positions,
                                                 torch::ScalarType dtype) const;
  // Rotates x [B, H, T, headDim] with cos/sin [B, T, headDim].
  static torch::Tensor apply(const torch::Tensor& x, const torch::Tensor& cos,
                             const torch::Tensor& sin);

  const torch::Tensor& invFreq() const { return invFreq_; }  // [headDim / 2] float32
  void to(torch::Device device);

 private:
  torch::Tensor invFreq_;
};

}  // namespace sinkscope
