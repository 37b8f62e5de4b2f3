#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/media/FaceLandmarks.h"
#include "core/media/Image.h"

namespace sinkscope {

struct ScoredFaceBox {
  FaceBox box;
  double score = 0.0;
};

// dlib's CNN face detector (max-margin object detection, the network of dlib's
// mmod_human_face_detector.dat). Kept apart from FaceLandmarker because dlib's DNN
// templates are slow to compile.
class CnnFaceDetector {
 public:
  // Throws MediaError when the file is missing, FormatError when it holds another
  // network.
  explicit CnnFaceDetector(const std::string& modelPath);
  ~CnnFaceDetector();
  CnnFaceDetector(const CnnFaceDetector&) = delete;
  CnnFaceDetector& operator=(const CnnFaceDetector&) = delete;

  // Faces in a gray or BGR image, boxes in its pixels; upsampleCount doublings first.
  std::vector<ScoredFaceBox> detect(const Image& image, int upsampleCount);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sinkscope
