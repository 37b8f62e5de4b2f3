#include "core/model/VideoEncoderConfig.h"

#include <nlohmann/json.hpp>

#include "core/base/Error.h"
#include "core/model/ConfigReader.h"

namespace sinkscope {

VideoEncoderConfig VideoEncoderConfig::fromJson(const nlohmann::json& json, const std::string& source) {
  const ConfigReader reader(json, source);
  VideoEncoderConfig config;
  config.numLayers = reader.requireInt("encoder_layers");
  config.embedDim = reader.requireInt("encoder_embed_dim");
  config.ffnDim = reader.requireInt("encoder_ffn_embed_dim");
  config.numHeads = reader.requireInt("encoder_attention_heads");
  config.layerNormFirst = reader.boolOr("layer_norm_first", config.layerNormFirst);
  config.convPosKernel = reader.intOr("conv_pos", config.convPosKernel);
  config.convPosGroups = reader.intOr("conv_pos_groups", config.convPosGroups);
  config.reluType = reader.stringOr("resnet_relu_type", config.reluType);
  config.modalityFuse = reader.stringOr("modality_fuse", config.modalityFuse);
  config.frontendChannels = reader.intOr("resnet_frontend_channels", config.frontendChannels);
  config.trunkWidths = reader.intListOr("resnet_widths", config.trunkWidths);
  config.trunkBlocks = reader.intListOr("resnet_blocks", config.trunkBlocks);
  reader.check(reader.intOr("sub_encoder_layers", 0) == 0, "sub_encoder_layers",
               "must be 0: per-modality transformer layers before fusion are not supported");
  const std::string activation = reader.stringOr("activation_fn", "gelu");
  reader.check(activation == "gelu", "activation_fn",
               "must be \"gelu\" (AV-HuBERT's), found \"" + activation + "\"");
  config.validate(source);
  return config;
}

nlohmann::json VideoEncoderConfig::toJson() const {
  return {{"model_type", "avhubert-video"},
          {"encoder_layers", numLayers},
          {"encoder_embed_dim", embedDim},
          {"encoder_ffn_embed_dim", ffnDim},
          {"encoder_attention_heads", numHeads},
          {"layer_norm_first", layerNormFirst},
          {"conv_pos", convPosKernel},
          {"conv_pos_groups", convPosGroups},
          {"resnet_relu_type", reluType},
          {"modality_fuse", modalityFuse},
          {"resnet_frontend_channels", frontendChannels},
          {"resnet_widths", trunkWidths},
          {"resnet_blocks", trunkBlocks},
          {"activation_fn", "gelu"}};
}

VideoEncoderConfig VideoEncoderConfig::fromFile(const std::string& path) {
  return fromJson(ConfigReader::readFile(path), path);
}

void VideoEncoderConfig::validate(const std::string& source) const {
  auto require = [&](bool ok, const std::string& key, const std::string& message) {
    if (!ok) throw ConfigError(source + ": " + key + " " + message);
  };
  require(embedDim > 0, "encoder_embed_dim", "must be positive, found " + std::to_string(embedDim));
  require(numLayers >= 0, "encoder_layers", "must not be negative, found " + std::to_string(numLayers));
  require(numHeads > 0 && embedDim % numHeads == 0, "encoder_attention_heads",
          "must divide encoder_embed_dim " + std::to_string(embedDim) + ", found " + std::to_string(numHeads));
  require(ffnDim > 0, "encoder_ffn_embed_dim", "must be positive, found " + std::to_string(ffnDim));
  require(convPosKernel > 0, "conv_pos", "must be positive, found " + std::to_string(convPosKernel));
  require(convPosGroups > 0 && embedDim % convPosGroups == 0, "conv_pos_groups",
          "must divide encoder_embed_dim " + std::to_string(embedDim) + ", found " +
              std::to_string(convPosGroups));
  require(reluType == "prelu" || reluType == "relu", "resnet_relu_type",
          "must be \"prelu\" or \"relu\", found \"" + reluType + "\"");
  require(modalityFuse == "concat" || modalityFuse == "add", "modality_fuse",
          "must be \"concat\" or \"add\", found \"" + modalityFuse + "\"");
  require(frontendChannels > 0, "resnet_frontend_channels",
          "must be positive, found " + std::to_string(frontendChannels));
  require(trunkWidths.size() == 4, "resnet_widths",
          "must list 4 stage widths, found " + std::to_string(trunkWidths.size()));
  require(trunkBlocks.size() == 4, "resnet_blocks",
          "must list 4 stage depths, found " + std::to_string(trunkBlocks.size()));
  for (std::size_t i = 0; i < 4; ++i) {
    require(trunkWidths[i] > 0, "resnet_widths", "must be positive, found " + std::to_string(trunkWidths[i]));
    require(trunkBlocks[i] > 0, "resnet_blocks", "must be positive, found " + std::to_string(trunkBlocks[i]));
  }
}

}  // namespace sinkscope
