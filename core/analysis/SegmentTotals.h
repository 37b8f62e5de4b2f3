#pragma once

#include <array>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "core/base/Segment.h"

namespace sinkscope {

// Additive statistics of the tokens of one segment in one layer: sums and counts
// only, so utterances and shards combine by addition (and maxima by max) and the
// means are derived at the end. Adding in the same order gives the same bits.
struct SegmentTotals {
  std::int64_t tokens = 0;

  // Sinks (attention of this layer): (head, key) pairs, their summed sink score, how
  // many were sinks (s > ε), and how many tokens were sink tokens.
  std::int64_t headTokenPairs = 0;
  double sinkScoreSum = 0.0;
  std::int64_t sinkPairs = 0;
  std::int64_t sinkTokens = 0;

  // Massive activations in the residual stream after this layer.
  std::int64_t massiveElements = 0;
  std::int64_t massiveTokens = 0;  // tokens with at least one massive dim
  double maxAbs = 0.0;             // largest |h| over the segment's tokens and dims

  // Similarity to BOS after this layer.
  std::int64_t cosineTokens = 0;
  double bosCosineSum = 0.0;

  void add(const SegmentTotals& other);

  // Sums and counts plus the derived means (null when the count is zero).
  nlohmann::json toJson() const;
};

using LayerSegmentTotals = std::array<SegmentTotals, kSegmentCount>;

}  // namespace sinkscope
