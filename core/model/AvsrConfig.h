#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/base/Modality.h"

#include "core/model/Compression.h"
#include "core/model/LlamaConfig.h"

namespace sinkscope {

class Tokenizer;

// The top-level config.json of a composite AVSR model directory (DESIGN §5,
// docs/model-format.md): which parts it has (each a sub-directory in Hugging Face
// layout, possibly shared with other models through a relative path), how each
// modality is compressed, the prompts and added tokens, and the trained parts kept in
// the directory's own weights file (projectors and the LLM's LoRA).
struct AvsrConfig {
  static constexpr const char* kModelType = "sinkscope-avsr";

  std::string directory;     // absolute path of the model directory
  std::string name;          // display name (default: the directory's name)
  std::string llmPart = "llm";  // the parts as config.json names them, relative to
  std::string audioEncoderPart;  // the directory; empty when absent
  std::string videoEncoderPart;
  std::string llmPath;          // the same, resolved; filled by fromDirectory
  std::string audioEncoderPath;
  std::string videoEncoderPath;
  std::string weightsPath;      // projectors + LoRA ("model.safetensors")
  std::string description;      // free text shown by `info`
  Compression::Mode audioCompressionMode = Compression::Mode::Stack;
  int audioCompressionRate = 4;
  Compression::Mode videoCompressionMode = Compression::Mode::Stack;
  int videoCompressionRate = 2;
  // Whisper pads every utterance to 30 s before its log-mel (Llama-AVSR does too);
  // sinkscope's own small encoders are trained on unpadded utterances: 0.
  double audioPadSeconds = 30.0;
  LlamaConfig::Lora lora;
  std::vector<Modality> modalities;  // what the trained projectors allow
  Modality defaultModality = Modality::Avsr;
  std::map<Modality, std::string> prompts = {
      {Modality::Asr, "Transcribe speech to text."},
      {Modality::Vsr, "Transcribe video to text."},
      {Modality::Avsr, "Transcribe speech and video to text."}};
  std::string audioStartToken = "<audio>";
  std::string audioEndToken = "</audio>";
  std::string videoStartToken = "<video>";
  std::string videoEndToken = "</video>";
  std::string padToken = "<pad>";
  int numBeams = 15;
  int maxNewTokens = 32;
  // generation.suppress_tokens (HF's name): ids a transcript never holds, beyond the
  // BOS, padding and delimiters that AvsrModel always suppresses. sinkscope's bundles
  // list the phoneme-code bytes of a phoneme-drilled LLM here (PhonemeCodeTokens).
  std::vector<std::int64_t> suppressTokens;

  // Reads <directory>/config.json; ConfigError naming the file and key otherwise.
  static AvsrConfig fromDirectory(const std::string& directory);
  // True when <directory>/config.json says model_type "sinkscope-avsr".
  static bool isComposite(const std::string& directory);
  // The config.json text that fromDirectory reads back (parts as relative paths).
  std::string toJsonText() const;
  bool supports(Modality modality) const;
  // What decoding must never write, since a transcript is text only: BOS, the padding
  // and the four delimiters (those `tokenizer` has) and suppressTokens, each once, less
  // any of `eosIds`. Shared by AvsrModel and the trainer's evaluation, so the exported
  // model decodes as it was evaluated.
  std::vector<std::int64_t> idsNeverTranscribed(const Tokenizer& tokenizer, std::int64_t bosId,
                                                const std::vector<std::int64_t>& eosIds) const;
};

}  // namespace sinkscope
