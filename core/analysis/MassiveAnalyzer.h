#pragma once

#include <string>
#include <vector>

#include "core/analysis/AnalysisOptions.h"
#include "core/analysis/SinkAnalyzer.h"
#include "core/base/HostTensor.h"
#include "core/base/Trace.h"

namespace sinkscope {

// One massive element h[t, d] (DESIGN §2, Sun et al.).
struct MassiveElement {
  int position = 0;
  int dim = 0;
  float value = 0.0f;
  double ratio = 0.0;  // |value| / median over d' of |h[t, d']|
};

struct TopActivation {
  double absValue = 0.0;
  int position = 0;
  int dim = 0;
};

// Massive activations of one hidden state: the input embeddings h_0 (layer -1) or
// the residual stream after block l.
struct MassiveLayer {
  int layer = -1;
  std::vector<double> medianAbs;         // [T] median over d of |h[t, d]|
  std::vector<double> maxAbs;            // [T] max over d of |h[t, d]|
  std::vector<MassiveElement> elements;  // by position, then dim
  std::vector<TopActivation> top;        // the 3 largest |h| of the layer, largest first
  double medianAbsAll = 0.0;             // median |h| over every token and dim
  // Dims massive in two or more of this layer's sink tokens (fixed feature indices).
  std::vector<int> fixedDims;
};

// Where a massive (token, dim) first appears and what put it there. At the first
// block l where it is massive, h_l = prior + a_l + m_l with prior = h_{l-1}; the
// shares are each term divided by h_l[t, d] (they sum to 1). source is the largest
// share's name, or "embedding" when it is already massive in h_0.
struct MassiveOrigin {
  int position = 0;
  int dim = 0;
  int firstLayer = -1;  // -1: the embeddings
  std::string source;   // "embedding", "mlp", "attention" or "residual"
  double value = 0.0;   // h at the first layer
  bool sharesKnown = false;  // false when hook_mlp_out / hook_attn_out were not captured
  double residualShare = 0.0;
  double attentionShare = 0.0;
  double mlpShare = 0.0;
};

struct MassiveResult {
  bool available = false;
  bool hasEmbedding = false;
  MassiveLayer embedding;
  std::vector<MassiveLayer> layers;  // block 0..L-1
  std::vector<MassiveOrigin> origins;  // by position, then dim
};

// Massive activations, fixed feature indices and their origin from hook_embed,
// blocks.{l}.hook_resid_post, hook_mlp_out and hook_attn_out ([T, D] each).
class MassiveAnalyzer {
 public:
  explicit MassiveAnalyzer(AnalysisOptions options) : options_(options) {}

  // `sinks` may be unavailable: then no fixed dims.
  MassiveResult analyze(const Trace& trace, const SinkResult& sinks, std::vector<std::string>& notes) const;

  // One hidden state [T, D].
  MassiveLayer measure(const HostTensor& hidden, int layer) const;

  bool isMassive(double absValue, double medianAbs) const;

 private:
  void findOrigins(const Trace& trace, MassiveResult& result, std::vector<std::string>& notes) const;

  AnalysisOptions options_;
};

}  // namespace sinkscope
