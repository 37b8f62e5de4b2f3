#pragma once

#include <cstdint>

namespace sinkscope {

// The learning rate of step s (1-based): a linear warm-up from peak / warmup to the
// peak over the first `warmup` steps, then a cosine from the peak down to
// minRatio · peak at step `total`.
class CosineSchedule {
 public:
  CosineSchedule(double peak, std::int64_t warmup, std::int64_t total, double minRatio);

  double at(std::int64_t step) const;

 private:
  double peak_;
  std::int64_t warmup_;
  std::int64_t total_;
  double minRatio_;
};

}  // namespace sinkscope
