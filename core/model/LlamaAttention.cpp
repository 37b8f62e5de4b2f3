#include "core/model/LlamaAttention.h"

#include <algorithm>
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

// Query rows per block of the causal fast path (mixCausalBlocks).
constexpr std::int64_t kQueryBlock = 64;

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

  // Causal query blocks unless autograd or an intervention needs the whole score
  // matrix; taps get the same pattern (or only its column sums) assembled from the
  // blocks, except after cached positions, where the full path handles them as before.
  const bool tapped = taps != nullptr && taps->wantsAttention(layerIndex_);
  if (intervener == nullptr && !torch::GradMode::is_enabled() && blocked.defined() && length >= 2 * kQueryBlock &&
      (!tapped || keyLength == length)) {
    const auto f32 = query.options().dtype(torch::kFloat32);
    torch::Tensor pattern, receivedSums;
    if (tapped && taps->wantsAttentionPattern(layerIndex_)) {
      pattern = batch == 1 ? taps->patternTarget(layerIndex_, numHeads_, length, keyLength, query.device())
                           : torch::zeros({batch, numHeads_, length, keyLength}, f32);
    } else if (tapped) {
      receivedSums = torch::zeros({batch, numHeads_, keyLength}, f32);
    }
    const torch::Tensor mixed = mixCausalBlocks(query, key, value, blocked, pattern, receivedSums);
    if (pattern.defined()) taps->recordAttention(layerIndex_, pattern);
    if (receivedSums.defined()) taps->recordReceivedSums(layerIndex_, receivedSums);
    return oProj_(mixed);
  }

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

torch::Tensor LlamaAttentionImpl::mixCausalBlocks(const torch::Tensor& query, const torch::Tensor& key,
                                                  const torch::Tensor& value, const torch::Tensor& blocked,
                                                  const torch::Tensor& pattern, const torch::Tensor& receivedSums) const {
  // Every mask hiddenKeys() builds is causal (padding only adds to it), so queries
  // before position e never see keys past (S - T) + e. Taking the queries in blocks of
  // kQueryBlock and each block against the keys it can see skips the upper triangle's
  // products, softmax and value mixing, over a third of the attention arithmetic at 300
  // tokens, which the full-matrix path (and HF's eager attention) computes and then
  // throws away. Masked entries get probability exactly 0 in the full path, so the two
  // agree to rounding: the value mixing here sums no zeros, and the scale multiplies
  // by 1/sqrt(Dh) inside the GEMM instead of dividing after it.
  const auto batch = query.size(0);
  const auto length = query.size(2);
  const auto past = key.size(2) - length;
  const auto groups = numHeads_ / numKvHeads_;
  const auto maskBatch = blocked.size(0);
  // Masked scores are set to half the lowest finite value rather than to it: the mask is
  // added, and lowest + score could overflow to -inf and turn a fully padded row into
  // NaN; at half, such a row still comes out uniform, as in the full path.
  const double hidden = lowestFinite(query.scalar_type()) / 2;
  const double scale = std::sqrt(static_cast<double>(headDim_));
  // Contiguous once, so each block's [B*Hkv, s, Dh] below is a view, not a copy.
  const torch::Tensor keys = key.contiguous();
  const torch::Tensor values = value.contiguous();
  torch::Tensor mixed = torch::empty({batch, length, numHeads_ * headDim_}, query.options());  // [B, T, H*Dh]
  for (std::int64_t start = 0; start < length; start += kQueryBlock) {
    const std::int64_t rows = std::min(kQueryBlock, length - start);
    const std::int64_t visible = past + start + rows;
    // K, V: [B, Hkv, s, Dh] -> [B*Hkv, s, Dh]; Q: [B, H, n, Dh] -> [B*Hkv, G*n, Dh]
    const torch::Tensor blockKey = keys.narrow(2, 0, visible).reshape({batch * numKvHeads_, visible, headDim_});
    const torch::Tensor blockValue = values.narrow(2, 0, visible).reshape({batch * numKvHeads_, visible, headDim_});
    const torch::Tensor groupedQuery =
        query.narrow(2, start, rows).reshape({batch * numKvHeads_, groups * rows, headDim_});
    // The mask enters as the GEMM's addend and the scale as its alpha, so the scores
    // come out of one pass: mask + Q K^T / sqrt(Dh), [B*Hkv, G*n, s]. The mask is the
    // same for every head, and a query row's mask repeats for each of its G heads.
    const torch::Tensor blockMask = torch::zeros({maskBatch, 1, rows, visible}, query.options())
                                        .masked_fill_(blocked.narrow(2, start, rows).narrow(3, 0, visible), hidden);
    const torch::Tensor addend =
        maskBatch == 1 ? blockMask[0][0].repeat({groups, 1})
                       : blockMask.unsqueeze(2)
                             .expand({batch, numKvHeads_, groups, rows, visible})
                             .reshape({batch * numKvHeads_, groups * rows, visible});
    const torch::Tensor scores = torch::baddbmm(addend, groupedQuery, blockKey.transpose(1, 2), 1.0, 1.0 / scale);
    const torch::Tensor probs32 = torch::softmax(scores, -1, torch::kFloat32);
    const torch::Tensor headRows = probs32.view({batch, numHeads_, rows, visible});
    if (pattern.defined()) pattern.narrow(2, start, rows).narrow(3, 0, visible).copy_(headRows);
    if (receivedSums.defined()) receivedSums.narrow(2, 0, visible).add_(headRows.sum(2));
    const torch::Tensor probs = probs32.to(query.scalar_type());
    // [B*Hkv, G*n, s] x [B*Hkv, s, Dh] -> [B, H, n, Dh] -> [B, n, H, Dh]
    const torch::Tensor block =
        torch::bmm(probs, blockValue).view({batch, numHeads_, rows, headDim_}).transpose(1, 2);
    mixed.narrow(1, start, rows).view({batch, rows, numHeads_, headDim_}).copy_(block);
  }
  return mixed;
}

}  // namespace sinkscope
