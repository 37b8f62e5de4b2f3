#include "core/analysis/SinkAnalyzer.h"

#include <algorithm>

#include "core/base/Error.h"

namespace sinkscope {

namespace {

std::string blockTap(int layer, const std::string& suffix) {
  return "blocks." + std::to_string(layer) + "." + suffix;
}

std::vector<int> allHeads(int count) {
  std::vector<int> heads(static_cast<std::size_t>(count));
  for (int h = 0; h < count; ++h) heads[static_cast<std::size_t>(h)] = h;
  return heads;
}

void requireShape(const std::string& name, const HostTensor& tensor, int rank, std::int64_t tokens) {
  if (tensor.dim() != rank || tensor.size(-1) != tokens || (rank == 3 && tensor.size(1) != tokens)) {
    throw ShapeError("analysis: tap " + name + " " + tensor.shapeString() + " does not cover the trace's " +
                     std::to_string(tokens) + " tokens with rank " + std::to_string(rank));
  }
}

}  // namespace

HostTensor SinkAnalyzer::scoresFromPattern(const HostTensor& pattern) {
  const std::int64_t heads = pattern.size(0);
  const std::int64_t length = pattern.size(2);
  HostTensor score({heads, length});
  for (std::int64_t h = 0; h < heads; ++h) {
    for (std::int64_t k = 0; k < length; ++k) {
      double sum = 0.0;
      for (std::int64_t q = k; q < length; ++q) sum += pattern.at(h, q, k);
      score.at(h, k) = static_cast<float>(sum / static_cast<double>(length - k));
    }
  }
  return score;
}

SinkLayer SinkAnalyzer::classify(HostTensor score, const Trace& trace) const {
  SinkLayer layer;
  const std::int64_t heads = score.size(0);
  const std::int64_t length = score.size(1);
  layer.headFraction.assign(static_cast<std::size_t>(length), 0.0);
  for (std::int64_t k = 0; k < length; ++k) {
    // Key k is seen by the T - k queries q >= k.
    if (length - k < options_.sinkMinQueries) continue;
    int sinkHeads = 0;
    double maxScore = 0.0;
    for (std::int64_t h = 0; h < heads; ++h) {
      const double s = score.at(h, k);
      maxScore = std::max(maxScore, s);
      if (s > options_.sinkEpsilon) ++sinkHeads;
    }
    const double fraction = static_cast<double>(sinkHeads) / static_cast<double>(heads);
    layer.headFraction[static_cast<std::size_t>(k)] = fraction;
    if (k == 0) layer.bosHeadFraction = fraction;
    if (sinkHeads > 0 && fraction >= options_.sinkTokenMinHeadFraction) {
      SinkToken token;
      token.position = static_cast<int>(k);
      token.segment = trace.tokens[static_cast<std::size_t>(k)].segment;
      token.bos = k == 0;
      token.headFraction = fraction;
      token.maxScore = maxScore;
      layer.sinkTokens.push_back(token);
      if (k > 0) ++layer.intermediateSinks;
    }
  }
  layer.score = std::move(score);
  return layer;
}

ResponseAttention SinkAnalyzer::responseMass(const Trace& trace, const std::vector<int>& heads) const {
  ResponseAttention out;
  const std::int64_t length = trace.numTokens();
  std::vector<std::int64_t> queries;
  for (std::int64_t q = 0; q < length; ++q) {
    if (trace.tokens[static_cast<std::size_t>(q)].segment == Segment::Response) queries.push_back(q);
  }
  out.available = true;
  out.queries = static_cast<int>(queries.size());
  out.heads = heads;
  for (int l = 0; l < trace.numLayers; ++l) {
    const std::string name = blockTap(l, "attn.hook_pattern");
    const HostTensor& pattern = trace.at(name);
    requireShape(name, pattern, 3, length);
    std::vector<std::array<double, kSegmentCount>> layer(static_cast<std::size_t>(pattern.size(0)));
    for (std::int64_t h = 0; h < pattern.size(0); ++h) {
      auto& mass = layer[static_cast<std::size_t>(h)];
      mass.fill(0.0);
      for (std::int64_t q : queries) {
        for (std::int64_t k = 0; k <= q; ++k) {
          mass[static_cast<std::size_t>(trace.tokens[static_cast<std::size_t>(k)].segment)] += pattern.at(h, q, k);
        }
      }
      if (!queries.empty()) {
        for (double& m : mass) m /= static_cast<double>(queries.size());
      }
    }
    out.mass.push_back(std::move(layer));
  }
  return out;
}

SinkResult SinkAnalyzer::analyze(const Trace& trace, std::vector<std::string>& notes) const {
  SinkResult result;
  const std::int64_t length = trace.numTokens();
  bool haveReceived = trace.numLayers > 0;
  bool havePattern = trace.numLayers > 0;
  for (int l = 0; l < trace.numLayers; ++l) {
    haveReceived = haveReceived && trace.find(blockTap(l, "attn.hook_received")) != nullptr;
    havePattern = havePattern && trace.find(blockTap(l, "attn.hook_pattern")) != nullptr;
  }
  const std::vector<int> patternHeads = trace.capturedHeads.empty() ? allHeads(trace.numHeads) : trace.capturedHeads;

  if (haveReceived) {
    result.source = "attn.hook_received";
    result.heads = allHeads(trace.numHeads);
    for (int l = 0; l < trace.numLayers; ++l) {
      const std::string name = blockTap(l, "attn.hook_received");
      const HostTensor& received = trace.at(name);
      requireShape(name, received, 2, length);
      result.layers.push_back(classify(received, trace));
    }
  } else if (havePattern) {
    result.source = "attn.hook_pattern";
    result.heads = patternHeads;
    notes.push_back("sink scores computed from hook_pattern over the captured heads only");
    for (int l = 0; l < trace.numLayers; ++l) {
      const std::string name = blockTap(l, "attn.hook_pattern");
      const HostTensor& pattern = trace.at(name);
      requireShape(name, pattern, 3, length);
      result.layers.push_back(classify(scoresFromPattern(pattern), trace));
    }
  } else {
    notes.push_back("sinks skipped: neither attn.hook_received nor attn.hook_pattern was captured for every layer");
    return result;
  }
  result.available = true;

  if (havePattern) {
    result.response = responseMass(trace, patternHeads);
    if (result.response.queries == 0) notes.push_back("response attention: the trace has no response tokens");
  } else {
    notes.push_back("response attention to audio/video skipped: needs attn.hook_pattern, only attn.hook_received was captured");
  }
  return result;
}

}  // namespace sinkscope
