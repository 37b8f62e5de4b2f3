#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sinkscope {

// An 8-bit picture in host memory: 1 channel (gray) or 3 (BGR, OpenCV's order),
// rows packed without padding. Plain data so that ui can hold frames without
// OpenCV or FFmpeg headers (DESIGN §4).
struct Image {
  int width = 0;
  int height = 0;
  int channels = 0;
  std::vector<std::uint8_t> pixels;  // [height, width, channels]

  Image() = default;
  Image(int widthPx, int heightPx, int channelCount);  // zero-filled

  bool empty() const { return pixels.empty(); }
  std::uint8_t at(int x, int y, int channel = 0) const {
    return pixels[(static_cast<std::size_t>(y) * width + x) * channels + channel];
  }
};

// Any still image OpenCV reads (JPEG, PNG, ...), as BGR. Throws MediaError naming
// the path when it cannot be read.
Image readImage(const std::string& path);

// Writes by extension (.png, .jpg, ...); throws MediaError naming the path.
void writeImage(const Image& image, const std::string& path);

}  // namespace sinkscope
