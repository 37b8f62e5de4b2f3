#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace sinkscope::corpus {

// One generated utterance as it goes to disk.
struct CorpusUtterance {
  std::string relPath;  // "train/000123.mp4", relative to the corpus folder
  std::string text;     // the transcript
  std::string voice;    // VoiceSpec::id
  std::string source;   // where the sentence came from
  int wordCount = 0;
  int frameCount = 0;
  std::vector<std::int16_t> audio;  // 16 kHz mono, exactly frameCount × 640 samples
  std::vector<std::uint8_t> rois;   // [frameCount, 96, 96]
};

// The label CSV of one split (Llama-AVSR format, no header:
// dataset,rel_path,input_length,token_len,text with input_length = video frames and
// token_len = words) and, optionally, its training shards
// shards/<split>-NNNN.safetensors (see docs/corpus.md for the layout).
class CorpusWriter {
 public:
  CorpusWriter(const std::string& outDir, const std::string& split, const std::string& dataset, int shardSize,
               bool writeShards);
  void add(const CorpusUtterance& utterance);
  void finish();  // writes the last shard and closes the CSV

  static std::string csvRow(const std::string& dataset, const std::string& relPath, int frames, int tokenLen,
                            const std::string& text);
  int count() const { return count_; }
  double audioSeconds() const { return audioSeconds_; }
  int shardCount() const { return shardIndex_; }

 private:
  void flushShard();

  std::string outDir_;
  std::string split_;
  std::string dataset_;
  int shardSize_;
  bool writeShards_;
  std::ofstream csv_;
  int count_ = 0;
  double audioSeconds_ = 0.0;
  int shardIndex_ = 0;
  std::vector<CorpusUtterance> pending_;
};

}  // namespace sinkscope::corpus
