#include "core/model/Projector.h"

#include "core/base/Error.h"
#include "core/io/Safetensors.h"
#include "core/model/EncoderTaps.h"
#include "core/model/WeightLoader.h"

namespace sinkscope {

namespace {

std::string shapeString(const std::vector<std::int64_t>& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

}  // namespace

Projector::Projector(const ProjectorOptions& options) : options_(options) {
  if (options.inputDim <= 0 || options.hiddenDim <= 0 || options.outputDim <= 0) {
    throw ConfigError("projector: input, hidden and output sizes must be positive, found " +
                      std::to_string(options.inputDim) + ", " + std::to_string(options.hiddenDim) + ", " +
                      std::to_string(options.outputDim));
  }
  linear1_ = register_module("0", torch::nn::Linear(options.inputDim, options.hiddenDim));
  linear2_ = register_module("2", torch::nn::Linear(options.hiddenDim, options.outputDim));
  if (options.layerNorm) {
    norm_ = register_module(
        "3", torch::nn::LayerNorm(torch::nn::LayerNormOptions({options.outputDim}).eps(options.layerNormEps)));
  }
}

ProjectorOptions Projector::optionsFromWeights(const SafetensorsSet& weights, const std::string& prefix) {
  const TensorView first = weights.tensor(prefix + "0.weight");
  const TensorView second = weights.tensor(prefix + "2.weight");
  if (first.shape.size() != 2 || second.shape.size() != 2 || second.shape[1] != first.shape[0]) {
    throw ShapeError(weights.fileOf(prefix + "0.weight") + ": projector " + prefix +
                     " expects 0.weight [hidden, in] and 2.weight [out, hidden], found " +
                     shapeString(first.shape) + " and " + shapeString(second.shape));
  }
  ProjectorOptions options;
  options.hiddenDim = static_cast<int>(first.shape[0]);
  options.inputDim = static_cast<int>(first.shape[1]);
  options.outputDim = static_cast<int>(second.shape[0]);
  options.layerNorm = weights.contains(prefix + "3.weight");
  return options;
}

std::shared_ptr<Projector> Projector::load(const ProjectorOptions& options, const SafetensorsSet& weights,
                                           const std::string& prefix, const Runtime& runtime) {
  auto projector = std::make_shared<Projector>(options);
  WeightLoader::load(*projector, weights, prefix, runtime);
  projector->eval();
  return projector;
}

torch::Tensor Projector::forward(const torch::Tensor& x, EncoderTaps* taps) {
  if (x.dim() != 3 || x.size(2) != options_.inputDim) {
    throw ShapeError("projector: expected [B, T, " + std::to_string(options_.inputDim) + "], found " +
                     c10::str(x.sizes()));
  }
  const torch::Tensor& weight = linear1_->weight;
  // MLP: [B, T, in] -> [B, T, hidden] -> [B, T, out]
  torch::Tensor out = linear2_->forward(torch::relu(linear1_->forward(x.to(weight.device(), weight.scalar_type()))));
  if (!norm_.is_empty()) out = norm_->forward(out);
  if (taps != nullptr && taps->wants("hook_out")) taps->record("hook_out", out);
  return out;
}

}  // namespace sinkscope
