#include "core/model/LlamaMlp.h"

namespace sinkscope {

LlamaMlpImpl::LlamaMlpImpl(const LlamaConfig& config) {
  const auto hidden = config.hiddenSize;
  const auto inner = config.intermediateSize;
  gateProj_ = register_module(
      "gate_proj", torch::nn::Linear(torch::nn::LinearOptions(hidden, inner).bias(config.mlpBias)));
  upProj_ = register_module(
      "up_proj", torch::nn::Linear(torch::nn::LinearOptions(hidden, inner).bias(config.mlpBias)));
  downProj_ = register_module(
      "down_proj", torch::nn::Linear(torch::nn::LinearOptions(inner, hidden).bias(config.mlpBias)));
  gateUp_ = FusedProjection({gateProj_, upProj_});
}

torch::Tensor LlamaMlpImpl::forward(const torch::Tensor& x) {
  // [B, T, D] -> [B, T, I] -> [B, T, D]
  if (torch::GradMode::is_enabled()) return downProj_(torch::silu(gateProj_(x)) * upProj_(x));
  // Without autograd the [B, T, I] intermediates can be reused in place: two fewer
  // allocations and passes over the widest activation of the layer.
  std::vector<torch::Tensor> gateUp = gateUp_.forward(x);
  torch::Tensor& gate = gateUp[0];
  torch::silu_(gate);
  gate.mul_(gateUp[1]);
  return downProj_(gate);
}

}  // namespace sinkscope
