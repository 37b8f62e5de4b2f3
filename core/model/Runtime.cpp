#include "core/model/Runtime.h"

#include <dlfcn.h>

#include "core/base/Error.h"

namespace sinkscope {

torch::Device Runtime::parseDevice(const std::string& name) {
  if (name.empty() || name == "auto") {
    return torch::cuda::is_available() ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
  }
  torch::Device device = torch::kCPU;
  try {
    device = torch::Device(name);
  } catch (const std::exception&) {
    throw DeviceError("unknown device '" + name + "' (use cpu, cuda, cuda:N or auto)");
  }
  if (device.is_cuda() && !torch::cuda::is_available()) {
    throw DeviceError("device '" + name + "' requested but this LibTorch sees no CUDA device");
  }
  return device;
}

torch::ScalarType Runtime::parseDtype(const std::string& name) {
  if (name.empty() || name == "fp32" || name == "float32" || name == "f32") return torch::kFloat32;
  if (name == "fp16" || name == "float16" || name == "half" || name == "f16") return torch::kFloat16;
  if (name == "bf16" || name == "bfloat16") return torch::kBFloat16;
  throw ConfigError("unknown dtype '" + name + "' (use fp32, fp16 or bf16)");
}

Runtime Runtime::fromNames(const std::string& device, const std::string& dtype) {
  return Runtime{parseDevice(device), parseDtype(dtype)};
}

std::string Runtime::dtypeName(torch::ScalarType dtype) {
  switch (dtype) {
    case torch::kFloat32: return "fp32";
    case torch::kFloat16: return "fp16";
    case torch::kBFloat16: return "bf16";
    default: return c10::toString(dtype);
  }
}

void Runtime::setThreads(int threads) {
  if (threads <= 0) return;
  torch::set_num_threads(threads);
  // Looked up at run time: another BLAS (MKL in a CUDA LibTorch, reference BLAS) has
  // no such symbol and manages its threads through LibTorch's setting alone.
  using SetThreads = void (*)(int);
  if (auto* openblas = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
    openblas(threads);
  }
}

}  // namespace sinkscope
