#pragma once

#include <cstdint>
#include <vector>

namespace sinkscope {

// Which utterance row b of step s trains on: the rows of all steps, laid end to end,
// walk through the split epoch after epoch, each epoch in its own order (a
// Fisher-Yates shuffle driven by StepHash of (seed, epoch)). A pure function of
// (seed, step, row), so a resumed run sees exactly the uninterrupted run's batches.
class EpochSampler {
 public:
  EpochSampler(std::size_t count, std::uint64_t seed);

  // The utterance of the global row g = (step - 1) · batch + row.
  std::size_t at(std::int64_t step, std::int64_t batch, std::int64_t row);
  // Epochs done after `step` steps of `batch` rows (fractional).
  double epochsAfter(std::int64_t step, std::int64_t batch) const;

 private:
  std::size_t count_;
  std::uint64_t seed_;
  std::int64_t epoch_ = -1;
  std::vector<std::uint32_t> order_;
};

}  // namespace sinkscope
