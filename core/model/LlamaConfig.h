#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sinkscope {

// Hyper-parameters of a Llama-family decoder, read from an unmodified Hugging Face
// config.json (Llama 2, 3, 3.1, 3.2, TinyLlama, SmolLM2). Defaults are HF's.
struct LlamaConfig {
  // Llama-AVSR's LoRA on q_proj and v_proj (DESIGN §3). `reduction` is the public
  // code's reduction_lora: a divisor, not a rank; 0 disables LoRA.
  struct Lora {
    int reduction = 0;
    double alpha = 1.0;

    bool enabled() const { return reduction > 0; }
    // round(hidden / reduction) with Python's round-half-to-even, as the public code.
    std::int64_t innerSize(std::int64_t hiddenSize) const;
    double scale() const { return alpha / reduction; }
  };

  enum class RopeScaling { None, Linear, Llama3 };

  std::int64_t vocabSize = 32000;
  std::int64_t hiddenSize = 4096;
  std::int64_t intermediateSize = 11008;
  int numHiddenLayers = 32;
  int numAttentionHeads = 32;
  int numKeyValueHeads = 32;     // config.json default: numAttentionHeads
  std::int64_t headDim = 128;    // config.json default: hiddenSize / numAttentionHeads
  double rmsNormEps = 1e-6;
  double ropeTheta = 10000.0;
  RopeScaling ropeScaling = RopeScaling::None;
  double ropeFactor = 1.0;                 // linear and llama3
  double ropeLowFreqFactor = 1.0;          // llama3
  double ropeHighFreqFactor = 4.0;         // llama3
  std::int64_t ropeOriginalMaxPositions = 8192;  // llama3
  std::int64_t maxPositionEmbeddings = 2048;
  bool tieWordEmbeddings = false;
  bool attentionBias = false;
  bool mlpBias = false;
  std::int64_t bosTokenId = 1;
  std::vector<std::int64_t> eosTokenIds = {2};
  Lora lora;

  // Reads and validates config.json; every problem throws ConfigError naming the
  // file and the key. Besides HF's keys, an optional "lora": {"reduction": r,
  // "alpha": a} declares Llama-AVSR LoRA weights in the checkpoint.
  static LlamaConfig fromJson(const std::string& path);
  // The same from already parsed JSON text; `source` names it in messages.
  static LlamaConfig fromJsonText(const std::string& text, const std::string& source);

  // An HF-compatible config.json (LlamaForCausalLM) that fromJson reads back to the
  // same values; the "lora" key only when LoRA is enabled.
  std::string toJsonText() const;

  // Throws ConfigError when the values do not describe a buildable decoder.
  void validate(const std::string& source) const;
  std::int64_t kvGroups() const { return numAttentionHeads / numKeyValueHeads; }
};

}  // namespace sinkscope
