#include "core/model/WhisperEncoder.h"

#include <cmath>

#include "core/base/Error.h"
#include "core/io/Safetensors.h"
#include "core/model/EncoderTaps.h"
#include "core/model/WeightLoader.h"

namespace sinkscope {

WhisperEncoder::WhisperEncoder(const WhisperEncoderConfig& config) : config_(config) {
  config_.validate();
  const int d = config.dModel;
  conv1_ = register_module(
      "conv1", torch::nn::Conv1d(torch::nn::Conv1dOptions(config.numMelBins, d, 3).padding(1)));
  conv2_ = register_module("conv2",
                           torch::nn::Conv1d(torch::nn::Conv1dOptions(d, d, 3).stride(2).padding(1)));
  embedPositions_ = register_module(
      "embed_positions", torch::nn::Embedding(config.maxSourcePositions, d));
  {
    torch::NoGradGuard noGrad;
    embedPositions_->weight.copy_(sinusoids(config.maxSourcePositions, d));
  }
  embedPositions_->weight.set_requires_grad(false);

  auto layers = register_module("layers", torch::nn::ModuleList());
  for (int l = 0; l < config.numLayers; ++l) {
    auto layer = std::make_shared<EncoderLayer>(EncoderLayerOptions{
        d, config.numHeads, config.ffnDim, /*keyBias=*/false, /*normFirst=*/true, config.layerNormEps});
    layers->push_back(layer);
    layerList_.push_back(layer);
  }
  layerNorm_ = register_module(
      "layer_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d}).eps(config.layerNormEps)));
}

torch::Tensor WhisperEncoder::sinusoids(int length, int channels) {
  if (channels % 2 != 0 || channels < 4) {
    throw ConfigError("whisper sinusoids: channel count must be even and at least 4, found " +
                      std::to_string(channels));
  }
  const int half = channels / 2;
  const double logIncrement = std::log(10000.0) / (half - 1);
  const torch::Tensor invTimescales = torch::exp(torch::arange(half, torch::kFloat32) * (-logIncrement));
  const torch::Tensor scaledTime =
      torch::arange(length, torch::kFloat32).unsqueeze(1) * invTimescales.unsqueeze(0);  // [L, C/2]
  return torch::cat({scaledTime.sin(), scaledTime.cos()}, 1);                          // [L, C]
}

std::string WhisperEncoder::detectPrefix(const SafetensorsSet& weights) {
  for (const char* prefix : {"model.encoder.", "encoder."}) {
    if (weights.contains(std::string(prefix) + "conv1.weight")) return prefix;
  }
  throw FormatError(weights.description() +
                    ": no Whisper encoder weights (neither model.encoder.conv1.weight nor encoder.conv1.weight)");
}

std::shared_ptr<WhisperEncoder> WhisperEncoder::load(const std::string& directory, const Runtime& runtime) {
  const auto config = WhisperEncoderConfig::fromFile(directory + "/config.json");
  const auto weights = SafetensorsSet::openDirectory(directory);
  return load(config, weights, runtime);
}

std::shared_ptr<WhisperEncoder> WhisperEncoder::load(const WhisperEncoderConfig& config,
                                                     const SafetensorsSet& weights, const Runtime& runtime,
                                                     std::string prefix) {
  if (prefix.empty()) prefix = detectPrefix(weights);
  auto encoder = std::make_shared<WhisperEncoder>(config);
  WeightLoader::load(*encoder, weights, prefix, runtime);
  encoder->eval();
  return encoder;
}

torch::Tensor WhisperEncoder::forward(const torch::Tensor& inputFeatures, EncoderTaps* taps) {
  if (inputFeatures.dim() != 3 || inputFeatures.size(1) != config_.numMelBins) {
    throw ShapeError("whisper encoder: expected input features [B, " + std::to_string(config_.numMelBins) +
                     ", frames], found " + c10::str(inputFeatures.sizes()));
  }
  const torch::Tensor& weight = conv1_->weight;
  const torch::Tensor x = inputFeatures.to(weight.device(), weight.scalar_type());

  // Convolutional stem: [B, M, frames] -> [B, D, T] -> [B, T, D]
  torch::Tensor hidden = torch::gelu(conv1_->forward(x));
  hidden = torch::gelu(conv2_->forward(hidden)).transpose(1, 2);
  const int64_t time = hidden.size(1);
  if (time > config_.maxSourcePositions) {
    throw ShapeError("whisper encoder: " + std::to_string(inputFeatures.size(2)) + " input frames give " +
                     std::to_string(time) + " positions, more than max_source_positions " +
                     std::to_string(config_.maxSourcePositions));
  }

  // Positions: [B, T, D]
  hidden = hidden + embedPositions_->weight.narrow(0, 0, time);
  if (taps != nullptr && taps->wants("hook_embed")) taps->record("hook_embed", hidden);

  for (std::size_t l = 0; l < layerList_.size(); ++l) {
    hidden = layerList_[l]->forward(hidden, static_cast<int>(l), taps);
  }

  // Final norm: [B, T, D]
  hidden = layerNorm_->forward(hidden);
  if (taps != nullptr && taps->wants("ln_final.hook_normalized")) {
    taps->record("ln_final.hook_normalized", hidden);
  }
  return hidden;
}

}  // namespace sinkscope
