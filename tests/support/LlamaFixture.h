#pragma once

// Shared by the Llama model tests: where the fixtures made by
// scripts/fixtures/make_llama_fixtures.py live, and how to read them.
// Header-only so that only the suites including it pay for LibTorch.

#include <cmath>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "core/io/Safetensors.h"
#include "core/model/WeightLoader.h"

namespace sinkscope::testing {

inline std::string llamaFixtureDir() {
  return std::string(SINKSCOPE_SOURCE_DIR) + "/tests/fixtures/llama";
}

inline std::string llamaVariantDir(const std::string& variant) {
  return llamaFixtureDir() + "/" + variant;
}

// Tensors transformers computed, keyed "<variant>.<tap name>".
inline std::shared_ptr<const SafetensorsFile> llamaExpected() {
  static auto file = SafetensorsFile::open(llamaFixtureDir() + "/expected.safetensors");
  return file;
}

inline torch::Tensor expectedTensor(const std::string& key) {
  return WeightLoader::toTensor(llamaExpected()->tensor(key));
}

inline nlohmann::json llamaGenerations() {
  std::ifstream in(llamaFixtureDir() + "/generations.json");
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

// ||actual - expected|| / ||expected|| in float64.
inline double relativeError(const torch::Tensor& actual, const torch::Tensor& expected) {
  const torch::Tensor a = actual.detach().to(torch::kCPU, torch::kFloat64).reshape(expected.sizes());
  const torch::Tensor e = expected.detach().to(torch::kCPU, torch::kFloat64);
  const double denominator = e.norm().item<double>();
  return (a - e).norm().item<double>() / (denominator > 0.0 ? denominator : 1.0);
}

}  // namespace sinkscope::testing
