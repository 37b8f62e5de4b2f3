#pragma once

#include <torch/torch.h>

namespace sinkscope {

struct EncoderAttentionOptions {
  int dModel = 0;
  int numHeads = 0;
  bool keyBias = true;  // Whisper's k_proj has no bias; fairseq's (AV-HuBERT) has one
};

// Bidirectional multi-head self-attention with separate q/k/v/out projections, written
// out so that the post-softmax pattern can be handed to the caller (LibTorch's stock
// modules discard it). Parameter names follow Hugging Face Whisper and fairseq, which
// agree: q_proj, k_proj, v_proj, out_proj.
class EncoderAttention : public torch::nn::Module {
 public:
  explicit EncoderAttention(const EncoderAttentionOptions& options);

  // x [B, T, D] -> [B, T, D]. When `pattern` is given it receives the attention
  // probabilities [B, H, T, T] (query, key).
  torch::Tensor forward(const torch::Tensor& x, torch::Tensor* pattern = nullptr);

 private:
  EncoderAttentionOptions options_;
  int headDim_;
  torch::nn::Linear qProj_{nullptr};
  torch::nn::Linear kProj_{nullptr};
  torch::nn::Linear vProj_{nullptr};
  torch::nn::Linear outProj_{nullptr};
};

}  // namespace sinkscope
