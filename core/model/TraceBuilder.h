#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/base/HostTensor.h"
#include "core/base/Trace.h"
#include "core/model/GenerationResult.h"

namespace sinkscope {

// Assembles the immutable Trace of one run (DESIGN §4) from its parts: model
// summary, input tokens with segment labels, captured taps (from one or several
// recorders: decoder, encoders, projectors) and the generated steps. Used by the
// text-only Llama path (Generator::captureTrace) and the AVSR model alike.
class TraceBuilder {
 public:
  using PieceOf = std::function<std::string(std::int64_t)>;

  TraceBuilder& setModel(const std::string& name, const std::string& modality, int numLayers,
                         int numHeads, int hiddenSize);
  TraceBuilder& setCapturedHeads(std::vector<int> heads);
  TraceBuilder& addTokens(const std::vector<TraceToken>& tokens);
  // Token ids of a text prompt: a leading bosId is Segment::Bos, the rest Prompt.
  // Without pieceOf a token's text is its id in decimal.
  TraceBuilder& addTextTokens(const std::vector<std::int64_t>& ids, std::int64_t bosId,
                              const PieceOf& pieceOf = {});
  // Merges taps; a name captured twice throws Error.
  TraceBuilder& addTaps(std::map<std::string, HostTensor> taps);
  // Appends the generated tokens as Segment::Response positions and as steps.
  TraceBuilder& addGeneration(const GenerationResult& result, const PieceOf& pieceOf = {});
  TraceBuilder& setTranscript(std::string transcript);
  TraceBuilder& setInferenceMs(double ms);

  // Checks that every decoder tap's token axis matches the tokens (when tokens were
  // given) and hands out the trace; the builder is empty afterwards.
  TracePtr build();

 private:
  static std::string textOf(std::int64_t id, const PieceOf& pieceOf);
  Trace trace_;
};

}  // namespace sinkscope
