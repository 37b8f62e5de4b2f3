#pragma once

#include <string>

namespace sinkscope {

class LlamaForCausalLM;
class Tokenizer;

// Writes a trained decoder as a Hugging Face model directory that
// LlamaForCausalLM::fromPretrained (and HF transformers) load as it is.
class ModelExporter {
 public:
  // <dir>/config.json (LlamaConfig::toJsonText, torch_dtype set to `dtypeName`),
  // model.safetensors in that dtype (fp32, fp16 or bf16) and tokenizer.json.
  // Creates the folder; throws Error when a file cannot be written.
  static void exportDirectory(LlamaForCausalLM& model, const Tokenizer& tokenizer, const std::string& dir,
                              const std::string& dtypeName);
};

}  // namespace sinkscope
