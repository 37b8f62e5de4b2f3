#include "core/train/Optimization.h"

#include <torch/torch.h>

namespace sinkscope {

std::unique_ptr<torch::optim::AdamW> Optimization::adamW(const std::vector<at::Tensor>& parameters,
                                                         const TrainConfig::Train& train) {
  std::vector<torch::Tensor> decayed, undecayed;
  for (const auto& p : parameters) (p.dim() >= 2 ? decayed : undecayed).push_back(p);
  auto options = [&](double decay) {
    return std::make_unique<torch::optim::AdamWOptions>(
        torch::optim::AdamWOptions(train.lr).betas({train.beta1, train.beta2}).eps(train.eps).weight_decay(decay));
  };
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(decayed, options(train.weightDecay));
  groups.emplace_back(undecayed, options(0.0));
  return std::make_unique<torch::optim::AdamW>(groups, torch::optim::AdamWOptions(train.lr));
}

void Optimization::setLearningRate(torch::optim::AdamW& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
}

double Optimization::clipGradients(const std::vector<at::Tensor>& parameters, double clipNorm) {
  if (clipNorm > 0) return torch::nn::utils::clip_grad_norm_(parameters, clipNorm);
  torch::Tensor squares;
  for (const auto& p : parameters) {
    if (!p.grad().defined()) continue;
    const torch::Tensor s = p.grad().to(torch::kFloat32).pow(2).sum();
    squares = squares.defined() ? squares + s : s;
  }
  return squares.defined() ? squares.sqrt().item<double>() : 0.0;
}

}  // namespace sinkscope
