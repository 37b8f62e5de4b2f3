#include "core/train/DecorrelationLoss.h"

#include <torch/torch.h>

#include "core/base/Error.h"

namespace sinkscope {

namespace {

constexpr double kCosineEps = 1e-8;

void checkResiduals(const std::vector<at::Tensor>& residuals) {
  if (residuals.size() < 2) {
    throw ShapeError("decorrelation loss needs the residual streams of at least 2 layers, found " +
                     std::to_string(residuals.size()));
  }
  for (const auto& h : residuals) {
    if (h.dim() != 3 || !h.sizes().equals(residuals[0].sizes())) {
      throw ShapeError("decorrelation loss: every residual stream must be [B, T, D] of one shape");
    }
  }
}

// h [B, T, D] -> cos(h[b, 0], h[b, t])² [B, T]
torch::Tensor squaredBosCosine(const torch::Tensor& h) {
  const torch::Tensor h32 = h.to(torch::kFloat32);
  const torch::Tensor bos = h32.select(1, 0).unsqueeze(1);                                      // [B, 1, D]
  const torch::Tensor dots = (h32 * bos).sum(-1);                                               // [B, T]
  const torch::Tensor norms = h32.norm(2, -1) * bos.norm(2, -1);                                // [B, T]
  const torch::Tensor cosine = dots / norms.clamp_min(kCosineEps);
  return cosine * cosine;
}

}  // namespace

at::Tensor DecorrelationLoss::operator()(const std::vector<at::Tensor>& residuals, std::int64_t numInputTokens) const {
  checkResiduals(residuals);
  const auto batch = residuals[0].size(0);
  const auto length = residuals[0].size(1);
  if (numInputTokens < 1 || numInputTokens >= length) {
    throw ShapeError("decorrelation loss: P = " + std::to_string(numInputTokens) + " input tokens after BOS, expected 1.." +
                     std::to_string(length - 1));
  }
  torch::Tensor counted = torch::zeros({batch, length}, torch::TensorOptions().dtype(torch::kBool).device(residuals[0].device()));
  counted.narrow(1, 1, numInputTokens).fill_(true);
  return masked(residuals, counted);
}

at::Tensor DecorrelationLoss::masked(const std::vector<at::Tensor>& residuals, const at::Tensor& counted) const {
  checkResiduals(residuals);
  if (counted.dim() != 2 || counted.size(0) != residuals[0].size(0) || counted.size(1) != residuals[0].size(1)) {
    throw ShapeError("decorrelation loss: the counted-token mask must be [B, T] like the residual streams");
  }
  // BOS itself never counts (its cosine is 1 by definition).
  torch::Tensor weights = counted.to(residuals[0].device(), torch::kFloat32).clone();  // [B, T]
  weights.select(1, 0).zero_();
  const torch::Tensor total = weights.sum();
  if (total.item<double>() <= 0) throw ShapeError("decorrelation loss: the mask counts no token");
  torch::Tensor sum = torch::zeros({}, weights.options());
  const std::size_t layers = residuals.size() - 1;  // l = 1..L-1
  for (std::size_t l = 0; l < layers; ++l) sum = sum + (squaredBosCosine(residuals[l]) * weights).sum() / total;
  return sum * (lambda_ / static_cast<double>(layers));
}

}  // namespace sinkscope
