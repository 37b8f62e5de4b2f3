#include "core/analysis/BosSimilarityAnalyzer.h"

#include "core/analysis/RowStats.h"
#include "core/base/Error.h"

namespace sinkscope {

std::vector<double> BosSimilarityAnalyzer::cosines(const HostTensor& hidden) {
  const std::int64_t length = hidden.size(0);
  const std::int64_t dims = hidden.size(1);
  std::vector<double> out(static_cast<std::size_t>(length));
  const float* bos = hidden.values.data();
  for (std::int64_t t = 0; t < length; ++t) {
    out[static_cast<std::size_t>(t)] = RowStats::cosine(bos, bos + t * dims, dims);
  }
  return out;
}

BosSimilarityResult BosSimilarityAnalyzer::analyze(const Trace& trace, std::vector<std::string>& notes) const {
  BosSimilarityResult result;
  if (trace.numLayers == 0 || trace.numTokens() == 0) return result;
  for (int l = 0; l < trace.numLayers; ++l) {
    const std::string name = "blocks." + std::to_string(l) + ".hook_resid_post";
    const HostTensor* hidden = trace.find(name);
    if (hidden == nullptr) {
      notes.push_back("BOS cosine skipped: " + name + " was not captured");
      return BosSimilarityResult{};
    }
    if (hidden->dim() != 2 || hidden->size(0) != trace.numTokens()) {
      throw ShapeError("analysis: tap " + name + " must be [" + std::to_string(trace.numTokens()) + ", D], found " +
                       hidden->shapeString());
    }
    result.cosine.push_back(cosines(*hidden));
  }
  if (const HostTensor* embed = trace.find("hook_embed")) result.embedding = cosines(*embed);
  result.available = true;

  // P: the input tokens after BOS; the response is output.
  for (std::size_t t = 1; t < trace.tokens.size(); ++t) {
    if (trace.tokens[t].segment != Segment::Response) ++result.countedTokens;
  }
  if (trace.numLayers < 2 || result.countedTokens == 0) {
    notes.push_back("decorrelation loss undefined: needs two layers and one input token after BOS");
    return result;
  }
  double sum = 0.0;
  for (int l = 0; l + 1 < trace.numLayers; ++l) {
    double squares = 0.0;
    int counted = 0;
    for (std::size_t t = 1; t < trace.tokens.size() && counted < result.countedTokens; ++t) {
      if (trace.tokens[t].segment == Segment::Response) continue;
      const double c = result.cosine[static_cast<std::size_t>(l)][t];
      squares += c * c;
      ++counted;
    }
    const double value = options_.decorrelationLambda * squares / static_cast<double>(result.countedTokens);
    result.decorrelationPerLayer.push_back(value);
    sum += value;
  }
  result.decorrelationTotal = sum / static_cast<double>(trace.numLayers - 1);
  return result;
}

}  // namespace sinkscope
