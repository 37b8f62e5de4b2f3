#pragma once

// Internal to core/media: bridges the plain Image to OpenCV. Never include this
// from a public header.

#include <opencv2/core.hpp>

#include "core/media/Image.h"

namespace sinkscope {

// A cv::Mat header over the Image's pixels (no copy); the Image must outlive it.
inline cv::Mat asMat(Image& image) {
  return cv::Mat(image.height, image.width, CV_8UC(image.channels), image.pixels.data());
}
inline cv::Mat asMat(const Image& image) {
  return cv::Mat(image.height, image.width, CV_8UC(image.channels),
                 const_cast<std::uint8_t*>(image.pixels.data()));
}

// A packed copy of an 8-bit Mat with 1 or 3 channels.
inline Image toImage(const cv::Mat& mat) {
  Image image(mat.cols, mat.rows, mat.channels());
  cv::Mat target = asMat(image);
  mat.copyTo(target);
  return image;
}

}  // namespace sinkscope
