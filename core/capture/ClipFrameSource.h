#pragma once

#include <memory>
#include <string>

#include "core/capture/CaptureClock.h"
#include "core/capture/FrameSource.h"

namespace sinkscope {

struct ClipFrameSourceOptions {
  bool bgr = true;
  bool gray = true;
  bool loop = false;  // start again at the end instead of stopping
};

// A clip played at real-time pace as a stand-in for a camera (clip-as-camera):
// frame i of the clip's 25 fps grid (ClipDecoder) is delivered at start + i × 40 ms
// on the CaptureClock and stamped with that time. A frame whose time has already
// passed by more than one frame period when it is decoded is dropped, as a camera
// drops what the pipeline is too slow for. Decoding runs on a thread of its own.
class ClipFrameSource : public FrameSource {
 public:
  // Throws MediaError when the clip cannot be opened or has no video.
  ClipFrameSource(const std::string& path, const CaptureClock& clock, ClipFrameSourceOptions options = {});
  ~ClipFrameSource() override;

  std::string description() const override;
  void start(FrameCallback onFrame, ErrorCallback onError = {}) override;
  void stop() override;
  // False once a clip that does not loop has been played to its end.
  bool isActive() const override;

  // Frames skipped because they were late, since start().
  std::int64_t droppedCount() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sinkscope
