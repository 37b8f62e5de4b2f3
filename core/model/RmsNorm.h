#pragma once

#include <torch/torch.h>

namespace sinkscope {

// Llama's RMSNorm. The normalisation runs in float32 whatever the model dtype and
// the result is cast back before the weight multiplies it, as HF's LlamaRMSNorm.
// Parameter: weight [D].
class RmsNormImpl : public torch::nn::Module {
 public:
  RmsNormImpl(std::int64_t size, double eps);

  torch::Tensor forward(const torch::Tensor& x);  // [..., D] -> [..., D]

  torch::Tensor weight;

 private:
  double eps_;
};

TORCH_MODULE(RmsNorm);

}  // namespace sinkscope
