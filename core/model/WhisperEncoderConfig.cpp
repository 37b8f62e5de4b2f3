#include "core/model/WhisperEncoderConfig.h"

#include <nlohmann/json.hpp>

#include "core/base/Error.h"
#include "core/model/ConfigReader.h"

namespace sinkscope {

WhisperEncoderConfig WhisperEncoderConfig::fromJson(const nlohmann::json& json, const std::string& source) {
  const ConfigReader reader(json, source);
  WhisperEncoderConfig config;
  config.dModel = reader.requireInt("d_model");
  config.numLayers = reader.requireInt("encoder_layers");
  config.numHeads = reader.requireInt("encoder_attention_heads");
  config.ffnDim = reader.requireInt("encoder_ffn_dim");
  config.numMelBins = reader.requireInt("num_mel_bins");
  config.maxSourcePositions = reader.requireInt("max_source_positions");
  const std::string activation = reader.stringOr("activation_function", "gelu");
  reader.check(activation == "gelu", "activation_function",
               "must be \"gelu\" (the only one Whisper uses), found \"" + activation + "\"");
  config.validate(source);
  return config;
}

nlohmann::json WhisperEncoderConfig::toJson() const {
  return {{"model_type", "whisper"},
          {"architectures", {"WhisperForConditionalGeneration"}},
          {"d_model", dModel},
          {"encoder_layers", numLayers},
          {"encoder_attention_heads", numHeads},
          {"encoder_ffn_dim", ffnDim},
          {"num_mel_bins", numMelBins},
          {"max_source_positions", maxSourcePositions},
          {"activation_function", "gelu"}};
}

WhisperEncoderConfig WhisperEncoderConfig::fromFile(const std::string& path) {
  return fromJson(ConfigReader::readFile(path), path);
}

void WhisperEncoderConfig::validate(const std::string& source) const {
  auto require = [&](bool ok, const std::string& key, const std::string& message) {
    if (!ok) throw ConfigError(source + ": " + key + " " + message);
  };
  require(dModel > 0, "d_model", "must be positive, found " + std::to_string(dModel));
  require(numLayers >= 0, "encoder_layers", "must not be negative, found " + std::to_string(numLayers));
  require(numHeads > 0 && dModel % numHeads == 0, "encoder_attention_heads",
          "must divide d_model " + std::to_string(dModel) + ", found " + std::to_string(numHeads));
  require(ffnDim > 0, "encoder_ffn_dim", "must be positive, found " + std::to_string(ffnDim));
  require(numMelBins > 0, "num_mel_bins", "must be positive, found " + std::to_string(numMelBins));
  require(maxSourcePositions > 0, "max_source_positions",
          "must be positive, found " + std::to_string(maxSourcePositions));
  require(dModel % 2 == 0, "d_model", "must be even for sinusoidal positions, found " + std::to_string(dModel));
}

}  // namespace sinkscope
