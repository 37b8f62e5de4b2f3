#include "core/train/CheckpointAverager.h"

#include <memory>

#include "core/base/Error.h"
#include "core/io/Safetensors.h"

namespace sinkscope {

namespace {

bool isFloating(DType dtype) {
  return dtype == DType::F64 || dtype == DType::F32 || dtype == DType::F16 || dtype == DType::BF16;
}

}  // namespace

void CheckpointAverager::average(const std::vector<std::string>& inputs, const std::string& output) {
  if (inputs.empty()) throw Error("checkpoint averaging needs at least one checkpoint");
  std::vector<std::shared_ptr<const SafetensorsFile>> files;
  for (const auto& path : inputs) files.push_back(SafetensorsFile::open(path));
  const std::vector<std::string> keys = files[0]->keys();
  for (std::size_t f = 1; f < files.size(); ++f) {
    if (files[f]->keys() != keys) {
      throw FormatError(files[f]->path() + " holds other tensors than " + files[0]->path() + "; cannot average");
    }
  }

  SafetensorsWriter writer;
  for (const auto& key : keys) {
    const TensorView first = files[0]->tensor(key);
    if (!isFloating(first.dtype)) {
      writer.add(key, first.dtype, first.shape, first.data, first.byteSize);
      continue;
    }
    std::vector<double> sum(static_cast<std::size_t>(first.numel()), 0.0);
    for (const auto& file : files) {
      const TensorView view = file->tensor(key);
      if (view.shape != first.shape) {
        throw ShapeError(file->path() + ": tensor '" + key + "' differs in shape from " + files[0]->path());
      }
      const HostTensor values = view.toFloat();
      for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += values.values[i];
    }
    HostTensor mean(first.shape);
    const double n = static_cast<double>(files.size());
    for (std::size_t i = 0; i < sum.size(); ++i) mean.values[i] = static_cast<float>(sum[i] / n);
    writer.add(key, mean);
  }
  writer.write(output);
}

}  // namespace sinkscope
