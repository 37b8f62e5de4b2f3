#pragma once

#include <memory>

#include <torch/torch.h>

#include "core/model/EncoderAttention.h"

namespace sinkscope {

class EncoderTaps;

struct EncoderLayerOptions {
  int dModel = 0;
  int numHeads = 0;
  int ffnDim = 0;
  bool keyBias = true;
  // Pre-norm (Whisper, AV-HuBERT Large: layer_norm_first) or post-norm (AV-HuBERT Base).
  bool normFirst = true;
  double layerNormEps = 1e-5;
};

// One transformer encoder block with the parameter names Hugging Face Whisper and
// fairseq's TransformerSentenceEncoderLayer share: self_attn, self_attn_layer_norm,
// fc1, fc2, final_layer_norm; GELU (exact, erf form) between fc1 and fc2.
class EncoderLayer : public torch::nn::Module {
 public:
  explicit EncoderLayer(const EncoderLayerOptions& options);

  // x [B, T, D] -> [B, T, D]. Records blocks.{layer}.attn.hook_pattern,
  // blocks.{layer}.hook_attn_out, blocks.{layer}.hook_mlp_out and
  // blocks.{layer}.hook_resid_post when `taps` wants them.
  torch::Tensor forward(const torch::Tensor& x, int layer, EncoderTaps* taps = nullptr);

 private:
  EncoderLayerOptions options_;
  std::shared_ptr<EncoderAttention> selfAttn_;
  torch::nn::LayerNorm selfAttnLayerNorm_{nullptr};
  torch::nn::Linear fc1_{nullptr};
  torch::nn::Linear fc2_{nullptr};
  torch::nn::LayerNorm finalLayerNorm_{nullptr};
};

}  // namespace sinkscope
