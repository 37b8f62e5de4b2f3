#pragma once

#include <chrono>
#include <cstdint>

namespace sinkscope {

// The one clock that every capture thread stamps its data with, so that an audio
// sample and a video frame can be matched by time alone. Monotonic (steady_clock,
// what QElapsedTimer reads on Linux), counted in microseconds from construction.
class CaptureClock {
 public:
  CaptureClock() : origin_(std::chrono::steady_clock::now()) {}

  std::int64_t nowUs() const { return toUs(std::chrono::steady_clock::now()); }
  std::int64_t toUs(std::chrono::steady_clock::time_point t) const {
    return std::chrono::duration_cast<std::chrono::microseconds>(t - origin_).count();
  }
  std::chrono::steady_clock::time_point toTimePoint(std::int64_t us) const {
    return origin_ + std::chrono::microseconds(us);
  }

 private:
  std::chrono::steady_clock::time_point origin_;
};

}  // namespace sinkscope
