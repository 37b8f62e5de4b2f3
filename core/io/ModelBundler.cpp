#include "core/io/ModelBundler.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/base/Error.h"
#include "core/text/PhonemeCodeTokens.h"

namespace sinkscope {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const char* const kPartKeys[] = {"llm", "audio_encoder", "video_encoder"};

// Round to nearest, ties to even, as torch's float -> bfloat16 does.
std::uint16_t floatToBfloat16(float value) {
  std::uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  if ((bits & 0x7fffffffu) > 0x7f800000u) return static_cast<std::uint16_t>((bits >> 16) | 0x0040u);  // NaN stays NaN
  bits += 0x7fffu + ((bits >> 16) & 1u);
  return static_cast<std::uint16_t>(bits >> 16);
}

bool isFloat(DType dtype) {
  return dtype == DType::F64 || dtype == DType::F32 || dtype == DType::F16 || dtype == DType::BF16;
}

json readJson(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw Error(path.string() + ": cannot read");
  try {
    return json::parse(in);
  } catch (const json::exception& e) {
    throw FormatError(path.string() + ": not JSON (" + e.what() + ")");
  }
}

void writeText(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw Error(path.string() + ": cannot write");
}

std::vector<fs::path> filesUnder(const fs::path& root) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(root))
    if (entry.is_regular_file()) files.push_back(fs::relative(entry.path(), root));
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

ModelBundler::ModelBundler(std::string outDir, DType dtype) : outDir_(std::move(outDir)), dtype_(dtype) {
  if (dtype_ != DType::BF16 && dtype_ != DType::F32)
    throw Error("bundle: weights can be stored as bf16 or fp32, not " + dtypeName(dtype_));
  fs::create_directories(fs::path(outDir_) / "shared");
}

namespace {

std::uint64_t fnvMix(std::uint64_t hash, const char* data, std::size_t size) {
  for (std::size_t i = 0; i < size; ++i) {
    hash ^= static_cast<unsigned char>(data[i]);
    hash *= 1099511628211ull;
  }
  return hash;
}

}  // namespace

std::uint64_t ModelBundler::hashFile(const std::string& path, std::uint64_t hash) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot read");
  std::vector<char> buffer(1 << 16);
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0)
    hash = fnvMix(hash, buffer.data(), static_cast<std::size_t>(in.gcount()));
  return hash;
}

std::uint64_t ModelBundler::hashTree(const std::string& directory) {
  std::uint64_t hash = kHashStart;
  for (const auto& relative : filesUnder(directory)) {
    const std::string name = relative.generic_string();
    hash = fnvMix(hash, name.c_str(), name.size() + 1);
    hash = hashFile((fs::path(directory) / relative).string(), hash);
  }
  return hash;
}

void ModelBundler::convertWeights(const std::string& from, const std::string& to, DType dtype) {
  const auto file = SafetensorsFile::open(from);
  SafetensorsWriter writer;
  for (const auto& key : file->keys()) {
    const TensorView view = file->tensor(key);
    if (!isFloat(view.dtype) || view.dtype == dtype) {
      writer.add(key, view.dtype, view.shape, view.data, view.byteSize);
      continue;
    }
    const HostTensor values = view.toFloat();
    if (dtype == DType::F32) {
      writer.add(key, DType::F32, view.shape, values.values.data(), values.values.size() * sizeof(float));
    } else {
      std::vector<std::uint16_t> halves(values.values.size());
      std::transform(values.values.begin(), values.values.end(), halves.begin(), floatToBfloat16);
      writer.add(key, DType::BF16, view.shape, halves.data(), halves.size() * sizeof(std::uint16_t));
    }
  }
  for (const auto& [key, value] : file->metadata()) writer.setMetadata(key, value);
  writer.write(to);
}

void ModelBundler::copyConverted(const std::string& from, const std::string& to) const {
  fs::create_directories(to);
  for (const auto& relative : filesUnder(from)) {
    const fs::path source = fs::path(from) / relative;
    const fs::path target = fs::path(to) / relative;
    fs::create_directories(target.parent_path());
    if (relative.extension() == ".safetensors") {
      convertWeights(source.string(), target.string(), dtype_);
    } else {
      fs::copy_file(source, target, fs::copy_options::overwrite_existing);
    }
  }
}

std::string ModelBundler::sharePart(const std::string& partKey, const std::string& partDir) {
  std::ostringstream name;
  name << partKey << '-' << std::hex << std::setw(8) << std::setfill('0')
       << static_cast<std::uint32_t>(hashTree(partDir) >> 32);
  const fs::path target = fs::path(outDir_) / "shared" / name.str();
  if (!fs::exists(target)) {
    const fs::path staging = target.string() + ".partial";
    fs::remove_all(staging);
    copyConverted(partDir, staging.string());
    fs::rename(staging, target);
  }
  return name.str();
}

BundledModel ModelBundler::add(const std::string& name, const std::string& compositeDir) {
  if (name.empty() || name == "shared" || name.find('/') != std::string::npos || name[0] == '.')
    throw Error("bundle: '" + name + "' cannot name a model folder");
  const fs::path source(compositeDir);
  json config = readJson(source / "config.json");
  if (config.value("model_type", "") != "sinkscope-avsr")
    throw FormatError((source / "config.json").string() + ": model_type is not sinkscope-avsr");

  BundledModel model;
  model.name = name;
  model.directory = (fs::path(outDir_) / name).string();
  const fs::path staging = model.directory + ".partial";
  fs::remove_all(staging);
  fs::create_directories(staging);

  // Exports written before suppress_tokens existed still need their LLM's phoneme
  // codes kept out of transcripts (PhonemeCodeTokens).
  if (config.contains("llm") && config["llm"].is_string() &&
      !(config.contains("generation") && config["generation"].contains("suppress_tokens"))) {
    const auto codes = PhonemeCodeTokens::ofLlm((source / config["llm"].get<std::string>()).string());
    if (!codes.empty()) config["generation"]["suppress_tokens"] = codes;
  }
  for (const char* key : kPartKeys) {
    if (!config.contains(key) || config[key].is_null()) continue;
    const fs::path partDir = source / config[key].get<std::string>();
    if (!fs::is_directory(partDir)) throw Error((source / "config.json").string() + ": part '" + key + "' (" +
                                                partDir.string() + ") is not a directory");
    const std::string shared = sharePart(key, partDir.string());
    config[key] = "../shared/" + shared;
    model.sharedParts.push_back(shared);
  }
  const std::string weights = config.value("weights", "model.safetensors");
  convertWeights((source / weights).string(), (staging / weights).string(), dtype_);
  writeText(staging / "config.json", config.dump(2) + "\n");
  for (const char* extra : {"training.json", "README.md"})
    if (fs::exists(source / extra)) fs::copy_file(source / extra, staging / extra);

  fs::remove_all(model.directory);
  fs::rename(staging, model.directory);
  return model;
}

std::vector<std::string> ModelBundler::pruneShared() const {
  std::vector<std::string> used;
  for (const auto& entry : fs::directory_iterator(outDir_)) {
    const fs::path config = entry.path() / "config.json";
    if (entry.path().filename() == "shared" || !fs::exists(config)) continue;
    const json parsed = readJson(config);
    for (const char* key : kPartKeys)
      if (parsed.contains(key) && parsed[key].is_string())
        used.push_back(fs::path(parsed[key].get<std::string>()).filename().string());
  }
  std::vector<std::string> removed;
  for (const auto& entry : fs::directory_iterator(fs::path(outDir_) / "shared")) {
    const std::string name = entry.path().filename().string();
    if (std::find(used.begin(), used.end(), name) != used.end()) continue;
    fs::remove_all(entry.path());
    removed.push_back(name);
  }
  std::sort(removed.begin(), removed.end());
  return removed;
}

std::uint64_t ModelBundler::totalBytes() const {
  std::uint64_t bytes = 0;
  for (const auto& relative : filesUnder(outDir_)) bytes += fs::file_size(fs::path(outDir_) / relative);
  return bytes;
}

}  // namespace sinkscope
