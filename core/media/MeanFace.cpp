#include "core/media/MeanFace.h"

#include <dlib/matrix.h>
#include <dlib/serialize.h>

#include <array>
#include <cmath>
#include <fstream>

#include "core/base/Error.h"

namespace sinkscope {

namespace {

PointF mean(const Landmarks68& face, int first, int last) {
  PointF sum;
  for (int i = first; i <= last; ++i) {
    sum.x += face[i].x;
    sum.y += face[i].y;
  }
  const auto n = static_cast<float>(last - first + 1);
  return {sum.x / n, sum.y / n};
}

std::array<PointF, 7> figurePoints(const MeanFaceFigures& f) {
  return {f.leftEyeCentre,   f.rightEyeCentre,   f.noseTip, f.mouthCentre,
          f.mouthLeftCorner, f.mouthRightCorner, f.chin};
}

// Printed by sinkscope-derive-mean-face from Debian's libdlib-data
// shape_predictor_68_face_landmarks.dat (dlib 19.24): MeanFace::derive() of its
// initial shape. MeanFaceTest re-derives it and compares.
constexpr float kReference[68][2] = {
    {69.1792f, 95.3089f}, {69.5866f, 112.9421f}, {71.2925f, 130.5066f}, {74.6035f, 147.7308f},
    {80.8139f, 163.7274f}, {90.3515f, 177.6002f}, {102.0196f, 189.1748f}, {114.8921f, 198.4694f},
    {129.4557f, 201.2311f}, {144.0194f, 198.4691f}, {156.8922f, 189.1747f}, {168.5601f, 177.6004f},
    {178.0986f, 163.7275f}, {184.3098f, 147.7310f}, {187.6209f, 130.5068f}, {189.3270f, 112.9421f},
    {189.7347f, 95.3085f}, {80.6741f, 82.4127f}, {88.1455f, 74.9730f}, {98.6911f, 72.7557f},
    {109.6114f, 74.4760f}, {119.8358f, 79.1764f}, {139.0804f, 79.1759f}, {149.3049f, 74.4754f},
    {160.2254f, 72.7552f}, {170.7711f, 74.9724f}, {178.2427f, 82.4125f}, {129.4580f, 92.9854f},
    {129.4575f, 104.3448f}, {129.4573f, 115.6039f}, {129.4568f, 127.1918f}, {117.2229f, 135.0275f},
    {123.0985f, 137.4200f}, {129.4570f, 139.4640f}, {135.8159f, 137.4203f}, {141.6919f, 135.0281f},
    {92.8032f, 94.4054f}, {99.3207f, 90.2612f}, {107.1485f, 90.3831f}, {114.0038f, 96.1042f},
    {106.6648f, 97.5511f}, {98.8721f, 97.4372f}, {144.9123f, 96.1036f}, {151.7676f, 90.3827f},
    {159.5951f, 90.2607f}, {166.1124f, 94.4052f}, {160.0434f, 97.4368f}, {152.2510f, 97.5507f},
    {106.0275f, 156.1017f}, {114.6511f, 152.2894f}, {123.3767f, 150.3136f}, {129.4571f, 151.9765f},
    {135.5378f, 150.3145f}, {144.2633f, 152.2904f}, {152.8870f, 156.1017f}, {144.5414f, 165.4189f},
    {136.0633f, 169.5428f}, {129.4570f, 170.3218f}, {122.8506f, 169.5421f}, {114.3729f, 165.4182f},
    {109.6251f, 156.6055f}, {123.2995f, 155.9343f}, {129.4570f, 156.6576f}, {135.6150f, 155.9350f},
    {149.2891f, 156.6057f}, {135.7348f, 160.9984f}, {129.4573f, 161.8361f}, {123.1799f, 160.9978f},
};

}  // namespace

const Landmarks68& MeanFace::reference() {
  static const Landmarks68 face = [] {
    Landmarks68 points;
    for (std::size_t i = 0; i < points.size(); ++i) points[i] = {kReference[i][0], kReference[i][1]};
    return points;
  }();
  return face;
}

Landmarks68 MeanFace::readInitialShape(const std::string& shapePredictorPath) {
  std::ifstream in(shapePredictorPath, std::ios::binary);
  if (!in) throw MediaError("face landmark model not found: '" + shapePredictorPath + "'");
  // A shape_predictor file starts with its format version and the initial shape.
  int version = 0;
  dlib::matrix<float, 0, 1> shape;
  try {
    dlib::deserialize(version, in);
    dlib::deserialize(shape, in);
  } catch (const std::exception&) {
    // dlib reports a malformed file as serialization_error, or as bad_alloc when a
    // garbage length asks for too much.
    throw FormatError("'" + shapePredictorPath + "' is not a dlib shape_predictor file");
  }
  if (version != 1 || shape.size() != 2 * 68) {
    throw FormatError("'" + shapePredictorPath +
                      "': expected a version 1 shape_predictor with 68 points, found version " +
                      std::to_string(version) + " with " + std::to_string(shape.size() / 2) +
                      " points");
  }
  Landmarks68 points;
  for (int i = 0; i < 68; ++i) points[i] = {shape(2 * i), shape(2 * i + 1)};
  return points;
}

// Per-axis scale and translation, least squares over the seven figure points: the
// two faces come from different data (dlib's 300-W training boxes, auto_avsr's
// LRW mean), so their aspect ratios differ by a few per cent, and a single scale
// would leave twice the residual. No rotation: both faces are upright.
Landmarks68 MeanFace::derive(const Landmarks68& initialShape) {
  const auto from = figurePoints(figures(initialShape));
  const auto to = figurePoints(designFigures());
  double meanFrom[2] = {0, 0};
  double meanTo[2] = {0, 0};
  for (std::size_t i = 0; i < from.size(); ++i) {
    meanFrom[0] += from[i].x / from.size();
    meanFrom[1] += from[i].y / from.size();
    meanTo[0] += to[i].x / to.size();
    meanTo[1] += to[i].y / to.size();
  }
  double cross[2] = {0, 0};
  double square[2] = {0, 0};
  for (std::size_t i = 0; i < from.size(); ++i) {
    const double fx = from[i].x - meanFrom[0];
    const double fy = from[i].y - meanFrom[1];
    cross[0] += fx * (to[i].x - meanTo[0]);
    cross[1] += fy * (to[i].y - meanTo[1]);
    square[0] += fx * fx;
    square[1] += fy * fy;
  }
  const double scale[2] = {cross[0] / square[0], cross[1] / square[1]};
  Landmarks68 face;
  for (std::size_t i = 0; i < face.size(); ++i) {
    face[i].x = static_cast<float>((initialShape[i].x - meanFrom[0]) * scale[0] + meanTo[0]);
    face[i].y = static_cast<float>((initialShape[i].y - meanFrom[1]) * scale[1] + meanTo[1]);
  }
  return face;
}

MeanFaceFigures MeanFace::figures(const Landmarks68& face) {
  MeanFaceFigures f;
  f.leftEyeCentre = mean(face, 36, 41);
  f.rightEyeCentre = mean(face, 42, 47);
  f.noseTip = face[30];
  f.mouthCentre = mean(face, 48, 67);
  f.mouthLeftCorner = face[48];
  f.mouthRightCorner = face[54];
  f.chin = face[8];
  f.interOcularPx = std::hypot(f.rightEyeCentre.x - f.leftEyeCentre.x,
                               f.rightEyeCentre.y - f.leftEyeCentre.y);
  return f;
}

MeanFaceFigures MeanFace::designFigures() {
  MeanFaceFigures f;
  f.leftEyeCentre = {102.1f, 94.3f};
  f.rightEyeCentre = {156.4f, 93.6f};
  f.noseTip = {128.3f, 127.7f};
  f.mouthCentre = {129.3f, 157.8f};
  f.mouthLeftCorner = {107.2f, 157.2f};
  f.mouthRightCorner = {152.2f, 157.0f};
  f.chin = {130.7f, 200.5f};
  f.interOcularPx = 54.3f;
  return f;
}

}  // namespace sinkscope
