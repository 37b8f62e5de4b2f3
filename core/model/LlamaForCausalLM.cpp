#include "core/model/LlamaForCausalLM.h"

#include "core/base/Error.h"
#include "core/model/LlamaKvCache.h"
#include "core/model/TapRecorder.h"
#include "core/model/WeightLoader.h"

namespace sinkscope {
namespace {

std::string shapeOf(const torch::Tensor& t) {
  std::string out = "[";
  for (std::int64_t i = 0; i < t.dim(); ++i) out += (i ? ", " : "") + std::to_string(t.size(i));
  return out + "]";
}

}  // namespace

LlamaForCausalLMImpl::LlamaForCausalLMImpl(const LlamaConfig& config) : config_(config) {
  config_.validate("LlamaConfig");
  model_ = register_module("model", LlamaModel(config_));
  if (!config_.tieWordEmbeddings) {
    lmHead_ = register_module(
        "lm_head",
        torch::nn::Linear(torch::nn::LinearOptions(config_.hiddenSize, config_.vocabSize).bias(false)));
  }
  setTrainableFlags();
}

LlamaForCausalLM LlamaForCausalLM::fromPretrained(const std::string& directory, const Runtime& runtime) {
  const LlamaConfig config = LlamaConfig::fromJson(directory + "/config.json");
  LlamaForCausalLM model(config);
  model->loadWeights(SafetensorsSet::openDirectory(directory), "", runtime);
  model->eval();
  return model;
}

void LlamaForCausalLMImpl::loadWeights(const SafetensorsSet& weights, const std::string& prefix,
                                       const Runtime& runtime, const std::vector<std::string>& optional,
                                       const std::vector<std::string>& include) {
  {
    torch::NoGradGuard noGrad;
    WeightLoader::load(*this, weights, prefix, runtime, optional, include);
  }
  model_->to(runtime.device);
  runtime_ = runtime;
}

void LlamaForCausalLMImpl::setTrainableFlags() {
  for (auto& item : named_parameters(/*recurse=*/true)) {
    item.value().set_requires_grad(item.key().find(".lora_") != std::string::npos);
  }
}

torch::Tensor LlamaForCausalLMImpl::embed(const torch::Tensor& ids) {
  if (ids.dim() != 2 || !(ids.scalar_type() == torch::kInt64 || ids.scalar_type() == torch::kInt32)) {
    throw ShapeError("input ids must be an integer tensor [B, T], found " + shapeOf(ids));
  }
  if (ids.numel() > 0) {
    const auto low = ids.min().item<std::int64_t>();
    const auto high = ids.max().item<std::int64_t>();
    if (low < 0 || high >= config_.vocabSize) {
      throw ShapeError("token id " + std::to_string(low < 0 ? low : high) +
                       " is outside the vocabulary of " + std::to_string(config_.vocabSize));
    }
  }
  return model_->embed(ids.to(model_->embedWeight().device(), torch::kInt64));
}

torch::Tensor LlamaForCausalLMImpl::inputEmbeddings(const LlamaInput& input) {
  if (input.inputIds.defined() == input.inputsEmbeds.defined()) {
    throw ShapeError("decoder input needs exactly one of input ids and input embeddings");
  }
  if (input.inputIds.defined()) return embed(input.inputIds);
  const torch::Tensor& embeds = input.inputsEmbeds;
  if (embeds.dim() != 3 || embeds.size(2) != config_.hiddenSize) {
    throw ShapeError("input embeddings must be [B, T, " + std::to_string(config_.hiddenSize) +
                     "], found " + shapeOf(embeds));
  }
  const torch::Tensor& weight = model_->embedWeight();
  return embeds.to(weight.device(), weight.scalar_type());
}

torch::Tensor LlamaForCausalLMImpl::positions(const LlamaInput& input, std::int64_t batch,
                                              std::int64_t length, std::int64_t past,
                                              torch::Device device) const {
  const auto longOptions = torch::TensorOptions().dtype(torch::kInt64).device(device);
  if (input.positionIds.defined()) {
    if (input.positionIds.dim() != 2 || input.positionIds.size(0) != batch ||
        input.positionIds.size(1) != length) {
      throw ShapeError("position ids must be [" + std::to_string(batch) + ", " +
                       std::to_string(length) + "], found " + shapeOf(input.positionIds));
    }
    return input.positionIds.to(device, torch::kInt64);
  }
  if (input.attentionMask.defined()) {
    // HF's generate: the running count of real tokens, padding parked at 1.
    const torch::Tensor mask = input.attentionMask.to(device, torch::kInt64);
    torch::Tensor counted = mask.cumsum(-1) - 1;
    counted.masked_fill_(mask == 0, 1);
    return counted.narrow(1, past, length);
  }
  return torch::arange(past, past + length, longOptions).unsqueeze(0).expand({batch, length});
}

torch::Tensor LlamaForCausalLMImpl::hiddenKeys(const LlamaInput& input, std::int64_t batch,
                                               std::int64_t length, std::int64_t past,
                                               torch::Device device) const {
  const bool padded = input.attentionMask.defined();
  if (padded && (input.attentionMask.dim() != 2 || input.attentionMask.size(0) != batch ||
                 input.attentionMask.size(1) != past + length)) {
    throw ShapeError("attention mask must be [" + std::to_string(batch) + ", " +
                     std::to_string(past + length) + "] (cached + new positions), found " +
                     shapeOf(input.attentionMask));
  }
  // A single new token with no padding sees every cached key: no mask at all.
  if (!padded && length == 1) return {};
  const auto longOptions = torch::TensorOptions().dtype(torch::kInt64).device(device);
  const torch::Tensor keyPositions = torch::arange(past + length, longOptions);
  const torch::Tensor queryPositions = torch::arange(past, past + length, longOptions);
  const torch::Tensor causal = keyPositions.unsqueeze(0) <= queryPositions.unsqueeze(1);  // [T, S]
  if (!padded) return causal.logical_not().unsqueeze(0).unsqueeze(0);                     // [1, 1, T, S]
  const torch::Tensor real = input.attentionMask.to(device).to(torch::kBool);             // [B, S]
  return (causal.unsqueeze(0) & real.unsqueeze(1)).logical_not().unsqueeze(1);            // [B, 1, T, S]
}

torch::Tensor LlamaForCausalLMImpl::head(const torch::Tensor& hidden) {
  // [B, T, D] -> [B, T, V] float32
  const torch::Tensor logits =
      lmHead_.is_empty() ? torch::linear(hidden, model_->embedWeight()) : lmHead_(hidden);
  return logits.to(torch::kFloat32);
}

torch::Tensor LlamaForCausalLMImpl::forward(const LlamaInput& input, const LlamaForwardOptions& options) {
  // Embeddings: [B, T, D]
  const torch::Tensor embeds = inputEmbeddings(input);
  const auto batch = embeds.size(0);
  const auto length = embeds.size(1);
  const std::int64_t past = options.cache != nullptr ? options.cache->length() : 0;
  if (options.cache != nullptr && options.cache->numLayers() != config_.numHiddenLayers) {
    throw ShapeError("KV cache has " + std::to_string(options.cache->numLayers()) +
                     " layers, the decoder " + std::to_string(config_.numHiddenLayers));
  }

  // Positions [B, T] and the keys each query must not see [B or 1, 1, T, S]
  const torch::Tensor positionIds = positions(input, batch, length, past, embeds.device());
  const torch::Tensor blocked = hiddenKeys(input, batch, length, past, embeds.device());

  // Decoder and head: [B, T, D] -> [B, T, V]
  torch::Tensor hidden =
      model_->forward(embeds, positionIds, blocked, options.cache, options.taps, options.residuals,
                      options.interventions);
  if (options.lastLogitsOnly) hidden = hidden.narrow(1, length - 1, 1);
  const torch::Tensor logits = head(hidden);
  if (options.taps != nullptr && options.taps->wants("logits")) options.taps->record("logits", logits);
  return logits;
}

std::map<std::string, HostTensor> LlamaForCausalLMImpl::capture(const LlamaInput& input,
                                                                const CaptureSpec& spec,
                                                                const std::string& prefix,
                                                                const InterventionSpec* interventions) {
  c10::InferenceMode inference;
  TapRecorder recorder(spec, prefix);
  const torch::Tensor embeds = inputEmbeddings(input);
  if (embeds.size(0) != 1) {
    throw ShapeError("captures need batch size 1, found " + std::to_string(embeds.size(0)));
  }
  const auto length = embeds.size(1);
  const torch::Tensor positionIds = positions(input, 1, length, 0, embeds.device());
  const torch::Tensor blocked = hiddenKeys(input, 1, length, 0, embeds.device());
  const torch::Tensor normalized = model_->forward(embeds, positionIds, blocked, nullptr, &recorder, nullptr, interventions);
  if (recorder.wants("logits")) recorder.record("logits", head(normalized));
  return recorder.takeTaps();
}

}  // namespace sinkscope
