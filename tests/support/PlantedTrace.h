#pragma once

#include <vector>

#include "core/base/Trace.h"

namespace sinkscope::test {

// A hand-made AVSR trace with known structure, for the plot and analysis tests and
// the demo figures: 40 tokens covering every segment
//   BOS <audio> A0..A9 </audio> <video> V0..V7 </video> prompt(8) response(9),
// 6 layers, 4 heads, D = 64. Planted:
//  * a BOS sink from layer 1 on in every head (attention 0.5-0.6 to BOS),
//  * an intermediate sink at kIntermediateSink ("<video>") from layer 2 on in heads
//    0 and 1 (attention 0.4 from every later query),
//  * massive activations in dims kMassiveDims at BOS (from layer 1) and at the
//    intermediate sink (from layer 2), > 100 and > 1000 x the token's median |h|,
//    with the same sign pattern, so both point the same way (BOS cosine near 1).
// Taps: hook_embed, and per layer attn.hook_pattern [4, 40, 40], attn.hook_received
// [4, 40] (computed from the pattern by the definition), hook_resid_post [40, 64].
class PlantedTrace {
 public:
  static constexpr int kLayers = 6;
  static constexpr int kHeads = 4;
  static constexpr int kTokens = 40;
  static constexpr int kHidden = 64;
  static constexpr int kIntermediateSink = 13;
  static constexpr int kFirstBosSinkLayer = 1;
  static constexpr int kFirstIntermediateLayer = 2;
  static const std::vector<int> kMassiveDims;        // {7, 42}
  static const std::vector<int> kIntermediateHeads;  // {0, 1}

  static Trace make();
};

}  // namespace sinkscope::test
