#pragma once

#include <cstdint>
#include <vector>

namespace at {
class Tensor;
}

namespace sinkscope {

// The decorrelation (sink) loss of DESIGN §2:
//   L_dec = λ · mean over l = 1..L-1 of [ 1/(B·P) · Σ_b Σ_{t=1..P} cos(h_l[b,0], h_l[b,t])² ]
// where h_l is the residual stream after layer l (LlamaForwardOptions::residuals
// gives h_1..h_L) and P counts the non-output input tokens after BOS (audio and
// video blocks, prompt and delimiters; transcript tokens excluded). The last
// layer's output is left out, as in the definition. Cosines are taken in float32.
class DecorrelationLoss {
 public:
  explicit DecorrelationLoss(double lambda) : lambda_(lambda) {}

  // residuals: L tensors [B, T, D] (L >= 2), the same P for every sequence
  // (1 <= P < T) -> scalar, differentiable.
  at::Tensor operator()(const std::vector<at::Tensor>& residuals, std::int64_t numInputTokens) const;

  // Per-sequence P: counted [B, T] bool marks the tokens t >= 1 that enter the sum
  // (a batch whose audio and video blocks differ in length); the sum is divided by
  // the number of marked tokens, which is B·P when every row marks P.
  at::Tensor masked(const std::vector<at::Tensor>& residuals, const at::Tensor& counted) const;

  double lambda() const { return lambda_; }

 private:
  double lambda_;
};

}  // namespace sinkscope
