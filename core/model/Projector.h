#pragma once

#include <memory>
#include <string>

#include <torch/torch.h>

#include "core/model/Runtime.h"

namespace sinkscope {

class EncoderTaps;
class SafetensorsSet;

struct ProjectorOptions {
  int inputDim = 0;       // encoder width times the stack rate
  int hiddenDim = 2048;   // Llama-AVSR's intermediate_size
  int outputDim = 0;      // the LLM's hidden size
  bool layerNorm = false; // Omni-AVSR appends LayerNorm(outputDim) unless remove_layernorm_from_projector
  double layerNormEps = 1e-5;
};

// A modality projector, Linear -> ReLU -> Linear (-> LayerNorm), registered under the
// names of Llama-AVSR's nn.Sequential (audio_proj / video_proj): "0" first Linear,
// "2" second Linear, "3" LayerNorm; index 1 is the parameter-free ReLU.
// Tap: hook_out [T, outputDim] under the caller's prefix (audio_proj. or video_proj.).
class Projector : public torch::nn::Module {
 public:
  static constexpr const char* kAudioTapPrefix = "audio_proj.";
  static constexpr const char* kVideoTapPrefix = "video_proj.";

  explicit Projector(const ProjectorOptions& options);

  // Sizes read off the checkpoint: prefix + "0.weight" [hidden, in], "2.weight"
  // [out, hidden], LayerNorm when prefix + "3.weight" exists.
  static ProjectorOptions optionsFromWeights(const SafetensorsSet& weights, const std::string& prefix);
  // e.g. prefix "audio_proj."
  static std::shared_ptr<Projector> load(const ProjectorOptions& options, const SafetensorsSet& weights,
                                         const std::string& prefix, const Runtime& runtime);

  const ProjectorOptions& options() const { return options_; }

  // x [B, T, inputDim] -> [B, T, outputDim]
  torch::Tensor forward(const torch::Tensor& x, EncoderTaps* taps = nullptr);

 private:
  ProjectorOptions options_;
  torch::nn::Linear linear1_{nullptr};
  torch::nn::Linear linear2_{nullptr};
  torch::nn::LayerNorm norm_{nullptr};
};

}  // namespace sinkscope
