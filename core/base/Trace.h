#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/base/HostTensor.h"
#include "core/base/Segment.h"

namespace sinkscope {

// One position of the decoder's input sequence.
struct TraceToken {
  std::int64_t id = -1;     // token id; -1 for encoder positions (audio/video features)
  std::string text;         // decoded piece, "<audio>", "A12" (audio token 12), ...
  Segment segment = Segment::Prompt;
  double startSec = -1.0;   // media time span of an audio/video token, -1 otherwise
  double endSec = -1.0;
};

// One generated token of the transcript.
struct TraceStep {
  std::int64_t id = -1;
  std::string text;
  float logProb = 0.0f;     // log-probability under the model at that step
  double elapsedMs = 0.0;   // time since decoding began when it was produced
};

// Everything one pass captured (DESIGN §4): an immutable value shared as
// std::shared_ptr<const Trace>. `tokens` covers the input and the generated
// response; `taps` is keyed by tap name (CaptureSpec.h) and holds only what the
// capture spec asked for.
struct Trace {
  std::string modelName;
  std::string modality;  // "text", "asr", "vsr" or "avsr"
  int numLayers = 0;
  int numHeads = 0;
  int hiddenSize = 0;
  std::vector<int> capturedHeads;  // which heads the pattern taps hold, in order
  std::vector<TraceToken> tokens;
  std::map<std::string, HostTensor> taps;
  std::vector<TraceStep> steps;    // generated tokens, in order
  std::string transcript;
  double inferenceMs = 0.0;

  const HostTensor* find(const std::string& tapName) const;
  const HostTensor& at(const std::string& tapName) const;  // throws Error when absent
  int numTokens() const { return static_cast<int>(tokens.size()); }
};

using TracePtr = std::shared_ptr<const Trace>;

}  // namespace sinkscope
