#pragma once

#include <string>
#include <vector>

#include "core/analysis/AnalysisOptions.h"
#include "core/analysis/BosSimilarityAnalyzer.h"
#include "core/analysis/MassiveAnalyzer.h"
#include "core/analysis/SegmentTotals.h"
#include "core/analysis/SinkAnalyzer.h"
#include "core/base/Trace.h"

namespace sinkscope {

// Everything the analysis engine derives from one Trace: plain data, what report.json
// is written from and what views plot.
struct TraceReport {
  AnalysisOptions options;
  std::string modelName;
  std::string modality;
  std::string transcript;
  double inferenceMs = 0.0;
  int numLayers = 0;
  int numHeads = 0;
  int hiddenSize = 0;
  std::vector<TraceToken> tokens;

  SinkResult sinks;
  MassiveResult massive;
  BosSimilarityResult bosSimilarity;
  std::vector<LayerSegmentTotals> segments;  // [L] additive per-segment statistics
  std::vector<std::string> notes;            // what was skipped and why
};

// Runs the sink, massive-activation and BOS-similarity analyses over a trace and
// sums them per layer and segment. Parts whose taps were not captured are skipped
// with a note; malformed taps throw ShapeError.
class TraceAnalyzer {
 public:
  explicit TraceAnalyzer(AnalysisOptions options = {});

  TraceReport analyze(const Trace& trace) const;

  const AnalysisOptions& options() const { return options_; }

 private:
  std::vector<LayerSegmentTotals> segmentTotals(const TraceReport& report) const;

  AnalysisOptions options_;
};

}  // namespace sinkscope
