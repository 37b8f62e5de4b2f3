#include "core/io/Safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/base/Error.h"

// Tensor bytes are read in place from the mapping; the format stores them little-endian.
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "sinkscope reads safetensors in place and needs a little-endian host"
#endif

namespace sinkscope {

namespace {

using Json = nlohmann::json;

constexpr const char* kMetadataKey = "__metadata__";

struct DTypeInfo {
  DType dtype;
  const char* name;
  std::size_t size;
};

constexpr DTypeInfo kDTypes[] = {
    {DType::F64, "F64", 8},         {DType::F32, "F32", 4},        {DType::F16, "F16", 2},
    {DType::BF16, "BF16", 2},       {DType::I64, "I64", 8},        {DType::I32, "I32", 4},
    {DType::I16, "I16", 2},         {DType::I8, "I8", 1},          {DType::U8, "U8", 1},
    {DType::U16, "U16", 2},         {DType::U32, "U32", 4},        {DType::U64, "U64", 8},
    {DType::Bool, "BOOL", 1},       {DType::F8E4M3, "F8_E4M3", 1}, {DType::F8E5M2, "F8_E5M2", 1},
};

const DTypeInfo* findDType(const std::string& name) {
  for (const auto& info : kDTypes) {
    if (name == info.name) return &info;
  }
  return nullptr;
}

const DTypeInfo& infoOf(DType dtype) {
  for (const auto& info : kDTypes) {
    if (info.dtype == dtype) return info;
  }
  throw Error("safetensors: dtype enum value " + std::to_string(static_cast<int>(dtype)) +
              " has no name");
}

// Error messages must stay on one line even when they quote bytes from a broken file.
std::string printable(const std::string& text, std::size_t maxChars = 160) {
  std::string out;
  for (char c : text) {
    if (out.size() >= maxChars) {
      out += "...";
      break;
    }
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? ' ' : c;
  }
  return out;
}

std::string shapeText(const std::vector<std::int64_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

// The element count, or false when it does not fit in 63 bits.
bool checkedNumel(const std::vector<std::int64_t>& shape, std::uint64_t* numel) {
  std::uint64_t n = 1;
  for (auto d : shape) {
    if (d < 0) return false;
    if (__builtin_mul_overflow(n, static_cast<std::uint64_t>(d), &n)) return false;
  }
  if (n > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return false;
  *numel = n;
  return true;
}

std::string keyError(const std::string& path, const std::string& key, const std::string& what) {
  return path + ": tensor '" + printable(key) + "': " + what;
}

// Exact widening conversions: every half, bfloat16 and 8-bit float value is a float32 value.
float floatFromBits(std::uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

float halfToFloat(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const std::uint32_t exponent = (h >> 10) & 0x1fu;
  const std::uint32_t mantissa = h & 0x3ffu;
  if (exponent == 0x1f) return floatFromBits(sign | 0x7f800000u | (mantissa << 13));
  if (exponent != 0) return floatFromBits(sign | ((exponent + 112u) << 23) | (mantissa << 13));
  // Subnormal: mantissa × 2^-24, exact in float32.
  const float magnitude = static_cast<float>(mantissa) * 5.9604644775390625e-8f;
  return sign ? -magnitude : magnitude;
}

float bfloat16ToFloat(std::uint16_t b) { return floatFromBits(static_cast<std::uint32_t>(b) << 16); }

// OCP FP8 E4M3 ("fn" variant): bias 7, no infinities, S.1111.111 is NaN.
float float8E4M3ToFloat(std::uint8_t v) {
  const bool negative = (v & 0x80u) != 0;
  const int exponent = (v >> 3) & 0xf;
  const int mantissa = v & 0x7;
  float magnitude;
  if (exponent == 0xf && mantissa == 0x7) {
    magnitude = std::numeric_limits<float>::quiet_NaN();
  } else if (exponent == 0) {
    magnitude = static_cast<float>(mantissa) * 0.001953125f;  // 2^-9
  } else {
    magnitude = floatFromBits(static_cast<std::uint32_t>(exponent + 120) << 23 |
                              static_cast<std::uint32_t>(mantissa) << 20);
  }
  return negative ? -magnitude : magnitude;
}

// E5M2 is the upper byte of an IEEE half.
float float8E5M2ToFloat(std::uint8_t v) { return halfToFloat(static_cast<std::uint16_t>(v) << 8); }

template <typename T>
T loadAs(const std::uint8_t* p) {
  T value;
  std::memcpy(&value, p, sizeof value);
  return value;
}

template <typename T>
void convertAll(const std::uint8_t* src, std::size_t n, float* dst) {
  for (std::size_t i = 0; i < n; ++i) dst[i] = static_cast<float>(loadAs<T>(src + i * sizeof(T)));
}

bool isRegularFile(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool isDirectory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string directoryOf(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string joinPath(const std::string& dir, const std::string& name) {
  if (!name.empty() && name.front() == '/') return name;
  if (dir.empty() || dir == ".") return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

bool endsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Reads a non-negative JSON integer; false for anything else (floats, negatives, strings).
bool jsonToSize(const Json& value, std::uint64_t* out) {
  if (value.is_number_unsigned()) {
    *out = value.get<std::uint64_t>();
    return true;
  }
  if (value.is_number_integer()) {
    const auto v = value.get<std::int64_t>();
    if (v < 0) return false;
    *out = static_cast<std::uint64_t>(v);
    return true;
  }
  return false;
}

}  // namespace

std::string dtypeName(DType dtype) { return infoOf(dtype).name; }

std::size_t dtypeSize(DType dtype) { return infoOf(dtype).size; }

DType dtypeFromName(const std::string& name) {
  if (const auto* info = findDType(name)) return info->dtype;
  throw FormatError("unknown safetensors dtype '" + printable(name) + "'");
}

// ---------------------------------------------------------------------------
// TensorView

std::int64_t TensorView::numel() const {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

HostTensor TensorView::toFloat() const {
  const auto n = static_cast<std::size_t>(numel());
  if (n * dtypeSize(dtype) != byteSize) {
    throw ShapeError("tensor '" + name + "': " + std::to_string(byteSize) + " bytes do not hold " +
                     shapeText(shape) + " " + dtypeName(dtype));
  }
  std::vector<float> values(n);
  float* dst = values.data();
  switch (dtype) {
    case DType::F64: convertAll<double>(data, n, dst); break;
    case DType::F32: std::memcpy(dst, data, n * sizeof(float)); break;
    case DType::F16:
      for (std::size_t i = 0; i < n; ++i) dst[i] = halfToFloat(loadAs<std::uint16_t>(data + 2 * i));
      break;
    case DType::BF16:
      for (std::size_t i = 0; i < n; ++i) {
        dst[i] = bfloat16ToFloat(loadAs<std::uint16_t>(data + 2 * i));
      }
      break;
    case DType::I64: convertAll<std::int64_t>(data, n, dst); break;
    case DType::I32: convertAll<std::int32_t>(data, n, dst); break;
    case DType::I16: convertAll<std::int16_t>(data, n, dst); break;
    case DType::I8: convertAll<std::int8_t>(data, n, dst); break;
    case DType::U8: convertAll<std::uint8_t>(data, n, dst); break;
    case DType::U16: convertAll<std::uint16_t>(data, n, dst); break;
    case DType::U32: convertAll<std::uint32_t>(data, n, dst); break;
    case DType::U64: convertAll<std::uint64_t>(data, n, dst); break;
    case DType::Bool:
      for (std::size_t i = 0; i < n; ++i) dst[i] = data[i] != 0 ? 1.0f : 0.0f;
      break;
    case DType::F8E4M3:
      for (std::size_t i = 0; i < n; ++i) dst[i] = float8E4M3ToFloat(data[i]);
      break;
    case DType::F8E5M2:
      for (std::size_t i = 0; i < n; ++i) dst[i] = float8E5M2ToFloat(data[i]);
      break;
  }
  // HostTensor counts a rank-0 shape as empty, so a scalar comes back as [1].
  auto hostShape = shape.empty() ? std::vector<std::int64_t>{1} : shape;
  return HostTensor(std::move(hostShape), std::move(values));
}

// ---------------------------------------------------------------------------
// SafetensorsFile

std::shared_ptr<const SafetensorsFile> SafetensorsFile::open(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw FormatError(path + ": cannot open safetensors file (" + std::strerror(errno) + ")");
  }
  if (S_ISDIR(st.st_mode)) {
    throw FormatError(path + ": is a directory, not a safetensors file");
  }
  if (!S_ISREG(st.st_mode)) throw FormatError(path + ": not a regular file");

  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw FormatError(path + ": cannot open safetensors file (" + std::strerror(errno) + ")");
  }
  struct stat fst {};
  if (::fstat(fd, &fst) != 0) {
    const int err = errno;
    ::close(fd);
    throw FormatError(path + ": cannot stat (" + std::strerror(err) + ")");
  }
  const auto fileSize = static_cast<std::uint64_t>(fst.st_size);
  if (fileSize == 0) {
    ::close(fd);
    throw FormatError(path + ": empty file, not a safetensors file");
  }
  if (fileSize < 8) {
    ::close(fd);
    throw FormatError(path + ": file is " + std::to_string(fileSize) +
                      " bytes, shorter than the 8-byte header length");
  }

  std::shared_ptr<SafetensorsFile> file(new SafetensorsFile());
  file->path_ = path;
  void* mapping = ::mmap(nullptr, fileSize, PROT_READ, MAP_PRIVATE, fd, 0);
  const int mapErrno = errno;
  ::close(fd);
  if (mapping == MAP_FAILED) {
    throw FormatError(path + ": cannot memory-map (" + std::strerror(mapErrno) + ")");
  }
  file->mapping_ = mapping;
  file->mappingSize_ = fileSize;
  const auto* bytes = static_cast<const std::uint8_t*>(mapping);

  std::uint64_t headerSize = 0;
  for (int i = 7; i >= 0; --i) headerSize = (headerSize << 8) | bytes[i];
  if (headerSize > fileSize - 8) {
    throw FormatError(path + ": header length " + std::to_string(headerSize) +
                      " goes beyond the file (" + std::to_string(fileSize) + " bytes)");
  }
  file->dataStart_ = bytes + 8 + headerSize;
  const std::uint64_t dataSize = fileSize - 8 - headerSize;

  Json header;
  try {
    header = Json::parse(bytes + 8, bytes + 8 + headerSize);
  } catch (const Json::exception& e) {
    throw FormatError(path + ": header is not valid JSON (" + printable(e.what()) + ")");
  }
  if (!header.is_object()) {
    throw FormatError(path + ": header is not a JSON object but " +
                      std::string(header.type_name()));
  }

  for (auto it = header.begin(); it != header.end(); ++it) {
    const std::string& key = it.key();
    const Json& value = it.value();
    if (key == kMetadataKey) {
      if (!value.is_object()) {
        throw FormatError(path + ": __metadata__ is not a string-to-string map");
      }
      for (auto m = value.begin(); m != value.end(); ++m) {
        if (!m.value().is_string()) {
          throw FormatError(path + ": __metadata__: value of '" + printable(m.key()) +
                            "' is not a string");
        }
        file->metadata_[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    if (!value.is_object()) throw FormatError(keyError(path, key, "entry is not a JSON object"));
    const auto dtypeIt = value.find("dtype");
    const auto shapeIt = value.find("shape");
    const auto offsetsIt = value.find("data_offsets");
    if (dtypeIt == value.end()) throw FormatError(keyError(path, key, "missing 'dtype'"));
    if (shapeIt == value.end()) throw FormatError(keyError(path, key, "missing 'shape'"));
    if (offsetsIt == value.end()) throw FormatError(keyError(path, key, "missing 'data_offsets'"));
    if (!dtypeIt->is_string()) throw FormatError(keyError(path, key, "'dtype' is not a string"));
    const auto* info = findDType(dtypeIt->get<std::string>());
    if (!info) {
      throw FormatError(
          keyError(path, key, "unknown dtype '" + printable(dtypeIt->get<std::string>()) + "'"));
    }

    if (!shapeIt->is_array()) throw FormatError(keyError(path, key, "'shape' is not an array"));
    std::vector<std::int64_t> shape;
    for (const auto& dim : *shapeIt) {
      if (dim.is_number_integer() && !dim.is_number_unsigned() && dim.get<std::int64_t>() < 0) {
        throw FormatError(keyError(path, key, "negative dimension " +
                                                  std::to_string(dim.get<std::int64_t>()) +
                                                  " in 'shape'"));
      }
      std::uint64_t d = 0;
      if (!jsonToSize(dim, &d) || d > static_cast<std::uint64_t>(
                                          std::numeric_limits<std::int64_t>::max())) {
        throw FormatError(
            keyError(path, key, "'shape' entry " + printable(dim.dump()) + " is not a dimension"));
      }
      shape.push_back(static_cast<std::int64_t>(d));
    }

    if (!offsetsIt->is_array() || offsetsIt->size() != 2) {
      throw FormatError(keyError(path, key, "'data_offsets' is not a [begin, end] pair"));
    }
    std::uint64_t begin = 0, end = 0;
    if (!jsonToSize((*offsetsIt)[0], &begin) || !jsonToSize((*offsetsIt)[1], &end)) {
      throw FormatError(keyError(path, key, "'data_offsets' " + printable(offsetsIt->dump()) +
                                                " are not non-negative integers"));
    }
    if (begin > end) {
      throw FormatError(keyError(path, key, "data_offsets begin " + std::to_string(begin) +
                                                " > end " + std::to_string(end)));
    }
    if (end > dataSize) {
      throw FormatError(keyError(path, key, "data_offsets end " + std::to_string(end) +
                                                " beyond the data section (" +
                                                std::to_string(dataSize) + " bytes)"));
    }
    std::uint64_t numel = 0;
    std::uint64_t expectedBytes = 0;
    if (!checkedNumel(shape, &numel) ||
        __builtin_mul_overflow(numel, static_cast<std::uint64_t>(info->size), &expectedBytes)) {
      throw FormatError(keyError(path, key, "shape " + shapeText(shape) + " is too large"));
    }
    if (expectedBytes != end - begin) {
      throw FormatError(keyError(path, key, "byte size " + std::to_string(end - begin) +
                                                " != " + std::to_string(expectedBytes) + " for " +
                                                shapeText(shape) + " " + info->name));
    }
    file->entries_[key] = Entry{info->dtype, std::move(shape), static_cast<std::size_t>(begin),
                                static_cast<std::size_t>(end)};
  }

  // Empty tensors own no bytes, so they cannot overlap anything.
  struct Range {
    std::uint64_t begin, end;
    const std::string* key;
  };
  std::vector<Range> ranges;
  for (const auto& [key, entry] : file->entries_) {
    if (entry.end > entry.begin) ranges.push_back({entry.begin, entry.end, &key});
  }
  std::sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  for (std::size_t i = 1; i < ranges.size(); ++i) {
    if (ranges[i].begin < ranges[i - 1].end) {
      throw FormatError(keyError(path, *ranges[i].key,
                                 "bytes [" + std::to_string(ranges[i].begin) + ", " +
                                     std::to_string(ranges[i].end) + ") overlap tensor '" +
                                     printable(*ranges[i - 1].key) + "' [" +
                                     std::to_string(ranges[i - 1].begin) + ", " +
                                     std::to_string(ranges[i - 1].end) + ")"));
    }
  }
  return file;
}

SafetensorsFile::~SafetensorsFile() {
  if (mapping_) ::munmap(mapping_, mappingSize_);
}

std::vector<std::string> SafetensorsFile::keys() const {
  std::vector<std::string> out;
  out.reserve(entries_.size());
  for (const auto& kv : entries_) out.push_back(kv.first);
  return out;
}

bool SafetensorsFile::contains(const std::string& name) const { return entries_.count(name) != 0; }

TensorView SafetensorsFile::tensor(const std::string& name) const {
  const auto it = entries_.find(name);
  if (it == entries_.end()) throw FormatError(path_ + ": no tensor '" + name + "'");
  const Entry& e = it->second;
  TensorView view;
  view.name = name;
  view.dtype = e.dtype;
  view.shape = e.shape;
  view.data = dataStart_ + e.begin;
  view.byteSize = e.end - e.begin;
  return view;
}

// ---------------------------------------------------------------------------
// SafetensorsSet

SafetensorsSet SafetensorsSet::openFile(const std::string& path) {
  if (endsWith(path, ".index.json")) return openIndex(path);
  SafetensorsSet set;
  set.description_ = path;
  set.files_.push_back(SafetensorsFile::open(path));
  for (const auto& key : set.files_.front()->keys()) set.fileIndex_[key] = 0;
  return set;
}

SafetensorsSet SafetensorsSet::openIndex(const std::string& indexPath) {
  if (isDirectory(indexPath)) throw FormatError(indexPath + ": is a directory, not an index file");
  std::ifstream in(indexPath, std::ios::binary);
  if (!in) {
    throw FormatError(indexPath + ": cannot open shard index (" + std::strerror(errno) + ")");
  }
  Json index;
  try {
    index = Json::parse(in);
  } catch (const Json::exception& e) {
    throw FormatError(indexPath + ": shard index is not valid JSON (" + printable(e.what()) + ")");
  }
  if (!index.is_object()) throw FormatError(indexPath + ": shard index is not a JSON object");
  const auto mapIt = index.find("weight_map");
  if (mapIt == index.end() || !mapIt->is_object()) {
    throw FormatError(indexPath + ": 'weight_map' is missing or not an object");
  }

  SafetensorsSet set;
  set.description_ = indexPath;
  const std::string dir = directoryOf(indexPath);
  std::map<std::string, std::size_t> shardIndex;  // shard file name -> files_ index
  for (auto it = mapIt->begin(); it != mapIt->end(); ++it) {
    const std::string& key = it.key();
    if (!it.value().is_string()) {
      throw FormatError(indexPath + ": weight_map: '" + printable(key) +
                        "' does not name a shard file");
    }
    const std::string shard = it.value().get<std::string>();
    auto found = shardIndex.find(shard);
    if (found == shardIndex.end()) {
      const std::string shardPath = joinPath(dir, shard);
      if (!isRegularFile(shardPath)) {
        throw FormatError(indexPath + ": shard '" + printable(shard) + "' listed for '" +
                          printable(key) + "' is missing (" + shardPath + ")");
      }
      set.files_.push_back(SafetensorsFile::open(shardPath));
      found = shardIndex.emplace(shard, set.files_.size() - 1).first;
    }
    set.fileIndex_[key] = found->second;
  }

  for (const auto& [key, fileIdx] : set.fileIndex_) {
    if (set.files_[fileIdx]->contains(key)) continue;
    std::string where;
    for (const auto& file : set.files_) {
      if (file->contains(key)) where = "; it is in " + file->path();
    }
    throw FormatError(indexPath + ": key '" + key + "' is listed in shard " +
                      set.files_[fileIdx]->path() + " but that shard has no such tensor" + where);
  }
  return set;
}

SafetensorsSet SafetensorsSet::openDirectory(const std::string& dir, const std::string& stem) {
  if (!isDirectory(dir)) throw FormatError(dir + ": not a directory");
  const std::string single = joinPath(dir, stem + ".safetensors");
  if (isRegularFile(single)) return openFile(single);
  const std::string index = joinPath(dir, stem + ".safetensors.index.json");
  if (isRegularFile(index)) return openIndex(index);
  throw FormatError(dir + ": neither " + stem + ".safetensors nor " + stem +
                    ".safetensors.index.json found");
}

std::vector<std::string> SafetensorsSet::keys() const {
  std::vector<std::string> out;
  out.reserve(fileIndex_.size());
  for (const auto& kv : fileIndex_) out.push_back(kv.first);
  return out;
}

bool SafetensorsSet::contains(const std::string& name) const {
  return fileIndex_.count(name) != 0;
}

TensorView SafetensorsSet::tensor(const std::string& name) const {
  const auto it = fileIndex_.find(name);
  if (it == fileIndex_.end()) throw FormatError(description_ + ": missing tensor '" + name + "'");
  return files_[it->second]->tensor(name);
}

std::string SafetensorsSet::fileOf(const std::string& name) const {
  const auto it = fileIndex_.find(name);
  if (it == fileIndex_.end()) throw FormatError(description_ + ": missing tensor '" + name + "'");
  return files_[it->second]->path();
}

std::string SafetensorsSet::description() const { return description_; }

// ---------------------------------------------------------------------------
// SafetensorsWriter

void SafetensorsWriter::add(const std::string& name, DType dtype, std::vector<std::int64_t> shape,
                            const void* data, std::size_t byteSize) {
  if (name.empty() || name == kMetadataKey) {
    throw Error("safetensors writer: invalid tensor name '" + name + "'");
  }
  if (tensors_.count(name)) throw Error("safetensors writer: tensor '" + name + "' added twice");
  std::uint64_t numel = 0;
  std::uint64_t expectedBytes = 0;
  if (!checkedNumel(shape, &numel) ||
      __builtin_mul_overflow(numel, static_cast<std::uint64_t>(dtypeSize(dtype)), &expectedBytes) ||
      expectedBytes != byteSize) {
    throw ShapeError("safetensors writer: tensor '" + name + "': shape " + shapeText(shape) + " " +
                     dtypeName(dtype) + " needs " + std::to_string(expectedBytes) +
                     " bytes, given " + std::to_string(byteSize));
  }
  const auto* bytes = static_cast<const std::uint8_t*>(data);
  Pending pending{dtype, std::move(shape), std::vector<std::uint8_t>(bytes, bytes + byteSize)};
  tensors_.emplace(name, std::move(pending));
}

void SafetensorsWriter::add(const std::string& name, const HostTensor& tensor) {
  add(name, DType::F32, tensor.shape, tensor.values.data(), tensor.values.size() * sizeof(float));
}

void SafetensorsWriter::setMetadata(const std::string& key, const std::string& value) {
  metadata_[key] = value;
}

bool SafetensorsWriter::contains(const std::string& name) const {
  return tensors_.count(name) != 0;
}

void SafetensorsWriter::write(const std::string& path) const {
  // Data is laid out by element size, largest first (then by name), as the reference
  // writer does: every tensor then starts at a multiple of its element size, with no
  // gaps, which strict readers require.
  std::vector<const std::pair<const std::string, Pending>*> order;
  for (const auto& kv : tensors_) order.push_back(&kv);
  std::stable_sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
    return dtypeSize(a->second.dtype) > dtypeSize(b->second.dtype);
  });

  Json header = Json::object();
  std::uint64_t offset = 0;
  for (const auto* kv : order) {
    const Pending& p = kv->second;
    const std::uint64_t end = offset + p.bytes.size();
    header[kv->first] = {{"dtype", dtypeName(p.dtype)}, {"shape", p.shape},
                         {"data_offsets", {offset, end}}};
    offset = end;
  }
  if (!metadata_.empty()) header[kMetadataKey] = metadata_;

  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  std::uint8_t lengthBytes[8];
  for (int i = 0; i < 8; ++i) lengthBytes[i] = static_cast<std::uint8_t>(text.size() >> (8 * i));

  // Written beside the target and renamed, so a failed write never leaves a
  // truncated file under the final name.
  const std::string partial = path + ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(path + ": cannot write (" + std::strerror(errno) + ")");
    out.write(reinterpret_cast<const char*>(lengthBytes), sizeof lengthBytes);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    for (const auto* kv : order) {
      const auto& bytes = kv->second.bytes;
      out.write(reinterpret_cast<const char*>(bytes.data()),
                static_cast<std::streamsize>(bytes.size()));
    }
    out.flush();
    if (!out) {
      std::remove(partial.c_str());
      throw Error(path + ": write failed (" + std::strerror(errno) + ")");
    }
  }
  if (std::rename(partial.c_str(), path.c_str()) != 0) {
    const int err = errno;
    std::remove(partial.c_str());
    throw Error(path + ": cannot rename from " + partial + " (" + std::strerror(err) + ")");
  }
}

}  // namespace sinkscope
