#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sinkscope {

// The output symbols of the encoders' CTC pretraining: the blank (id 0), then space,
// a-z and the apostrophe, which spell every corpus transcript (docs/corpus.md:
// lower case, numbers spelt out). Characters rather than the LLM's BPE tokens: the
// encoders run at 50 and 25 frames per second, several frames per character, and
// their pretraining must not depend on which tokenizer the LLM got.
class CtcAlphabet {
 public:
  static constexpr std::int64_t kBlank = 0;
  static const std::string& symbols();  // id i + 1 is symbols()[i]
  static std::int64_t size();           // blank included

  // Characters outside the alphabet are dropped.
  static std::vector<std::int64_t> encode(const std::string& text);
  // Greedy CTC: repeated ids merged, blanks removed.
  static std::string decodeGreedy(const std::vector<std::int64_t>& frameIds);
};

}  // namespace sinkscope
