#include "core/train/EpochSampler.h"

#include <algorithm>
#include <numeric>
#include <utility>

#include "core/base/Error.h"
#include "core/train/StepHash.h"

namespace sinkscope {

namespace {
constexpr std::uint64_t kShufflePurpose = 0x5eed;
constexpr std::uint64_t kBucketPurpose = 0xb0c7;
}  // namespace

EpochSampler::EpochSampler(std::size_t count, std::uint64_t seed) : count_(count), seed_(seed) {
  if (count_ == 0) throw Error("EpochSampler: the split has no utterances");
}

EpochSampler::EpochSampler(std::vector<std::int64_t> lengths, std::uint64_t seed, std::int64_t bucketBatches)
    : count_(lengths.size()), seed_(seed), lengths_(std::move(lengths)), bucketBatches_(bucketBatches) {
  if (count_ == 0) throw Error("EpochSampler: the split has no utterances");
  if (bucketBatches_ < 0) throw Error("EpochSampler: bucketBatches must be >= 0");
  if (bucketBatches_ == 0) lengths_.clear();
}

void EpochSampler::build(std::int64_t epoch, std::int64_t batch) {
  order_.resize(count_);
  std::iota(order_.begin(), order_.end(), 0u);
  for (std::size_t i = count_ - 1; i > 0; --i) {
    const std::size_t j = StepHash::of(seed_, epoch, static_cast<std::int64_t>(i), kShufflePurpose) % (i + 1);
    std::swap(order_[i], order_[j]);
  }
  if (!lengths_.empty() && batch > 1) {
    // Batches line up with the epoch's start only when the split divides into them;
    // otherwise a batch straddles two buckets, which costs padding, not correctness.
    const std::size_t window = static_cast<std::size_t>(batch * bucketBatches_);
    std::vector<std::uint32_t> sorted;
    for (std::size_t begin = 0, w = 0; begin < count_; begin += window, ++w) {
      const std::size_t end = std::min(count_, begin + window);
      sorted.assign(order_.begin() + static_cast<std::ptrdiff_t>(begin), order_.begin() + static_cast<std::ptrdiff_t>(end));
      std::stable_sort(sorted.begin(), sorted.end(),
                       [&](std::uint32_t a, std::uint32_t b) { return lengths_[a] < lengths_[b]; });
      // Only whole batches move, so a trailing partial one keeps its place at the end.
      const std::size_t blocks = (end - begin) / static_cast<std::size_t>(batch);
      std::vector<std::size_t> blockOrder(blocks);
      std::iota(blockOrder.begin(), blockOrder.end(), 0);
      for (std::size_t i = blocks > 0 ? blocks - 1 : 0; i > 0; --i) {
        const std::size_t j =
            StepHash::of(seed_, epoch, static_cast<std::int64_t>(w * window + i), kBucketPurpose) % (i + 1);
        std::swap(blockOrder[i], blockOrder[j]);
      }
      std::size_t out = begin;
      for (std::size_t block : blockOrder) {
        for (std::int64_t r = 0; r < batch; ++r) order_[out++] = sorted[block * static_cast<std::size_t>(batch) + static_cast<std::size_t>(r)];
      }
      for (std::size_t r = blocks * static_cast<std::size_t>(batch); r < sorted.size(); ++r) order_[out++] = sorted[r];
    }
  }
  epoch_ = epoch;
  batch_ = batch;
}

std::size_t EpochSampler::at(std::int64_t step, std::int64_t batch, std::int64_t row) {
  const std::int64_t global = (step - 1) * batch + row;
  const std::int64_t epoch = global / static_cast<std::int64_t>(count_);
  if (epoch != epoch_ || (!lengths_.empty() && batch != batch_)) build(epoch, batch);
  return order_[static_cast<std::size_t>(global % static_cast<std::int64_t>(count_))];
}

double EpochSampler::epochsAfter(std::int64_t step, std::int64_t batch) const {
  return static_cast<double>(step * batch) / static_cast<double>(count_);
}

}  // namespace sinkscope
