#pragma once

#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "core/model/EncoderLayer.h"
#include "core/model/Runtime.h"
#include "core/model/VideoEncoderConfig.h"
#include "core/model/VideoResNet.h"

namespace sinkscope {

class EncoderTaps;
class SafetensorsSet;

// An AV-HuBERT video encoder run on video alone, as Llama-AVSR runs it
// (AVHubertModel.extract_finetune with audio None): the ResNet front end per frame, a
// linear projection to the encoder width, fusion with an all-zero audio stream
// ("concat": [zeros | video], or "add"), layer_norm, post_extract_proj (concat only),
// then fairseq's wav2vec 2.0 transformer encoder: x + GELU(weight-normed grouped
// conv(x)) positional term, blocks, and the final layer_norm (pre-norm) or the first
// one (post-norm). Parameters carry AV-HuBERT's checkpoint names
// (docs/model-format.md, "Video encoder").
//
// Taps (prefix video_encoder.): hook_embed [T, D] (input of block 0),
// blocks.{l}.attn.hook_pattern [H, T, T], blocks.{l}.hook_attn_out,
// blocks.{l}.hook_mlp_out, blocks.{l}.hook_resid_post [T, D], and
// ln_final.hook_normalized [T, D] when layer_norm_first.
class VideoEncoder : public torch::nn::Module {
 public:
  static constexpr const char* kTapPrefix = "video_encoder.";
  static constexpr int kFramesPerSecond = 25;
  static constexpr int kCropSize = 88;
  static constexpr float kPixelMean = 0.421f;
  static constexpr float kPixelStd = 0.165f;

  // Random weights (LibTorch's default init).
  explicit VideoEncoder(const VideoEncoderConfig& config);

  // A directory with config.json and model.safetensors holding the names above.
  static std::shared_ptr<VideoEncoder> load(const std::string& directory, const Runtime& runtime);
  // From weights already open, every name below `prefix` (e.g. "" or "video_encoder.").
  static std::shared_ptr<VideoEncoder> load(const VideoEncoderConfig& config, const SafetensorsSet& weights,
                                            const Runtime& runtime, const std::string& prefix = "");

  // Model input from 8-bit grey mouth crops, as Llama-AVSR's test-time VideoTransform
  // does it: x / 255, centre crop 88 x 88, (x - 0.421) / 0.165.
  // rois [T, H, W] uint8 (H, W >= 88; 96 x 96 from the mouth cropper) -> [1, 1, T, 88, 88] float32.
  static torch::Tensor prepareMouthRois(const torch::Tensor& rois);

  const VideoEncoderConfig& config() const { return config_; }

  // video [B, 1, T, 88, 88] -> [B, T, embedDim]
  torch::Tensor forward(const torch::Tensor& video, EncoderTaps* taps = nullptr);

 private:
  torch::Tensor positionalConv(const torch::Tensor& x) const;

  VideoEncoderConfig config_;
  std::shared_ptr<VideoResNet> resnet_;
  torch::nn::Linear videoProj_{nullptr};
  torch::nn::LayerNorm layerNorm_{nullptr};
  torch::nn::Linear postExtractProj_{nullptr};
  std::shared_ptr<torch::nn::Module> posConv_;  // encoder.pos_conv.0
  torch::Tensor posConvWeightV_;                // [D, D / groups, K]
  torch::Tensor posConvWeightG_;                // [1, 1, K]
  torch::Tensor posConvBias_;                   // [D]
  std::vector<std::shared_ptr<EncoderLayer>> layers_;
  torch::nn::LayerNorm encoderLayerNorm_{nullptr};
};

}  // namespace sinkscope
