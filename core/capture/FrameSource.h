#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/media/FaceLandmarks.h"
#include "core/media/Image.h"

namespace sinkscope {

// One picture from a camera or from a clip standing in for one. Plain data that
// MouthCropper and FaceLandmarker take as they are (core/media/Image).
struct CapturedFrame {
  std::int64_t index = 0;        // frames delivered since start(), from 0
  std::int64_t timestampUs = 0;  // on the CaptureClock: when the picture was taken
  Image bgr;                     // empty unless the source was asked for it
  Image gray;                    // empty unless the source was asked for it
  // Set by a FaceTrackingFrameSource: the face found in this picture; empty where
  // none was found or the tracker skipped the frame (faceTracked false).
  std::optional<FaceLandmarks> face;
  bool faceTracked = false;
};

// What the capture stage reads pictures from: a camera, or a clip played at
// real-time pace (clip-as-camera), so that everything downstream, tests included,
// runs the same code with either (DESIGN §7).
class FrameSource {
 public:
  using FrameCallback = std::function<void(CapturedFrame&&)>;
  using ErrorCallback = std::function<void(const std::string& message)>;

  virtual ~FrameSource() = default;

  virtual std::string description() const = 0;
  // Frames go to onFrame on the source's own thread, so it should only hand them
  // on (a DropOldestQueue); onError gets a one-line reason when the source fails
  // while running. Throws DeviceError or MediaError when it cannot start.
  virtual void start(FrameCallback onFrame, ErrorCallback onError = {}) = 0;
  // Returns once no callback runs any more; a stopped source may be started again.
  virtual void stop() = 0;
  virtual bool isActive() const = 0;
};

}  // namespace sinkscope
