#include "core/train/ProgressMeter.h"

#include <cstdio>

namespace sinkscope {

ProgressMeter::ProgressMeter(std::int64_t firstStep, std::int64_t totalSteps)
    : start_(std::chrono::steady_clock::now()), firstStep_(firstStep), total_(totalSteps) {}

double ProgressMeter::elapsedSeconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

std::string ProgressMeter::duration(double seconds) {
  const auto total = static_cast<long long>(seconds + 0.5);
  char buffer[32];
  if (total >= 3600) {
    std::snprintf(buffer, sizeof(buffer), "%lldh%02lldm", total / 3600, (total % 3600) / 60);
  } else if (total >= 60) {
    std::snprintf(buffer, sizeof(buffer), "%lldm%02llds", total / 60, total % 60);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%llds", total);
  }
  return buffer;
}

std::string ProgressMeter::line(std::int64_t step, double loss, double lr, double tokensPerSecond) const {
  char rate[32];
  std::snprintf(rate, sizeof(rate), "%.1fk tok/s", tokensPerSecond / 1000.0);
  return line(step, loss, lr, std::string(rate));
}

std::string ProgressMeter::line(std::int64_t step, double loss, double lr, const std::string& rate) const {
  const double elapsed = elapsedSeconds();
  const auto done = step - firstStep_;
  const bool known = done > 0 && total_ > 0;
  const double eta = known ? elapsed / static_cast<double>(done) * static_cast<double>(total_ - step) : 0.0;
  char buffer[240];
  std::snprintf(buffer, sizeof(buffer), "step %lld/%lld (%.1f%%) loss %.4f lr %.2e %s %s elapsed, ETA %s",
                static_cast<long long>(step), static_cast<long long>(total_),
                total_ > 0 ? 100.0 * static_cast<double>(step) / static_cast<double>(total_) : 0.0, loss, lr,
                rate.c_str(), duration(elapsed).c_str(), known ? duration(eta).c_str() : "?");
  return buffer;
}

}  // namespace sinkscope
