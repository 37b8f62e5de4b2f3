#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "core/base/CaptureSpec.h"
#include "core/base/InterventionSpec.h"
#include "core/base/RunControl.h"
#include "core/model/GenerationResult.h"
#include "core/model/LlamaForCausalLM.h"
#include "core/model/LlamaInput.h"
#include "core/model/LlamaKvCache.h"

namespace sinkscope {

class TraceBuilder;

// How a Generator decodes. Defaults are Llama-AVSR's (DESIGN §3): 15 beams, at most
// 32 new tokens; the length penalty is HF's default.
struct GenerationOptions {
  int numBeams = 15;                      // 1: greedy
  int maxNewTokens = 32;
  std::vector<std::int64_t> eosTokenIds;  // empty: the model config's eos_token_id
  double lengthPenalty = 1.0;
  // Ids never generated (HF's suppress_tokens): greedy search sets their logits, beam
  // search their log-probabilities, to -inf before choosing. A transcript holds none
  // of BOS, padding or the modality delimiters, yet a small LLM that saw them in its
  // drills writes them on unfamiliar speech (AvsrModel::defaultGenerationOptions).
  std::vector<std::int64_t> suppressTokenIds;
  // Applied to every pass: prefill, each step and the capture pass.
  InterventionSpec interventions;
  // Asked before the prefill, every step and the capture pass; may stop the run with
  // CancelledError. Null: the run cannot be watched or stopped.
  std::shared_ptr<RunControl> control;
};

// A decoding session over a shared, immutable LlamaForCausalLM: it owns the KV cache
// and the decoding state (DESIGN §4). Greedy and beam search follow HF
// transformers 4.44 (generate with do_sample=False, early_stopping=False, no logits
// processors other than suppress_tokens), so the same model gives the same tokens.
// One deliberate difference:
// with several EOS ids, a hypothesis ends with the EOS id it actually chose, where HF
// writes the first id of eos_token_id.
class Generator {
 public:
  explicit Generator(LlamaForCausalLM model, GenerationOptions options = {});

  // prompt: inputIds [1, T] or inputsEmbeds [1, T, D] (the AVSR prompt); no mask or
  // positions. numBeams == 1 decodes greedily, otherwise beam search.
  GenerationResult generate(const LlamaInput& prompt);
  GenerationResult greedy(const LlamaInput& prompt);
  GenerationResult beamSearch(const LlamaInput& prompt);

  // One teacher-forced capture pass over prompt + result.ids (every generated
  // token's attention row included) whose taps go to `builder`, together with the
  // generated steps (texts from pieceOf when given).
  void captureTrace(const LlamaInput& prompt, const GenerationResult& result, const CaptureSpec& spec,
                    TraceBuilder& builder,
                    const std::function<std::string(std::int64_t)>& pieceOf = {});

  // The prompt followed by the generated tokens as one input of embeddings or ids.
  LlamaInput fullSequence(const LlamaInput& prompt, const std::vector<std::int64_t>& generated);

  const GenerationOptions& options() const { return options_; }
  void setOptions(const GenerationOptions& options);

 private:
  std::vector<std::int64_t> eosIds() const;
  bool isEos(std::int64_t id) const;
  // scores [N, V] with the suppressed ids at -inf (scores itself when there are none)
  torch::Tensor suppress(const torch::Tensor& scores) const;
  void checkpoint(int done) const;
  torch::Tensor prefill(const LlamaInput& prompt);  // -> logits of the last position [1, V]
  torch::Tensor step(const torch::Tensor& tokens);  // tokens [N] -> logits [N, V]

  LlamaForCausalLM model_;
  GenerationOptions options_;
  LlamaKvCache cache_;
  torch::Tensor suppressIds_;  // options_.suppressTokenIds on the model's device; undefined when none
};

}  // namespace sinkscope
