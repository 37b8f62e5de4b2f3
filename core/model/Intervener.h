#pragma once

#include <cstdint>

#include <torch/torch.h>

#include "core/base/InterventionSpec.h"

namespace sinkscope {

// Applies an InterventionSpec inside one decoder pass. It knows how many positions
// the KV cache already holds, so spec positions (of the full sequence) map onto the
// positions of this pass; those outside the pass are ignored.
class Intervener {
 public:
  Intervener(const InterventionSpec& spec, std::int64_t pastLength);

  // hidden [B, T, D] after block `layer` -> the edited stream [B, T, D]. Throws
  // ConfigError for a dim outside D, or a mean over no remaining positions.
  torch::Tensor editResidual(int layer, const torch::Tensor& hidden) const;

  // probs [B, H, T, S] post-softmax (S = past + T) -> [B, H, T, S] with the chosen
  // keys' columns zeroed in the chosen heads and each row renormalised.
  torch::Tensor editAttention(int layer, const torch::Tensor& probs) const;

 private:
  static bool covers(const std::vector<int>& list, int value);  // empty list: everything

  const InterventionSpec& spec_;
  std::int64_t past_;
};

}  // namespace sinkscope
