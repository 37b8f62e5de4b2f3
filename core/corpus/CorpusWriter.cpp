#include "core/corpus/CorpusWriter.h"

#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/base/Error.h"
#include "core/io/Safetensors.h"

namespace sinkscope::corpus {

namespace fs = std::filesystem;

CorpusWriter::CorpusWriter(const std::string& outDir, const std::string& split, const std::string& dataset,
                           int shardSize, bool writeShards)
    : outDir_(outDir), split_(split), dataset_(dataset), shardSize_(std::max(1, shardSize)), writeShards_(writeShards) {
  const std::string csvPath = outDir_ + "/" + split_ + ".csv";
  csv_.open(csvPath, std::ios::binary | std::ios::trunc);
  if (!csv_) throw Error("cannot write " + csvPath);
  if (writeShards_) fs::create_directories(outDir_ + "/shards");
}

std::string CorpusWriter::csvRow(const std::string& dataset, const std::string& relPath, int frames, int tokenLen,
                                 const std::string& text) {
  for (const auto* field : {&dataset, &relPath, &text})
    if (field->find(',') != std::string::npos || field->find('\n') != std::string::npos)
      throw Error("label CSV fields must not contain commas or newlines: '" + *field + "'");
  return dataset + "," + relPath + "," + std::to_string(frames) + "," + std::to_string(tokenLen) + "," + text + "\n";
}

void CorpusWriter::add(const CorpusUtterance& utterance) {
  csv_ << csvRow(dataset_, utterance.relPath, utterance.frameCount, utterance.wordCount, utterance.text);
  ++count_;
  audioSeconds_ += static_cast<double>(utterance.audio.size()) / 16000.0;
  if (!writeShards_) return;
  pending_.push_back(utterance);
  if (static_cast<int>(pending_.size()) >= shardSize_) flushShard();
}

void CorpusWriter::flushShard() {
  if (pending_.empty()) return;
  std::vector<std::int64_t> audioOffsets{0};
  std::vector<std::int64_t> roiOffsets{0};
  for (const auto& u : pending_) {
    audioOffsets.push_back(audioOffsets.back() + static_cast<std::int64_t>(u.audio.size()));
    roiOffsets.push_back(roiOffsets.back() + u.frameCount);
  }
  std::vector<std::int16_t> audio;
  audio.reserve(static_cast<std::size_t>(audioOffsets.back()));
  std::vector<std::uint8_t> rois;
  rois.reserve(static_cast<std::size_t>(roiOffsets.back()) * 96 * 96);
  nlohmann::json ids = nlohmann::json::array();
  nlohmann::json texts = nlohmann::json::array();
  nlohmann::json voices = nlohmann::json::array();
  nlohmann::json sources = nlohmann::json::array();
  for (const auto& u : pending_) {
    audio.insert(audio.end(), u.audio.begin(), u.audio.end());
    rois.insert(rois.end(), u.rois.begin(), u.rois.end());
    ids.push_back(fs::path(u.relPath).replace_extension().string());
    texts.push_back(u.text);
    voices.push_back(u.voice);
    sources.push_back(u.source);
  }
  const auto n = static_cast<std::int64_t>(pending_.size());
  SafetensorsWriter writer;
  writer.add("audio", DType::I16, {static_cast<std::int64_t>(audio.size())}, audio.data(), audio.size() * 2);
  writer.add("audio_offsets", DType::I64, {n + 1}, audioOffsets.data(), audioOffsets.size() * 8);
  writer.add("rois", DType::U8, {roiOffsets.back(), 96, 96}, rois.data(), rois.size());
  writer.add("roi_offsets", DType::I64, {n + 1}, roiOffsets.data(), roiOffsets.size() * 8);
  writer.setMetadata("format", "sinkscope-corpus-shard/1");
  writer.setMetadata("sample_rate_hz", "16000");
  writer.setMetadata("fps", "25");
  writer.setMetadata("ids", ids.dump());
  writer.setMetadata("texts", texts.dump());
  writer.setMetadata("voices", voices.dump());
  writer.setMetadata("sources", sources.dump());
  char name[64];
  std::snprintf(name, sizeof name, "%s-%04d.safetensors", split_.c_str(), shardIndex_);
  writer.write(outDir_ + "/shards/" + name);
  ++shardIndex_;
  pending_.clear();
}

void CorpusWriter::finish() {
  if (writeShards_) flushShard();
  csv_.flush();
  if (!csv_) throw Error("cannot write " + outDir_ + "/" + split_ + ".csv");
  csv_.close();
}

}  // namespace sinkscope::corpus
