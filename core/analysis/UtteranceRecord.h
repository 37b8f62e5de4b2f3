#pragma once

#include <cstdint>
#include <map>
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
  // Massive activations (report.md): how many layers list each dim as a fixed dim, the
  // largest max|h| ÷ median|h| of any token in any layer, and where the massive
  // elements first appeared (source name and first layer -> count of (token, dim)).
  std::map<int, int> fixedDimLayers;
  double maxMassiveRatio = 0.0;
  std::map<std::string, int> originSources;
  std::map<int, int> originFirstLayers;
  // cos(h_l[0], h_l[t]) summed over layers: intermediate-sink tokens versus every other
  // token after BOS (the sink tokens align with BOS; the decorrelation loss undoes it).
  double sinkCosineSum = 0.0;
  std::int64_t sinkCosineCount = 0;
  double otherCosineSum = 0.0;
  std::int64_t otherCosineCount = 0;
  double seconds = 0.0;        // wall time (timing only; left out of comparisons)

  // Error rates and statistics of a finished utterance.
  static UtteranceRecord fromReport(std::int64_t index, const std::string& relPath, const std::string& reference,
                                    const TraceReport& report, bool stripPunctuation);

  nlohmann::json toJson() const;
  static UtteranceRecord fromJson(const nlohmann::json& json);  // throws on missing keys
};

}  // namespace sinkscope
