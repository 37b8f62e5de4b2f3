#include "core/train/EpochSampler.h"

#include <numeric>
#include <utility>

#include "core/base/Error.h"
#include "core/train/StepHash.h"

namespace sinkscope {

EpochSampler::EpochSampler(std::size_t count, std::uint64_t seed) : count_(count), seed_(seed) {
  if (count_ == 0) throw Error("EpochSampler: the split has no utterances");
}

std::size_t EpochSampler::at(std::int64_t step, std::int64_t batch, std::int64_t row) {
  const std::int64_t global = (step - 1) * batch + row;
  const std::int64_t epoch = global / static_cast<std::int64_t>(count_);
  if (epoch != epoch_) {
    order_.resize(count_);
    std::iota(order_.begin(), order_.end(), 0u);
    for (std::size_t i = count_ - 1; i > 0; --i) {
      const std::size_t j = StepHash::of(seed_, epoch, static_cast<std::int64_t>(i), 0x5eed) % (i + 1);
      std::swap(order_[i], order_[j]);
    }
    epoch_ = epoch;
  }
  return order_[static_cast<std::size_t>(global % static_cast<std::int64_t>(count_))];
}

double EpochSampler::epochsAfter(std::int64_t step, std::int64_t batch) const {
  return static_cast<double>(step * batch) / static_cast<double>(count_);
}

}  // namespace sinkscope
