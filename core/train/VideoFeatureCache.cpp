#include "core/train/VideoFeatureCache.h"

#include <atomic>
#include <filesystem>
#include <sstream>

#include <unistd.h>

#include "core/base/Error.h"
#include "core/io/ModelBundler.h"
#include "core/io/Safetensors.h"

namespace sinkscope {

namespace {

namespace fs = std::filesystem;

// Utterance ids are "split/NNNNNN"; anything else could name a path outside the cache.
bool safeId(const std::string& id) {
  if (id.empty() || id.front() == '/' || id.find("..") != std::string::npos) return false;
  for (char ch : id) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '/' ||
                    ch == '_' || ch == '-' || ch == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

VideoFeatureCache::VideoFeatureCache(const std::string& directory, const std::string& encoderDir,
                                     const std::string& corpusDir) {
  if (directory.empty()) throw Error("video feature cache: no folder given");
  std::uint64_t key = ModelBundler::hashTree(encoderDir);
  const fs::path corpusJson = fs::path(corpusDir) / "corpus.json";
  if (fs::exists(corpusJson)) key = ModelBundler::hashFile(corpusJson.string(), key);
  std::ostringstream name;
  name << std::hex << key;
  folder_ = (fs::path(directory) / ("video-" + name.str())).string();
  std::error_code error;
  fs::create_directories(folder_, error);
  if (!fs::is_directory(folder_)) throw Error(folder_ + ": cannot create the video feature cache folder");
}

std::string VideoFeatureCache::pathOf(const std::string& utteranceId) const {
  if (!safeId(utteranceId)) throw Error("video feature cache: utterance id \"" + utteranceId + "\" cannot name a file");
  return (fs::path(folder_) / (utteranceId + ".safetensors")).string();
}

std::optional<torch::Tensor> VideoFeatureCache::load(const std::string& utteranceId, std::int64_t frames) const {
  const std::string path = pathOf(utteranceId);
  if (!fs::exists(path)) return std::nullopt;
  try {
    const auto file = SafetensorsFile::open(path);
    const auto& meta = file->metadata();
    const auto format = meta.find("format");
    const auto id = meta.find("utterance");
    if (format == meta.end() || format->second != kFormat || id == meta.end() || id->second != utteranceId)
      return std::nullopt;
    const TensorView view = file->tensor("features");
    if (view.dtype != DType::F32 || view.shape.size() != 2 || view.shape[0] != frames || view.shape[1] < 1)
      return std::nullopt;
    // Copied out of the mapping, which closes with `file`.
    return torch::from_blob(const_cast<std::uint8_t*>(view.data), {view.shape[0], view.shape[1]}, torch::kFloat32).clone();
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

void VideoFeatureCache::store(const std::string& utteranceId, const torch::Tensor& features) const {
  const std::string path = pathOf(utteranceId);
  const torch::Tensor host = features.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  if (host.dim() != 2) throw Error("video feature cache: features of " + utteranceId + " must be [frames, dim]");
  SafetensorsWriter writer;
  writer.add("features", DType::F32, {host.size(0), host.size(1)}, host.data_ptr(),
             static_cast<std::size_t>(host.numel()) * sizeof(float));
  writer.setMetadata("format", kFormat);
  writer.setMetadata("utterance", utteranceId);
  static std::atomic<std::uint64_t> counter{0};
  const std::string staging = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  std::error_code error;
  fs::create_directories(fs::path(path).parent_path(), error);
  writer.write(staging);
  fs::rename(staging, path, error);
  if (error) {
    fs::remove(staging, error);
    throw Error(path + ": cannot store video features");
  }
}

}  // namespace sinkscope
