#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/media/FaceLandmarks.h"
#include "core/media/Image.h"

namespace sinkscope {

struct FaceLandmarkerOptions {
  std::string shapePredictorPath = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat";
  // dlib's CNN (MMOD) face detector file; empty: the HOG frontal face detector.
  std::string cnnDetectorPath;
  // The detector finds faces down to about 80 px; each upsampling halves that, at
  // four times the cost.
  int upsampleCount = 1;
  // track() runs the detector on this many frames at most once, and between those
  // places the landmark model where the previous frame's face was.
  int redetectIntervalFrames = 10;
  // A tracked shape whose fit to the mean shape leaves a residual above this (in
  // units of face size), or whose size changes by more than maxScaleChange between
  // frames, counts as lost and sends the frame to the detector.
  double lostShapeResidual = 0.08;
  double maxScaleChange = 0.25;
};

// Finds faces and their 68 iBUG landmarks with dlib: a face detector (HOG, or the
// CNN when a model is given) and the 68-point shape_predictor. For video, track()
// follows one face from frame to frame so the detector runs only every few frames.
class FaceLandmarker {
 public:
  // Throws MediaError naming the path when a model file is missing, FormatError
  // when it is not the model it should be.
  explicit FaceLandmarker(FaceLandmarkerOptions options = {});
  ~FaceLandmarker();
  FaceLandmarker(const FaceLandmarker&) = delete;
  FaceLandmarker& operator=(const FaceLandmarker&) = delete;

  const FaceLandmarkerOptions& options() const;

  // Every face in a still image (gray or BGR), in the detector's order.
  std::vector<FaceLandmarks> detectAll(const Image& image);

  // The face in the next frame of a video, or nothing where no face is found. When
  // the detector finds several, the one nearest the tracked face (else the largest).
  std::optional<FaceLandmarks> track(const Image& frame);
  void resetTracking();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sinkscope
