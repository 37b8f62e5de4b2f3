#pragma once

// Header-only on purpose: every tests/support/*.cpp is compiled into every test
// executable, and only the model tests should pay for LibTorch.

#include <string>

#include <torch/torch.h>

#include "core/base/Error.h"
#include "core/io/Safetensors.h"
#include "core/model/WeightLoader.h"

namespace sinkscope::test {

// Reading reference tensors out of committed fixtures and measuring how far a result
// is from them.
class TensorFixtures {
 public:
  // SINKSCOPE_SOURCE_DIR/tests/fixtures/<relative>
  static std::string path(const std::string& relative) {
    return std::string(SINKSCOPE_SOURCE_DIR) + "/tests/fixtures/" + relative;
  }

  // A CPU copy of `name` in its stored dtype; FormatError naming the file when absent.
  static torch::Tensor load(const SafetensorsFile& file, const std::string& name) {
    return WeightLoader::toTensor(file.tensor(name));
  }

  // ||actual - expected|| / ||expected|| in double precision (Frobenius norms).
  static double relativeError(const torch::Tensor& actual, const torch::Tensor& expected) {
    const auto [a, e] = asDoubles(actual, expected);
    return (a - e).norm().item<double>() / e.norm().item<double>();
  }

  static double maxAbsError(const torch::Tensor& actual, const torch::Tensor& expected) {
    const auto [a, e] = asDoubles(actual, expected);
    return (a - e).abs().max().item<double>();
  }

 private:
  static std::pair<torch::Tensor, torch::Tensor> asDoubles(const torch::Tensor& actual,
                                                          const torch::Tensor& expected) {
    if (!actual.sizes().equals(expected.sizes())) {
      throw ShapeError("compared tensors differ in shape: " + c10::str(actual.sizes()) + " vs " +
                       c10::str(expected.sizes()));
    }
    return {actual.detach().to(torch::kCPU, torch::kFloat64), expected.detach().to(torch::kCPU, torch::kFloat64)};
  }
};

}  // namespace sinkscope::test
