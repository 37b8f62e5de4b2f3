#include "ui/plots/TraceTaps.h"

#include <algorithm>
#include <cmath>

#include "core/base/Error.h"

namespace sinkscope::ui {

std::string TraceTaps::blockTap(int layer, const std::string& suffix) {
  return "blocks." + std::to_string(layer) + "." + suffix;
}

std::vector<int> TraceTaps::residualLayers(const Trace& trace) {
  std::vector<int> layers;
  for (int l = 0; l < trace.numLayers; ++l) {
    if (trace.find(blockTap(l, "hook_resid_post")) != nullptr) layers.push_back(l);
  }
  return layers;
}

const HostTensor& TraceTaps::residual(const Trace& trace, int layer) {
  const HostTensor& hidden = trace.at(blockTap(layer, "hook_resid_post"));
  if (hidden.dim() != 2 || hidden.size(0) != trace.numTokens()) {
    throw ShapeError("tap '" + blockTap(layer, "hook_resid_post") + "': expected [" +
                     std::to_string(trace.numTokens()) + ", D], found " + hidden.shapeString());
  }
  return hidden;
}

HostTensor TraceTaps::pattern(const Trace& trace, int layer, int head) {
  const std::int64_t count = trace.numTokens();
  const std::string fullName = blockTap(layer, "attn.hook_pattern");
  const HostTensor* full = trace.find(fullName);
  if (head < 0 && full == nullptr) {
    const HostTensor& mean = trace.at(blockTap(layer, "attn.hook_pattern_mean"));
    if (mean.dim() != 2 || mean.size(0) != count || mean.size(1) != count) {
      throw ShapeError("tap '" + blockTap(layer, "attn.hook_pattern_mean") + "': expected [T, T] with T = " +
                       std::to_string(count) + ", found " + mean.shapeString());
    }
    return mean;
  }
  if (full == nullptr) throw Error("trace has no tap '" + fullName + "' (not captured)");
  if (full->dim() != 3 || full->size(1) != count || full->size(2) != count) {
    throw ShapeError("tap '" + fullName + "': expected [H, T, T] with T = " + std::to_string(count) +
                     ", found " + full->shapeString());
  }
  const std::int64_t heads = full->size(0);
  const std::int64_t cells = count * count;
  HostTensor result({count, count});
  if (head >= 0) {
    std::int64_t slot = head;
    if (!trace.capturedHeads.empty()) {
      auto it = std::find(trace.capturedHeads.begin(), trace.capturedHeads.end(), head);
      if (it == trace.capturedHeads.end()) {
        throw Error("tap '" + fullName + "' does not hold head " + std::to_string(head));
      }
      slot = it - trace.capturedHeads.begin();
    }
    if (slot >= heads) {
      throw ShapeError("tap '" + fullName + "': head " + std::to_string(head) + " beyond " +
                       full->shapeString());
    }
    std::copy_n(full->values.begin() + slot * cells, cells, result.values.begin());
    return result;
  }
  for (std::int64_t h = 0; h < heads; ++h) {
    for (std::int64_t i = 0; i < cells; ++i) result.values[i] += full->values[h * cells + i];
  }
  for (float& v : result.values) v /= static_cast<float>(heads);
  return result;
}

HostTensor TraceTaps::sinkScores(const Trace& trace, int layer) {
  const std::int64_t count = trace.numTokens();
  if (const HostTensor* received = trace.find(blockTap(layer, "attn.hook_received"))) {
    if (received->dim() != 2 || received->size(1) != count) {
      throw ShapeError("tap '" + blockTap(layer, "attn.hook_received") + "': expected [H, " +
                       std::to_string(count) + "], found " + received->shapeString());
    }
    return *received;
  }
  const HostTensor& full = trace.at(blockTap(layer, "attn.hook_pattern"));
  if (full.dim() != 3 || full.size(1) != count || full.size(2) != count) {
    throw ShapeError("tap '" + blockTap(layer, "attn.hook_pattern") + "': expected [H, T, T], found " +
                     full.shapeString());
  }
  const std::int64_t heads = full.size(0);
  HostTensor scores({heads, count});
  HostTensor one({count, count});
  for (std::int64_t h = 0; h < heads; ++h) {
    std::copy_n(full.values.begin() + h * count * count, count * count, one.values.begin());
    const std::vector<float> received = receivedAttention(one);
    std::copy(received.begin(), received.end(), scores.values.begin() + h * count);
  }
  return scores;
}

std::vector<float> TraceTaps::receivedAttention(const HostTensor& pattern) {
  const std::int64_t count = pattern.size(0);
  std::vector<float> received(static_cast<std::size_t>(count), 0.0f);
  for (std::int64_t k = 0; k < count; ++k) {
    double sum = 0.0;
    for (std::int64_t q = k; q < count; ++q) sum += pattern.at(q, k);
    received[k] = static_cast<float>(sum / double(count - k));
  }
  return received;
}

bool TraceTaps::seenByEnoughQueries(std::int64_t key, std::int64_t count, int minQueries) {
  return count - key >= std::min<std::int64_t>(minQueries, count);
}

std::vector<float> TraceTaps::sinkFraction(const HostTensor& sinkScores, float epsilon, int minQueries) {
  const std::int64_t heads = sinkScores.size(0);
  const std::int64_t count = sinkScores.size(1);
  std::vector<float> fraction(static_cast<std::size_t>(count), 0.0f);
  for (std::int64_t k = 0; k < count; ++k) {
    if (!seenByEnoughQueries(k, count, minQueries)) continue;
    int sinks = 0;
    for (std::int64_t h = 0; h < heads; ++h) sinks += sinkScores.at(h, k) > epsilon ? 1 : 0;
    fraction[k] = static_cast<float>(sinks) / static_cast<float>(std::max<std::int64_t>(1, heads));
  }
  return fraction;
}

std::vector<int> TraceTaps::attentionLayers(const Trace& trace) {
  std::vector<int> layers;
  for (int l = 0; l < trace.numLayers; ++l) {
    if (trace.find(blockTap(l, "attn.hook_received")) != nullptr ||
        trace.find(blockTap(l, "attn.hook_pattern")) != nullptr) {
      layers.push_back(l);
    }
  }
  return layers;
}

std::vector<int> TraceTaps::intermediateSinks(const Trace& trace, float epsilon, float minFraction,
                                             int minQueries) {
  std::vector<bool> sink(static_cast<std::size_t>(trace.numTokens()), false);
  for (int layer : attentionLayers(trace)) {
    const std::vector<float> fraction = sinkFraction(sinkScores(trace, layer), epsilon, minQueries);
    for (std::size_t t = 1; t < fraction.size(); ++t) sink[t] = sink[t] || fraction[t] >= minFraction;
  }
  std::vector<int> tokens;
  for (std::size_t t = 1; t < sink.size(); ++t) {
    if (sink[t]) tokens.push_back(static_cast<int>(t));
  }
  return tokens;
}

float TraceTaps::median(std::vector<float> values) {
  if (values.empty()) return 0.0f;
  const auto middle = values.begin() + values.size() / 2;
  std::nth_element(values.begin(), middle, values.end());
  if (values.size() % 2 == 1) return *middle;
  const float lower = *std::max_element(values.begin(), middle);
  return 0.5f * (lower + *middle);
}

float TraceTaps::medianAbs(const HostTensor& hidden, std::int64_t row) {
  const std::int64_t width = hidden.size(1);
  std::vector<float> magnitudes(static_cast<std::size_t>(width));
  for (std::int64_t d = 0; d < width; ++d) magnitudes[d] = std::fabs(hidden.at(row, d));
  return median(std::move(magnitudes));
}

std::vector<int> TraceTaps::massiveDims(const HostTensor& hidden, float minAbs, float minRatio) {
  const std::int64_t count = hidden.size(0);
  const std::int64_t width = hidden.size(1);
  std::vector<int> hits(static_cast<std::size_t>(width), 0);
  for (std::int64_t t = 0; t < count; ++t) {
    const float median = medianAbs(hidden, t);
    for (std::int64_t d = 0; d < width; ++d) {
      const float magnitude = std::fabs(hidden.at(t, d));
      if (magnitude > minAbs && magnitude > minRatio * median) ++hits[d];
    }
  }
  std::vector<int> dims;
  for (std::int64_t d = 0; d < width; ++d) {
    if (hits[d] >= 2) dims.push_back(static_cast<int>(d));
  }
  return dims;
}

}  // namespace sinkscope::ui
