#pragma once

#include <string>

#include "core/engine/ClipMedia.h"

namespace sinkscope {

// A clip file -> ClipMedia. A clip that is already 96x96 (the synthetic corpus, or
// pre-cropped data in the auto_avsr convention) is taken as crops without landmarks;
// any other video goes through the dlib mouth pipeline. Throws MediaError naming the
// file when a requested stream is missing or no frame has a face.
class ClipLoader {
 public:
  static constexpr int kCropSize = 96;

  static ClipMedia load(const std::string& path, bool audio, bool video);
};

}  // namespace sinkscope
