#include "core/train/AvsrShardReader.h"

#include <algorithm>
#include <cstring>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/base/Error.h"
#include "core/io/Safetensors.h"

namespace sinkscope {

namespace {

namespace fs = std::filesystem;

std::vector<std::int64_t> readOffsets(const SafetensorsFile& file, const std::string& name, std::int64_t total) {
  const TensorView view = file.tensor(name);
  if (view.dtype != DType::I64 || view.shape.size() != 1 || view.shape[0] < 1) {
    throw FormatError(file.path() + ": " + name + " must be I64 [n + 1]");
  }
  std::vector<std::int64_t> offsets(static_cast<std::size_t>(view.shape[0]));
  std::memcpy(offsets.data(), view.data, offsets.size() * sizeof(std::int64_t));
  if (offsets.front() != 0 || offsets.back() != total || !std::is_sorted(offsets.begin(), offsets.end())) {
    throw FormatError(file.path() + ": " + name + " must rise from 0 to " + std::to_string(total));
  }
  return offsets;
}

std::vector<std::string> readList(const SafetensorsFile& file, const std::string& key, std::size_t count) {
  const auto it = file.metadata().find(key);
  if (it == file.metadata().end()) throw FormatError(file.path() + ": __metadata__ lacks '" + key + "'");
  nlohmann::json list;
  try {
    list = nlohmann::json::parse(it->second);
  } catch (const nlohmann::json::parse_error&) {
    throw FormatError(file.path() + ": __metadata__ '" + key + "' is not a JSON list");
  }
  if (!list.is_array() || list.size() != count) {
    throw FormatError(file.path() + ": __metadata__ '" + key + "' must list " + std::to_string(count) + " strings");
  }
  std::vector<std::string> out;
  for (const auto& item : list) {
    if (!item.is_string()) throw FormatError(file.path() + ": __metadata__ '" + key + "' must hold strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace

AvsrShardReader AvsrShardReader::open(const std::string& corpusDir, const std::string& split) {
  const fs::path folder = fs::path(corpusDir) / "shards";
  std::vector<std::string> paths;
  std::error_code error;
  if (fs::is_directory(folder, error)) {
    for (const auto& entry : fs::directory_iterator(folder)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind(split + "-", 0) == 0 && entry.path().extension() == ".safetensors") {
        paths.push_back(entry.path().string());
      }
    }
  }
  if (paths.empty()) throw Error(folder.string() + ": no shards of split '" + split + "'");
  std::sort(paths.begin(), paths.end());

  AvsrShardReader reader;
  for (const auto& path : paths) {
    Shard shard;
    shard.file = SafetensorsFile::open(path);
    const SafetensorsFile& file = *shard.file;
    const auto format = file.metadata().find("format");
    if (format == file.metadata().end() || format->second != kFormat) {
      throw FormatError(path + ": __metadata__ 'format' must be " + std::string(kFormat));
    }
    const TensorView audio = file.tensor("audio");
    if (audio.dtype != DType::I16 || audio.shape.size() != 1) throw FormatError(path + ": audio must be I16 [samples]");
    const TensorView rois = file.tensor("rois");
    if (rois.dtype != DType::U8 || rois.shape.size() != 3 || rois.shape[1] != kRoiSize || rois.shape[2] != kRoiSize) {
      throw FormatError(path + ": rois must be U8 [frames, 96, 96]");
    }
    shard.audio = reinterpret_cast<const std::int16_t*>(audio.data);
    shard.rois = rois.data;
    shard.audioOffsets = readOffsets(file, "audio_offsets", audio.shape[0]);
    shard.roiOffsets = readOffsets(file, "roi_offsets", rois.shape[0]);
    const std::size_t count = shard.audioOffsets.size() - 1;
    if (shard.roiOffsets.size() != count + 1) {
      throw FormatError(path + ": audio_offsets and roi_offsets count different utterances");
    }
    shard.ids = readList(file, "ids", count);
    shard.texts = readList(file, "texts", count);
    for (std::size_t i = 0; i < count; ++i) {
      reader.index_.emplace_back(static_cast<std::uint32_t>(reader.shards_.size()), static_cast<std::uint32_t>(i));
    }
    reader.totalSamples_ += audio.shape[0];
    reader.shards_.push_back(std::move(shard));
  }
  return reader;
}

AvsrShardReader::Utterance AvsrShardReader::at(std::size_t i) const {
  if (i >= index_.size()) {
    throw Error("utterance " + std::to_string(i) + " is beyond the " + std::to_string(index_.size()) + " of the split");
  }
  const Shard& shard = shards_[index_[i].first];
  const std::size_t row = index_[i].second;
  Utterance u;
  u.id = shard.ids[row];
  u.text = shard.texts[row];
  u.audio = shard.audio + shard.audioOffsets[row];
  u.samples = shard.audioOffsets[row + 1] - shard.audioOffsets[row];
  const std::int64_t frameBytes = static_cast<std::int64_t>(kRoiSize) * kRoiSize;
  u.rois = shard.rois + shard.roiOffsets[row] * frameBytes;
  u.frames = shard.roiOffsets[row + 1] - shard.roiOffsets[row];
  return u;
}

std::vector<std::int64_t> AvsrShardReader::lengths() const {
  std::vector<std::int64_t> out;
  out.reserve(index_.size());
  for (std::size_t i = 0; i < index_.size(); ++i) out.push_back(at(i).samples);
  return out;
}

}  // namespace sinkscope
