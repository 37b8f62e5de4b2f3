#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

namespace sinkscope {

// The encoder half of a Hugging Face Whisper config.json (key names in comments).
// Defaults are whisper-medium's.
struct WhisperEncoderConfig {
  int dModel = 1024;              // d_model
  int numLayers = 24;             // encoder_layers
  int numHeads = 16;              // encoder_attention_heads
  int ffnDim = 4096;              // encoder_ffn_dim
  int numMelBins = 80;            // num_mel_bins
  int maxSourcePositions = 1500;  // max_source_positions
  double layerNormEps = 1e-5;     // not in config.json: Whisper uses PyTorch's default

  // Every key above is required; activation_function, when present, must be "gelu".
  static WhisperEncoderConfig fromJson(const nlohmann::json& json, const std::string& source);
  static WhisperEncoderConfig fromFile(const std::string& path);
  // The encoder's keys of an HF Whisper config.json (fromJson reads them back).
  nlohmann::json toJson() const;
  // Throws ConfigError naming the key of the first inconsistent value.
  void validate(const std::string& source = "whisper encoder config") const;
};

}  // namespace sinkscope
