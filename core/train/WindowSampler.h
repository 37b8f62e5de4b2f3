#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sinkscope {

class Tokenizer;

// A tokenised text (each sentence followed by EOS) and the windows cut from it for
// language-model training. A window of T tokens starts at a sentence start o:
//   inputs  [BOS, x_o, ..., x_{o+T-2}]     targets [x_o, ..., x_{o+T-1}]
// so BOS sits at position 0 of every window, as in inference, and the model learns
// to predict a sentence's first token from BOS alone. Which window a batch row gets
// is a pure function of (seed, step, row): a resumed run draws exactly the windows
// the uninterrupted run would have drawn, with no generator state to save.
class WindowSampler {
 public:
  WindowSampler(std::vector<std::int32_t> tokens, std::vector<std::int64_t> sentenceStarts, std::int64_t seqLength,
                std::int64_t bosId, std::uint64_t seed);

  // Encodes `lines` (no special tokens) each followed by `eosId`.
  static WindowSampler fromLines(const Tokenizer& tokenizer, const std::vector<std::string>& lines,
                                 std::int64_t seqLength, std::int64_t bosId, std::int64_t eosId, std::uint64_t seed);

  // Row-major [batchSize, T] inputs and targets of training step `step`.
  void batch(std::int64_t step, std::int64_t batchSize, std::vector<std::int64_t>& inputs,
             std::vector<std::int64_t>& targets) const;

  // `count` windows at evenly spaced sentence starts (the held-out set): appends
  // [count, T] inputs and targets, row-major; fewer when the text has fewer starts.
  std::int64_t evenlySpaced(std::int64_t count, std::vector<std::int64_t>& inputs,
                            std::vector<std::int64_t>& targets) const;

  std::int64_t tokenCount() const { return static_cast<std::int64_t>(tokens_.size()); }
  std::int64_t windowCount() const { return static_cast<std::int64_t>(starts_.size()); }
  std::int64_t seqLength() const { return seqLength_; }

 private:
  void window(std::int64_t start, std::vector<std::int64_t>& inputs, std::vector<std::int64_t>& targets) const;

  std::vector<std::int32_t> tokens_;
  std::vector<std::int64_t> starts_;  // sentence starts with a whole window after them
  std::int64_t seqLength_;
  std::int64_t bosId_;
  std::uint64_t seed_;
};

}  // namespace sinkscope
