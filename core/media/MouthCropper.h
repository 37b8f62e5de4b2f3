#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <vector>

#include "core/media/FaceLandmarks.h"
#include "core/media/Image.h"

namespace sinkscope {

struct MouthCropOptions {
  int halfWindowFrames = 6;  // auto_avsr's window_margin 12, halved
  int cropSizePx = 96;
};

// The mouth crop of DESIGN §3 (the auto_avsr convention) over one clip's landmark
// track: missing frames interpolated, landmarks averaged over ±6 frames (fewer near
// the ends) and re-centred on each frame's own mean, a similarity transform
// (OpenCV, LMEDS) of the stable points 28, 33, 36, 39, 42, 45, 48, 54 onto the
// MeanFace in its 256×256 frame, and a 96×96 window there centred on the mouth
// (points 48-67).
class MouthCropper {
 public:
  static constexpr int kReferenceSizePx = 256;

  explicit MouthCropper(MouthCropOptions options = {});

  // One entry per 25 fps frame, empty where no face was found. Throws MediaError
  // when no frame has landmarks.
  void setTrack(const std::vector<std::optional<Landmarks68>>& track);

  std::size_t frameCount() const { return landmarks_.size(); }
  const Landmarks68& landmarks(std::size_t frame) const;  // found, or interpolated
  const Landmarks68& smoothedLandmarks(std::size_t frame) const;
  // Row-major 2×3 affine that takes frame pixels to crop pixels.
  const std::array<double, 6>& frameToCrop(std::size_t frame) const;

  // The crop of `frame` from its picture (gray or BGR): 96×96 gray. Warping straight
  // into the window equals warping into the 256×256 frame and cutting the window
  // out, up to the rounding of OpenCV's fixed-point coordinates.
  Image crop(const Image& picture, std::size_t frame) const;

  // Gaps between found frames filled linearly; frames before the first and after
  // the last found one copy it. Throws MediaError when none is found.
  static std::vector<Landmarks68> interpolate(const std::vector<std::optional<Landmarks68>>& track);
  // The mean over frames i-m..i+m with m = min(halfWindowFrames, i, n-1-i), shifted
  // so that its centroid is frame i's own.
  static std::vector<Landmarks68> smooth(const std::vector<Landmarks68>& track,
                                         int halfWindowFrames);

 private:
  MouthCropOptions options_;
  std::vector<Landmarks68> landmarks_;
  std::vector<Landmarks68> smoothed_;
  std::vector<std::array<double, 6>> frameToCrop_;
};

}  // namespace sinkscope
