#include "core/base/HostTensor.h"

#include "core/base/Error.h"

namespace sinkscope {

HostTensor::HostTensor(std::vector<std::int64_t> shapeIn, std::vector<float> valuesIn)
    : shape(std::move(shapeIn)), values(std::move(valuesIn)) {
  if (numel() != static_cast<std::int64_t>(values.size())) {
    throw ShapeError("HostTensor: shape " + shapeString() + " needs " +
                     std::to_string(numel()) + " values, got " + std::to_string(values.size()));
  }
}

HostTensor::HostTensor(std::vector<std::int64_t> shapeIn) : shape(std::move(shapeIn)) {
  values.assign(static_cast<std::size_t>(numel()), 0.0f);
}

std::int64_t HostTensor::numel() const {
  std::int64_t n = 1;
  for (auto s : shape) n *= s;
  return shape.empty() ? 0 : n;
}

std::int64_t HostTensor::size(int axis) const {
  const int rank = dim();
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) {
    throw ShapeError("HostTensor: axis " + std::to_string(axis) + " out of range for " +
                     shapeString());
  }
  return shape[static_cast<std::size_t>(axis)];
}

float HostTensor::at(std::int64_t i) const { return values[static_cast<std::size_t>(i)]; }

float HostTensor::at(std::int64_t i, std::int64_t j) const {
  return values[static_cast<std::size_t>(i * shape[1] + j)];
}

float HostTensor::at(std::int64_t i, std::int64_t j, std::int64_t k) const {
  return values[static_cast<std::size_t>((i * shape[1] + j) * shape[2] + k)];
}

float HostTensor::at(std::int64_t i, std::int64_t j, std::int64_t k, std::int64_t l) const {
  return values[static_cast<std::size_t>(((i * shape[1] + j) * shape[2] + k) * shape[3] + l)];
}

float& HostTensor::at(std::int64_t i, std::int64_t j) {
  return values[static_cast<std::size_t>(i * shape[1] + j)];
}

float& HostTensor::at(std::int64_t i, std::int64_t j, std::int64_t k) {
  return values[static_cast<std::size_t>((i * shape[1] + j) * shape[2] + k)];
}

std::string HostTensor::shapeString() const {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

}  // namespace sinkscope
