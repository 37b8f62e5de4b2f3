#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/engine/ClipMedia.h"
#include "core/media/FaceLandmarks.h"
#include "core/media/Image.h"

namespace sinkscope {

// A clip file -> ClipMedia. A clip that is already 96x96 (the synthetic corpus, or
// pre-cropped data in the auto_avsr convention) is taken as crops without landmarks;
// any other video goes through the dlib mouth pipeline. Throws MediaError naming the
// file when a requested stream is missing or no frame has a face.
class ClipLoader {
 public:
  static constexpr int kCropSize = 96;

  static ClipMedia load(const std::string& path, bool audio, bool video);

  // Live capture -> ClipMedia: the utterance's 16 kHz waveform and its 25 fps
  // pictures (colour for the landmarks, grey for the crops) through the same mouth
  // pipeline as a file. `found`, when not empty, holds the faces already tracked per
  // frame (a live tracking stage) and `bgr` is not used. `name` stands for the
  // source in ClipMedia::path and errors. With video false the pictures are ignored.
  // Throws MediaError as load() does.
  static ClipMedia fromCapture(const std::string& name, std::vector<float> waveform, bool video,
                               const std::vector<const Image*>& bgr, const std::vector<const Image*>& gray,
                               const std::vector<std::optional<FaceLandmarks>>& found = {});

 private:
  static void checkCrops(const ClipMedia& media);
};

}  // namespace sinkscope
