#pragma once

#include <vector>

#include <torch/torch.h>

namespace sinkscope {

// Several bias-free projections of one input computed as a single GEMM (Llama's
// q/k/v and gate/up): one [T, D] x [D, sum of outputs] product keeps the BLAS busier
// than three or two narrow ones, and this is where inference spends its time.
//
// The projections stay registered under their own names, so loading, saving and
// training see nothing different. On first use without autograd their weights are
// re-pointed (set_data) at row blocks of one concatenated tensor, so no second copy
// is kept; in-place updates (an optimiser, a loader's copy_) write through to it.
// Anything that replaces a weight tensor (a dtype or device move, a loader that
// assigns) is noticed by address and the weights are fused again. With autograd on,
// or when a projection has a bias, the projections run one by one.
class FusedProjection {
 public:
  FusedProjection() = default;
  explicit FusedProjection(std::vector<torch::nn::Linear> parts);

  // x [..., in] -> one output per projection, [..., out_i] (views into one tensor
  // on the fused path: their last dimension is contiguous, the rows are strided).
  std::vector<torch::Tensor> forward(const torch::Tensor& x);

 private:
  bool fused() const;
  void fuse();

  std::vector<torch::nn::Linear> parts_;
  torch::Tensor weight_;  // [sum of outputs, in]; the parts' weights are views of it
  bool hasBias_ = false;
};

}  // namespace sinkscope
