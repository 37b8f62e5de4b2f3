#include "core/io/NpyWriter.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "core/base/Error.h"

namespace sinkscope {

namespace {

// numpy's own layout constants (numpy/lib/format.py): the data starts on a 64-byte
// boundary, and the header leaves room for the first dimension to grow to 21 digits.
constexpr std::size_t kAlignBytes = 64;
constexpr std::size_t kGrowthAxisDigits = 21;
constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicBytes = 6;

std::string descrOf(DType dtype) {
  switch (dtype) {
    case DType::F64: return "<f8";
    case DType::F32: return "<f4";
    case DType::F16: return "<f2";
    case DType::I64: return "<i8";
    case DType::I32: return "<i4";
    case DType::I16: return "<i2";
    case DType::I8: return "|i1";
    case DType::U8: return "|u1";
    case DType::U16: return "<u2";
    case DType::U32: return "<u4";
    case DType::U64: return "<u8";
    case DType::Bool: return "|b1";
    default: throw Error("npy: dtype " + dtypeName(dtype) + " has no NumPy equivalent");
  }
}

// Python's repr of a tuple of ints: "()", "(5,)", "(2, 3)".
std::string shapeTuple(const std::vector<std::int64_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

}  // namespace

std::string NpyWriter::header(DType dtype, const std::vector<std::int64_t>& shape) {
  std::string dict = "{'descr': '" + descrOf(dtype) + "', 'fortran_order': False, 'shape': " +
                     shapeTuple(shape) + ", }";
  if (!shape.empty()) {
    const std::size_t digits = std::to_string(shape.front()).size();
    if (digits < kGrowthAxisDigits) dict.append(kGrowthAxisDigits - digits, ' ');
  }
  // numpy always pads by 1..64 spaces (a full 64 when already aligned) before the newline.
  const std::size_t used = kMagicBytes + 2 + 2 + dict.size() + 1;
  dict.append(kAlignBytes - used % kAlignBytes, ' ');
  dict += '\n';
  if (dict.size() > 0xffff) {
    throw Error("npy: header of " + std::to_string(dict.size()) + " bytes needs format 2.0");
  }
  std::string out(kMagic, kMagicBytes);
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(dict.size() & 0xff);
  out += static_cast<char>(dict.size() >> 8);
  return out + dict;
}

void NpyWriter::write(const std::string& path, DType dtype, const std::vector<std::int64_t>& shape,
                      const void* data, std::size_t byteSize) {
  std::uint64_t numel = 1;
  for (auto d : shape) {
    if (d < 0) throw ShapeError(path + ": negative dimension " + std::to_string(d));
    numel *= static_cast<std::uint64_t>(d);
  }
  if (numel * dtypeSize(dtype) != byteSize) {
    throw ShapeError(path + ": " + shapeTuple(shape) + " " + dtypeName(dtype) + " needs " +
                     std::to_string(numel * dtypeSize(dtype)) + " bytes, given " +
                     std::to_string(byteSize));
  }
  const std::string head = header(dtype, shape);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error(path + ": cannot write (" + std::strerror(errno) + ")");
  out.write(head.data(), static_cast<std::streamsize>(head.size()));
  if (byteSize) out.write(static_cast<const char*>(data), static_cast<std::streamsize>(byteSize));
  out.flush();
  if (!out) throw Error(path + ": write failed (" + std::strerror(errno) + ")");
}

void NpyWriter::write(const std::string& path, const HostTensor& tensor) {
  write(path, tensor.shape, tensor.values);
}

void NpyWriter::write(const std::string& path, const std::vector<std::int64_t>& shape,
                      const std::vector<float>& values) {
  write(path, DType::F32, shape, values.data(), values.size() * sizeof(float));
}

void NpyWriter::write(const std::string& path, const std::vector<std::int64_t>& shape,
                      const std::vector<std::uint8_t>& values) {
  write(path, DType::U8, shape, values.data(), values.size());
}

void NpyWriter::write(const std::string& path, const std::vector<std::int64_t>& shape,
                      const std::vector<std::int64_t>& values) {
  write(path, DType::I64, shape, values.data(), values.size() * sizeof(std::int64_t));
}

}  // namespace sinkscope
