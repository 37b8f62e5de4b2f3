#include "core/analysis/SegmentTotals.h"

#include <algorithm>

namespace sinkscope {

namespace {

nlohmann::json ratio(double sum, std::int64_t count) {
  return count > 0 ? nlohmann::json(sum / static_cast<double>(count)) : nlohmann::json();
}

}  // namespace

void SegmentTotals::add(const SegmentTotals& other) {
  tokens += other.tokens;
  headTokenPairs += other.headTokenPairs;
  sinkScoreSum += other.sinkScoreSum;
  sinkPairs += other.sinkPairs;
  sinkTokens += other.sinkTokens;
  massiveElements += other.massiveElements;
  massiveTokens += other.massiveTokens;
  maxAbs = std::max(maxAbs, other.maxAbs);
  cosineTokens += other.cosineTokens;
  bosCosineSum += other.bosCosineSum;
}

nlohmann::json SegmentTotals::toJson() const {
  return {{"tokens", tokens},
          {"head_token_pairs", headTokenPairs},
          {"sink_score_sum", sinkScoreSum},
          {"sink_pairs", sinkPairs},
          {"sink_tokens", sinkTokens},
          {"massive_elements", massiveElements},
          {"massive_tokens", massiveTokens},
          {"max_abs", maxAbs},
          {"cosine_tokens", cosineTokens},
          {"bos_cosine_sum", bosCosineSum},
          {"mean_sink_score", ratio(sinkScoreSum, headTokenPairs)},
          {"sink_pair_fraction", ratio(static_cast<double>(sinkPairs), headTokenPairs)},
          {"massive_token_fraction", ratio(static_cast<double>(massiveTokens), tokens)},
          {"mean_bos_cosine", ratio(bosCosineSum, cosineTokens)}};
}

}  // namespace sinkscope
