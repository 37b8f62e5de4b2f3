#pragma once

#include <torch/torch.h>

#include "core/model/LlamaAttention.h"
#include "core/model/LlamaConfig.h"
#include "core/model/LlamaMlp.h"
#include "core/model/RmsNorm.h"

namespace sinkscope {

class Intervener;
class LlamaKvCache;
class TapRecorder;

// One pre-norm decoder block. Submodules (HF names): input_layernorm, self_attn,
// post_attention_layernorm, mlp. Taps: blocks.{l}.hook_attn_out, hook_mlp_out,
// hook_resid_post and the attention forms (LlamaAttention).
class LlamaDecoderLayerImpl : public torch::nn::Module {
 public:
  LlamaDecoderLayerImpl(const LlamaConfig& config, int layerIndex);

  // x [B, T, D] -> [B, T, D]; cos/sin/blocked as LlamaAttention; `intervener` (may be
  // null) edits the attention and the layer's output before they are recorded.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                        const torch::Tensor& blocked, LlamaKvCache* cache, TapRecorder* taps,
                        const Intervener* intervener = nullptr);

 private:
  int layerIndex_;
  RmsNorm inputLayernorm_{nullptr};
  LlamaAttention selfAttn_{nullptr};
  RmsNorm postAttentionLayernorm_{nullptr};
  LlamaMlp mlp_{nullptr};
};

TORCH_MODULE(LlamaDecoderLayer);

}  // namespace sinkscope
