#pragma once

#include <memory>
#include <string>

#include "core/capture/CaptureClock.h"
#include "core/capture/FrameSource.h"

namespace sinkscope {

struct CameraOptions {
  std::string deviceId;  // a CaptureDeviceInfo::id; empty for the system's default
  bool bgr = true;
  bool gray = true;
};

// A camera through Qt Multimedia (QCamera → QMediaCaptureSession → QVideoSink) on a
// thread of its own. Frames are stamped on the CaptureClock when they arrive.
class CameraFrameSource : public FrameSource {
 public:
  // Throws DeviceError naming the id when no such camera exists.
  CameraFrameSource(const CaptureClock& clock, CameraOptions options = {});
  ~CameraFrameSource() override;

  std::string description() const override;
  void start(FrameCallback onFrame, ErrorCallback onError = {}) override;
  void stop() override;
  bool isActive() const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sinkscope
