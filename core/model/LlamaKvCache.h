#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include <torch/torch.h>

namespace sinkscope {

// Keys and values of the positions a decoder has already seen, one pair per layer.
// It belongs to a session (DESIGN §4: the model's weights stay immutable and shared;
// each decoding session owns its cache). Keys are stored after RoPE and before the
// KV heads are repeated for GQA: [B, Hkv, S, headDim].
class LlamaKvCache {
 public:
  explicit LlamaKvCache(int numLayers = 0);

  // Positions already cached (S); 0 for a fresh cache.
  std::int64_t length() const { return length_; }
  int numLayers() const { return static_cast<int>(keys_.size()); }
  bool empty() const { return length_ == 0; }

  // Appends this step's keys/values [B, Hkv, T, Dh] for `layer` and returns the full
  // ones [B, Hkv, S + T, Dh]. The length advances once the last layer has appended.
  std::pair<torch::Tensor, torch::Tensor> append(int layer, const torch::Tensor& keys,
                                                 const torch::Tensor& values);

  // Keeps the batch rows `rows` [N] (int64) in that order: beam search reorders the
  // cache after choosing which beams continue, and expands one prompt to N beams.
  void selectRows(const torch::Tensor& rows);
  void clear();

 private:
  std::vector<torch::Tensor> keys_;
  std::vector<torch::Tensor> values_;
  std::int64_t length_ = 0;
};

}  // namespace sinkscope
