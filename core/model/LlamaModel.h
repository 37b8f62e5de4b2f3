#pragma once

#include <memory>
#include <vector>

#include <torch/torch.h>

#include "core/base/InterventionSpec.h"
#include "core/model/LlamaConfig.h"
#include "core/model/LlamaDecoderLayer.h"
#include "core/model/LlamaRotary.h"
#include "core/model/RmsNorm.h"

namespace sinkscope {

class Intervener;
class LlamaKvCache;
class TapRecorder;

// The decoder stack without the head (HF's LlamaModel). Submodules (HF names):
// embed_tokens [V, D], layers.{i}, norm. Taps: hook_embed, every layer's taps,
// ln_final.hook_normalized.
class LlamaModelImpl : public torch::nn::Module {
 public:
  explicit LlamaModelImpl(const LlamaConfig& config);

  // ids [B, T] -> [B, T, D] in the weights' dtype.
  torch::Tensor embed(const torch::Tensor& ids);

  // embeds [B, T, D], positions [B, T] int64, blocked [B or 1, 1, T, S] bool or
  // undefined -> final-norm output [B, T, D]. `interventions` (may be null) edits the
  // pass (InterventionSpec.h).
  torch::Tensor forward(const torch::Tensor& embeds, const torch::Tensor& positions,
                        const torch::Tensor& blocked, LlamaKvCache* cache, TapRecorder* taps,
                        std::vector<torch::Tensor>* residuals, const InterventionSpec* interventions = nullptr);

  const torch::Tensor& embedWeight() const { return embedTokens_->weight; }
  const LlamaRotary& rotary() const { return rotary_; }
  int numLayers() const { return static_cast<int>(layers_.size()); }

  // Moving the module also moves the rotary frequencies, which are no buffer.
  using torch::nn::Module::to;
  void to(torch::Device device, torch::Dtype dtype, bool nonBlocking = false) override;
  void to(torch::Device device, bool nonBlocking = false) override;

 private:
  torch::nn::Embedding embedTokens_{nullptr};
  std::vector<LlamaDecoderLayer> layers_;
  RmsNorm norm_{nullptr};
  LlamaRotary rotary_;
};

TORCH_MODULE(LlamaModel);

}  // namespace sinkscope
