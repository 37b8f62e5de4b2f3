#include "core/train/SinkProbe.h"

#include <algorithm>
#include <cmath>

#include <torch/torch.h>

#include "core/analysis/RowStats.h"
#include "core/base/Error.h"
#include "core/model/LlamaForCausalLM.h"

namespace sinkscope {

namespace {

const HostTensor& tap(const std::map<std::string, HostTensor>& taps, const std::string& name, int rank) {
  auto it = taps.find(name);
  if (it == taps.end()) throw ShapeError("sink probe: tap " + name + " was not captured");
  if (it->second.dim() != rank) {
    throw ShapeError("sink probe: tap " + name + " must have rank " + std::to_string(rank) + ", found " +
                     it->second.shapeString());
  }
  return it->second;
}

}  // namespace

CaptureSpec SinkProbe::captureSpec() {
  CaptureSpec spec;
  spec.patterns = {"blocks.*.attn.hook_received", "blocks.*.hook_resid_post"};
  return spec;
}

std::vector<LayerProbe> SinkProbe::measure(const std::map<std::string, HostTensor>& taps, int numLayers,
                                           const std::vector<SinkGroup>& groups) const {
  std::vector<LayerProbe> layers(static_cast<std::size_t>(numLayers));
  for (int l = 0; l < numLayers; ++l) {
    const std::string block = "blocks." + std::to_string(l);
    const HostTensor& received = tap(taps, block + ".attn.hook_received", 2);  // [H, T]
    const HostTensor& resid = tap(taps, block + ".hook_resid_post", 2);        // [T, D]
    const std::int64_t heads = received.size(0);
    const std::int64_t length = received.size(1);
    const std::int64_t dims = resid.size(1);
    if (resid.size(0) != length || length < 2 || dims < 1) {
      throw ShapeError("sink probe: layer " + std::to_string(l) + " has hook_received " + received.shapeString() +
                       " and hook_resid_post " + resid.shapeString());
    }
    LayerProbe& out = layers[static_cast<std::size_t>(l)];

    // Sinks per head.
    const std::int64_t lastKey = length - options_.minQueries;
    int bosHeads = 0;
    int intermediateHeads = 0;
    double bosScoreSum = 0;
    for (std::int64_t h = 0; h < heads; ++h) {
      if (received.at(h, 0) > options_.threshold) ++bosHeads;
      bosScoreSum += received.at(h, 0);
      for (std::int64_t k = 1; k <= lastKey; ++k) {
        if (received.at(h, k) > options_.threshold) {
          ++intermediateHeads;
          break;
        }
      }
    }
    out.bosSinkFraction = static_cast<double>(bosHeads) / static_cast<double>(heads);
    out.bosScore = bosScoreSum / static_cast<double>(heads);
    out.intermediateSinkFraction = static_cast<double>(intermediateHeads) / static_cast<double>(heads);
    for (const auto& group : groups) {
      double share = 0;
      for (std::int64_t k : group.positions) {
        if (k < 0 || k >= length) {
          throw ShapeError("sink probe: group " + group.name + " names position " + std::to_string(k) +
                           " of a sequence of " + std::to_string(length));
        }
        int sinkHeads = 0;
        for (std::int64_t h = 0; h < heads; ++h) sinkHeads += received.at(h, k) > options_.threshold ? 1 : 0;
        share += static_cast<double>(sinkHeads) / static_cast<double>(heads);
      }
      out.groupSinkFractions.push_back(group.positions.empty() ? 0.0 : share / static_cast<double>(group.positions.size()));
    }

    // Massive activations and similarity to BOS, measured as the analysis engine does.
    double worst = 0;
    double cosineSum = 0;
    const float* bos = resid.values.data();
    for (std::int64_t t = 0; t < length; ++t) {
      const float* row = bos + t * dims;
      double largest = 0;
      for (std::int64_t d = 0; d < dims; ++d) largest = std::max(largest, std::fabs(double(row[d])));
      const double middle = RowStats::medianAbs(row, dims);
      if (middle > 0) worst = std::max(worst, largest / middle);
      if (t > 0) cosineSum += RowStats::cosine(bos, row, dims);
    }
    out.maxOverMedian = worst;
    out.bosCosine = cosineSum / static_cast<double>(length - 1);
  }
  return layers;
}

namespace {

void accumulate(std::vector<LayerProbe>& mean, const std::vector<LayerProbe>& layers) {
  for (std::size_t l = 0; l < layers.size(); ++l) {
    mean[l].bosSinkFraction += layers[l].bosSinkFraction;
    mean[l].bosScore += layers[l].bosScore;
    mean[l].intermediateSinkFraction += layers[l].intermediateSinkFraction;
    mean[l].maxOverMedian += layers[l].maxOverMedian;
    mean[l].bosCosine += layers[l].bosCosine;
    mean[l].groupSinkFractions.resize(layers[l].groupSinkFractions.size(), 0.0);
    for (std::size_t g = 0; g < layers[l].groupSinkFractions.size(); ++g) {
      mean[l].groupSinkFractions[g] += layers[l].groupSinkFractions[g];
    }
  }
}

void divide(std::vector<LayerProbe>& mean, std::size_t count) {
  const double n = static_cast<double>(count);
  for (auto& layer : mean) {
    layer.bosSinkFraction /= n;
    layer.bosScore /= n;
    layer.intermediateSinkFraction /= n;
    layer.maxOverMedian /= n;
    layer.bosCosine /= n;
    for (double& g : layer.groupSinkFractions) g /= n;
  }
}

}  // namespace

std::vector<LayerProbe> SinkProbe::run(LlamaForCausalLM& model, const std::vector<std::vector<std::int64_t>>& windows) const {
  const int numLayers = model->config().numHiddenLayers;
  std::vector<LayerProbe> mean(static_cast<std::size_t>(numLayers));
  if (windows.empty()) return mean;
  const CaptureSpec spec = captureSpec();
  for (const auto& window : windows) {
    const torch::Tensor ids = torch::tensor(window, torch::kInt64).unsqueeze(0);  // [1, T]
    accumulate(mean, measure(model->capture(LlamaInput::ids(ids), spec), numLayers));
  }
  divide(mean, windows.size());
  return mean;
}

std::vector<LayerProbe> SinkProbe::run(LlamaForCausalLM& model, const std::vector<LlamaInput>& inputs,
                                       const std::vector<std::vector<SinkGroup>>& groups) const {
  const int numLayers = model->config().numHiddenLayers;
  std::vector<LayerProbe> mean(static_cast<std::size_t>(numLayers));
  if (inputs.empty()) return mean;
  if (groups.size() != inputs.size()) throw ShapeError("sink probe: one list of token groups per input is needed");
  const CaptureSpec spec = captureSpec();
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    accumulate(mean, measure(model->capture(inputs[i], spec), numLayers, groups[i]));
  }
  divide(mean, inputs.size());
  return mean;
}

std::vector<std::string> SinkProbe::columns(int numLayers, const std::vector<std::string>& groupNames) {
  std::vector<std::string> names;
  for (int l = 0; l < numLayers; ++l) {
    const std::string suffix = "_l" + std::to_string(l);
    for (const char* metric : {"bos_sink", "bos_score", "inter_sink", "max_median", "bos_cos"}) names.push_back(metric + suffix);
    for (const auto& group : groupNames) names.push_back(group + "_sink" + suffix);
  }
  for (const char* summary : {"bos_sink_mean", "bos_score_mean", "inter_sink_mean", "max_median_max", "bos_cos_mean"}) {
    names.push_back(summary);
  }
  for (const auto& group : groupNames) names.push_back(group + "_sink_mean");
  return names;
}

std::vector<double> SinkProbe::row(const std::vector<LayerProbe>& layers) {
  std::vector<double> values;
  double bos = 0, score = 0, inter = 0, worst = 0, cosine = 0;
  std::vector<double> groups(layers.empty() ? 0 : layers.front().groupSinkFractions.size(), 0.0);
  for (const auto& layer : layers) {
    values.insert(values.end(), {layer.bosSinkFraction, layer.bosScore, layer.intermediateSinkFraction, layer.maxOverMedian,
                                  layer.bosCosine});
    values.insert(values.end(), layer.groupSinkFractions.begin(), layer.groupSinkFractions.end());
    for (std::size_t g = 0; g < groups.size() && g < layer.groupSinkFractions.size(); ++g) groups[g] += layer.groupSinkFractions[g];
    bos += layer.bosSinkFraction;
    score += layer.bosScore;
    inter += layer.intermediateSinkFraction;
    worst = std::max(worst, layer.maxOverMedian);
    cosine += layer.bosCosine;
  }
  const double n = std::max<double>(1.0, static_cast<double>(layers.size()));
  values.insert(values.end(), {bos / n, score / n, inter / n, worst, cosine / n});
  for (double g : groups) values.push_back(g / n);
  return values;
}

}  // namespace sinkscope
