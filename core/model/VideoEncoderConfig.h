#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace sinkscope {

// Hyper-parameters of an AV-HuBERT-style video encoder (key names in comments: the
// AV-HuBERT/fairseq model config's own names where it has them). Defaults are
// AV-HuBERT Large's. The ResNet widths are not configurable in AV-HuBERT (64 / 64,
// 128, 256, 512); sinkscope's small demo models shrink them.
struct VideoEncoderConfig {
  int numLayers = 24;              // encoder_layers (required)
  int embedDim = 1024;             // encoder_embed_dim (required)
  int ffnDim = 4096;               // encoder_ffn_embed_dim (required)
  int numHeads = 16;               // encoder_attention_heads (required)
  bool layerNormFirst = true;      // layer_norm_first (Large: true, Base: false)
  int convPosKernel = 128;         // conv_pos
  int convPosGroups = 16;          // conv_pos_groups
  std::string reluType = "prelu";  // resnet_relu_type: "prelu" or "relu"
  std::string modalityFuse = "concat";  // modality_fuse: "concat" or "add"
  int frontendChannels = 64;                          // resnet_frontend_channels
  std::vector<int> trunkWidths = {64, 128, 256, 512};  // resnet_widths, one per stage
  std::vector<int> trunkBlocks = {2, 2, 2, 2};         // resnet_blocks (ResNet-18)
  double layerNormEps = 1e-5;      // fairseq's LayerNorm default
  double batchNormEps = 1e-5;      // PyTorch's BatchNorm default

  static VideoEncoderConfig fromJson(const nlohmann::json& json, const std::string& source);
  static VideoEncoderConfig fromFile(const std::string& path);
  // The config.json keys fromJson reads.
  nlohmann::json toJson() const;
  // Throws ConfigError naming the key of the first inconsistent value.
  void validate(const std::string& source = "video encoder config") const;

  int trunkOutputDim() const { return trunkWidths.back(); }
};

}  // namespace sinkscope
