#pragma once

#include <cstdint>
#include <vector>

namespace sinkscope {

// What a decoding run produced, one entry per generated token (the EOS token included
// when the run ended on one). Plain data: no LibTorch.
struct GenerationResult {
  std::vector<std::int64_t> ids;
  std::vector<float> logProbs;    // log-softmax of that step's logits at the chosen token
  std::vector<double> elapsedMs;  // since decoding began, when the token was chosen
  bool endedWithEos = false;
  // Beam search: sum of logProbs / length^length_penalty (HF's sequences_scores);
  // greedy: sum of logProbs.
  double score = 0.0;
};

}  // namespace sinkscope
