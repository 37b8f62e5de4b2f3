#pragma once

#include <string>
#include <vector>

#include "core/analysis/AnalysisOptions.h"
#include "core/base/Trace.h"

namespace sinkscope {

struct BosSimilarityResult {
  bool available = false;
  std::vector<double> embedding;            // [T] cos(h_0[0], h_0[t]); empty without hook_embed
  std::vector<std::vector<double>> cosine;  // [L][T] cos(h[0], h[t]) after block l
  // The decorrelation loss of DESIGN §2 on this sequence (B = 1): P counts the
  // non-response tokens after BOS; perLayer[l] = λ/P · Σ_{t=1..P} c_l[t]² for the
  // outputs of blocks 0..L-2 (h_1..h_{L-1}); total is their mean.
  int countedTokens = 0;
  std::vector<double> decorrelationPerLayer;
  double decorrelationTotal = 0.0;
};

// Cosine similarity of every token's hidden state to BOS's, per layer, and the
// decorrelation loss value, from hook_embed and blocks.{l}.hook_resid_post.
class BosSimilarityAnalyzer {
 public:
  explicit BosSimilarityAnalyzer(AnalysisOptions options) : options_(options) {}

  BosSimilarityResult analyze(const Trace& trace, std::vector<std::string>& notes) const;

  // [T, D] -> [T] cos(hidden[0], hidden[t]).
  static std::vector<double> cosines(const HostTensor& hidden);

 private:
  AnalysisOptions options_;
};

}  // namespace sinkscope
