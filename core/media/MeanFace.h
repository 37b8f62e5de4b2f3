#pragma once

#include <string>

#include "core/media/FaceLandmarks.h"

namespace sinkscope {

// The points DESIGN §3 summarises a mean face by.
struct MeanFaceFigures {
  PointF leftEyeCentre;   // mean of points 36-41 (the eye on the image's left)
  PointF rightEyeCentre;  // mean of points 42-47
  PointF noseTip;         // point 30
  PointF mouthCentre;     // mean of points 48-67
  PointF mouthLeftCorner;   // point 48
  PointF mouthRightCorner;  // point 54
  PointF chin;              // point 8
  float interOcularPx = 0.0f;
};

// The reference face the mouth crop aligns every frame to, in the 256×256 frame of
// DESIGN §3. It is the project's own: dlib's 68-point model starts every fit from
// its training set's mean shape (the "initial shape" stored in
// shape_predictor_68_face_landmarks.dat, in units of the detector's box); that
// shape, scaled per axis and translated so that its summary figures fit auto_avsr's
// (as DESIGN §3 states them) in the least-squares sense, is the reference.
class MeanFace {
 public:
  static constexpr int kFrameSizePx = 256;

  // The derived face, committed as numbers (see MeanFace.cpp and
  // sinkscope-derive-mean-face, which re-derives and prints it).
  static const Landmarks68& reference();

  // The initial shape of a dlib shape_predictor file, in the unit square of the
  // detector box. Throws MediaError when the file is missing, FormatError when it is
  // not a 68-point shape_predictor.
  static Landmarks68 readInitialShape(const std::string& shapePredictorPath);

  // The derivation of reference() from an initial shape.
  static Landmarks68 derive(const Landmarks68& initialShape);

  static MeanFaceFigures figures(const Landmarks68& face);
  // auto_avsr's figures as DESIGN §3 gives them: the targets of derive().
  static MeanFaceFigures designFigures();
};

}  // namespace sinkscope
