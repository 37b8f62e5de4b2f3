#include "core/model/ResNetBasicBlock.h"

namespace sinkscope {

namespace {

torch::nn::Conv2d conv3x3(int in, int out, int stride) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(false));
}

}  // namespace

ResNetBasicBlock::ResNetBasicBlock(const ResNetBasicBlockOptions& options) : options_(options) {
  const auto bnOptions = [&](int channels) {
    return torch::nn::BatchNormOptions(channels).eps(options.batchNormEps);
  };
  conv1_ = register_module("conv1", conv3x3(options.inChannels, options.outChannels, options.stride));
  bn1_ = register_module("bn1", torch::nn::BatchNorm2d(bnOptions(options.outChannels)));
  if (options.prelu) {
    relu1_ = register_module("relu1", torch::nn::PReLU(torch::nn::PReLUOptions().num_parameters(options.outChannels)));
  }
  conv2_ = register_module("conv2", conv3x3(options.outChannels, options.outChannels, 1));
  bn2_ = register_module("bn2", torch::nn::BatchNorm2d(bnOptions(options.outChannels)));
  if (options.prelu) {
    relu2_ = register_module("relu2", torch::nn::PReLU(torch::nn::PReLUOptions().num_parameters(options.outChannels)));
  }
  if (options.stride != 1 || options.inChannels != options.outChannels) {
    downsample_ = register_module(
        "downsample",
        torch::nn::Sequential(
            torch::nn::Conv2d(torch::nn::Conv2dOptions(options.inChannels, options.outChannels, 1)
                                  .stride(options.stride)
                                  .bias(false)),
            torch::nn::BatchNorm2d(bnOptions(options.outChannels))));
  }
}

torch::Tensor ResNetBasicBlock::activate(torch::nn::PReLU& prelu, const torch::Tensor& x) {
  return prelu.is_empty() ? torch::relu(x) : prelu->forward(x);
}

torch::Tensor ResNetBasicBlock::forward(const torch::Tensor& x) {
  // Residual branch: [N, C_in, H, W] -> [N, C_out, H', W']
  torch::Tensor out = activate(relu1_, bn1_->forward(conv1_->forward(x)));
  out = bn2_->forward(conv2_->forward(out));
  // Shortcut and merge
  const torch::Tensor shortcut = downsample_.is_empty() ? x : downsample_->forward(x);
  return activate(relu2_, out + shortcut);
}

}  // namespace sinkscope
