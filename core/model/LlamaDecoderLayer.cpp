#include "core/model/LlamaDecoderLayer.h"

#include "core/model/Intervener.h"
#include "core/model/TapRecorder.h"

namespace sinkscope {

LlamaDecoderLayerImpl::LlamaDecoderLayerImpl(const LlamaConfig& config, int layerIndex)
    : layerIndex_(layerIndex) {
  inputLayernorm_ = register_module("input_layernorm", RmsNorm(config.hiddenSize, config.rmsNormEps));
  selfAttn_ = register_module("self_attn", LlamaAttention(config, layerIndex));
  postAttentionLayernorm_ =
      register_module("post_attention_layernorm", RmsNorm(config.hiddenSize, config.rmsNormEps));
  mlp_ = register_module("mlp", LlamaMlp(config));
}

torch::Tensor LlamaDecoderLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& cos,
                                             const torch::Tensor& sin, const torch::Tensor& blocked,
                                             LlamaKvCache* cache, TapRecorder* taps,
                                             const Intervener* intervener) {
  // Attention sub-block: [B, T, D]
  const torch::Tensor attnOut = selfAttn_(inputLayernorm_(x), cos, sin, blocked, cache, taps, intervener);
  const torch::Tensor afterAttn = x + attnOut;

  // MLP sub-block: [B, T, D]
  const torch::Tensor mlpOut = mlp_(postAttentionLayernorm_(afterAttn));
  torch::Tensor out = afterAttn + mlpOut;
  if (intervener != nullptr) out = intervener->editResidual(layerIndex_, out);

  if (taps != nullptr) {
    taps->recordBlock(layerIndex_, "hook_attn_out", attnOut);
    taps->recordBlock(layerIndex_, "hook_mlp_out", mlpOut);
    taps->recordBlock(layerIndex_, "hook_resid_post", out);
  }
  return out;
}

}  // namespace sinkscope
