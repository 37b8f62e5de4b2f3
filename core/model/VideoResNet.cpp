#include "core/model/VideoResNet.h"

#include <string>

#include "core/base/Error.h"

namespace sinkscope {

VideoResNet::VideoResNet(const VideoEncoderConfig& config) {
  const bool prelu = config.reluType == "prelu";
  const int stem = config.frontendChannels;
  frontend3D_ = torch::nn::Sequential(
      torch::nn::Conv3d(torch::nn::Conv3dOptions(1, stem, {5, 7, 7}).stride({1, 2, 2}).padding({2, 3, 3}).bias(false)),
      torch::nn::BatchNorm3d(torch::nn::BatchNormOptions(stem).eps(config.batchNormEps)));
  if (prelu) {
    frontend3D_->push_back(torch::nn::PReLU(torch::nn::PReLUOptions().num_parameters(stem)));
  } else {
    frontend3D_->push_back(torch::nn::ReLU());
  }
  frontend3D_->push_back(
      torch::nn::MaxPool3d(torch::nn::MaxPool3dOptions({1, 3, 3}).stride({1, 2, 2}).padding({0, 1, 1})));
  register_module("frontend3D", frontend3D_);

  auto trunk = register_module("trunk", std::make_shared<torch::nn::Module>());
  int inChannels = stem;
  for (std::size_t stage = 0; stage < config.trunkWidths.size(); ++stage) {
    auto layer = trunk->register_module("layer" + std::to_string(stage + 1), torch::nn::ModuleList());
    const int width = config.trunkWidths[stage];
    for (int b = 0; b < config.trunkBlocks[stage]; ++b) {
      const int stride = (stage > 0 && b == 0) ? 2 : 1;
      auto block = std::make_shared<ResNetBasicBlock>(
          ResNetBasicBlockOptions{inChannels, width, stride, prelu, config.batchNormEps});
      layer->push_back(block);
      blocks_.push_back(block);
      inChannels = width;
    }
  }
}

torch::Tensor VideoResNet::forward(const torch::Tensor& video) {
  if (video.dim() != 5 || video.size(1) != 1) {
    throw ShapeError("video front end: expected [B, 1, T, H, W], found " + c10::str(video.sizes()));
  }
  const int64_t batch = video.size(0);

  // 3-D stem: [B, 1, T, H, W] -> [B, C, T, H/4, W/4]
  torch::Tensor x = frontend3D_->forward(video);
  const int64_t time = x.size(2);

  // Per-frame trunk: [B * T, C, h, w] -> [B * T, C_out, h', w'] -> [B * T, C_out]
  x = x.transpose(1, 2).reshape({batch * time, x.size(1), x.size(3), x.size(4)});
  for (const auto& block : blocks_) x = block->forward(x);
  x = x.mean({2, 3});
  return x.view({batch, time, x.size(1)});  // [B, T, C_out]
}

}  // namespace sinkscope
