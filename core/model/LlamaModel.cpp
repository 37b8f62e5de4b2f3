#include "core/model/LlamaModel.h"

#include "core/model/Intervener.h"
#include "core/model/LlamaKvCache.h"
#include "core/model/TapRecorder.h"

namespace sinkscope {

LlamaModelImpl::LlamaModelImpl(const LlamaConfig& config) : rotary_(config) {
  embedTokens_ = register_module(
      "embed_tokens", torch::nn::Embedding(torch::nn::EmbeddingOptions(config.vocabSize, config.hiddenSize)));
  torch::nn::ModuleList layers;
  for (int i = 0; i < config.numHiddenLayers; ++i) {
    layers_.emplace_back(config, i);
    layers->push_back(layers_.back());
  }
  register_module("layers", layers);
  norm_ = register_module("norm", RmsNorm(config.hiddenSize, config.rmsNormEps));
}

torch::Tensor LlamaModelImpl::embed(const torch::Tensor& ids) {
  return embedTokens_(ids);
}

void LlamaModelImpl::to(torch::Device device, torch::Dtype dtype, bool nonBlocking) {
  torch::nn::Module::to(device, dtype, nonBlocking);
  rotary_.to(device);
}

void LlamaModelImpl::to(torch::Device device, bool nonBlocking) {
  torch::nn::Module::to(device, nonBlocking);
  rotary_.to(device);
}

torch::Tensor LlamaModelImpl::forward(const torch::Tensor& embeds, const torch::Tensor& positions,
                                      const torch::Tensor& blocked, LlamaKvCache* cache,
                                      TapRecorder* taps, std::vector<torch::Tensor>* residuals,
                                      const InterventionSpec* interventions) {
  // Input embeddings h_0: [B, T, D]
  if (taps != nullptr && taps->wants("hook_embed")) taps->record("hook_embed", embeds);
  const auto [cos, sin] = rotary_.cosSin(positions, embeds.scalar_type());  // [B, T, Dh]

  // Decoder layers: [B, T, D]
  std::unique_ptr<Intervener> intervener;
  if (interventions != nullptr && !interventions->empty()) {
    intervener = std::make_unique<Intervener>(*interventions, cache != nullptr ? cache->length() : 0);
  }
  torch::Tensor hidden = embeds;
  for (auto& layer : layers_) {
    hidden = layer(hidden, cos, sin, blocked, cache, taps, intervener.get());
    if (residuals != nullptr) residuals->push_back(hidden);
  }

  // Final norm: [B, T, D]
  const torch::Tensor normalized = norm_(hidden);
  if (taps != nullptr && taps->wants("ln_final.hook_normalized")) {
    taps->record("ln_final.hook_normalized", normalized);
  }
  return normalized;
}

}  // namespace sinkscope
