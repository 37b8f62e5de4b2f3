#include "core/model/WeightLoader.h"

#include <cstring>

#include "core/base/CaptureSpec.h"
#include "core/base/Error.h"

namespace sinkscope {

namespace {

bool torchTypeOf(DType dtype, torch::ScalarType* out) {
  switch (dtype) {
    case DType::Bool: *out = torch::kBool; return true;
    case DType::U8: *out = torch::kUInt8; return true;
    case DType::I8: *out = torch::kInt8; return true;
    case DType::I16: *out = torch::kInt16; return true;
    case DType::I32: *out = torch::kInt32; return true;
    case DType::I64: *out = torch::kInt64; return true;
    case DType::F16: *out = torch::kFloat16; return true;
    case DType::BF16: *out = torch::kBFloat16; return true;
    case DType::F32: *out = torch::kFloat32; return true;
    case DType::F64: *out = torch::kFloat64; return true;
    default: return false;
  }
}

DType safetensorsTypeOf(torch::ScalarType type, const std::string& name) {
  switch (type) {
    case torch::kBool: return DType::Bool;
    case torch::kUInt8: return DType::U8;
    case torch::kInt8: return DType::I8;
    case torch::kInt16: return DType::I16;
    case torch::kInt32: return DType::I32;
    case torch::kInt64: return DType::I64;
    case torch::kFloat16: return DType::F16;
    case torch::kBFloat16: return DType::BF16;
    case torch::kFloat32: return DType::F32;
    case torch::kFloat64: return DType::F64;
    default:
      throw ShapeError("tensor '" + name + "': dtype " + std::string(c10::toString(type)) +
                       " cannot be stored in safetensors");
  }
}

std::string shapeText(c10::IntArrayRef shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

bool matchesAny(const std::vector<std::string>& globs, const std::string& key,
                const std::string& name) {
  for (const auto& glob : globs) {
    if (globMatch(glob, key) || globMatch(glob, name)) return true;
  }
  return false;
}

// The dtype a module tensor should have at run time: floating tensors take the
// runtime's precision, integer and bool tensors (counters, index buffers) keep theirs.
torch::ScalarType targetType(const torch::Tensor& current, const Runtime& runtime) {
  return current.is_floating_point() ? runtime.dtype : current.scalar_type();
}

}  // namespace

torch::Tensor WeightLoader::toTensor(const TensorView& view) {
  torch::ScalarType type;
  if (!torchTypeOf(view.dtype, &type)) {
    throw ShapeError("tensor '" + view.name + "': safetensors dtype " + dtypeName(view.dtype) +
                     " has no LibTorch equivalent");
  }
  auto tensor = torch::empty(view.shape, torch::TensorOptions().dtype(type));
  if (static_cast<std::size_t>(tensor.nbytes()) != view.byteSize) {
    throw ShapeError("tensor '" + view.name + "': " + std::to_string(view.byteSize) +
                     " bytes do not hold " + shapeText(view.shape) + " " + dtypeName(view.dtype));
  }
  if (view.byteSize == 0) return tensor;
  // Copied with memcpy rather than from_blob + clone: the reference writer does not
  // promise alignment, and a vectorised clone of a misaligned blob is undefined.
  if (view.dtype == DType::Bool) {
    // Any non-zero byte is true; LibTorch's bool must hold exactly 0 or 1.
    auto* dst = tensor.data_ptr<bool>();
    for (std::size_t i = 0; i < view.byteSize; ++i) dst[i] = view.data[i] != 0;
  } else {
    std::memcpy(tensor.data_ptr(), view.data, view.byteSize);
  }
  return tensor;
}

void WeightLoader::load(torch::nn::Module& module, const SafetensorsSet& weights,
                        const std::string& prefix, const Runtime& runtime,
                        const std::vector<std::string>& optional,
                        const std::vector<std::string>& include) {
  torch::NoGradGuard noGrad;
  auto fill = [&](const std::string& name, torch::Tensor& target) {
    if (!target.defined()) return;
    if (!include.empty() && !matchesAny(include, prefix + name, name)) return;
    const std::string key = prefix + name;
    torch::Tensor value;
    if (weights.contains(key)) {
      const auto view = weights.tensor(key);
      if (!target.sizes().equals(view.shape)) {
        throw ShapeError(weights.fileOf(key) + ": " + key + ": expected " +
                         shapeText(target.sizes()) + ", found " + shapeText(view.shape));
      }
      value = toTensor(view);
    } else if (matchesAny(optional, key, name)) {
      // Keeps its initial value, but ends up on the same device and in the same
      // precision as everything that was loaded.
      value = target.detach();
    } else {
      throw FormatError(weights.description() + ": missing tensor '" + key + "' (expected " +
                        shapeText(target.sizes()) + ")");
    }
    // set_data rather than copy_: the module's tensor takes the runtime's dtype and
    // device, while parameters stay the same objects (optimisers, hooks, ties).
    target.set_data(value.to(runtime.device, targetType(target, runtime)).contiguous());
  };
  for (auto& item : module.named_parameters(/*recurse=*/true)) fill(item.key(), item.value());
  for (auto& item : module.named_buffers(/*recurse=*/true)) fill(item.key(), item.value());
}

void WeightLoader::save(const torch::nn::Module& module, SafetensorsWriter& writer,
                        const std::string& prefix, torch::ScalarType dtype,
                        const std::vector<std::string>& include,
                        const std::vector<std::string>& exclude) {
  torch::NoGradGuard noGrad;
  auto add = [&](const std::string& name, const torch::Tensor& tensor) {
    if (!tensor.defined()) return;
    if (!include.empty() && !matchesAny(include, prefix + name, name)) return;
    if (matchesAny(exclude, prefix + name, name)) return;
    auto host = tensor.detach().to(torch::kCPU);
    if (host.is_floating_point()) host = host.to(dtype);
    host = host.contiguous();
    const std::string key = prefix + name;
    writer.add(key, safetensorsTypeOf(host.scalar_type(), key),
               std::vector<std::int64_t>(host.sizes().begin(), host.sizes().end()),
               host.data_ptr(), static_cast<std::size_t>(host.nbytes()));
  };
  for (const auto& item : module.named_parameters(/*recurse=*/true)) add(item.key(), item.value());
  for (const auto& item : module.named_buffers(/*recurse=*/true)) add(item.key(), item.value());
}

}  // namespace sinkscope
