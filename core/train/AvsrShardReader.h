#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sinkscope {

class SafetensorsFile;

// One split of the synthetic AV corpus (docs/corpus.md, "Shards") read straight from
// its memory-mapped shards DIR/shards/{split}-NNNN.safetensors: utterance i's 16 kHz
// int16 audio, its [F, 96, 96] uint8 mouth frames and its transcript, without
// copying. Plain C++; the views stay valid while the reader lives.
class AvsrShardReader {
 public:
  static constexpr const char* kFormat = "sinkscope-corpus-shard/1";
  static constexpr int kRoiSize = 96;

  struct Utterance {
    std::string id;            // "train/000123"
    std::string text;          // lower-case transcript
    const std::int16_t* audio = nullptr;
    std::int64_t samples = 0;  // 640 per frame
    const std::uint8_t* rois = nullptr;  // frames × 96 × 96
    std::int64_t frames = 0;
  };

  // Opens every shard of `split` in shard order. Throws FormatError naming the file
  // and key for a malformed shard, Error when the split has none.
  static AvsrShardReader open(const std::string& corpusDir, const std::string& split);

  std::size_t size() const { return index_.size(); }
  Utterance at(std::size_t i) const;  // throws Error when out of range
  std::int64_t totalSamples() const { return totalSamples_; }
  // Audio samples of every utterance in split order (what length-bucketed batching sorts by).
  std::vector<std::int64_t> lengths() const;

 private:
  struct Shard {
    std::shared_ptr<const SafetensorsFile> file;
    const std::int16_t* audio = nullptr;
    const std::uint8_t* rois = nullptr;
    std::vector<std::int64_t> audioOffsets;
    std::vector<std::int64_t> roiOffsets;
    std::vector<std::string> ids;
    std::vector<std::string> texts;
  };
  std::vector<Shard> shards_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> index_;  // (shard, row)
  std::int64_t totalSamples_ = 0;
};

}  // namespace sinkscope
