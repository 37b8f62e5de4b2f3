#include "core/train/CosineSchedule.h"

#include <algorithm>
#include <cmath>

namespace sinkscope {

CosineSchedule::CosineSchedule(double peak, std::int64_t warmup, std::int64_t total, double minRatio)
    : peak_(peak), warmup_(warmup), total_(total), minRatio_(minRatio) {}

double CosineSchedule::at(std::int64_t step) const {
  if (step <= warmup_) return peak_ * static_cast<double>(step) / static_cast<double>(std::max<std::int64_t>(warmup_, 1));
  const double span = static_cast<double>(std::max<std::int64_t>(total_ - warmup_, 1));
  const double progress = std::min(1.0, static_cast<double>(step - warmup_) / span);
  const double cosine = 0.5 * (1.0 + std::cos(M_PI * progress));
  return peak_ * (minRatio_ + (1.0 - minRatio_) * cosine);
}

}  // namespace sinkscope
