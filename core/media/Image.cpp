#include "core/media/Image.h"

#include <opencv2/imgcodecs.hpp>

#include "core/base/Error.h"
#include "core/media/OpenCvImage.h"

namespace sinkscope {

Image::Image(int widthPx, int heightPx, int channelCount)
    : width(widthPx), height(heightPx), channels(channelCount) {
  if (widthPx < 0 || heightPx < 0 || (channelCount != 1 && channelCount != 3)) {
    throw MediaError("Image: unsupported size " + std::to_string(widthPx) + "x" +
                     std::to_string(heightPx) + "x" + std::to_string(channelCount));
  }
  pixels.assign(static_cast<std::size_t>(widthPx) * heightPx * channelCount, 0);
}

Image readImage(const std::string& path) {
  cv::Mat mat;
  try {
    mat = cv::imread(path, cv::IMREAD_COLOR);
  } catch (const cv::Exception& e) {
    throw MediaError("cannot read image '" + path + "': " + e.msg);
  }
  if (mat.empty()) throw MediaError("cannot read image '" + path + "'");
  return toImage(mat);
}

void writeImage(const Image& image, const std::string& path) {
  bool written = false;
  try {
    written = !image.empty() && cv::imwrite(path, asMat(image));
  } catch (const cv::Exception& e) {
    throw MediaError("cannot write image '" + path + "': " + e.msg);
  }
  if (!written) throw MediaError("cannot write image '" + path + "'");
}

}  // namespace sinkscope
