#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <torch/torch.h>

namespace sinkscope {

// The frozen video encoder's outputs, one safetensors file per utterance under
// DIR/video-<key>/<utterance id>.safetensors. The AVSR fine-tuning keeps the encoders frozen
// and never augments the mouth video, so its encoder outputs are a pure function of
// the encoder and the utterance; eight of the recipe's twelve fine-tunings read the
// same video encoder, and the encoder costs most of a VSR step on a CPU. The key hashes
// the encoder's files and the corpus's corpus.json, so a retrained encoder or a rebuilt
// corpus never reads stale features. Files are written under a temporary name and
// renamed, so two runs filling one cache at once never see half a file.
class VideoFeatureCache {
 public:
  static constexpr const char* kFormat = "sinkscope-video-features/1";

  // Throws Error when `directory` is empty or the cache folder cannot be created.
  VideoFeatureCache(const std::string& directory, const std::string& encoderDir, const std::string& corpusDir);

  const std::string& folder() const { return folder_; }

  // [frames, dim] float32 on the CPU, or nothing when the file is absent, unreadable or
  // not this utterance's (a damaged entry is recomputed, never trusted).
  std::optional<torch::Tensor> load(const std::string& utteranceId, std::int64_t frames) const;
  // Throws Error naming the path when the folder cannot be written.
  void store(const std::string& utteranceId, const torch::Tensor& features) const;

 private:
  std::string pathOf(const std::string& utteranceId) const;

  std::string folder_;
};

}  // namespace sinkscope
