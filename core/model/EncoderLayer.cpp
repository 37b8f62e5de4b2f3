#include "core/model/EncoderLayer.h"

#include "core/model/EncoderTaps.h"

namespace sinkscope {

EncoderLayer::EncoderLayer(const EncoderLayerOptions& options) : options_(options) {
  const int d = options.dModel;
  selfAttn_ = register_module(
      "self_attn", std::make_shared<EncoderAttention>(
                       EncoderAttentionOptions{options.dModel, options.numHeads, options.keyBias}));
  selfAttnLayerNorm_ = register_module(
      "self_attn_layer_norm",
      torch::nn::LayerNorm(torch::nn::LayerNormOptions({d}).eps(options.layerNormEps)));
  fc1_ = register_module("fc1", torch::nn::Linear(d, options.ffnDim));
  fc2_ = register_module("fc2", torch::nn::Linear(options.ffnDim, d));
  finalLayerNorm_ = register_module(
      "final_layer_norm",
      torch::nn::LayerNorm(torch::nn::LayerNormOptions({d}).eps(options.layerNormEps)));
}

torch::Tensor EncoderLayer::forward(const torch::Tensor& x, int layer, EncoderTaps* taps) {
  const bool wantPattern = taps != nullptr && taps->wantsBlock(layer, "attn.hook_pattern");
  torch::Tensor pattern;
  torch::Tensor attnOut;
  torch::Tensor mlpOut;
  torch::Tensor hidden;

  if (options_.normFirst) {
    // Attention: x + attn(norm(x))
    attnOut = selfAttn_->forward(selfAttnLayerNorm_->forward(x), wantPattern ? &pattern : nullptr);
    hidden = x + attnOut;  // [B, T, D]
    // MLP: h + fc2(gelu(fc1(norm(h))))
    mlpOut = fc2_->forward(torch::gelu(fc1_->forward(finalLayerNorm_->forward(hidden))));
    hidden = hidden + mlpOut;
  } else {
    // Attention: norm(x + attn(x))
    attnOut = selfAttn_->forward(x, wantPattern ? &pattern : nullptr);
    hidden = selfAttnLayerNorm_->forward(x + attnOut);  // [B, T, D]
    // MLP: norm(h + fc2(gelu(fc1(h))))
    mlpOut = fc2_->forward(torch::gelu(fc1_->forward(hidden)));
    hidden = finalLayerNorm_->forward(hidden + mlpOut);
  }

  if (taps != nullptr) {
    if (wantPattern) taps->recordPattern(layer, pattern);
    if (taps->wantsBlock(layer, "hook_attn_out")) {
      taps->record(EncoderTaps::blockName(layer, "hook_attn_out"), attnOut);
    }
    if (taps->wantsBlock(layer, "hook_mlp_out")) {
      taps->record(EncoderTaps::blockName(layer, "hook_mlp_out"), mlpOut);
    }
    if (taps->wantsBlock(layer, "hook_resid_post")) {
      taps->record(EncoderTaps::blockName(layer, "hook_resid_post"), hidden);
    }
  }
  return hidden;
}

}  // namespace sinkscope
