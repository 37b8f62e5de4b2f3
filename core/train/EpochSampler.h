#pragma once

#include <cstdint>
#include <vector>

namespace sinkscope {

// Which utterance row b of step s trains on: the rows of all steps, laid end to end,
// walk through the split epoch after epoch, each epoch in its own order (a
// Fisher-Yates shuffle driven by StepHash of (seed, epoch)). A pure function of
// (seed, step, row), so a resumed run sees exactly the uninterrupted run's batches.
//
// With utterance lengths and bucketBatches > 0, each run of bucketBatches · batch
// shuffled rows is sorted by length and its batches are then shuffled again: a batch
// holds utterances of similar length. Batches pad to their longest row and the
// encoders have no padding mask, so random batches waste about 40 % of the encoder
// time on padding (corpus lengths 0.8–9 s) and give a row features that depend on
// its neighbours; bucketed batches waste a few per cent and match single-utterance
// inference far better.
class EpochSampler {
 public:
  EpochSampler(std::size_t count, std::uint64_t seed);
  // bucketBatches 0: the plain shuffle of the constructor above (lengths unused).
  EpochSampler(std::vector<std::int64_t> lengths, std::uint64_t seed, std::int64_t bucketBatches);

  // The utterance of the global row g = (step - 1) · batch + row.
  std::size_t at(std::int64_t step, std::int64_t batch, std::int64_t row);
  // Epochs done after `step` steps of `batch` rows (fractional).
  double epochsAfter(std::int64_t step, std::int64_t batch) const;

 private:
  void build(std::int64_t epoch, std::int64_t batch);

  std::size_t count_;
  std::uint64_t seed_;
  std::vector<std::int64_t> lengths_;  // empty: no bucketing
  std::int64_t bucketBatches_ = 0;
  std::int64_t epoch_ = -1;
  std::int64_t batch_ = -1;
  std::vector<std::uint32_t> order_;
};

}  // namespace sinkscope
