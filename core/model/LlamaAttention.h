#pragma once

#include <torch/torch.h>

#include "core/model/FusedProjection.h"
#include "core/model/LlamaConfig.h"

namespace sinkscope {

class Intervener;
class LlamaKvCache;
class TapRecorder;

// Llama self-attention with grouped-query heads (KV heads repeated to the query
// heads), RoPE, and an explicit softmax in float32 computed as HF's eager attention
// (scores / sqrt(head_dim), masked, softmax upcast to float32, cast back), so the
// post-softmax pattern exists to be tapped.
//
// Parameters (HF names): q_proj [H*Dh, D], k_proj and v_proj [Hkv*Dh, D],
// o_proj [D, H*Dh], biases when config.json's attention_bias.
//
// LoRA (config.lora, Llama-AVSR's convention, docs/model-format.md "LoRA"): two
// bias-free low-rank branches registered next to the projections,
//   lora_down_Q [D/r, D], lora_up_Q [H*Dh, D/r]    added to q_proj's output
//   lora_down_V [D/r, D], lora_up_V [Hkv*Dh, D/r]  added to v_proj's output
// each scaled by alpha / r, where r is reduction_lora (a divisor of D, not a rank)
// and D/r is rounded half-to-even. The down weights start at zero so a fresh branch
// adds nothing.
class LlamaAttentionImpl : public torch::nn::Module {
 public:
  LlamaAttentionImpl(const LlamaConfig& config, int layerIndex);

  // x [B, T, D]; cos/sin [B, T, Dh]; blocked [B or 1, 1, T, S] bool, true where a query
  // must not see a key (undefined: every key visible) -> [B, T, D], what attention adds
  // to the residual stream. `intervener` (may be null) edits the post-softmax pattern
  // before it is tapped and used.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                        const torch::Tensor& blocked, LlamaKvCache* cache, TapRecorder* taps,
                        const Intervener* intervener = nullptr);

  bool hasLora() const { return !loraDownQ_.is_empty(); }

 private:
  // The causal fast path of inference (see the .cpp); fills `pattern` [B, H, T, S] or
  // adds the column sums to `receivedSums` [B, H, S] when they are defined.
  torch::Tensor mixCausalBlocks(const torch::Tensor& query, const torch::Tensor& key, const torch::Tensor& value,
                                const torch::Tensor& blocked, const torch::Tensor& pattern,
                                const torch::Tensor& receivedSums) const;

  int layerIndex_;
  std::int64_t numHeads_;
  std::int64_t numKvHeads_;
  std::int64_t headDim_;
  double loraScale_ = 0.0;
  torch::nn::Linear qProj_{nullptr};
  torch::nn::Linear kProj_{nullptr};
  torch::nn::Linear vProj_{nullptr};
  torch::nn::Linear oProj_{nullptr};
  torch::nn::Linear loraDownQ_{nullptr};
  torch::nn::Linear loraUpQ_{nullptr};
  torch::nn::Linear loraDownV_{nullptr};
  torch::nn::Linear loraUpV_{nullptr};
  FusedProjection qkv_;  // q_proj, k_proj, v_proj as one GEMM when autograd is off
};

TORCH_MODULE(LlamaAttention);

}  // namespace sinkscope
