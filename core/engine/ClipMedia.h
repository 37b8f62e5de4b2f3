#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/media/FaceLandmarks.h"
#include "core/media/Image.h"

namespace sinkscope {

// One mouth-pipeline frame as the views show it: where the face was, the landmarks
// and the 96x96 crop the model reads.
struct ClipFrame {
  bool faceFound = false;  // found by the landmarker here (else interpolated)
  FaceBox box;
  Landmarks68 landmarks;
  Image crop;              // 96x96 grey
  std::array<double, 6> frameToCrop{};  // row-major 2x3 affine: frame pixels -> crop pixels
};

// What the model reads of one clip, as plain data (no LibTorch): the 16 kHz mono
// waveform before normalisation and the 25 fps mouth frames. Either may be empty
// when the clip lacks the stream or the modality does not need it.
struct ClipMedia {
  std::string path;
  std::vector<float> waveform;
  std::vector<ClipFrame> frames;
  bool cropsOnly = false;  // the clip was already 96x96 crops: no boxes or landmarks

  double audioSeconds() const { return static_cast<double>(waveform.size()) / 16000.0; }
  double videoSeconds() const { return static_cast<double>(frames.size()) / 25.0; }
};

}  // namespace sinkscope
