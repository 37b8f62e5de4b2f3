#pragma once

#include <nlohmann/json.hpp>

namespace sinkscope {

// The thresholds of DESIGN §2 as the analysis engine applies them.
struct AnalysisOptions {
  // Key k is a sink in head h when its sink score s[h, k] exceeds this (Gu et al.).
  double sinkEpsilon = 0.3;
  // A token is a sink token of a layer when it is a sink in at least this fraction of
  // the layer's heads ("a noticeable fraction of heads").
  double sinkTokenMinHeadFraction = 0.25;
  // Keys seen by fewer queries than this are never called sinks: the last key's score
  // is its own query's self-attention alone, large by chance.
  int sinkMinQueries = 1;

  // Massive activation (Sun et al.): |h| above massiveAbsolute and above massiveRatio ×
  // the token's median |h|; each criterion can be switched off, not both.
  bool useMassiveAbsolute = true;
  double massiveAbsolute = 100.0;
  bool useMassiveRatio = true;
  double massiveRatio = 1000.0;

  // λ of the decorrelation loss.
  double decorrelationLambda = 10000.0;

  // Throws ConfigError naming the offending key.
  void validate() const;

  nlohmann::json toJson() const;
};

}  // namespace sinkscope
