#include "core/model/RmsNorm.h"

namespace sinkscope {

RmsNormImpl::RmsNormImpl(std::int64_t size, double eps) : eps_(eps) {
  weight = register_parameter("weight", torch::ones({size}));
}

torch::Tensor RmsNormImpl::forward(const torch::Tensor& x) {
  // [..., D]
  const torch::Tensor x32 = x.to(torch::kFloat32);
  const torch::Tensor variance = x32.pow(2).mean(-1, /*keepdim=*/true);
  torch::Tensor normalized = x32 * torch::rsqrt(variance + eps_);
  if (!torch::GradMode::is_enabled() && normalized.scalar_type() == x.scalar_type() &&
      weight.scalar_type() == x.scalar_type()) {
    return normalized.mul_(weight);  // HF's weight * x, same rounding, no extra tensor
  }
  return weight * normalized.to(x.scalar_type());
}

}  // namespace sinkscope
