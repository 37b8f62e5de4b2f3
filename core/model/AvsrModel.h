#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "core/base/CaptureSpec.h"
#include "core/base/Modality.h"
#include "core/base/Trace.h"
#include "core/model/AvsrConfig.h"
#include "core/model/Compression.h"
#include "core/model/Generator.h"
#include "core/model/LlamaForCausalLM.h"
#include "core/model/LogMel.h"
#include "core/model/Projector.h"
#include "core/model/Runtime.h"
#include "core/model/VideoEncoder.h"
#include "core/model/WhisperEncoder.h"
#include "core/text/Tokenizer.h"

namespace sinkscope {

// One utterance's decoded media, as the media pipeline delivers it.
struct MediaInput {
  torch::Tensor waveform;   // [N] float32, 16 kHz mono, before normalisation; undefined: none
  torch::Tensor mouthRois;  // [F, 96, 96] uint8 grey crops at 25 fps; undefined: none
};

// The decoder input of one pass: embeddings and what every position is.
struct AssembledInput {
  torch::Tensor embeds;                            // [1, T, D]
  std::vector<TraceToken> tokens;                  // T entries
  std::map<std::string, HostTensor> encoderTaps;   // audio_encoder., video_proj., ...
};

// A model sinkscope can run: a composite Llama-AVSR directory (encoders, projectors,
// LLM with LoRA; DESIGN §3, §5) or a plain Hugging Face Llama-family directory
// (text-only). Weights are immutable after loading and shared by sessions; every
// method that decodes creates its own Generator (KV cache) and taps.
class AvsrModel {
 public:
  // Detects the kind of directory from its config.json. Errors name the file and key.
  static std::shared_ptr<AvsrModel> load(const std::string& directory, const Runtime& runtime = {});

  bool isTextOnly() const { return !composite_.has_value(); }
  const std::string& name() const { return name_; }
  const std::string& directory() const { return directory_; }
  const Runtime& runtime() const { return runtime_; }
  const std::optional<AvsrConfig>& composite() const { return composite_; }
  LlamaForCausalLM& llm() { return llm_; }
  std::shared_ptr<WhisperEncoder> audioEncoder() const { return audioEncoder_; }
  std::shared_ptr<VideoEncoder> videoEncoder() const { return videoEncoder_; }
  std::shared_ptr<Projector> audioProjector() const { return audioProjector_; }
  std::shared_ptr<Projector> videoProjector() const { return videoProjector_; }
  const Tokenizer* tokenizer() const { return tokenizer_ ? &*tokenizer_ : nullptr; }
  std::vector<Modality> modalities() const;  // {Text} for a plain LLM
  Modality defaultModality() const;
  std::int64_t bosId() const;

  // Token ids -> display text ("<audio>", "the"); the id itself without a tokenizer.
  std::string pieceOf(std::int64_t id) const;
  // Text -> ids with the tokenizer's special tokens (text-only prompts). Error without
  // a tokenizer.
  std::vector<std::int64_t> encodeText(const std::string& text, bool addSpecialTokens) const;

  // BOS <audio> A.. </audio> <video> V.. </video> prompt [response]: DESIGN §3.
  // Encoder and projector taps the spec asks for land in the result's encoderTaps.
  AssembledInput assemble(const MediaInput& media, Modality modality,
                          const std::vector<std::int64_t>& response, const CaptureSpec& spec);

  // One teacher-forced pass. Text: `ids` exactly as given. Media modalities: the
  // layout above with `ids` as the response.
  TracePtr forward(const MediaInput& media, Modality modality, const std::vector<std::int64_t>& ids,
                   const CaptureSpec& spec);

  // Decodes a transcript (beam search by default), then one capture pass over input
  // plus transcript so every generated step's attention row is in the trace.
  TracePtr transcribe(const MediaInput& media, Modality modality, const GenerationOptions& options,
                      const CaptureSpec& spec);
  // Text-only: `ids` exactly as given (BOS first when wanted) continued by the
  // generator, then one capture pass over prompt + continuation.
  TracePtr continueText(const std::vector<std::int64_t>& ids, const GenerationOptions& options,
                        const CaptureSpec& spec);
  GenerationOptions defaultGenerationOptions() const;

 private:
  AvsrModel() = default;
  void loadComposite(const std::string& directory);
  torch::Tensor encodeAudio(const torch::Tensor& waveform, const CaptureSpec& spec,
                            std::map<std::string, HostTensor>& taps);
  torch::Tensor encodeVideo(const torch::Tensor& rois, const CaptureSpec& spec,
                            std::map<std::string, HostTensor>& taps);
  torch::Tensor embedIds(const std::vector<std::int64_t>& ids);
  std::int64_t requireTokenId(const std::string& token) const;

  std::string name_;
  std::string directory_;
  Runtime runtime_;
  std::optional<AvsrConfig> composite_;
  LlamaForCausalLM llm_{nullptr};
  std::optional<Tokenizer> tokenizer_;
  std::shared_ptr<WhisperEncoder> audioEncoder_;
  std::shared_ptr<VideoEncoder> videoEncoder_;
  std::shared_ptr<Projector> audioProjector_;
  std::shared_ptr<Projector> videoProjector_;
  std::unique_ptr<LogMel> logMel_;
};

}  // namespace sinkscope
