#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/capture/FrameSource.h"

namespace sinkscope {

class FaceLandmarker;

// The face-tracking step of the live preprocessing stage (DESIGN §4), as a frame
// source around another one: every frame passes through a thread of its own that
// follows the face (FaceLandmarker::track) and leaves it in CapturedFrame::face, so
// an utterance's landmarks are ready when it closes and only the smoothing and the
// crops remain. A tracker that falls behind passes the frames waiting for it on
// untracked (the mouth pipeline interpolates their landmarks) rather than delaying
// them.
class FaceTrackingFrameSource : public FrameSource {
 public:
  // The landmarker is used by one source at a time; its tracking restarts at start().
  FaceTrackingFrameSource(std::unique_ptr<FrameSource> inner, std::shared_ptr<FaceLandmarker> landmarker);
  ~FaceTrackingFrameSource() override;

  std::string description() const override;
  void start(FrameCallback onFrame, ErrorCallback onError = {}) override;
  void stop() override;
  bool isActive() const override;

  std::int64_t trackedCount() const;  // frames the tracker ran on since start()
  std::int64_t skippedCount() const;  // frames passed on untracked because it was behind

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sinkscope
