#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/base/CaptureSpec.h"
#include "core/base/HostTensor.h"

namespace sinkscope {

class LlamaForCausalLM;
struct LlamaInput;

// Sink and massive-activation metrics of one decoder layer (DESIGN §2), averaged
// over the probe windows.
struct LayerProbe {
  double bosSinkFraction = 0;           // heads whose sink score at key 0 exceeds ε
  // Mean over heads of BOS's sink score: the thresholded fraction above only moves
  // once heads cross ε, while this shows a sink forming (uniform causal attention
  // over T keys gives H_T / T, 0.024 at T = 256).
  double bosScore = 0;
  double intermediateSinkFraction = 0;  // heads with some key k >= 1 above ε (see SinkProbe)
  double maxOverMedian = 0;             // max over tokens of max_d |h[t,d]| / median_d |h[t,d]|
  double bosCosine = 0;                 // mean over t >= 1 of cos(h[0], h[t])
  // With token groups (the AVSR probe): per group, the mean over its positions of
  // the share of heads in which the token is a sink.
  std::vector<double> groupSinkFractions;
};

// Positions of one kind in a probed sequence ("audio_start" = the <audio> token,
// "prompt" = the prompt's tokens), named for the CSV columns.
struct SinkGroup {
  std::string name;
  std::vector<std::int64_t> positions;
};

// Measures how far sinks and massive activations have formed, from the taps
// blocks.{l}.attn.hook_received [H, T] and blocks.{l}.hook_resid_post [T, D] of
// fixed held-out windows that start with BOS. A key k is a sink in head h when its
// sink score s[h, k] (the mean attention it receives from the queries q >= k) is
// above `threshold`. Keys near the end are seen by few queries, and the last by its
// own query only, which makes their score large by chance: intermediate sinks are
// therefore looked for among the keys 1..T-minQueries only.
class SinkProbe {
 public:
  struct Options {
    double threshold = 0.3;
    int minQueries = 32;
  };

  explicit SinkProbe(Options options) : options_(options) {}

  static CaptureSpec captureSpec();

  // One window's metrics from its taps (every layer 0..numLayers-1 present).
  // Throws ShapeError naming a missing or mis-shaped tap.
  std::vector<LayerProbe> measure(const std::map<std::string, HostTensor>& taps, int numLayers,
                                  const std::vector<SinkGroup>& groups = {}) const;

  // Captures each window (token ids, BOS first) with `model` and averages.
  std::vector<LayerProbe> run(LlamaForCausalLM& model, const std::vector<std::vector<std::int64_t>>& windows) const;
  // The same over prepared inputs (AVSR sequences of embeddings, batch 1) whose
  // token groups are given per input; every input must name the same groups.
  std::vector<LayerProbe> run(LlamaForCausalLM& model, const std::vector<LlamaInput>& inputs,
                              const std::vector<std::vector<SinkGroup>>& groups) const;

  // CSV columns for `numLayers` layers: the five metrics per layer, then their
  // mean over layers (max for max_median), and the values in that order.
  // With group names, each layer adds "{group}_sink_l{l}" and the summary their
  // means over layers ("{group}_sink_mean").
  static std::vector<std::string> columns(int numLayers, const std::vector<std::string>& groupNames = {});
  static std::vector<double> row(const std::vector<LayerProbe>& layers);

 private:
  Options options_;
};

}  // namespace sinkscope
