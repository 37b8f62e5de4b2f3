#include "core/capture/MicrophoneSource.h"

#include <QAudioDevice>
#include <QAudioFormat>
#include <QAudioSource>
#include <QIODevice>
#include <QMediaDevices>

#include <algorithm>
#include <atomic>
#include <deque>
#include <mutex>

#include "core/base/Error.h"
#include "core/capture/AudioResampler.h"
#include "core/capture/CaptureThread.h"

namespace sinkscope {

namespace {

// Long enough to hold the least-delayed block of a bursty delivery, short enough to
// follow a device clock that runs a little fast or slow.
constexpr std::int64_t kAnchorWindowUs = 2'000'000;

const char* sampleFormatName(QAudioFormat::SampleFormat format) {
  switch (format) {
    case QAudioFormat::UInt8: return "UInt8";
    case QAudioFormat::Int16: return "Int16";
    case QAudioFormat::Int32: return "Int32";
    case QAudioFormat::Float: return "Float";
    default: return "unknown";
  }
}

QAudioDevice findMicrophone(const std::string& id) {
  if (id.empty()) {
    QAudioDevice device = QMediaDevices::defaultAudioInput();
    if (device.isNull()) throw DeviceError("microphone: the system has no audio input");
    return device;
  }
  std::string known;
  for (const QAudioDevice& device : QMediaDevices::audioInputs()) {
    if (device.id().toStdString() == id) return device;
    known += (known.empty() ? "" : ", ") + device.id().toStdString();
  }
  throw DeviceError("microphone '" + id + "' not found; available: " + (known.empty() ? "none" : known));
}

}  // namespace

struct MicrophoneSource::Impl {
  const CaptureClock& clock;
  MicrophoneOptions options;
  QAudioDevice device;
  CaptureThread thread{QStringLiteral("sinkscope-microphone")};

  // Owned by the thread's context; touched on the thread only.
  QAudioSource* source = nullptr;
  QIODevice* io = nullptr;
  std::unique_ptr<AudioResampler> resampler;
  QByteArray pending;  // bytes of an incomplete frame
  std::int64_t inputFrames = 0;
  std::int64_t outputSamples = 0;
  std::deque<std::pair<std::int64_t, std::int64_t>> anchors;  // (arrival µs, candidate µs)
  BlockCallback onBlock;
  ErrorCallback onError;

  std::atomic<bool> active{false};
  mutable std::mutex formatMutex;
  std::string format;

  Impl(const CaptureClock& c, MicrophoneOptions o) : clock(c), options(std::move(o)) {}

  // The candidate for "time of sample 0" a block gives is its arrival time minus the
  // duration of everything captured so far; the smallest recent one is the least delayed.
  std::int64_t anchorUs(std::int64_t nowUs) {
    const std::int64_t capturedUs = inputFrames * 1'000'000 / source->format().sampleRate();
    const std::int64_t candidate = nowUs - capturedUs;
    while (!anchors.empty() && anchors.front().first < nowUs - kAnchorWindowUs) anchors.pop_front();
    while (!anchors.empty() && anchors.back().second >= candidate) anchors.pop_back();
    anchors.emplace_back(nowUs, candidate);
    return anchors.front().second;
  }

  std::string description() const { return "microphone '" + device.description().toStdString() + "'"; }

  void readAvailable() {
    const std::int64_t nowUs = clock.nowUs();
    pending += io->readAll();
    const QAudioFormat format = source->format();
    const int frameBytes = format.bytesPerFrame();
    const std::int64_t frames = pending.size() / frameBytes;
    if (frames == 0) return;

    const int channels = format.channelCount();
    std::vector<float> interleaved(static_cast<std::size_t>(frames * channels));
    const int sampleBytes = format.bytesPerSample();
    for (std::size_t i = 0; i < interleaved.size(); ++i) {
      interleaved[i] = format.normalizedSampleValue(pending.constData() + i * sampleBytes);
    }
    pending.remove(0, static_cast<int>(frames * frameBytes));
    inputFrames += frames;

    const std::int64_t originUs = anchorUs(nowUs);
    AudioBlock block;
    block.samples = resampler->process(interleaved.data(), static_cast<std::size_t>(frames));
    if (block.samples.empty()) return;
    block.firstSample = outputSamples;
    block.firstSampleUs = originUs + outputSamples * 1'000'000 / kSampleRateHz;
    outputSamples += static_cast<std::int64_t>(block.samples.size());
    // Nothing may escape into Qt's event loop.
    try {
      onBlock(std::move(block));
    } catch (const std::exception& error) {
      if (onError) onError(description() + ": " + error.what());
    }
  }

  void openOnThread() {
    QAudioFormat wanted;
    wanted.setSampleRate(kSampleRateHz);
    wanted.setChannelCount(1);
    wanted.setSampleFormat(QAudioFormat::Float);
    const QAudioFormat format =
        !options.useDeviceFormat && device.isFormatSupported(wanted) ? wanted : device.preferredFormat();
    source = new QAudioSource(device, format, thread.context());
    const int bufferBytes = format.bytesForDuration(static_cast<qint64>(options.bufferMs) * 1000);
    source->setBufferSize(std::max(bufferBytes, format.bytesPerFrame()));
    resampler = std::make_unique<AudioResampler>(format.sampleRate(), format.channelCount());
    pending.clear();
    inputFrames = 0;
    outputSamples = 0;
    anchors.clear();

    QObject::connect(source, &QAudioSource::stateChanged, thread.context(), [this](QAudio::State state) {
      if (state == QAudio::StoppedState && source->error() != QAudio::NoError && onError) {
        onError("microphone '" + device.description().toStdString() + "' stopped: Qt audio error " +
                std::to_string(static_cast<int>(source->error())));
      }
    });
    io = source->start();
    if (!io || source->error() != QAudio::NoError) {
      const int error = static_cast<int>(source->error());
      delete source;
      source = nullptr;
      throw DeviceError("microphone '" + device.description().toStdString() +
                        "' cannot start: Qt audio error " + std::to_string(error));
    }
    QObject::connect(io, &QIODevice::readyRead, thread.context(), [this] { readAvailable(); });

    std::lock_guard<std::mutex> lock(formatMutex);
    this->format = std::to_string(format.sampleRate()) + " Hz, " + std::to_string(format.channelCount()) +
                   " ch, " + sampleFormatName(format.sampleFormat());
  }

  void closeOnThread() {
    if (!source) return;
    source->disconnect();
    if (io) io->disconnect();
    source->stop();
    delete source;
    source = nullptr;
    io = nullptr;
  }
};

MicrophoneSource::MicrophoneSource(const CaptureClock& clock, MicrophoneOptions options)
    : impl_(std::make_unique<Impl>(clock, std::move(options))) {
  impl_->device = findMicrophone(impl_->options.deviceId);
}

MicrophoneSource::~MicrophoneSource() { stop(); }

std::string MicrophoneSource::description() const { return impl_->description(); }

void MicrophoneSource::start(BlockCallback onBlock, ErrorCallback onError) {
  stop();
  impl_->onBlock = std::move(onBlock);
  impl_->onError = std::move(onError);
  impl_->thread.runBlocking([this] { impl_->openOnThread(); });
  impl_->active = true;
}

void MicrophoneSource::stop() {
  if (!impl_->active.exchange(false)) return;
  impl_->thread.runBlocking([this] { impl_->closeOnThread(); });
}

bool MicrophoneSource::isActive() const { return impl_->active; }

std::string MicrophoneSource::deviceFormat() const {
  std::lock_guard<std::mutex> lock(impl_->formatMutex);
  return impl_->format;
}

}  // namespace sinkscope
