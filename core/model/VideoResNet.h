#pragma once

#include <memory>
#include <vector>

#include <torch/torch.h>

#include "core/model/ResNetBasicBlock.h"
#include "core/model/VideoEncoderConfig.h"

namespace sinkscope {

// AV-HuBERT's visual front end (ResEncoder in avhubert/resnet.py): a 3-D convolution
// stem over (time, height, width) followed by a 2-D ResNet trunk applied to every frame
// and a global average pool. Parameter names, relative to the module:
//   frontend3D.0.weight                 Conv3d 1 -> C, kernel (5, 7, 7), stride (1, 2, 2), no bias
//   frontend3D.1.*                      BatchNorm3d
//   frontend3D.2.weight                 PReLU (absent for "relu")
//   trunk.layer{1..4}.{b}.*             ResNetBasicBlock
class VideoResNet : public torch::nn::Module {
 public:
  explicit VideoResNet(const VideoEncoderConfig& config);

  // video [B, 1, T, H, W] -> [B, T, trunkOutputDim]
  torch::Tensor forward(const torch::Tensor& video);

 private:
  torch::nn::Sequential frontend3D_{nullptr};
  std::vector<std::shared_ptr<ResNetBasicBlock>> blocks_;  // all stages, in order
};

}  // namespace sinkscope
