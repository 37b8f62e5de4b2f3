#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace sinkscope {

// The one-line progress report of a run: where it is, how fast it goes and when it
// will end. The ETA extrapolates the rate since this meter started (a resumed run
// does not count the steps it skipped).
class ProgressMeter {
 public:
  ProgressMeter(std::int64_t firstStep, std::int64_t totalSteps);

  void setTotal(std::int64_t totalSteps) { total_ = totalSteps; }
  double elapsedSeconds() const;
  // "step 120/2000 (6.0%) loss 5.1234 lr 1.20e-03 2.3k tok/s 1m02s elapsed, ETA 13m40s"
  std::string line(std::int64_t step, double loss, double lr, double tokensPerSecond) const;
  // The same with the rate as given ("2.31 utt/s").
  std::string line(std::int64_t step, double loss, double lr, const std::string& rate) const;

  static std::string duration(double seconds);  // "1h02m", "3m07s", "12s"

 private:
  std::chrono::steady_clock::time_point start_;
  std::int64_t firstStep_;
  std::int64_t total_;
};

}  // namespace sinkscope
