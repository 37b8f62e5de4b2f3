#pragma once

#include <map>
#include <string>

#include <torch/torch.h>

#include "core/base/CaptureSpec.h"
#include "core/base/HostTensor.h"
#include "core/io/Safetensors.h"
#include "core/model/LlamaConfig.h"
#include "core/model/LlamaInput.h"
#include "core/model/LlamaModel.h"
#include "core/model/Runtime.h"

namespace sinkscope {

// A Llama-family causal LM (HF's LlamaForCausalLM): the decoder stack plus the
// language-model head. Submodules (HF names): model, lm_head [V, D] (absent when
// tie_word_embeddings: the head reuses model.embed_tokens.weight). With these names a
// Hugging Face checkpoint loads by lookup (WeightLoader).
//
// The weights are immutable once loaded and may be shared by several sessions; all
// per-sequence state (KV cache, captures) lives in the caller's objects
// (LlamaForwardOptions), so forward never mutates the module.
class LlamaForCausalLMImpl : public torch::nn::Module {
 public:
  explicit LlamaForCausalLMImpl(const LlamaConfig& config);

  // Fills every parameter from weights[prefix + name] in runtime.dtype on
  // runtime.device and records the runtime. A plain HF directory uses prefix "".
  // `optional` and `include` as in WeightLoader::load (a composite model loads its
  // frozen base and its LoRA branches from different files).
  void loadWeights(const SafetensorsSet& weights, const std::string& prefix, const Runtime& runtime,
                   const std::vector<std::string>& optional = {},
                   const std::vector<std::string>& include = {});

  // ids [B, T] -> embeddings [B, T, D] (what the AVSR assembly concatenates with
  // projected audio/video features).
  torch::Tensor embed(const torch::Tensor& ids);

  // One pass -> logits [B, T, V] (or [B, 1, V] with lastLogitsOnly), float32 as HF.
  torch::Tensor forward(const LlamaInput& input, const LlamaForwardOptions& options = {});

  // A pass that only captures (batch 1, no cache, inference mode): returns the taps
  // `spec` asks for, named prefix + tap name. The head runs only if logits are wanted.
  // `interventions` (may be null) edits the pass (InterventionSpec.h).
  std::map<std::string, HostTensor> capture(const LlamaInput& input, const CaptureSpec& spec,
                                            const std::string& prefix = "",
                                            const InterventionSpec* interventions = nullptr);

  // Base weights frozen, LoRA branches trainable (the fine-tuning setting).
  void setTrainableFlags();

  const LlamaConfig& config() const { return config_; }
  const Runtime& runtime() const { return runtime_; }
  LlamaModel& decoder() { return model_; }

 private:
  torch::Tensor inputEmbeddings(const LlamaInput& input);
  torch::Tensor positions(const LlamaInput& input, std::int64_t batch, std::int64_t length,
                          std::int64_t past, torch::Device device) const;
  torch::Tensor hiddenKeys(const LlamaInput& input, std::int64_t batch, std::int64_t length,
                           std::int64_t past, torch::Device device) const;
  torch::Tensor head(const torch::Tensor& hidden);

  LlamaConfig config_;
  Runtime runtime_;
  LlamaModel model_{nullptr};
  torch::nn::Linear lmHead_{nullptr};
};

class LlamaForCausalLM : public torch::nn::ModuleHolder<LlamaForCausalLMImpl> {
 public:
  using torch::nn::ModuleHolder<LlamaForCausalLMImpl>::ModuleHolder;

  // An unmodified HF model directory: config.json and model.safetensors or shards
  // with model.safetensors.index.json. Throws ConfigError / FormatError / ShapeError
  // naming the file and key at fault.
  static LlamaForCausalLM fromPretrained(const std::string& directory, const Runtime& runtime = {});
};

}  // namespace sinkscope
