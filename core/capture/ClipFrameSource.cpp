#include "core/capture/ClipFrameSource.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/base/Error.h"
#include "core/media/ClipDecoder.h"

namespace sinkscope {

namespace {

constexpr std::int64_t kFramePeriodUs = 1'000'000 / ClipDecoder::kFrameRate;

}  // namespace

struct ClipFrameSource::Impl {
  std::string path;
  const CaptureClock& clock;
  ClipFrameSourceOptions options;
  std::thread worker;
  std::mutex mutex;
  std::condition_variable wake;
  bool stopRequested = false;
  std::atomic<bool> active{false};
  std::atomic<std::int64_t> dropped{0};

  Impl(std::string p, const CaptureClock& c, ClipFrameSourceOptions o)
      : path(std::move(p)), clock(c), options(o) {}

  DecodeOptions decodeOptions() const {
    DecodeOptions decode;
    decode.audio = false;
    decode.bgr = options.bgr;
    decode.gray = options.gray;
    return decode;
  }

  // Sleeps until `dueUs`; false when stop() came first.
  bool waitUntil(std::int64_t dueUs) {
    std::unique_lock<std::mutex> lock(mutex);
    return !wake.wait_until(lock, clock.toTimePoint(dueUs), [this] { return stopRequested; });
  }

  void play(const FrameCallback& onFrame, const ErrorCallback& onError) {
    try {
      const std::int64_t startUs = clock.nowUs();
      std::int64_t delivered = 0;
      std::int64_t clipOffsetFrames = 0;
      bool running = true;
      while (running) {
        ClipDecoder decoder(path, decodeOptions());
        std::int64_t framesThisPass = 0;
        const ClipDecoder::VideoSink onVideo = [&](VideoFrame&& frame) {
              framesThisPass = frame.index + 1;
              const std::int64_t dueUs = startUs + (clipOffsetFrames + frame.index) * kFramePeriodUs;
              if (clock.nowUs() > dueUs + kFramePeriodUs) {
                ++dropped;
                return;
              }
              if (!waitUntil(dueUs)) {
                running = false;
                return;
              }
              CapturedFrame captured;
              captured.index = delivered++;
              captured.timestampUs = dueUs;
              captured.bgr = std::move(frame.bgr);
              captured.gray = std::move(frame.gray);
              onFrame(std::move(captured));
            };
        while (running && decoder.step(onVideo, {})) {
        }
        if (!running) break;
        clipOffsetFrames += framesThisPass;
        if (!options.loop || framesThisPass == 0) break;
        std::lock_guard<std::mutex> lock(mutex);
        if (stopRequested) break;
      }
    } catch (const std::exception& error) {
      if (onError) onError(error.what());
    }
    active = false;
  }
};

ClipFrameSource::ClipFrameSource(const std::string& path, const CaptureClock& clock,
                                 ClipFrameSourceOptions options)
    : impl_(std::make_unique<Impl>(path, clock, options)) {
  ClipDecoder probe(path, impl_->decodeOptions());
  if (!probe.info().hasVideo) throw MediaError(path + ": no video stream to play as a camera");
}

ClipFrameSource::~ClipFrameSource() { stop(); }

std::string ClipFrameSource::description() const { return "clip '" + impl_->path + "' as camera"; }

void ClipFrameSource::start(FrameCallback onFrame, ErrorCallback onError) {
  stop();
  impl_->stopRequested = false;
  impl_->dropped = 0;
  impl_->active = true;
  impl_->worker = std::thread([this, onFrame = std::move(onFrame), onError = std::move(onError)] {
    impl_->play(onFrame, onError);
  });
}

void ClipFrameSource::stop() {
  if (!impl_->worker.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->stopRequested = true;
  }
  impl_->wake.notify_all();
  impl_->worker.join();
  impl_->active = false;
}

bool ClipFrameSource::isActive() const { return impl_->active; }

std::int64_t ClipFrameSource::droppedCount() const { return impl_->dropped; }

}  // namespace sinkscope
