#include "core/model/TraceBuilder.h"

#include <utility>

#include "core/base/Error.h"

namespace sinkscope {
namespace {

bool startsWith(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

// Which axis of a decoder tap runs over the sequence; -1 for taps of other parts.
int tokenAxis(const std::string& name, const HostTensor& tensor) {
  const bool decoder = startsWith(name, "blocks.") || name == "hook_embed" ||
                       name == "ln_final.hook_normalized" || name == "logits";
  if (!decoder || tensor.dim() == 0) return -1;
  // Patterns [H, T, T] and received [H, T] keep keys last; the rest start with T.
  if (name.find("attn.hook_pattern") != std::string::npos || name.find("attn.hook_received") != std::string::npos) {
    return tensor.dim() - 1;
  }
  return 0;
}

}  // namespace

std::string TraceBuilder::textOf(std::int64_t id, const PieceOf& pieceOf) {
  return pieceOf ? pieceOf(id) : std::to_string(id);
}

TraceBuilder& TraceBuilder::setModel(const std::string& name, const std::string& modality, int numLayers,
                                     int numHeads, int hiddenSize) {
  trace_.modelName = name;
  trace_.modality = modality;
  trace_.numLayers = numLayers;
  trace_.numHeads = numHeads;
  trace_.hiddenSize = hiddenSize;
  return *this;
}

TraceBuilder& TraceBuilder::setCapturedHeads(std::vector<int> heads) {
  trace_.capturedHeads = std::move(heads);
  return *this;
}

TraceBuilder& TraceBuilder::addTokens(const std::vector<TraceToken>& tokens) {
  trace_.tokens.insert(trace_.tokens.end(), tokens.begin(), tokens.end());
  return *this;
}

TraceBuilder& TraceBuilder::addTextTokens(const std::vector<std::int64_t>& ids, std::int64_t bosId,
                                          const PieceOf& pieceOf) {
  for (std::size_t i = 0; i < ids.size(); ++i) {
    TraceToken token;
    token.id = ids[i];
    token.text = textOf(ids[i], pieceOf);
    token.segment = (i == 0 && trace_.tokens.empty() && ids[i] == bosId) ? Segment::Bos : Segment::Prompt;
    trace_.tokens.push_back(std::move(token));
  }
  return *this;
}

TraceBuilder& TraceBuilder::addTaps(std::map<std::string, HostTensor> taps) {
  for (auto& [name, tensor] : taps) {
    if (trace_.taps.count(name) != 0) throw Error("trace: tap '" + name + "' captured twice");
    trace_.taps.emplace(name, std::move(tensor));
  }
  return *this;
}

TraceBuilder& TraceBuilder::addGeneration(const GenerationResult& result, const PieceOf& pieceOf) {
  for (std::size_t i = 0; i < result.ids.size(); ++i) {
    TraceToken token;
    token.id = result.ids[i];
    token.text = textOf(result.ids[i], pieceOf);
    token.segment = Segment::Response;
    trace_.tokens.push_back(token);

    TraceStep step;
    step.id = result.ids[i];
    step.text = token.text;
    step.logProb = i < result.logProbs.size() ? result.logProbs[i] : 0.0f;
    step.elapsedMs = i < result.elapsedMs.size() ? result.elapsedMs[i] : 0.0;
    trace_.steps.push_back(std::move(step));
  }
  return *this;
}

TraceBuilder& TraceBuilder::setTranscript(std::string transcript) {
  trace_.transcript = std::move(transcript);
  return *this;
}

TraceBuilder& TraceBuilder::setInferenceMs(double ms) {
  trace_.inferenceMs = ms;
  return *this;
}

TracePtr TraceBuilder::build() {
  if (!trace_.tokens.empty()) {
    for (const auto& [name, tensor] : trace_.taps) {
      const int axis = tokenAxis(name, tensor);
      if (axis >= 0 && tensor.size(axis) != trace_.numTokens()) {
        throw Error("trace: tap '" + name + "' " + tensor.shapeString() + " covers " +
                    std::to_string(tensor.size(axis)) + " positions, the trace has " +
                    std::to_string(trace_.numTokens()) + " tokens");
      }
    }
  }
  auto trace = std::make_shared<const Trace>(std::move(trace_));
  trace_ = Trace{};
  return trace;
}

}  // namespace sinkscope
