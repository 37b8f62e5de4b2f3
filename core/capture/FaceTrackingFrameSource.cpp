#include "core/capture/FaceTrackingFrameSource.h"

#include <atomic>
#include <chrono>
#include <exception>
#include <thread>

#include "core/capture/DropOldestQueue.h"
#include "core/media/FaceLandmarker.h"

namespace sinkscope {

namespace {
// Frames in flight before the oldest is dropped: far more than a tracker that skips
// when behind ever leaves waiting.
constexpr std::size_t kQueueFrames = 32;
}  // namespace

struct FaceTrackingFrameSource::Impl {
  std::unique_ptr<FrameSource> inner;
  std::shared_ptr<FaceLandmarker> landmarker;
  std::unique_ptr<DropOldestQueue<CapturedFrame>> queue;  // new for each start(): a closed one stays closed
  std::thread worker;
  std::atomic<bool> closed{false};
  std::atomic<std::int64_t> tracked{0};
  std::atomic<std::int64_t> skipped{0};

  void run(const FrameCallback& onFrame, const ErrorCallback& onError) {
    for (;;) {
      std::optional<CapturedFrame> frame = queue->pop(std::chrono::milliseconds(100));
      if (!frame) {
        if (closed) return;  // closed and drained
        continue;
      }
      try {
        // Behind: newer frames wait, so this one goes on untracked.
        if (queue->size() > 0) {
          ++skipped;
        } else {
          frame->face = landmarker->track(frame->bgr.empty() ? frame->gray : frame->bgr);
          frame->faceTracked = true;
          ++tracked;
        }
        onFrame(std::move(*frame));
      } catch (const std::exception& error) {  // nothing may escape the thread
        if (onError) onError(inner->description() + ": " + error.what());
      }
    }
  }
};

FaceTrackingFrameSource::FaceTrackingFrameSource(std::unique_ptr<FrameSource> inner,
                                                 std::shared_ptr<FaceLandmarker> landmarker)
    : impl_(std::make_unique<Impl>()) {
  impl_->inner = std::move(inner);
  impl_->landmarker = std::move(landmarker);
}

FaceTrackingFrameSource::~FaceTrackingFrameSource() { stop(); }

std::string FaceTrackingFrameSource::description() const { return impl_->inner->description(); }

void FaceTrackingFrameSource::start(FrameCallback onFrame, ErrorCallback onError) {
  stop();
  Impl& impl = *impl_;
  impl.queue = std::make_unique<DropOldestQueue<CapturedFrame>>(kQueueFrames);
  impl.closed = false;
  impl.tracked = 0;
  impl.skipped = 0;
  impl.landmarker->resetTracking();
  impl.worker = std::thread([&impl, onFrame = std::move(onFrame), onError] { impl.run(onFrame, onError); });
  try {
    DropOldestQueue<CapturedFrame>* queue = impl.queue.get();
    impl.inner->start([queue](CapturedFrame&& frame) { queue->push(std::move(frame)); }, onError);
  } catch (...) {
    stop();
    throw;
  }
}

void FaceTrackingFrameSource::stop() {
  Impl& impl = *impl_;
  impl.inner->stop();
  if (!impl.worker.joinable()) return;
  impl.closed = true;
  impl.queue->close();
  impl.worker.join();
}

bool FaceTrackingFrameSource::isActive() const { return impl_->inner->isActive(); }

std::int64_t FaceTrackingFrameSource::trackedCount() const { return impl_->tracked; }

std::int64_t FaceTrackingFrameSource::skippedCount() const { return impl_->skipped; }

}  // namespace sinkscope
