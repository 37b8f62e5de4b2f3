#include "core/media/FaceLandmarker.h"

#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_processing/shape_predictor.h>
#include <dlib/image_transforms.h>
#include <dlib/opencv/cv_image.h>

#include <cmath>
#include <complex>
#include <limits>
#include <type_traits>

#include "core/base/Error.h"
#include "core/media/CnnFaceDetector.h"
#include "core/media/MeanFace.h"
#include "core/media/OpenCvImage.h"

namespace sinkscope {

namespace {

// Scale and translation that best place `model` (unit-box coordinates) on `shape`:
// shape ≈ scale · model + offset.
struct BoxFit {
  double scale = 0.0;
  double offsetX = 0.0;
  double offsetY = 0.0;
};

BoxFit fitBox(const Landmarks68& model, const Landmarks68& shape) {
  double mx = 0, my = 0, sx = 0, sy = 0;
  for (std::size_t i = 0; i < model.size(); ++i) {
    mx += model[i].x;
    my += model[i].y;
    sx += shape[i].x;
    sy += shape[i].y;
  }
  const double n = static_cast<double>(model.size());
  mx /= n;
  my /= n;
  sx /= n;
  sy /= n;
  double cross = 0, square = 0;
  for (std::size_t i = 0; i < model.size(); ++i) {
    cross += (model[i].x - mx) * (shape[i].x - sx) + (model[i].y - my) * (shape[i].y - sy);
    square += (model[i].x - mx) * (model[i].x - mx) + (model[i].y - my) * (model[i].y - my);
  }
  BoxFit fit;
  fit.scale = square > 0 ? cross / square : 0.0;
  fit.offsetX = sx - fit.scale * mx;
  fit.offsetY = sy - fit.scale * my;
  return fit;
}

// RMS distance between `shape` and the best similarity transform (rotation
// included) of `model`, in units of the fitted scale: small for any face the model
// would produce, large for a shape torn apart.
double shapeResidual(const Landmarks68& model, const Landmarks68& shape) {
  using Complex = std::complex<double>;
  Complex modelMean, shapeMean;
  for (std::size_t i = 0; i < model.size(); ++i) {
    modelMean += Complex(model[i].x, model[i].y);
    shapeMean += Complex(shape[i].x, shape[i].y);
  }
  modelMean /= static_cast<double>(model.size());
  shapeMean /= static_cast<double>(model.size());
  Complex cross;
  double square = 0;
  for (std::size_t i = 0; i < model.size(); ++i) {
    const Complex m = Complex(model[i].x, model[i].y) - modelMean;
    cross += std::conj(m) * (Complex(shape[i].x, shape[i].y) - shapeMean);
    square += std::norm(m);
  }
  const Complex transform = cross / square;
  if (std::abs(transform) <= 0) return std::numeric_limits<double>::infinity();
  double error = 0;
  for (std::size_t i = 0; i < model.size(); ++i) {
    const Complex m = Complex(model[i].x, model[i].y) - modelMean;
    error += std::norm(Complex(shape[i].x, shape[i].y) - shapeMean - transform * m);
  }
  return std::sqrt(error / static_cast<double>(model.size())) / std::abs(transform);
}

FaceBox toFaceBox(const dlib::rectangle& r) {
  return {static_cast<float>(r.left()), static_cast<float>(r.top()),
          static_cast<float>(r.width()), static_cast<float>(r.height())};
}

// dlib::rectangle counts both edges, so a box of width w ends at left + w - 1.
dlib::rectangle toRectangle(const FaceBox& box) {
  return dlib::rectangle(std::lround(box.left), std::lround(box.top),
                         std::lround(box.left + box.width) - 1,
                         std::lround(box.top + box.height) - 1);
}

template <typename Pixel>
std::vector<ScoredFaceBox> detectHog(dlib::frontal_face_detector& detector, const cv::Mat& mat,
                                     int upsampleCount) {
  using Working = std::conditional_t<std::is_same_v<Pixel, unsigned char>, unsigned char,
                                     dlib::rgb_pixel>;
  dlib::array2d<Working> pixels;
  dlib::assign_image(pixels, dlib::cv_image<Pixel>(mat));
  dlib::pyramid_down<2> pyramid;
  for (int i = 0; i < upsampleCount; ++i) dlib::pyramid_up(pixels, pyramid);
  std::vector<dlib::rect_detection> found;
  detector(pixels, found);
  std::vector<ScoredFaceBox> faces;
  for (const auto& detection : found) {
    const dlib::rectangle r =
        pyramid.rect_down(dlib::drectangle(detection.rect), static_cast<unsigned>(upsampleCount));
    faces.push_back({toFaceBox(r), detection.detection_confidence});
  }
  return faces;
}

template <typename Pixel>
Landmarks68 predictShape(const dlib::shape_predictor& predictor, const cv::Mat& mat,
                         const dlib::rectangle& box) {
  const dlib::full_object_detection shape = predictor(dlib::cv_image<Pixel>(mat), box);
  Landmarks68 points;
  for (std::size_t i = 0; i < points.size(); ++i) {
    points[i] = {static_cast<float>(shape.part(i).x()), static_cast<float>(shape.part(i).y())};
  }
  return points;
}

void checkImage(const Image& image) {
  if (image.empty() || (image.channels != 1 && image.channels != 3)) {
    throw MediaError("FaceLandmarker: expected a gray or BGR image, got " +
                     std::to_string(image.width) + "x" + std::to_string(image.height) + "x" +
                     std::to_string(image.channels));
  }
}

}  // namespace

struct FaceLandmarker::Impl {
  FaceLandmarkerOptions options;
  dlib::frontal_face_detector hogDetector;
  std::unique_ptr<CnnFaceDetector> cnnDetector;
  dlib::shape_predictor predictor;
  Landmarks68 initialShape;
  std::optional<FaceLandmarks> tracked;
  int framesSinceDetection = 0;

  std::vector<ScoredFaceBox> detect(const Image& image) {
    if (cnnDetector) return cnnDetector->detect(image, options.upsampleCount);
    const cv::Mat mat = asMat(image);
    return image.channels == 3 ? detectHog<dlib::bgr_pixel>(hogDetector, mat, options.upsampleCount)
                               : detectHog<unsigned char>(hogDetector, mat, options.upsampleCount);
  }

  Landmarks68 predict(const Image& image, const dlib::rectangle& box) const {
    const cv::Mat mat = asMat(image);
    return image.channels == 3 ? predictShape<dlib::bgr_pixel>(predictor, mat, box)
                               : predictShape<unsigned char>(predictor, mat, box);
  }

  // The box in which the model's initial shape lies best on `points`: where the
  // landmark model should start on the next frame.
  FaceBox boxAround(const Landmarks68& points) const {
    const BoxFit fit = fitBox(initialShape, points);
    return {static_cast<float>(fit.offsetX), static_cast<float>(fit.offsetY),
            static_cast<float>(fit.scale), static_cast<float>(fit.scale)};
  }

  bool looksLost(const Image& image, const Landmarks68& previous, const Landmarks68& now) const {
    const double before = fitBox(initialShape, previous).scale;
    const BoxFit fit = fitBox(initialShape, now);
    if (before <= 0 || fit.scale <= 1.0) return true;
    if (std::abs(fit.scale / before - 1.0) > options.maxScaleChange) return true;
    const double centreX = fit.offsetX + 0.5 * fit.scale;
    const double centreY = fit.offsetY + 0.5 * fit.scale;
    if (centreX < 0 || centreY < 0 || centreX >= image.width || centreY >= image.height) return true;
    return shapeResidual(initialShape, now) > options.lostShapeResidual;
  }
};

FaceLandmarker::FaceLandmarker(FaceLandmarkerOptions options) : impl_(std::make_unique<Impl>()) {
  Impl& d = *impl_;
  d.options = std::move(options);
  if (d.options.upsampleCount < 0 || d.options.upsampleCount > 4) {
    throw ConfigError("FaceLandmarker: upsampleCount must be 0..4, got " +
                      std::to_string(d.options.upsampleCount));
  }
  if (d.options.redetectIntervalFrames < 1) {
    throw ConfigError("FaceLandmarker: redetectIntervalFrames must be at least 1, got " +
                      std::to_string(d.options.redetectIntervalFrames));
  }
  const std::string& path = d.options.shapePredictorPath;
  d.initialShape = MeanFace::readInitialShape(path);
  try {
    dlib::deserialize(path) >> d.predictor;
  } catch (const std::exception&) {
    throw FormatError("'" + path + "' is not a dlib shape_predictor file");
  }
  if (d.predictor.num_parts() != 68) {
    throw FormatError("'" + path + "': expected 68 landmarks, found " +
                      std::to_string(d.predictor.num_parts()));
  }
  if (!d.options.cnnDetectorPath.empty()) {
    d.cnnDetector = std::make_unique<CnnFaceDetector>(d.options.cnnDetectorPath);
  } else {
    d.hogDetector = dlib::get_frontal_face_detector();
  }
}

FaceLandmarker::~FaceLandmarker() = default;

const FaceLandmarkerOptions& FaceLandmarker::options() const { return impl_->options; }

std::vector<FaceLandmarks> FaceLandmarker::detectAll(const Image& image) {
  checkImage(image);
  std::vector<FaceLandmarks> faces;
  for (const auto& found : impl_->detect(image)) {
    FaceLandmarks face;
    face.box = found.box;
    face.points = impl_->predict(image, toRectangle(found.box));
    faces.push_back(face);
  }
  return faces;
}

std::optional<FaceLandmarks> FaceLandmarker::track(const Image& frame) {
  checkImage(frame);
  Impl& d = *impl_;
  if (d.tracked && d.framesSinceDetection + 1 < d.options.redetectIntervalFrames) {
    FaceLandmarks face;
    face.box = d.boxAround(d.tracked->points);
    face.points = d.predict(frame, toRectangle(face.box));
    face.tracked = true;
    if (!d.looksLost(frame, d.tracked->points, face.points)) {
      ++d.framesSinceDetection;
      d.tracked = face;
      return face;
    }
  }

  const auto found = d.detect(frame);
  if (found.empty()) {
    d.tracked.reset();
    return std::nullopt;
  }
  const auto centreX = [](const FaceBox& b) { return b.left + 0.5f * b.width; };
  const auto centreY = [](const FaceBox& b) { return b.top + 0.5f * b.height; };
  std::size_t best = 0;
  for (std::size_t i = 1; i < found.size(); ++i) {
    const FaceBox& a = found[i].box;
    const FaceBox& b = found[best].box;
    if (d.tracked) {
      const FaceBox t = d.boxAround(d.tracked->points);
      const float da = std::hypot(centreX(a) - centreX(t), centreY(a) - centreY(t));
      const float db = std::hypot(centreX(b) - centreX(t), centreY(b) - centreY(t));
      if (da < db) best = i;
    } else if (a.width * a.height > b.width * b.height) {
      best = i;
    }
  }
  FaceLandmarks face;
  face.box = found[best].box;
  face.points = d.predict(frame, toRectangle(face.box));
  d.tracked = face;
  d.framesSinceDetection = 0;
  return face;
}

void FaceLandmarker::resetTracking() {
  impl_->tracked.reset();
  impl_->framesSinceDetection = 0;
}

}  // namespace sinkscope
