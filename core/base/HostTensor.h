#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sinkscope {

// A dense float32 array in host memory, row-major. This is how captured
// activations cross from the engine to analysis and ui without LibTorch.
struct HostTensor {
  std::vector<std::int64_t> shape;
  std::vector<float> values;

  HostTensor() = default;
  HostTensor(std::vector<std::int64_t> shape, std::vector<float> values);
  explicit HostTensor(std::vector<std::int64_t> shape);  // zero-filled

  std::int64_t numel() const;
  int dim() const { return static_cast<int>(shape.size()); }
  std::int64_t size(int axis) const;  // negative axes count from the end
  bool empty() const { return values.empty(); }

  // Element access for rank 1..4; the index count must equal the rank.
  float at(std::int64_t i) const;
  float at(std::int64_t i, std::int64_t j) const;
  float at(std::int64_t i, std::int64_t j, std::int64_t k) const;
  float at(std::int64_t i, std::int64_t j, std::int64_t k, std::int64_t l) const;
  float& at(std::int64_t i, std::int64_t j);
  float& at(std::int64_t i, std::int64_t j, std::int64_t k);

  std::string shapeString() const;  // "[4, 12, 12]"
};

}  // namespace sinkscope
