#include "core/train/WindowSampler.h"

#include "core/base/Error.h"
#include "core/text/Tokenizer.h"
#include "core/train/StepHash.h"

namespace sinkscope {

WindowSampler::WindowSampler(std::vector<std::int32_t> tokens, std::vector<std::int64_t> sentenceStarts,
                             std::int64_t seqLength, std::int64_t bosId, std::uint64_t seed)
    : tokens_(std::move(tokens)), seqLength_(seqLength), bosId_(bosId), seed_(seed) {
  const auto size = static_cast<std::int64_t>(tokens_.size());
  for (std::int64_t start : sentenceStarts) {
    if (start >= 0 && start + seqLength_ <= size) starts_.push_back(start);
  }
  if (starts_.empty()) {
    throw Error("text of " + std::to_string(size) + " tokens holds no window of " + std::to_string(seqLength_) +
                " tokens; use more text or a shorter train.seq_length");
  }
}

WindowSampler WindowSampler::fromLines(const Tokenizer& tokenizer, const std::vector<std::string>& lines,
                                       std::int64_t seqLength, std::int64_t bosId, std::int64_t eosId,
                                       std::uint64_t seed) {
  std::vector<std::int32_t> tokens;
  std::vector<std::int64_t> starts;
  for (const std::string& line : lines) {
    starts.push_back(static_cast<std::int64_t>(tokens.size()));
    for (std::int64_t id : tokenizer.encode(line, false)) tokens.push_back(static_cast<std::int32_t>(id));
    tokens.push_back(static_cast<std::int32_t>(eosId));
  }
  return WindowSampler(std::move(tokens), std::move(starts), seqLength, bosId, seed);
}

void WindowSampler::window(std::int64_t start, std::vector<std::int64_t>& inputs,
                           std::vector<std::int64_t>& targets) const {
  inputs.push_back(bosId_);
  for (std::int64_t i = 0; i + 1 < seqLength_; ++i) inputs.push_back(tokens_[static_cast<std::size_t>(start + i)]);
  for (std::int64_t i = 0; i < seqLength_; ++i) targets.push_back(tokens_[static_cast<std::size_t>(start + i)]);
}

void WindowSampler::batch(std::int64_t step, std::int64_t batchSize, std::vector<std::int64_t>& inputs,
                          std::vector<std::int64_t>& targets) const {
  inputs.clear();
  targets.clear();
  const std::uint64_t stepKey = StepHash::mix(StepHash::mix(seed_) ^ static_cast<std::uint64_t>(step));
  for (std::int64_t row = 0; row < batchSize; ++row) {
    const std::uint64_t pick = StepHash::mix(stepKey ^ static_cast<std::uint64_t>(row)) % starts_.size();
    window(starts_[pick], inputs, targets);
  }
}

std::int64_t WindowSampler::evenlySpaced(std::int64_t count, std::vector<std::int64_t>& inputs,
                                         std::vector<std::int64_t>& targets) const {
  const auto available = static_cast<std::int64_t>(starts_.size());
  const std::int64_t n = std::min(count, available);
  for (std::int64_t i = 0; i < n; ++i) window(starts_[static_cast<std::size_t>(i * available / n)], inputs, targets);
  return n;
}

}  // namespace sinkscope
