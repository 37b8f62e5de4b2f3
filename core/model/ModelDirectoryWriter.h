#pragma once

#include <string>

#include <torch/torch.h>

#include "core/model/AvsrConfig.h"
#include "core/model/LlamaForCausalLM.h"
#include "core/model/Projector.h"
#include "core/model/VideoEncoder.h"
#include "core/model/WhisperEncoder.h"
#include "core/text/Tokenizer.h"

namespace sinkscope {

// Writes the directories AvsrModel::load reads (docs/model-format.md): the LLM and the
// Whisper encoder in Hugging Face layout (so transformers loads them too), the video
// encoder with AV-HuBERT's names, and the composite's own config and trained parts.
// Used by `sinkscope-cli init` and by the trainer's exports.
class ModelDirectoryWriter {
 public:
  // config.json, model.safetensors (base weights, LoRA branches left out),
  // tokenizer.json.
  static void writeLlm(const std::string& directory, const LlamaForCausalLMImpl& llm,
                       const Tokenizer& tokenizer, torch::ScalarType dtype);
  // config.json (the encoder's keys) and model.safetensors under "model.encoder.".
  static void writeWhisperEncoder(const std::string& directory, const WhisperEncoder& encoder,
                                  torch::ScalarType dtype);
  static void writeVideoEncoder(const std::string& directory, const VideoEncoder& encoder,
                                torch::ScalarType dtype);
  // config.json from `config` and model.safetensors with audio_proj.*, video_proj.*
  // (when given) and the LLM's LoRA branches as llm.*.lora_*.
  static void writeComposite(const std::string& directory, const AvsrConfig& config,
                             const LlamaForCausalLMImpl& llm, const Projector* audioProjector,
                             const Projector* videoProjector, torch::ScalarType dtype);
};

}  // namespace sinkscope
