#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/media/FaceLandmarker.h"
#include "core/media/FaceLandmarks.h"
#include "core/media/Image.h"
#include "core/media/MouthCropper.h"

namespace sinkscope {

// One 25 fps frame of a clip, as the mouth pipeline sees it.
struct MouthFrame {
  std::int64_t index = 0;
  bool faceFound = false;  // the landmarker found the face here (else: interpolated)
  FaceBox box;             // where it was found (faceFound only)
  Landmarks68 landmarks;   // as found, or interpolated between found frames
  Image crop;              // 96×96 gray
  std::array<double, 6> frameToCrop{};  // row-major 2×3 affine: frame pixels -> crop pixels
};

// Clip → per-frame landmarks and mouth crops. Two passes over the video: the
// landmarks of every frame first (the smoothing window and the interpolation look
// ahead), then the crops, so only one picture is held at a time.
class MouthExtractor {
 public:
  explicit MouthExtractor(FaceLandmarkerOptions landmarkerOptions = {},
                          MouthCropOptions cropOptions = {});

  // Throws MediaError naming the file when it has no video or no frame has a face.
  void run(const std::string& path, const std::function<void(MouthFrame&&)>& onFrame);
  // The same pipeline over pictures already in memory (a live utterance's frames, in
  // order): landmarks tracked on bgr[i], the crop cut from gray[i]. `name` stands
  // for the source in errors. Throws MediaError when no frame has a face.
  void run(const std::vector<const Image*>& bgr, const std::vector<const Image*>& gray, const std::string& name,
           const std::function<void(MouthFrame&&)>& onFrame);
  // The steps after the tracking, for faces tracked elsewhere (a live tracking
  // stage), so no landmark model is loaded: found[i] is what FaceLandmarker::track
  // gave for frame i (empty: no face, or not tracked; interpolated either way).
  static void runTracked(const std::vector<std::optional<FaceLandmarks>>& found,
                         const std::vector<const Image*>& gray, const std::string& name,
                         const std::function<void(MouthFrame&&)>& onFrame, MouthCropOptions cropOptions = {});

  // The track of the last run.
  const MouthCropper& cropper() const { return cropper_; }

 private:
  // The landmarks found per frame -> the cropper's track; errors name `name`.
  static void setTrack(MouthCropper& cropper, const std::vector<std::optional<FaceLandmarks>>& found,
                       const std::string& name);
  static MouthFrame frame(const MouthCropper& cropper, std::size_t index, const std::optional<FaceLandmarks>& face,
                          const Image& gray);
  static void cropTracked(MouthCropper& cropper, const std::vector<std::optional<FaceLandmarks>>& found,
                          const std::vector<const Image*>& gray, const std::string& name,
                          const std::function<void(MouthFrame&&)>& onFrame);

  FaceLandmarker landmarker_;
  MouthCropper cropper_;
};

}  // namespace sinkscope
