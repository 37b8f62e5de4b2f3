#pragma once

#include <array>

namespace sinkscope {

struct PointF {
  float x = 0.0f;
  float y = 0.0f;
};

// The 68 iBUG points (0-based: 0-16 jaw, 17-26 brows, 27-35 nose, 36-47 eyes,
// 48-67 mouth) in pixels of the image they were found in.
using Landmarks68 = std::array<PointF, 68>;

struct FaceBox {
  float left = 0.0f;
  float top = 0.0f;
  float width = 0.0f;
  float height = 0.0f;
};

struct FaceLandmarks {
  FaceBox box;  // the detector's box, or the box the tracker placed the predictor in
  Landmarks68 points;
  bool tracked = false;  // true when no detector ran on this frame
};

}  // namespace sinkscope
