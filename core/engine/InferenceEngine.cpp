#include "core/engine/InferenceEngine.h"

#include <algorithm>
#include <chrono>

#include <torch/torch.h>

#include "core/base/Error.h"
#include "core/engine/MediaTensors.h"
#include "core/model/AvsrModel.h"
#include "core/model/Generator.h"
#include "core/model/Runtime.h"
#include "core/model/TraceBuilder.h"

namespace sinkscope {

struct InferenceEngine::Impl {
  std::shared_ptr<AvsrModel> model;
  ModelSummary summary;
};

InferenceEngine::InferenceEngine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
InferenceEngine::~InferenceEngine() = default;

std::shared_ptr<InferenceEngine> InferenceEngine::load(const std::string& directory,
                                                       const EngineOptions& options) {
  Runtime::setThreads(options.threads);
  auto impl = std::make_unique<Impl>();
  impl->model = AvsrModel::load(directory, Runtime::fromNames(options.device, options.dtype));
  const auto& model = *impl->model;
  const auto& config = impl->model->llm()->config();
  ModelSummary& s = impl->summary;
  s.name = model.name();
  s.directory = model.directory();
  s.textOnly = model.isTextOnly();
  s.modalities = model.modalities();
  s.defaultModality = model.defaultModality();
  s.numLayers = config.numHiddenLayers;
  s.numHeads = config.numAttentionHeads;
  s.numKeyValueHeads = config.numKeyValueHeads;
  s.hiddenSize = static_cast<int>(config.hiddenSize);
  s.vocabSize = config.vocabSize;
  for (const auto& p : impl->model->llm()->parameters()) s.parameterCount += p.numel();
  s.device = model.runtime().device.str();
  s.dtype = Runtime::dtypeName(model.runtime().dtype);
  return std::shared_ptr<InferenceEngine>(new InferenceEngine(std::move(impl)));
}

const ModelSummary& InferenceEngine::summary() const { return impl_->summary; }

TracePtr InferenceEngine::runText(const std::string& prompt, const RunOptions& options) const {
  c10::InferenceMode inference;
  AvsrModel& model = *impl_->model;
  const std::vector<std::int64_t> ids = model.encodeText(prompt, true);
  if (ids.empty()) throw Error("the prompt encodes to no tokens");
  if (options.maxNewTokens <= 0) {
    if (!options.interventions.empty()) throw Error("interventions on a text prompt need generated tokens (max new tokens > 0)");
    return model.forward({}, Modality::Text, ids, options.capture);
  }

  const auto start = std::chrono::steady_clock::now();
  const auto& c = model.llm()->config();
  TraceBuilder builder;
  builder.setModel(model.name(), "text", c.numHiddenLayers, c.numAttentionHeads, static_cast<int>(c.hiddenSize));
  const auto pieceOf = [&model](std::int64_t id) { return model.pieceOf(id); };
  builder.addTextTokens(ids, model.bosId(), pieceOf);

  GenerationOptions generation = model.defaultGenerationOptions();
  generation.numBeams = std::max(1, options.numBeams);
  generation.maxNewTokens = options.maxNewTokens;
  generation.interventions = options.interventions;
  generation.control = options.control;
  const LlamaInput input = LlamaInput::ids(torch::tensor(ids, torch::kLong).unsqueeze(0));
  Generator generator(model.llm(), generation);
  const GenerationResult result = generator.generate(input);
  generator.captureTrace(input, result, options.capture, builder, pieceOf);
  if (model.tokenizer() != nullptr) builder.setTranscript(model.tokenizer()->decode(result.ids, true));
  builder.setInferenceMs(
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  return builder.build();
}

TracePtr InferenceEngine::runMedia(const ClipMedia& media, Modality modality, const RunOptions& options) const {
  AvsrModel& model = *impl_->model;
  if (model.isTextOnly()) throw Error(model.name() + " is a text-only model: it takes no audio or video");
  const auto& offered = impl_->summary.modalities;
  if (std::find(offered.begin(), offered.end(), modality) == offered.end()) {
    throw Error(model.name() + " does not offer " + modalityName(modality));
  }
  GenerationOptions generation = model.defaultGenerationOptions();
  if (options.numBeams > 0) generation.numBeams = options.numBeams;
  generation.interventions = options.interventions;
  generation.control = options.control;
  return model.transcribe(MediaTensors::of(media, usesAudio(modality), usesVideo(modality)), modality, generation, options.capture);
}

}  // namespace sinkscope
