#include "core/capture/CaptureSession.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "core/base/Error.h"
#include "core/capture/AudioRingBuffer.h"
#include "core/capture/DropOldestQueue.h"

namespace sinkscope {

namespace {

// How long the preprocessing thread waits for a frame before it looks at the audio.
constexpr std::chrono::milliseconds kPollInterval{10};

}  // namespace

struct CaptureSession::Impl {
  AudioSource& audio;
  FrameSource* video;
  CaptureSessionOptions options;
  std::unique_ptr<AudioRingBuffer> ring;  // new for each start(): sample numbers restart
  DropOldestQueue<CapturedFrame> frames;
  std::thread worker;
  std::atomic<bool> running{false};
  mutable std::mutex latestMutex;
  std::optional<CapturedFrame> latest;

  Impl(AudioSource& a, FrameSource* v, CaptureSessionOptions o)
      : audio(a),
        video(v),
        options(o),
        frames(o.videoQueueFrames) {}

  void keep(CapturedFrame&& frame, UtteranceSegmenter& segmenter) {
    {
      std::lock_guard<std::mutex> lock(latestMutex);
      latest = frame;
    }
    segmenter.pushFrame(std::move(frame));
  }

  void preprocess(const UtteranceCallback& onUtterance, const ErrorCallback& onError) {
    try {
      auto segmenter = std::make_unique<UtteranceSegmenter>(options.segmenter);
      std::int64_t nextSample = 0;
      const auto hand = [&](std::vector<Utterance>&& closed) {
        for (Utterance& u : closed) onUtterance(std::move(u));
      };
      const auto drain = [&] {
        while (auto frame = frames.pop(std::chrono::milliseconds(0))) keep(std::move(*frame), *segmenter);
        AudioBlock block;
        std::int64_t first = nextSample;
        block.samples = ring->read(nextSample, ring->capacity(), &first);
        if (block.samples.empty()) return;
        if (first != nextSample) {
          // The ring overwrote audio not yet read: the segmenter's sample count broke.
          if (onError) {
            onError("capture: preprocessing fell " + std::to_string(first - nextSample) +
                    " samples behind the microphone");
          }
          hand(segmenter->flush());
          segmenter = std::make_unique<UtteranceSegmenter>(options.segmenter);
        }
        block.firstSample = first;
        block.firstSampleUs = ring->sampleTimeUs(first);
        nextSample = first + static_cast<std::int64_t>(block.samples.size());
        hand(segmenter->pushAudio(block));
      };
      while (running) {
        if (auto frame = frames.pop(kPollInterval)) keep(std::move(*frame), *segmenter);
        drain();
      }
      drain();
      hand(segmenter->flush());
    } catch (const std::exception& error) {  // nothing may escape the thread
      if (onError) onError(error.what());
    }
  }
};

CaptureSession::CaptureSession(AudioSource& audio, FrameSource* video, CaptureSessionOptions options)
    : impl_(std::make_unique<Impl>(audio, video, options)) {
  if (options.audioRingSec <= 0) {
    throw ConfigError("CaptureSessionOptions: 'audioRingSec' must be positive, found " +
                      std::to_string(options.audioRingSec));
  }
}

CaptureSession::~CaptureSession() { stop(); }

void CaptureSession::start(UtteranceCallback onUtterance, ErrorCallback onError) {
  stop();
  Impl& impl = *impl_;
  impl.ring = std::make_unique<AudioRingBuffer>(static_cast<std::size_t>(impl.options.audioRingSec) *
                                                AudioSource::kSampleRateHz);
  while (impl.frames.pop(std::chrono::milliseconds(0))) {
  }
  {
    std::lock_guard<std::mutex> lock(impl.latestMutex);
    impl.latest.reset();
  }
  impl.running = true;
  impl.worker = std::thread([&impl, onUtterance = std::move(onUtterance), onError] { impl.preprocess(onUtterance, onError); });
  try {
    impl.audio.start([&impl](AudioBlock&& block) { impl.ring->write(block); }, onError);
    if (impl.video) impl.video->start([&impl](CapturedFrame&& frame) { impl.frames.push(std::move(frame)); }, onError);
  } catch (...) {
    stop();
    throw;
  }
}

void CaptureSession::stop() {
  Impl& impl = *impl_;
  if (!impl.worker.joinable()) return;
  impl.audio.stop();
  if (impl.video) impl.video->stop();
  impl.running = false;
  impl.worker.join();
}

std::optional<CapturedFrame> CaptureSession::latestFrame() const {
  std::lock_guard<std::mutex> lock(impl_->latestMutex);
  return impl_->latest;
}

std::int64_t CaptureSession::droppedFrames() const { return impl_->frames.droppedCount(); }

}  // namespace sinkscope
