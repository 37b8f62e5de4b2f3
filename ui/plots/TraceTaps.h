#pragma once

#include <string>
#include <vector>

#include "core/base/HostTensor.h"
#include "core/base/Trace.h"

namespace sinkscope::ui {

// Reads what the plots show out of a Trace's taps (CaptureSpec.h names), so every
// plot can be fed straight from a capture. The derived quantities follow DESIGN §2;
// when analysis results exist they can be put into the plots' data structs instead.
class TraceTaps {
 public:
  static std::string blockTap(int layer, const std::string& suffix);  // "blocks.{l}.{suffix}"

  // Decoder layers present as blocks.{l}.hook_resid_post, ascending.
  static std::vector<int> residualLayers(const Trace& trace);
  // blocks.{l}.hook_resid_post [T, D]; throws Error when not captured.
  static const HostTensor& residual(const Trace& trace, int layer);

  // One head's post-softmax pattern, or the head average for head < 0: [T, T].
  // Uses hook_pattern (respecting capturedHeads) or hook_pattern_mean.
  static HostTensor pattern(const Trace& trace, int layer, int head);
  // Sink scores s[h, k] for every head: hook_received [H, T] when captured,
  // otherwise computed from the full hook_pattern.
  static HostTensor sinkScores(const Trace& trace, int layer);
  // s[k] = mean over q >= k of pattern[q, k] for a [T, T] pattern.
  static std::vector<float> receivedAttention(const HostTensor& pattern);

  // The sink score of key k averages over the T - k queries that see it, so the last
  // keys' scores are mostly their attention to themselves: the last key is seen by itself
  // alone and reaches 1 in any head that attends locally. Keys seen by fewer than this
  // many queries are therefore never counted as sinks in the views (the trainer's probe
  // and results_table.sh use the same 8; sinkscope-cli's --min-queries defaults to 1).
  static constexpr int kSinkMinQueries = 8;
  // Whether key `key` of `count` is seen by enough queries to be a sink; BOS always is,
  // so sequences shorter than minQueries still show their BOS sink.
  static bool seenByEnoughQueries(std::int64_t key, std::int64_t count, int minQueries);

  // Fraction of heads in which each token is a sink (s > epsilon, and seen by at least
  // minQueries queries): [T].
  static std::vector<float> sinkFraction(const HostTensor& sinkScores, float epsilon,
                                         int minQueries = kSinkMinQueries);

  // Tokens other than BOS (position 0) that are sinks in at least minFraction of the
  // heads in some layer: the intermediate sinks of DESIGN §2, ascending.
  static std::vector<int> intermediateSinks(const Trace& trace, float epsilon, float minFraction,
                                            int minQueries = kSinkMinQueries);
  // Decoder layers with sink scores available (hook_received or hook_pattern).
  static std::vector<int> attentionLayers(const Trace& trace);

  // Median (the mean of the two middle values for an even count); 0 when empty.
  static float median(std::vector<float> values);
  // Median of |values| of one row of a [T, D] tensor.
  static float medianAbs(const HostTensor& hidden, std::int64_t row);
  // Feature dims that are massive (|h| > minAbs and > minRatio x the token's median
  // |h|) in at least two tokens, ascending (DESIGN §2 "fixed feature indices").
  static std::vector<int> massiveDims(const HostTensor& hidden, float minAbs, float minRatio);
};

}  // namespace sinkscope::ui
