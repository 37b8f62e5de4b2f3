#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/base/HostTensor.h"
#include "core/io/Safetensors.h"

namespace sinkscope {

// Writes NumPy .npy files (format version 1.0, C order, little-endian) for `--npy`
// exports. The header is laid out as numpy 1.26's own writer lays it out, so the
// files are byte-identical to np.save of the same array.
class NpyWriter {
 public:
  // Any dtype numpy has (all but BF16 and the FP8 types, which throw Error).
  // byteSize must be numel × dtypeSize; throws ShapeError otherwise, Error naming
  // the path when the file cannot be written.
  static void write(const std::string& path, DType dtype, const std::vector<std::int64_t>& shape,
                    const void* data, std::size_t byteSize);
  static void write(const std::string& path, const HostTensor& tensor);  // float32
  static void write(const std::string& path, const std::vector<std::int64_t>& shape,
                    const std::vector<float>& values);
  static void write(const std::string& path, const std::vector<std::int64_t>& shape,
                    const std::vector<std::uint8_t>& values);
  static void write(const std::string& path, const std::vector<std::int64_t>& shape,
                    const std::vector<std::int64_t>& values);

  // The complete header (magic, version, length, dict, padding) for an array.
  static std::string header(DType dtype, const std::vector<std::int64_t>& shape);
};

}  // namespace sinkscope
