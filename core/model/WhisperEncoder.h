#pragma once

#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "core/model/EncoderLayer.h"
#include "core/model/Runtime.h"
#include "core/model/WhisperEncoderConfig.h"

namespace sinkscope {

class EncoderTaps;
class SafetensorsSet;

// The encoder of a Hugging Face Whisper checkpoint: conv1 (k3, pad 1) + GELU,
// conv2 (k3, stride 2, pad 1) + GELU, plus the stored sinusoidal positions, pre-norm
// blocks, final layer_norm. Parameters are registered under the checkpoint's names
// below "model.encoder." (WhisperForConditionalGeneration) or "encoder."
// (WhisperModel); decoder weights are never read.
//
// Taps (prefix audio_encoder.): hook_embed [T, D] after the positions,
// blocks.{l}.attn.hook_pattern [H, T, T], blocks.{l}.hook_attn_out,
// blocks.{l}.hook_mlp_out, blocks.{l}.hook_resid_post [T, D], ln_final.hook_normalized.
class WhisperEncoder : public torch::nn::Module {
 public:
  static constexpr const char* kTapPrefix = "audio_encoder.";

  // Random weights (LibTorch's default init) and Whisper's sinusoidal positions.
  explicit WhisperEncoder(const WhisperEncoderConfig& config);

  // An unmodified Hugging Face Whisper directory: config.json + model.safetensors (or
  // shards). Returns the encoder in eval mode on runtime.device in runtime.dtype.
  static std::shared_ptr<WhisperEncoder> load(const std::string& directory, const Runtime& runtime);
  // From weights already open; an empty prefix means detectPrefix(weights).
  static std::shared_ptr<WhisperEncoder> load(const WhisperEncoderConfig& config,
                                              const SafetensorsSet& weights, const Runtime& runtime,
                                              std::string prefix = "");
  // "model.encoder." or "encoder.", whichever holds conv1.weight; FormatError otherwise.
  static std::string detectPrefix(const SafetensorsSet& weights);

  // Whisper's sinusoidal position table, as whisper and transformers generate it in
  // float32: [length, channels] = [sin(t * f_i) | cos(t * f_i)], f_i = 10000^(-i / (channels/2 - 1)).
  static torch::Tensor sinusoids(int length, int channels);

  const WhisperEncoderConfig& config() const { return config_; }

  // inputFeatures [B, numMelBins, frames] (3000 for Whisper's 30 s window)
  // -> [B, (frames + 1) / 2, dModel]; frames may be shorter than 3000, then the first
  // positions are used.
  torch::Tensor forward(const torch::Tensor& inputFeatures, EncoderTaps* taps = nullptr);

 private:
  WhisperEncoderConfig config_;
  torch::nn::Conv1d conv1_{nullptr};
  torch::nn::Conv1d conv2_{nullptr};
  torch::nn::Embedding embedPositions_{nullptr};
  std::vector<std::shared_ptr<EncoderLayer>> layerList_;
  torch::nn::LayerNorm layerNorm_{nullptr};
};

}  // namespace sinkscope
