#pragma once

#include <torch/torch.h>

namespace sinkscope {

struct ResNetBasicBlockOptions {
  int inChannels = 0;
  int outChannels = 0;
  int stride = 1;
  bool prelu = true;  // AV-HuBERT: per-channel PReLU; otherwise ReLU
  double batchNormEps = 1e-5;
};

// The 2-D residual block of AV-HuBERT's ResNet-18 trunk (avhubert/resnet.py), with its
// parameter names: conv1 (3x3, stride) - bn1 - relu1 - conv2 (3x3) - bn2, plus the
// shortcut, then relu2. The shortcut is downsample.0 (1x1 conv, stride) + downsample.1
// (BatchNorm) when the stride or width changes. Convolutions have no bias.
class ResNetBasicBlock : public torch::nn::Module {
 public:
  explicit ResNetBasicBlock(const ResNetBasicBlockOptions& options);

  // x [N, C_in, H, W] -> [N, C_out, H / stride, W / stride]
  torch::Tensor forward(const torch::Tensor& x);

 private:
  static torch::Tensor activate(torch::nn::PReLU& prelu, const torch::Tensor& x);

  ResNetBasicBlockOptions options_;
  torch::nn::Conv2d conv1_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr};
  torch::nn::PReLU relu1_{nullptr};
  torch::nn::Conv2d conv2_{nullptr};
  torch::nn::BatchNorm2d bn2_{nullptr};
  torch::nn::PReLU relu2_{nullptr};
  torch::nn::Sequential downsample_{nullptr};
};

}  // namespace sinkscope
