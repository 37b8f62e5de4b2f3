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

  // LibTorch's intra-op threads, and OpenBLAS's own thread pool to match when LibTorch
  // calls an OpenBLAS built with pthreads (Debian's libopenblas0-pthread): that pool
  // otherwise keeps one spinning worker per core, so a run asked to use one thread
  // took two cores, and two such runs starved each other (a 1-thread LM run fell from
  // 3.0 k to 0.5 k tokens/s beside a 1-thread encoder run).
  static void setThreads(int threads);
};

}  // namespace sinkscope
