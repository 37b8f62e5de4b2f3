#pragma once

#include <memory>
#include <string>

#include "core/media/Image.h"

namespace sinkscope {

// Writes pictures of one size as a video at a constant rate with FFmpeg: the
// container from the file's extension, its default video codec (H.264 through
// libx264 for .mp4 and .mkv where FFmpeg has it), nearly lossless settings.
class CropVideoWriter {
 public:
  // Throws MediaError naming the path when the file cannot be created.
  CropVideoWriter(const std::string& path, int widthPx, int heightPx, int frameRate = 25);
  // Finishes the file if finish() was not called; errors there are lost, so call
  // finish() to see them.
  ~CropVideoWriter();
  CropVideoWriter(const CropVideoWriter&) = delete;
  CropVideoWriter& operator=(const CropVideoWriter&) = delete;

  // A gray or BGR picture of the size given at construction.
  void write(const Image& picture);
  // Flushes the encoder and writes the container's trailer.
  void finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sinkscope
