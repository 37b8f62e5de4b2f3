#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/analysis/ErrorRate.h"
#include "core/analysis/SegmentTotals.h"
#include "core/analysis/TraceAnalyzer.h"

namespace sinkscope {

// What eval keeps of one utterance: one line of results.jsonl. Everything in it is
// additive (edit counts, per-layer sums), so a summary over any split of the
// utterances into shards is the same sums in the same order.
struct UtteranceRecord {
  std::int64_t index = 0;  // manifest row
  std::string relPath;
  std::string reference;
  std::string hypothesis;
  std::string error;  // non-empty: the utterance failed, nothing else is set
  EditCounts words;
  EditCounts characters;
  std::vector<double> bosHeadFraction;  // [L]
  std::vector<int> intermediateSinks;   // [L]
  std::vector<LayerSegmentTotals> segments;  // [L]
  double decorrelation = 0.0;  // total decorrelation loss value of the sequence
  double seconds = 0.0;        // wall time (timing only; left out of comparisons)

  // Error rates and statistics of a finished utterance.
  static UtteranceRecord fromReport(std::int64_t index, const std::string& relPath, const std::string& reference,
                                    const TraceReport& report, bool stripPunctuation);

  nlohmann::json toJson() const;
  static UtteranceRecord fromJson(const nlohmann::json& json);  // throws on missing keys
};

}  // namespace sinkscope
