#include "core/model/BeamHypotheses.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/base/Error.h"

namespace sinkscope {

BeamHypotheses::BeamHypotheses(int numBeams, double lengthPenalty)
    : numBeams_(numBeams), lengthPenalty_(lengthPenalty) {}

void BeamHypotheses::add(GenerationResult hypothesis, double sumLogProbs, int generatedLength) {
  const double score = sumLogProbs / std::pow(static_cast<double>(generatedLength), lengthPenalty_);
  if (static_cast<int>(beams_.size()) >= numBeams_ && !(score > worstScore_)) return;
  hypothesis.score = score;
  beams_.push_back(std::move(hypothesis));
  if (static_cast<int>(beams_.size()) > numBeams_) {
    // Drop the lowest (score, insertion index) and take the next lowest as the worst.
    std::vector<std::pair<double, std::size_t>> ranked;
    for (std::size_t i = 0; i < beams_.size(); ++i) ranked.emplace_back(beams_[i].score, i);
    std::sort(ranked.begin(), ranked.end());
    beams_.erase(beams_.begin() + static_cast<std::ptrdiff_t>(ranked[0].second));
    worstScore_ = ranked[1].first;
  } else {
    worstScore_ = std::min(score, worstScore_);
  }
}

bool BeamHypotheses::isDone(double bestSumLogProbs, int generatedLength) const {
  if (static_cast<int>(beams_.size()) < numBeams_) return false;
  const double highestAttainable =
      bestSumLogProbs / std::pow(static_cast<double>(generatedLength), lengthPenalty_);
  return worstScore_ >= highestAttainable;
}

const GenerationResult& BeamHypotheses::best() const {
  if (beams_.empty()) throw Error("beam search finished without any hypothesis");
  std::size_t bestIndex = 0;
  for (std::size_t i = 1; i < beams_.size(); ++i) {
    if (beams_[i].score >= beams_[bestIndex].score) bestIndex = i;
  }
  return beams_[bestIndex];
}

}  // namespace sinkscope
