#include "core/model/EncoderAttention.h"

#include <cmath>
#include <string>

#include "core/base/Error.h"

namespace sinkscope {

EncoderAttention::EncoderAttention(const EncoderAttentionOptions& options)
    : options_(options), headDim_(options.numHeads > 0 ? options.dModel / options.numHeads : 0) {
  if (options.numHeads <= 0 || options.dModel <= 0 || options.dModel % options.numHeads != 0) {
    throw ConfigError("encoder attention: model width " + std::to_string(options.dModel) +
                      " must be a positive multiple of the head count " +
                      std::to_string(options.numHeads));
  }
  const int d = options.dModel;
  qProj_ = register_module("q_proj", torch::nn::Linear(torch::nn::LinearOptions(d, d)));
  kProj_ = register_module("k_proj",
                           torch::nn::Linear(torch::nn::LinearOptions(d, d).bias(options.keyBias)));
  vProj_ = register_module("v_proj", torch::nn::Linear(torch::nn::LinearOptions(d, d)));
  outProj_ = register_module("out_proj", torch::nn::Linear(torch::nn::LinearOptions(d, d)));
}

torch::Tensor EncoderAttention::forward(const torch::Tensor& x, torch::Tensor* pattern) {
  const int64_t batch = x.size(0);
  const int64_t time = x.size(1);
  const int64_t heads = options_.numHeads;
  auto splitHeads = [&](const torch::Tensor& t) {  // [B, T, D] -> [B, H, T, hd]
    return t.view({batch, time, heads, headDim_}).transpose(1, 2);
  };

  // The query is scaled before the product, as Whisper and fairseq do, which keeps
  // half-precision scores in range.
  const double scale = 1.0 / std::sqrt(static_cast<double>(headDim_));
  const torch::Tensor q = splitHeads(qProj_->forward(x) * scale);
  const torch::Tensor k = splitHeads(kProj_->forward(x));
  const torch::Tensor v = splitHeads(vProj_->forward(x));

  // Softmax in float32 even for half-precision weights: the pattern is what users inspect.
  const torch::Tensor scores = torch::matmul(q, k.transpose(-1, -2)).to(torch::kFloat32);  // [B, H, T, T]
  const torch::Tensor probs = torch::softmax(scores, -1);
  if (pattern != nullptr) *pattern = probs;

  const torch::Tensor context = torch::matmul(probs.to(v.scalar_type()), v);  // [B, H, T, hd]
  return outProj_->forward(context.transpose(1, 2).reshape({batch, time, options_.dModel}));
}

}  // namespace sinkscope
