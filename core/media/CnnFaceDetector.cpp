#include "core/media/CnnFaceDetector.h"

#include <dlib/dnn.h>
#include <dlib/image_transforms.h>
#include <dlib/opencv/cv_image.h>

#include <fstream>

#include "core/base/Error.h"
#include "core/media/OpenCvImage.h"

namespace sinkscope {

namespace {

// The layer stack stored in dlib's mmod_human_face_detector.dat: three stride-2
// convolutions (×8 downsampling), three 5×5 convolutions of 45 filters, a 9×9
// detection filter, over a pyramid of the image with 5/6 steps. A file holding any
// other network fails to deserialize into it.
template <long kFilters, typename Input>
using Conv5Stride2 = dlib::con<kFilters, 5, 5, 2, 2, Input>;
template <long kFilters, typename Input>
using Conv5 = dlib::con<kFilters, 5, 5, 1, 1, Input>;
template <typename Input>
using Downsample8 = dlib::relu<dlib::affine<Conv5Stride2<
    32, dlib::relu<dlib::affine<Conv5Stride2<32, dlib::relu<dlib::affine<Conv5Stride2<16, Input>>>>>>>>>;
template <typename Input>
using Conv5Block = dlib::relu<dlib::affine<Conv5<45, Input>>>;
using MmodNetwork = dlib::loss_mmod<dlib::con<
    1, 9, 9, 1, 1,
    Conv5Block<Conv5Block<Conv5Block<Downsample8<dlib::input_rgb_image_pyramid<dlib::pyramid_down<6>>>>>>>>;

}  // namespace

struct CnnFaceDetector::Impl {
  MmodNetwork network;
};

CnnFaceDetector::CnnFaceDetector(const std::string& modelPath) : impl_(std::make_unique<Impl>()) {
  if (!std::ifstream(modelPath, std::ios::binary)) {
    throw MediaError("CNN face detector model not found: '" + modelPath + "'");
  }
  try {
    dlib::deserialize(modelPath) >> impl_->network;
  } catch (const std::exception&) {
    throw FormatError("'" + modelPath + "' is not dlib's MMOD face detector network");
  }
}

CnnFaceDetector::~CnnFaceDetector() = default;

std::vector<ScoredFaceBox> CnnFaceDetector::detect(const Image& image, int upsampleCount) {
  if (image.empty()) return {};
  dlib::matrix<dlib::rgb_pixel> pixels;
  const cv::Mat mat = asMat(image);
  if (image.channels == 3) {
    dlib::assign_image(pixels, dlib::cv_image<dlib::bgr_pixel>(mat));
  } else {
    dlib::assign_image(pixels, dlib::cv_image<unsigned char>(mat));
  }
  dlib::pyramid_down<2> pyramid;
  for (int i = 0; i < upsampleCount; ++i) dlib::pyramid_up(pixels, pyramid);
  std::vector<ScoredFaceBox> faces;
  for (const auto& found : impl_->network(pixels)) {
    const dlib::drectangle r = pyramid.rect_down(dlib::drectangle(found.rect), upsampleCount);
    // Widths counted as dlib::rectangle counts them (both edges inclusive), like the HOG boxes.
    faces.push_back({{static_cast<float>(r.left()), static_cast<float>(r.top()),
                      static_cast<float>(r.right() - r.left() + 1),
                      static_cast<float>(r.bottom() - r.top() + 1)},
                     found.detection_confidence});
  }
  return faces;
}

}  // namespace sinkscope
