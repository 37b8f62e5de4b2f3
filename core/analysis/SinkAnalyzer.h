#pragma once

#include <array>
#include <string>
#include <vector>

#include "core/analysis/AnalysisOptions.h"
#include "core/base/HostTensor.h"
#include "core/base/Segment.h"
#include "core/base/Trace.h"

namespace sinkscope {

// A token that is a sink in a noticeable fraction of one layer's heads.
struct SinkToken {
  int position = 0;
  Segment segment = Segment::Prompt;
  bool bos = false;           // position 0: the classic sink; otherwise an intermediate sink
  double headFraction = 0.0;  // heads in which s[h, k] > ε
  double maxScore = 0.0;      // max over heads of s[h, k]
};

// Sinks of one decoder layer (block l, 0-based).
struct SinkLayer {
  HostTensor score;                  // [H', T] s_l[h, k]; H' = the heads it was computed for
  std::vector<double> headFraction;  // [T] fraction of those heads with s > ε
  std::vector<SinkToken> sinkTokens;
  double bosHeadFraction = 0.0;
  int intermediateSinks = 0;
};

// Where the response tokens look: for each layer and captured head, the attention
// mass a response query gives each segment, averaged over the response queries.
struct ResponseAttention {
  bool available = false;
  int queries = 0;
  std::vector<int> heads;                                        // model head index per row
  std::vector<std::vector<std::array<double, kSegmentCount>>> mass;  // [L][heads][segment]
};

struct SinkResult {
  bool available = false;
  std::string source;  // "attn.hook_received" or "attn.hook_pattern"
  std::vector<int> heads;  // model head index per score row
  std::vector<SinkLayer> layers;
  ResponseAttention response;
};

// Sink scores and sink tokens (DESIGN §2, Gu et al.) from the taps
// blocks.{l}.attn.hook_received [H, T], or from blocks.{l}.attn.hook_pattern
// [H', T, T] when only patterns were captured; the response-to-segment attention
// mass needs the patterns. What cannot be computed is said in `notes`.
class SinkAnalyzer {
 public:
  explicit SinkAnalyzer(AnalysisOptions options) : options_(options) {}

  SinkResult analyze(const Trace& trace, std::vector<std::string>& notes) const;

  // s[h, k] = mean over q >= k of pattern[h, q, k]: [H', T, T] -> [H', T].
  static HostTensor scoresFromPattern(const HostTensor& pattern);

 private:
  SinkLayer classify(HostTensor score, const Trace& trace) const;
  ResponseAttention responseMass(const Trace& trace, const std::vector<int>& heads) const;

  AnalysisOptions options_;
};

}  // namespace sinkscope
