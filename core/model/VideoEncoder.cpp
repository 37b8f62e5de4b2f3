#include "core/model/VideoEncoder.h"

#include <cmath>

#include "core/base/Error.h"
#include "core/io/Safetensors.h"
#include "core/model/EncoderTaps.h"
#include "core/model/WeightLoader.h"

namespace sinkscope {

VideoEncoder::VideoEncoder(const VideoEncoderConfig& config) : config_(config) {
  config_.validate();
  const int d = config.embedDim;
  const bool concat = config.modalityFuse == "concat";
  const int fusedDim = concat ? 2 * d : d;

  auto featureExtractor = register_module("feature_extractor_video", std::make_shared<torch::nn::Module>());
  resnet_ = featureExtractor->register_module("resnet", std::make_shared<VideoResNet>(config));
  videoProj_ = featureExtractor->register_module("proj", torch::nn::Linear(config.trunkOutputDim(), d));

  layerNorm_ = register_module(
      "layer_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({fusedDim}).eps(config.layerNormEps)));
  if (concat) postExtractProj_ = register_module("post_extract_proj", torch::nn::Linear(fusedDim, d));

  auto encoder = register_module("encoder", std::make_shared<torch::nn::Module>());
  // fairseq stores the positional convolution with weight normalisation over all axes
  // but the kernel axis (dim=2): weight = weight_g * weight_v / ||weight_v||.
  auto posConvHolder = encoder->register_module("pos_conv", std::make_shared<torch::nn::Module>());
  posConv_ = posConvHolder->register_module("0", std::make_shared<torch::nn::Module>());
  const int k = config.convPosKernel;
  const int groupWidth = d / config.convPosGroups;
  const double initStd = std::sqrt(4.0 / (static_cast<double>(k) * d));
  const torch::Tensor v = torch::randn({d, groupWidth, k}) * initStd;
  posConvWeightV_ = posConv_->register_parameter("weight_v", v);
  // From a detached v: weight_g must be a leaf of its own to be trainable.
  posConvWeightG_ = posConv_->register_parameter("weight_g", torch::norm_except_dim(v.detach(), 2, 2));
  posConvBias_ = posConv_->register_parameter("bias", torch::zeros({d}));

  auto layerList = encoder->register_module("layers", torch::nn::ModuleList());
  for (int l = 0; l < config.numLayers; ++l) {
    auto layer = std::make_shared<EncoderLayer>(EncoderLayerOptions{
        d, config.numHeads, config.ffnDim, /*keyBias=*/true, config.layerNormFirst, config.layerNormEps});
    layerList->push_back(layer);
    layers_.push_back(layer);
  }
  encoderLayerNorm_ = encoder->register_module(
      "layer_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d}).eps(config.layerNormEps)));
}

std::shared_ptr<VideoEncoder> VideoEncoder::load(const std::string& directory, const Runtime& runtime) {
  const auto config = VideoEncoderConfig::fromFile(directory + "/config.json");
  const auto weights = SafetensorsSet::openDirectory(directory);
  return load(config, weights, runtime);
}

std::shared_ptr<VideoEncoder> VideoEncoder::load(const VideoEncoderConfig& config, const SafetensorsSet& weights,
                                                 const Runtime& runtime, const std::string& prefix) {
  auto encoder = std::make_shared<VideoEncoder>(config);
  WeightLoader::load(*encoder, weights, prefix, runtime, {"*num_batches_tracked"});
  // BatchNorm must use the stored running statistics.
  encoder->eval();
  return encoder;
}

torch::Tensor VideoEncoder::prepareMouthRois(const torch::Tensor& rois) {
  if (rois.dim() != 3 || rois.scalar_type() != torch::kUInt8 || rois.size(1) < kCropSize ||
      rois.size(2) < kCropSize) {
    throw ShapeError("mouth ROIs: expected uint8 [T, H, W] with H, W >= " + std::to_string(kCropSize) +
                     ", found " + c10::str(rois.scalar_type()) + " " + c10::str(rois.sizes()));
  }
  // torchvision's CenterCrop offset: int(round((size - crop) / 2.0)), ties to even.
  const auto offset = [](int64_t size) {
    return static_cast<int64_t>(std::nearbyint((size - kCropSize) / 2.0));
  };
  const torch::Tensor crop = rois.narrow(1, offset(rois.size(1)), kCropSize)
                                 .narrow(2, offset(rois.size(2)), kCropSize);
  const torch::Tensor scaled = crop.to(torch::kFloat32) / 255.0f;
  return ((scaled - kPixelMean) / kPixelStd).unsqueeze(0).unsqueeze(0).contiguous();  // [1, 1, T, 88, 88]
}

torch::Tensor VideoEncoder::positionalConv(const torch::Tensor& x) const {
  const int k = config_.convPosKernel;
  const torch::Tensor weight = torch::_weight_norm(posConvWeightV_, posConvWeightG_, 2);
  // [B, T, D] -> [B, D, T] -> conv (padding k/2) -> [B, D, T (+1 when k is even)]
  torch::Tensor y = torch::conv1d(x.transpose(1, 2), weight, posConvBias_,
                                  /*stride=*/1, /*padding=*/k / 2, /*dilation=*/1, config_.convPosGroups);
  if (k % 2 == 0) y = y.narrow(2, 0, y.size(2) - 1);
  return torch::gelu(y).transpose(1, 2);  // [B, T, D]
}

torch::Tensor VideoEncoder::forward(const torch::Tensor& video, EncoderTaps* taps) {
  const torch::Tensor& weight = videoProj_->weight;
  const torch::Tensor input = video.to(weight.device(), weight.scalar_type());

  // Visual features: [B, 1, T, H, W] -> [B, T, C] -> [B, T, D]
  torch::Tensor features = videoProj_->forward(resnet_->forward(input));

  // Fusion with the absent audio stream: [B, T, 2D] (concat) or [B, T, D] (add)
  if (config_.modalityFuse == "concat") {
    features = torch::cat({torch::zeros_like(features), features}, -1);
  }
  features = layerNorm_->forward(features);
  if (!postExtractProj_.is_empty()) features = postExtractProj_->forward(features);  // [B, T, D]

  // Positional convolution: [B, T, D]
  torch::Tensor hidden = features + positionalConv(features);
  if (!config_.layerNormFirst) hidden = encoderLayerNorm_->forward(hidden);
  if (taps != nullptr && taps->wants("hook_embed")) taps->record("hook_embed", hidden);

  for (std::size_t l = 0; l < layers_.size(); ++l) {
    hidden = layers_[l]->forward(hidden, static_cast<int>(l), taps);
  }

  // Final norm (pre-norm encoders only): [B, T, D]
  if (config_.layerNormFirst) {
    hidden = encoderLayerNorm_->forward(hidden);
    if (taps != nullptr && taps->wants("ln_final.hook_normalized")) {
      taps->record("ln_final.hook_normalized", hidden);
    }
  }
  return hidden;
}

}  // namespace sinkscope
