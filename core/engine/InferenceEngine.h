#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/base/CaptureSpec.h"
#include "core/base/InterventionSpec.h"
#include "core/base/Modality.h"
#include "core/base/RunControl.h"
#include "core/base/Trace.h"
#include "core/engine/ClipMedia.h"

namespace sinkscope {

struct EngineOptions {
  std::string device = "cpu";  // cpu, cuda, cuda:N, auto
  std::string dtype = "fp32";  // fp32, fp16, bf16
  int threads = 0;             // LibTorch intra-op threads; 0 keeps its default
};

// What the views need to know about a loaded model.
struct ModelSummary {
  std::string name;
  std::string directory;
  bool textOnly = false;
  std::vector<Modality> modalities;
  Modality defaultModality = Modality::Text;
  int numLayers = 0;
  int numHeads = 0;
  int numKeyValueHeads = 0;
  int hiddenSize = 0;
  long long vocabSize = 0;
  long long parameterCount = 0;
  std::string device;
  std::string dtype;
};

struct RunOptions {
  int maxNewTokens = 32;  // text-only: tokens generated after the prompt (0: none)
  int numBeams = 0;       // 0: the model's default (greedy for text-only)
  CaptureSpec capture = CaptureSpec::analysisDefault();
  // Edits every decoder pass of the run (prefill, steps, capture); empty: none.
  // Text-only runs need maxNewTokens > 0 for it.
  InterventionSpec interventions;
  // Progress of the decoding loop and a way to stop it from another thread
  // (CancelledError); null: neither.
  std::shared_ptr<RunControl> control;
};

// The engine as the GUI and other LibTorch-free code see it (DESIGN §4): loads any
// model sinkscope runs (composite AVSR or plain Llama-family directory) and turns an
// input into an immutable Trace. Weights are immutable after load; every run builds
// its own decoding state, so runs on different threads do not share mutable state.
// Errors are sinkscope::Error subclasses with one-line messages.
class InferenceEngine {
 public:
  static std::shared_ptr<InferenceEngine> load(const std::string& directory,
                                               const EngineOptions& options = {});
  ~InferenceEngine();
  InferenceEngine(const InferenceEngine&) = delete;
  InferenceEngine& operator=(const InferenceEngine&) = delete;

  const ModelSummary& summary() const;

  // Text-only: the prompt (with the tokenizer's BOS), then up to maxNewTokens
  // generated greedily; one capture pass over prompt + continuation.
  TracePtr runText(const std::string& prompt, const RunOptions& options = {}) const;
  // ASR / VSR / AVSR: the model's layout of the clip, decoded into a transcript, with
  // every generated step's attention row captured.
  TracePtr runMedia(const ClipMedia& media, Modality modality, const RunOptions& options = {}) const;

 private:
  struct Impl;
  explicit InferenceEngine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sinkscope
