#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/capture/AudioSource.h"
#include "core/capture/FrameSource.h"
#include "core/capture/UtteranceSegmenter.h"

namespace sinkscope {

struct CaptureSessionOptions {
  std::size_t videoQueueFrames = 8;  // ~0.3 s at 25 fps; older frames are dropped
  int audioRingSec = 10;             // audio the preprocessing stage may fall behind by
  UtteranceSegmenterOptions segmenter;
};

// The capture half of DESIGN §4's pipeline: a microphone and (optionally) a frame
// source, each on its own thread, feeding a bounded frame queue and an audio ring;
// one preprocessing thread drains both into an UtteranceSegmenter and hands each
// finished utterance (audio + the frames seen meanwhile) to a callback.
class CaptureSession {
 public:
  using UtteranceCallback = std::function<void(Utterance&&)>;
  using ErrorCallback = std::function<void(const std::string& message)>;

  // The sources must outlive the session; `video` may be null (audio only).
  CaptureSession(AudioSource& audio, FrameSource* video, CaptureSessionOptions options = {});
  ~CaptureSession();
  CaptureSession(const CaptureSession&) = delete;
  CaptureSession& operator=(const CaptureSession&) = delete;

  // Utterances and errors arrive on the preprocessing thread. Throws what the
  // sources throw when they cannot start.
  void start(UtteranceCallback onUtterance, ErrorCallback onError = {});
  // Stops the sources, hands out an utterance still open, and joins the thread.
  void stop();

  // The newest frame seen, for a preview (a copy); nothing before the first.
  std::optional<CapturedFrame> latestFrame() const;
  std::int64_t droppedFrames() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sinkscope
