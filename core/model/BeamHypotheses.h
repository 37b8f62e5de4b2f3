#pragma once

#include <cstddef>
#include <vector>

#include "core/model/GenerationResult.h"

namespace sinkscope {

// The finished hypotheses of one beam search, kept and ranked exactly as HF's
// BeamHypotheses (transformers 4.44): at most numBeams, each scored
// sum_logprobs / generated_length^lengthPenalty, with HF's worst-score bookkeeping and
// its "early_stopping=False" done test.
class BeamHypotheses {
 public:
  BeamHypotheses(int numBeams, double lengthPenalty);

  // `hypothesis.ids` are the generated tokens (EOS included when it ended on one);
  // generatedLength counts them as HF does. Sets hypothesis.score.
  void add(GenerationResult hypothesis, double sumLogProbs, int generatedLength);
  // Whether no open beam can still beat the kept ones.
  bool isDone(double bestSumLogProbs, int generatedLength) const;
  // The best kept hypothesis (ties: the one added last, as HF's stable sort + pop).
  const GenerationResult& best() const;
  std::size_t size() const { return beams_.size(); }

 private:
  int numBeams_;
  double lengthPenalty_;
  double worstScore_ = 1e9;
  std::vector<GenerationResult> beams_;
};

}  // namespace sinkscope
