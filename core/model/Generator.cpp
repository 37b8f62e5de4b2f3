#include "core/model/Generator.h"

#include <algorithm>
#include <chrono>
#include <limits>

#include "core/base/Error.h"
#include "core/model/BeamHypotheses.h"
#include "core/model/TraceBuilder.h"

namespace sinkscope {
namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

void checkPrompt(const LlamaInput& prompt) {
  const torch::Tensor& main = prompt.inputIds.defined() ? prompt.inputIds : prompt.inputsEmbeds;
  if (!main.defined() || main.size(0) != 1 || main.size(1) == 0) {
    throw ShapeError("generation needs one non-empty prompt (batch 1) of ids or embeddings");
  }
  if (prompt.attentionMask.defined() || prompt.positionIds.defined()) {
    throw ShapeError("generation prompts take no attention mask or positions");
  }
}

}  // namespace

Generator::Generator(LlamaForCausalLM model, GenerationOptions options)
    : model_(std::move(model)), cache_(model_->config().numHiddenLayers) {
  setOptions(options);
}

void Generator::setOptions(const GenerationOptions& options) {
  if (options.numBeams < 1) throw ConfigError("generation: num_beams must be at least 1");
  if (options.maxNewTokens < 1) throw ConfigError("generation: max_new_tokens must be at least 1");
  const auto vocab = model_->config().vocabSize;
  const auto& eos = options.eosTokenIds.empty() ? model_->config().eosTokenIds : options.eosTokenIds;
  for (const auto id : options.suppressTokenIds) {
    if (id < 0 || id >= vocab)
      throw ConfigError("generation: suppressed token id " + std::to_string(id) + " is outside the vocabulary (" +
                        std::to_string(vocab) + " ids)");
    if (std::find(eos.begin(), eos.end(), id) != eos.end())
      throw ConfigError("generation: cannot suppress the end-of-text id " + std::to_string(id));
  }
  options_ = options;
  // Made once here, not at every decoding step.
  suppressIds_ = options_.suppressTokenIds.empty()
                     ? torch::Tensor()
                     : torch::tensor(options_.suppressTokenIds, torch::kInt64)
                           .to(model_->decoder()->embedWeight().device());
}

std::vector<std::int64_t> Generator::eosIds() const {
  return options_.eosTokenIds.empty() ? model_->config().eosTokenIds : options_.eosTokenIds;
}

bool Generator::isEos(std::int64_t id) const {
  const auto ids = eosIds();
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

torch::Tensor Generator::suppress(const torch::Tensor& scores) const {
  if (!suppressIds_.defined()) return scores;
  return scores.index_fill(-1, suppressIds_, -std::numeric_limits<double>::infinity());
}

void Generator::checkpoint(int done) const {
  if (options_.control) options_.control->checkpoint(done, options_.maxNewTokens);
}

GenerationResult Generator::generate(const LlamaInput& prompt) {
  return options_.numBeams == 1 ? greedy(prompt) : beamSearch(prompt);
}

torch::Tensor Generator::prefill(const LlamaInput& prompt) {
  checkPrompt(prompt);
  cache_.clear();
  LlamaForwardOptions forward;
  forward.cache = &cache_;
  forward.lastLogitsOnly = true;
  forward.interventions = &options_.interventions;
  return model_->forward(prompt, forward).select(1, 0);  // [1, V]
}

torch::Tensor Generator::step(const torch::Tensor& tokens) {
  LlamaForwardOptions forward;
  forward.cache = &cache_;
  forward.lastLogitsOnly = true;
  forward.interventions = &options_.interventions;
  return model_->forward(LlamaInput::ids(tokens.unsqueeze(1)), forward).select(1, 0);  // [N, V]
}

GenerationResult Generator::greedy(const LlamaInput& prompt) {
  c10::InferenceMode inference;
  const auto start = Clock::now();
  GenerationResult result;
  checkpoint(0);
  torch::Tensor logits = suppress(prefill(prompt));  // [1, V]
  for (int i = 0; i < options_.maxNewTokens; ++i) {
    if (i > 0) checkpoint(i);
    // HF takes the argmax of the (suppressed) logits; the log-probability is reported beside it.
    const torch::Tensor token = logits.argmax(-1);  // [1]
    const std::int64_t id = token.item<std::int64_t>();
    const float logProb = torch::log_softmax(logits, -1)[0][id].item<float>();
    result.ids.push_back(id);
    result.logProbs.push_back(logProb);
    result.elapsedMs.push_back(msSince(start));
    result.score += logProb;
    if (isEos(id)) {
      result.endedWithEos = true;
      break;
    }
    if (i + 1 < options_.maxNewTokens) logits = suppress(step(token));
  }
  return result;
}

GenerationResult Generator::beamSearch(const LlamaInput& prompt) {
  c10::InferenceMode inference;
  const auto start = Clock::now();
  const int numBeams = options_.numBeams;
  const auto eos = eosIds();

  checkpoint(0);
  // The prompt runs once; its cache is copied to every beam. Only beam 0 starts live
  // (the others at -1e9), so the first step picks distinct tokens, as in HF.
  torch::Tensor logits = prefill(prompt).expand({numBeams, -1});  // [N, V]
  const auto device = logits.device();
  const auto vocab = logits.size(1);
  cache_.selectRows(torch::zeros({numBeams}, torch::kInt64));
  std::vector<float> initialScores(static_cast<std::size_t>(numBeams), -1e9f);
  initialScores[0] = 0.0f;
  torch::Tensor beamScores = torch::tensor(initialScores).to(device);  // [N] float32

  std::vector<GenerationResult> beams(static_cast<std::size_t>(numBeams));
  BeamHypotheses finished(numBeams, options_.lengthPenalty);
  // HF keeps enough candidates that numBeams of them are not EOS.
  const auto keep = std::min<std::int64_t>(
      static_cast<std::int64_t>(std::max<std::size_t>(2, 1 + eos.size())) * numBeams,
      static_cast<std::int64_t>(numBeams) * vocab);
  bool done = false;

  for (int stepIndex = 0; stepIndex < options_.maxNewTokens && !done; ++stepIndex) {
    if (stepIndex > 0) {
      checkpoint(stepIndex);
      std::vector<std::int64_t> last;
      for (const auto& beam : beams) last.push_back(beam.ids.back());
      logits = step(torch::tensor(last, torch::kInt64).to(device));
    }
    // Candidates over all beams: [N, V] -> top `keep` of [N * V]
    const torch::Tensor logProbs = suppress(torch::log_softmax(logits, -1));
    const torch::Tensor total = (logProbs + beamScores.unsqueeze(1)).view({1, -1});
    const auto top = total.topk(keep, 1, /*largest=*/true, /*sorted=*/true);
    const torch::Tensor topScores = std::get<0>(top)[0].to(torch::kCPU);
    const torch::Tensor topIndices = std::get<1>(top)[0].to(torch::kCPU);
    const torch::Tensor stepLogProbs = logProbs.view({-1}).index_select(0, std::get<1>(top)[0]).to(torch::kCPU);
    const double elapsed = msSince(start);
    const int generatedLength = stepIndex + 1;

    std::vector<GenerationResult> next;
    std::vector<float> nextScores;
    std::vector<std::int64_t> nextRows;
    for (std::int64_t rank = 0; rank < keep && static_cast<int>(next.size()) < numBeams; ++rank) {
      const auto flat = topIndices[rank].item<std::int64_t>();
      const auto row = flat / vocab;
      const auto token = flat % vocab;
      const float score = topScores[rank].item<float>();
      GenerationResult extended = beams[static_cast<std::size_t>(row)];
      extended.ids.push_back(token);
      extended.logProbs.push_back(stepLogProbs[rank].item<float>());
      extended.elapsedMs.push_back(elapsed);
      if (std::find(eos.begin(), eos.end(), token) != eos.end()) {
        // An EOS ranked below the top numBeams candidates does not finish a hypothesis.
        if (rank >= numBeams) continue;
        extended.endedWithEos = true;
        finished.add(std::move(extended), score, generatedLength);
      } else {
        next.push_back(std::move(extended));
        nextScores.push_back(score);
        nextRows.push_back(row);
      }
    }
    if (static_cast<int>(next.size()) < numBeams) {
      throw Error("beam search: fewer than " + std::to_string(numBeams) + " non-EOS candidates");
    }
    done = finished.isDone(topScores[0].item<float>(), generatedLength);
    beams = std::move(next);
    beamScores = torch::tensor(nextScores).to(device);
    cache_.selectRows(torch::tensor(nextRows, torch::kInt64));
  }

  // Beams still open at the length limit compete with the finished ones.
  if (!done) {
    const torch::Tensor finalScores = beamScores.to(torch::kCPU);
    for (int i = 0; i < numBeams; ++i) {
      auto& beam = beams[static_cast<std::size_t>(i)];
      const int length = static_cast<int>(beam.ids.size());
      finished.add(std::move(beam), finalScores[i].item<float>(), length);
    }
  }
  return finished.best();
}

LlamaInput Generator::fullSequence(const LlamaInput& prompt, const std::vector<std::int64_t>& generated) {
  checkPrompt(prompt);
  const auto device = model_->decoder()->embedWeight().device();
  const torch::Tensor tail = torch::tensor(generated, torch::kInt64).to(device).unsqueeze(0);  // [1, G]
  if (prompt.inputIds.defined()) {
    return LlamaInput::ids(torch::cat({prompt.inputIds.to(device, torch::kInt64), tail}, 1));
  }
  c10::InferenceMode inference;
  const torch::Tensor head = prompt.inputsEmbeds.to(device, model_->decoder()->embedWeight().scalar_type());
  return LlamaInput::embeds(torch::cat({head, model_->embed(tail)}, 1));
}

void Generator::captureTrace(const LlamaInput& prompt, const GenerationResult& result,
                             const CaptureSpec& spec, TraceBuilder& builder,
                             const std::function<std::string(std::int64_t)>& pieceOf) {
  checkpoint(static_cast<int>(result.ids.size()));
  const LlamaInput full = fullSequence(prompt, result.ids);
  std::vector<int> heads = spec.heads;
  if (heads.empty()) {
    for (int h = 0; h < model_->config().numAttentionHeads; ++h) heads.push_back(h);
  }
  builder.setCapturedHeads(heads);
  builder.addTaps(model_->capture(full, spec, "", &options_.interventions));
  builder.addGeneration(result, pieceOf);
}

}  // namespace sinkscope
