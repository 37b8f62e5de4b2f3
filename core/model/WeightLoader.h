#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

#include "core/io/Safetensors.h"
#include "core/model/Runtime.h"

namespace sinkscope {

// Moves checkpoint tensors into modules whose parameters are registered under the
// checkpoint's own names, so loading is a lookup (DESIGN §9).
class WeightLoader {
 public:
  // A CPU tensor with the view's dtype and shape (copied out of the mapping).
  static torch::Tensor toTensor(const TensorView& view);

  // Fills every parameter and buffer of `module` from weights[prefix + name],
  // converted to runtime.dtype (floating tensors only) and moved to runtime.device.
  // A missing key or a shape mismatch throws (FormatError / ShapeError) with the
  // weights' file, the key, and expected vs found shape. Names matching a glob in
  // `optional` (e.g. "*num_batches_tracked") may be absent. With `include` given, only
  // the names matching one of its globs are touched (a model whose parts come from
  // several files: a frozen base here, LoRA branches there).
  static void load(torch::nn::Module& module, const SafetensorsSet& weights,
                   const std::string& prefix, const Runtime& runtime,
                   const std::vector<std::string>& optional = {},
                   const std::vector<std::string>& include = {});

  // Adds every parameter and buffer of `module` to `writer` as prefix + name, in
  // `dtype` (floating tensors; others keep their type).
  // With `include` given, only names matching one of its globs are written; names
  // matching `exclude` never are (a frozen base without its LoRA branches).
  static void save(const torch::nn::Module& module, SafetensorsWriter& writer,
                   const std::string& prefix, torch::ScalarType dtype = torch::kFloat32,
                   const std::vector<std::string>& include = {},
                   const std::vector<std::string>& exclude = {});
};

}  // namespace sinkscope
