#include "core/model/LlamaAttention.h"

#include <cmath>
#include <limits>

#include "core/model/Intervener.h"
#include "core/model/LlamaKvCache.h"
#include "core/model/LlamaRotary.h"
#include "core/model/TapRecorder.h"

namespace sinkscope {
namespace {

torch::nn::Linear linear(std::int64_t in, std::int64_t out, bool bias) {
  return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(bias));
}

// The most negative finite value of the scores' dtype. HF masks with this rather than
// -inf so a fully padded query row stays finite (uniform) instead of NaN.
double lowestFinite(torch::ScalarType dtype) {
  switch (dtype) {
    case torch::kHalf: return static_cast<double>(std::numeric_limits<c10::Half>::lowest());
    case torch::kBFloat16: return static_cast<double>(std::numeric_limits<c10::BFloat16>::lowest());
    case torch::kDouble: return std::numeric_limits<double>::lowest();
    default: return static_cast<double>(std::numeric_limits<float>::lowest());
  }
}

}  // namespace

LlamaAttentionImpl::LlamaAttentionImpl(const LlamaConfig& config, int layerIndex)
    : layerIndex_(layerIndex),
      numHeads_(config.numAttentionHeads),
      numKvHeads_(config.numKeyValueHeads),
      headDim_(config.headDim) {
  const auto hidden = config.hiddenSize;
  const auto queryWidth = numHeads_ * headDim_;
  const auto kvWidth = numKvHeads_ * headDim_;
  qProj_ = register_module("q_proj", linear(hidden, queryWidth, config.attentionBias));
  kProj_ = register_module("k_proj", linear(hidden, kvWidth, config.attentionBias));
  vProj_ = register_module("v_proj", linear(hidden, kvWidth, config.attentionBias));
  oProj_ = register_module("o_proj", linear(queryWidth, hidden, config.attentionBias));
  qkv_ = FusedProjection({qProj_, kProj_, vProj_});

  if (config.lora.enabled()) {
    const auto inner = config.lora.innerSize(hidden);
    loraScale_ = config.lora.scale();
    loraDownQ_ = register_module("lora_down_Q", linear(hidden, inner, false));
    loraUpQ_ = register_module("lora_up_Q", linear(inner, queryWidth, false));
    loraDownV_ = register_module("lora_down_V", linear(hidden, inner, false));
    loraUpV_ = register_module("lora_up_V", linear(inner, kvWidth, false));
    torch::NoGradGuard noGrad;
    loraDownQ_->weight.zero_();
    loraDownV_->weight.zero_();
  }
}

torch::Tensor LlamaAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& cos,
                                          const torch::Tensor& sin, const torch::Tensor& blocked,
                                          LlamaKvCache* cache, TapRecorder* taps, const Intervener* intervener) {
  const auto batch = x.size(0);
  const auto length = x.size(1);

  // Projections, with the LoRA branches on Q and V: [B, T, D] -> [B, T, H*Dh], [B, T, Hkv*Dh]
  std::vector<torch::Tensor> qkv = qkv_.forward(x);
  torch::Tensor query = std::move(qkv[0]);
  torch::Tensor key = std::move(qkv[1]);
  torch::Tensor value = std::move(qkv[2]);
  if (hasLora()) {
    query = query + loraUpQ_(loraDownQ_(x)) * loraScale_;
    value = value + loraUpV_(loraDownV_(x)) * loraScale_;
  }

  // Heads and rotary positions: [B, H, T, Dh], [B, Hkv, T, Dh]
  query = query.view({batch, length, numHeads_, headDim_}).transpose(1, 2);
  key = key.view({batch, length, numKvHeads_, headDim_}).transpose(1, 2);
  value = value.view({batch, length, numKvHeads_, headDim_}).transpose(1, 2);
  query = LlamaRotary::apply(query, cos, sin);
  key = LlamaRotary::apply(key, cos, sin);

  // Cached positions: [B, Hkv, S, Dh] (S includes this step).
  if (cache != nullptr) std::tie(key, value) = cache->append(layerIndex_, key, value);
  const auto keyLength = key.size(2);
  const auto groups = numHeads_ / numKvHeads_;

  // Grouped-query attention without repeating K and V: query head h uses KV head
  // h / groups (HF's repeat_kv), so the query heads of one KV head are stacked along
  // the time axis and share one batched matmul with it. The scale is applied after the
  // product, as HF does, so bf16/fp16 round the same way. Scores: [B, Hkv, G*T, S] ->
  // [B, H, T, S]
  const torch::Tensor groupedQuery = query.reshape({batch, numKvHeads_, groups * length, headDim_});
  torch::Tensor scores = torch::matmul(groupedQuery, key.transpose(2, 3))
                             .view({batch, numHeads_, length, keyLength});
  // In place: the matmul's backward needs its inputs, not its output.
  scores.div_(std::sqrt(static_cast<double>(headDim_)));
  if (blocked.defined()) scores.masked_fill_(blocked, lowestFinite(scores.scalar_type()));
  torch::Tensor probs32 = torch::softmax(scores, -1, torch::kFloat32);
  if (intervener != nullptr) probs32 = intervener->editAttention(layerIndex_, probs32);
  if (taps != nullptr && taps->wantsAttention(layerIndex_)) taps->recordAttention(layerIndex_, probs32);
  const torch::Tensor probs = probs32.to(query.scalar_type());

  // Mix values per KV head and project back:
  // [B, Hkv, G*T, S] x [B, Hkv, S, Dh] -> [B, H, T, Dh] -> [B, T, H*Dh] -> [B, T, D]
  const torch::Tensor mixed =
      torch::matmul(probs.view({batch, numKvHeads_, groups * length, keyLength}), value)
          .view({batch, numHeads_, length, headDim_})
          .transpose(1, 2)
          .reshape({batch, length, numHeads_ * headDim_});
  return oProj_(mixed);
}

}  // namespace sinkscope
