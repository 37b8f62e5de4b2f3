#include "core/analysis/MassiveAnalyzer.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "core/analysis/RowStats.h"
#include "core/base/Error.h"

namespace sinkscope {

namespace {

std::string blockTap(int layer, const std::string& suffix) {
  return "blocks." + std::to_string(layer) + "." + suffix;
}

const HostTensor& hiddenTap(const Trace& trace, const std::string& name) {
  const HostTensor& tensor = trace.at(name);
  if (tensor.dim() != 2 || tensor.size(0) != trace.numTokens() || tensor.size(1) < 1) {
    throw ShapeError("analysis: tap " + name + " must be [" + std::to_string(trace.numTokens()) +
                     ", D], found " + tensor.shapeString());
  }
  return tensor;
}

}  // namespace

bool MassiveAnalyzer::isMassive(double absValue, double medianAbs) const {
  if (options_.useMassiveAbsolute && !(absValue > options_.massiveAbsolute)) return false;
  if (options_.useMassiveRatio && !(absValue > options_.massiveRatio * medianAbs)) return false;
  return true;
}

MassiveLayer MassiveAnalyzer::measure(const HostTensor& hidden, int layer) const {
  MassiveLayer out;
  out.layer = layer;
  const std::int64_t length = hidden.size(0);
  const std::int64_t dims = hidden.size(1);
  out.medianAbs.resize(static_cast<std::size_t>(length));
  out.maxAbs.resize(static_cast<std::size_t>(length));
  std::vector<TopActivation> top;
  for (std::int64_t t = 0; t < length; ++t) {
    const float* row = hidden.values.data() + t * dims;
    const double middle = RowStats::medianAbs(row, dims);
    double largest = 0.0;
    for (std::int64_t d = 0; d < dims; ++d) {
      const double magnitude = std::fabs(double(row[d]));
      largest = std::max(largest, magnitude);
      if (isMassive(magnitude, middle)) {
        out.elements.push_back({static_cast<int>(t), static_cast<int>(d), row[d],
                                middle > 0.0 ? magnitude / middle : HUGE_VAL});
      }
      // Keep the three largest, ties to the earlier (t, d).
      TopActivation candidate{magnitude, static_cast<int>(t), static_cast<int>(d)};
      auto at = std::find_if(top.begin(), top.end(), [&](const TopActivation& a) { return magnitude > a.absValue; });
      if (top.size() < 3 || at != top.end()) {
        top.insert(at, candidate);
        if (top.size() > 3) top.pop_back();
      }
    }
    out.medianAbs[static_cast<std::size_t>(t)] = middle;
    out.maxAbs[static_cast<std::size_t>(t)] = largest;
  }
  out.top = std::move(top);
  out.medianAbsAll = RowStats::medianAbs(hidden.values.data(), hidden.numel());
  return out;
}

void MassiveAnalyzer::findOrigins(const Trace& trace, MassiveResult& result, std::vector<std::string>& notes) const {
  std::map<std::pair<int, int>, MassiveOrigin> first;
  if (result.hasEmbedding) {
    for (const auto& e : result.embedding.elements) {
      MassiveOrigin origin;
      origin.position = e.position;
      origin.dim = e.dim;
      origin.firstLayer = -1;
      origin.source = "embedding";
      origin.value = e.value;
      origin.sharesKnown = true;
      origin.residualShare = 1.0;
      first.emplace(std::make_pair(e.position, e.dim), origin);
    }
  }
  bool missingParts = false;
  for (const auto& layer : result.layers) {
    const HostTensor* mlp = trace.find(blockTap(layer.layer, "hook_mlp_out"));
    const HostTensor* attn = trace.find(blockTap(layer.layer, "hook_attn_out"));
    // h_{l-1}: what the block read, so one missing sub-block output is the remainder.
    const HostTensor* prior = layer.layer == 0 ? trace.find("hook_embed")
                                               : trace.find(blockTap(layer.layer - 1, "hook_resid_post"));
    for (const auto& e : layer.elements) {
      const auto key = std::make_pair(e.position, e.dim);
      if (first.count(key) != 0) continue;
      MassiveOrigin origin;
      origin.position = e.position;
      origin.dim = e.dim;
      origin.firstLayer = layer.layer;
      origin.value = e.value;
      const double value = e.value;
      const double before = prior != nullptr ? prior->at(e.position, e.dim) : 0.0;
      double mlpPart = 0.0;
      double attnPart = 0.0;
      if (mlp != nullptr && attn != nullptr) {
        mlpPart = mlp->at(e.position, e.dim);
        attnPart = attn->at(e.position, e.dim);
        origin.sharesKnown = true;
      } else if (mlp != nullptr && prior != nullptr) {
        mlpPart = mlp->at(e.position, e.dim);
        attnPart = value - before - mlpPart;
        origin.sharesKnown = true;
      } else if (attn != nullptr && prior != nullptr) {
        attnPart = attn->at(e.position, e.dim);
        mlpPart = value - before - attnPart;
        origin.sharesKnown = true;
      }
      if (origin.sharesKnown) {
        origin.mlpShare = mlpPart / value;
        origin.attentionShare = attnPart / value;
        origin.residualShare = (value - mlpPart - attnPart) / value;
        origin.source = "mlp";
        double best = origin.mlpShare;
        if (origin.attentionShare > best) {
          best = origin.attentionShare;
          origin.source = "attention";
        }
        if (origin.residualShare > best) origin.source = "residual";
      } else {
        missingParts = true;
        origin.source = "unknown";
      }
      first.emplace(key, origin);
    }
  }
  if (missingParts) notes.push_back("massive origins: hook_mlp_out was not captured (CaptureSpec::analysisWithOrigins, analyze --origins), MLP/attention split unknown");
  for (auto& [key, origin] : first) result.origins.push_back(origin);
}

MassiveResult MassiveAnalyzer::analyze(const Trace& trace, const SinkResult& sinks,
                                       std::vector<std::string>& notes) const {
  MassiveResult result;
  for (int l = 0; l < trace.numLayers; ++l) {
    if (trace.find(blockTap(l, "hook_resid_post")) == nullptr) {
      notes.push_back("massive activations skipped: blocks." + std::to_string(l) + ".hook_resid_post was not captured");
      return result;
    }
  }
  if (trace.numLayers == 0) return result;
  result.available = true;
  if (trace.find("hook_embed") != nullptr) {
    result.hasEmbedding = true;
    result.embedding = measure(hiddenTap(trace, "hook_embed"), -1);
  } else {
    notes.push_back("hook_embed not captured: origins cannot be traced to the embeddings");
  }
  for (int l = 0; l < trace.numLayers; ++l) {
    MassiveLayer layer = measure(hiddenTap(trace, blockTap(l, "hook_resid_post")), l);
    if (sinks.available) {
      // Dims massive in two or more of this layer's sink tokens.
      std::map<int, int> sinkCount;
      for (const auto& sink : sinks.layers[static_cast<std::size_t>(l)].sinkTokens) {
        for (const auto& e : layer.elements) {
          if (e.position == sink.position) ++sinkCount[e.dim];
        }
      }
      for (const auto& [dim, count] : sinkCount) {
        if (count >= 2) layer.fixedDims.push_back(dim);
      }
    }
    result.layers.push_back(std::move(layer));
  }
  findOrigins(trace, result, notes);
  return result;
}

}  // namespace sinkscope
