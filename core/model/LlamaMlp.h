#pragma once

#include <torch/torch.h>

#include "core/model/FusedProjection.h"
#include "core/model/LlamaConfig.h"

namespace sinkscope {

// SwiGLU feed-forward: down_proj(silu(gate_proj(x)) * up_proj(x)).
// Parameters (HF names): gate_proj, up_proj [I, D]; down_proj [D, I]; biases when
// config.json's mlp_bias.
class LlamaMlpImpl : public torch::nn::Module {
 public:
  explicit LlamaMlpImpl(const LlamaConfig& config);

  torch::Tensor forward(const torch::Tensor& x);  // [B, T, D] -> [B, T, D]

 private:
  torch::nn::Linear gateProj_{nullptr};
  torch::nn::Linear upProj_{nullptr};
  torch::nn::Linear downProj_{nullptr};
  FusedProjection gateUp_;  // gate_proj and up_proj as one GEMM when autograd is off
};

TORCH_MODULE(LlamaMlp);

}  // namespace sinkscope
