#include "core/analysis/TraceAnalyzer.h"

#include <algorithm>
#include <set>

namespace sinkscope {

TraceAnalyzer::TraceAnalyzer(AnalysisOptions options) : options_(options) {
  options_.validate();
}

std::vector<LayerSegmentTotals> TraceAnalyzer::segmentTotals(const TraceReport& report) const {
  std::vector<LayerSegmentTotals> out(static_cast<std::size_t>(report.numLayers));
  for (int l = 0; l < report.numLayers; ++l) {
    auto& layer = out[static_cast<std::size_t>(l)];
    std::set<int> sinkPositions;
    std::set<int> massivePositions;
    if (report.sinks.available) {
      for (const auto& s : report.sinks.layers[static_cast<std::size_t>(l)].sinkTokens) sinkPositions.insert(s.position);
    }
    for (std::size_t t = 0; t < report.tokens.size(); ++t) {
      SegmentTotals& totals = layer[static_cast<std::size_t>(report.tokens[t].segment)];
      ++totals.tokens;
      if (report.sinks.available) {
        const SinkLayer& sinks = report.sinks.layers[static_cast<std::size_t>(l)];
        const auto heads = sinks.score.size(0);
        const bool eligible = static_cast<std::int64_t>(report.tokens.size() - t) >= options_.sinkMinQueries;
        for (std::int64_t h = 0; h < heads; ++h) {
          const double s = sinks.score.at(h, static_cast<std::int64_t>(t));
          totals.sinkScoreSum += s;
          if (eligible && s > options_.sinkEpsilon) ++totals.sinkPairs;
        }
        totals.headTokenPairs += heads;
        if (sinkPositions.count(static_cast<int>(t)) != 0) ++totals.sinkTokens;
      }
      if (report.massive.available) {
        totals.maxAbs = std::max(totals.maxAbs, report.massive.layers[static_cast<std::size_t>(l)].maxAbs[t]);
      }
      if (report.bosSimilarity.available) {
        totals.bosCosineSum += report.bosSimilarity.cosine[static_cast<std::size_t>(l)][t];
        ++totals.cosineTokens;
      }
    }
    if (report.massive.available) {
      for (const auto& e : report.massive.layers[static_cast<std::size_t>(l)].elements) {
        SegmentTotals& totals = layer[static_cast<std::size_t>(report.tokens[static_cast<std::size_t>(e.position)].segment)];
        ++totals.massiveElements;
        if (massivePositions.insert(e.position).second) ++totals.massiveTokens;
      }
    }
  }
  return out;
}

TraceReport TraceAnalyzer::analyze(const Trace& trace) const {
  TraceReport report;
  report.options = options_;
  report.modelName = trace.modelName;
  report.modality = trace.modality;
  report.transcript = trace.transcript;
  report.inferenceMs = trace.inferenceMs;
  report.numLayers = trace.numLayers;
  report.numHeads = trace.numHeads;
  report.hiddenSize = trace.hiddenSize;
  report.tokens = trace.tokens;

  report.sinks = SinkAnalyzer(options_).analyze(trace, report.notes);
  report.massive = MassiveAnalyzer(options_).analyze(trace, report.sinks, report.notes);
  report.bosSimilarity = BosSimilarityAnalyzer(options_).analyze(trace, report.notes);
  report.segments = segmentTotals(report);
  return report;
}

}  // namespace sinkscope
