#include "core/model/FusedProjection.h"

#include <c10/core/InferenceMode.h>

namespace sinkscope {

FusedProjection::FusedProjection(std::vector<torch::nn::Linear> parts) : parts_(std::move(parts)) {
  for (const auto& part : parts_) hasBias_ = hasBias_ || part->bias.defined();
}

bool FusedProjection::fused() const {
  if (!weight_.defined()) return false;
  const auto rowBytes = weight_.size(1) * static_cast<std::int64_t>(weight_.element_size());
  const auto* base = static_cast<const char*>(weight_.data_ptr());
  std::int64_t row = 0;
  for (const auto& part : parts_) {
    const torch::Tensor& w = part->weight;
    if (w.scalar_type() != weight_.scalar_type() || w.device() != weight_.device() || w.dim() != 2 ||
        w.size(1) != weight_.size(1) || !w.is_contiguous() ||
        static_cast<const char*>(w.data_ptr()) != base + row * rowBytes) {
      return false;
    }
    row += w.size(0);
  }
  return row == weight_.size(0);
}

void FusedProjection::fuse() {
  // Normal tensors even when called under InferenceMode: the weights may be trained
  // later, and inference tensors cannot take part in autograd.
  c10::InferenceMode normalTensors(false);
  torch::NoGradGuard noGrad;
  std::vector<torch::Tensor> weights;
  for (const auto& part : parts_) weights.push_back(part->weight.detach());
  weight_ = torch::cat(weights, 0);
  std::int64_t row = 0;
  for (auto& part : parts_) {
    const auto rows = part->weight.size(0);
    part->weight.set_data(weight_.narrow(0, row, rows));
    row += rows;
  }
}

std::vector<torch::Tensor> FusedProjection::forward(const torch::Tensor& x) {
  std::vector<torch::Tensor> out;
  if (hasBias_ || torch::GradMode::is_enabled()) {
    for (auto& part : parts_) out.push_back(part(x));
    return out;
  }
  if (!fused()) fuse();
  const torch::Tensor all = torch::nn::functional::linear(x, weight_);
  std::int64_t column = 0;
  for (const auto& part : parts_) {
    const auto width = part->weight.size(0);
    out.push_back(all.narrow(-1, column, width));
    column += width;
  }
  return out;
}

}  // namespace sinkscope
