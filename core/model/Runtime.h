#pragma once

#include <string>

#include <torch/torch.h>

namespace sinkscope {

// Where and in what precision a model runs; chosen at run time (CLI --device and
// --dtype, GUI settings), never at build time.
struct Runtime {
  torch::Device device = torch::kCPU;
  torch::ScalarType dtype = torch::kFloat32;

  // "cpu", "cuda", "cuda:1", or "auto" (CUDA when available). Throws DeviceError
  // naming the device when CUDA is asked for but absent.
  static torch::Device parseDevice(const std::string& name);
  // "fp32"/"float32", "fp16"/"float16"/"half", "bf16"/"bfloat16". Throws ConfigError.
  static torch::ScalarType parseDtype(const std::string& name);
  static Runtime fromNames(const std::string& device, const std::string& dtype);
  static std::string dtypeName(torch::ScalarType dtype);
};

}  // namespace sinkscope
