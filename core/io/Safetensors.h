#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/base/HostTensor.h"

namespace sinkscope {

// Element types of the safetensors format (names as in its header: "F32", "BF16", ...).
enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, U16, U32, U64, Bool, F8E4M3, F8E5M2 };

std::string dtypeName(DType dtype);     // "F32"
std::size_t dtypeSize(DType dtype);     // bytes per element
DType dtypeFromName(const std::string& name);  // throws FormatError for unknown names

// A tensor inside a memory-mapped file: valid as long as its SafetensorsFile lives.
struct TensorView {
  std::string name;
  DType dtype = DType::F32;
  std::vector<std::int64_t> shape;
  const std::uint8_t* data = nullptr;
  std::size_t byteSize = 0;

  std::int64_t numel() const;
  HostTensor toFloat() const;  // converts any float/int dtype to float32
};

// One .safetensors file, memory-mapped read-only. Every malformed case (short file,
// header length beyond the file, bad JSON, unknown dtype, offsets out of range or
// overlapping, byte size not matching shape × dtype) throws FormatError whose
// message names the file and the key.
class SafetensorsFile {
 public:
  static std::shared_ptr<const SafetensorsFile> open(const std::string& path);
  ~SafetensorsFile();
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const std::string& path() const { return path_; }
  std::vector<std::string> keys() const;  // sorted
  bool contains(const std::string& name) const;
  TensorView tensor(const std::string& name) const;  // throws FormatError when absent
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

 private:
  SafetensorsFile() = default;
  struct Entry {
    DType dtype;
    std::vector<std::int64_t> shape;
    std::size_t begin;
    std::size_t end;
  };
  std::string path_;
  void* mapping_ = nullptr;
  std::size_t mappingSize_ = 0;
  const std::uint8_t* dataStart_ = nullptr;
  std::map<std::string, Entry> entries_;
  std::map<std::string, std::string> metadata_;
};

// The weights of one model: a single file, or shards listed by
// <stem>.safetensors.index.json ("weight_map": key -> shard file).
class SafetensorsSet {
 public:
  // One .safetensors file; a path ending in ".index.json" is opened with openIndex.
  static SafetensorsSet openFile(const std::string& path);
  // Shards listed in an index's "weight_map" (key -> file next to the index). A missing
  // shard, or a key its shard does not hold, throws FormatError naming index and key.
  static SafetensorsSet openIndex(const std::string& indexPath);
  // <dir>/<stem>.safetensors, else <dir>/<stem>.safetensors.index.json; throws
  // FormatError naming the directory when neither exists.
  static SafetensorsSet openDirectory(const std::string& dir, const std::string& stem = "model");

  std::vector<std::string> keys() const;  // sorted
  bool contains(const std::string& name) const;
  TensorView tensor(const std::string& name) const;  // throws FormatError naming the key
  std::string fileOf(const std::string& name) const;
  std::string description() const;  // the file or index path, for messages

 private:
  std::string description_;
  std::vector<std::shared_ptr<const SafetensorsFile>> files_;
  std::map<std::string, std::size_t> fileIndex_;  // key -> files_ index
};

// Collects tensors and writes one .safetensors file as the reference writer does:
// header keys sorted and padded with spaces to a multiple of 8 bytes; data packed
// without gaps, largest element size first, so every tensor is aligned to its type.
class SafetensorsWriter {
 public:
  void add(const std::string& name, DType dtype, std::vector<std::int64_t> shape,
           const void* data, std::size_t byteSize);  // copies the bytes
  void add(const std::string& name, const HostTensor& tensor);  // as F32
  void setMetadata(const std::string& key, const std::string& value);
  void write(const std::string& path) const;  // throws Error naming the path
  bool contains(const std::string& name) const;

 private:
  struct Pending {
    DType dtype;
    std::vector<std::int64_t> shape;
    std::vector<std::uint8_t> bytes;
  };
  std::map<std::string, Pending> tensors_;
  std::map<std::string, std::string> metadata_;
};

}  // namespace sinkscope
