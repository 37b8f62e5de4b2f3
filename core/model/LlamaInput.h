#pragma once

#include <vector>

#include <torch/torch.h>

#include "core/base/InterventionSpec.h"

namespace sinkscope {

class LlamaKvCache;
class TapRecorder;

// What one decoder pass reads. Exactly one of inputIds and inputsEmbeds is set: the
// AVSR assembly passes embeddings (projected audio/video features concatenated with
// token embeddings), text passes ids.
struct LlamaInput {
  torch::Tensor inputIds;       // [B, T] int64
  torch::Tensor inputsEmbeds;   // [B, T, D]
  // [B, T] int64 RoPE positions. Default: the HF convention, i.e. cache length +
  // 0..T-1, or with an attention mask the running count of real tokens minus one.
  torch::Tensor positionIds;
  // [B, S + T]: 1 for real tokens, 0 for (left) padding, over the cached positions S
  // and this step's T. Default: every position is real.
  torch::Tensor attentionMask;

  static LlamaInput ids(torch::Tensor inputIds) {
    LlamaInput input;
    input.inputIds = std::move(inputIds);
    return input;
  }
  static LlamaInput embeds(torch::Tensor inputsEmbeds) {
    LlamaInput input;
    input.inputsEmbeds = std::move(inputsEmbeds);
    return input;
  }
};

// Session-side state and extras of one pass; the model itself stays immutable.
struct LlamaForwardOptions {
  LlamaKvCache* cache = nullptr;   // appended to when given (incremental decoding)
  TapRecorder* taps = nullptr;     // copies what its capture spec asks for (batch 1)
  bool lastLogitsOnly = false;     // logits of the last position only: [B, 1, V]
  // Receives each layer's output h_l [B, T, D] on the device, autograd intact, for
  // losses on the residual stream (the decorrelation loss).
  std::vector<torch::Tensor>* residuals = nullptr;
  // Edits the pass applies to its residual stream and attention (null: none).
  const InterventionSpec* interventions = nullptr;
};

}  // namespace sinkscope
