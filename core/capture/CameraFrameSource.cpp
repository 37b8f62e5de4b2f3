#include "core/capture/CameraFrameSource.h"

#include <QCamera>
#include <QCameraDevice>
#include <QImage>
#include <QMediaCaptureSession>
#include <QMediaDevices>
#include <QVideoFrame>
#include <QVideoSink>

#include <atomic>
#include <cstring>

#include "core/base/Error.h"
#include "core/capture/CaptureThread.h"

namespace sinkscope {

namespace {

QCameraDevice findCamera(const std::string& id) {
  if (id.empty()) {
    QCameraDevice device = QMediaDevices::defaultVideoInput();
    if (device.isNull()) throw DeviceError("camera: the system has no video input");
    return device;
  }
  std::string known;
  for (const QCameraDevice& device : QMediaDevices::videoInputs()) {
    if (device.id().toStdString() == id) return device;
    known += (known.empty() ? "" : ", ") + device.id().toStdString();
  }
  throw DeviceError("camera '" + id + "' not found; available: " + (known.empty() ? "none" : known));
}

Image imageOf(const QImage& converted, int channels) {
  Image image(converted.width(), converted.height(), channels);
  const std::size_t rowBytes = static_cast<std::size_t>(converted.width()) * channels;
  for (int y = 0; y < converted.height(); ++y) {
    std::memcpy(image.pixels.data() + y * rowBytes, converted.constScanLine(y), rowBytes);
  }
  return image;
}

}  // namespace

struct CameraFrameSource::Impl {
  const CaptureClock& clock;
  CameraOptions options;
  QCameraDevice device;
  CaptureThread thread{QStringLiteral("sinkscope-camera")};

  // Owned by the thread's context; touched on the thread only.
  QCamera* camera = nullptr;
  QMediaCaptureSession* session = nullptr;
  QVideoSink* sink = nullptr;
  std::int64_t delivered = 0;
  FrameCallback onFrame;
  ErrorCallback onError;
  std::atomic<bool> active{false};

  Impl(const CaptureClock& c, CameraOptions o) : clock(c), options(std::move(o)) {}

  void deliver(const QVideoFrame& frame) {
    const std::int64_t nowUs = clock.nowUs();
    const QImage picture = frame.toImage();
    if (picture.isNull()) return;
    CapturedFrame captured;
    captured.index = delivered++;
    captured.timestampUs = nowUs;
    // Image keeps OpenCV's BGR order, which QImage has as BGR888.
    if (options.bgr) captured.bgr = imageOf(picture.convertToFormat(QImage::Format_BGR888), 3);
    if (options.gray) captured.gray = imageOf(picture.convertToFormat(QImage::Format_Grayscale8), 1);
    // Nothing may escape into the backend's thread.
    try {
      onFrame(std::move(captured));
    } catch (const std::exception& error) {
      if (onError) onError("camera '" + device.description().toStdString() + "': " + error.what());
    }
  }

  void openOnThread() {
    QObject* context = thread.context();
    camera = new QCamera(device, context);
    session = new QMediaCaptureSession(context);
    sink = new QVideoSink(context);
    session->setCamera(camera);
    session->setVideoSink(sink);
    delivered = 0;
    // Direct: the frame is converted on whichever thread the backend delivers it.
    QObject::connect(sink, &QVideoSink::videoFrameChanged, context,
                     [this](const QVideoFrame& frame) { deliver(frame); }, Qt::DirectConnection);
    QObject::connect(camera, &QCamera::errorOccurred, context,
                     [this](QCamera::Error, const QString& message) {
                       if (onError) onError("camera '" + device.description().toStdString() + "': " +
                                            message.toStdString());
                     });
    camera->start();
    if (camera->error() != QCamera::NoError) {
      const std::string message = camera->errorString().toStdString();
      closeOnThread();
      throw DeviceError("camera '" + device.description().toStdString() + "' cannot start: " + message);
    }
  }

  void closeOnThread() {
    if (sink) sink->disconnect();
    if (camera) {
      camera->disconnect();
      camera->stop();
    }
    delete session;
    delete sink;
    delete camera;
    session = nullptr;
    sink = nullptr;
    camera = nullptr;
  }
};

CameraFrameSource::CameraFrameSource(const CaptureClock& clock, CameraOptions options)
    : impl_(std::make_unique<Impl>(clock, std::move(options))) {
  impl_->device = findCamera(impl_->options.deviceId);
}

CameraFrameSource::~CameraFrameSource() { stop(); }

std::string CameraFrameSource::description() const {
  return "camera '" + impl_->device.description().toStdString() + "'";
}

void CameraFrameSource::start(FrameCallback onFrame, ErrorCallback onError) {
  stop();
  impl_->onFrame = std::move(onFrame);
  impl_->onError = std::move(onError);
  impl_->thread.runBlocking([this] { impl_->openOnThread(); });
  impl_->active = true;
}

void CameraFrameSource::stop() {
  if (!impl_->active.exchange(false)) return;
  impl_->thread.runBlocking([this] { impl_->closeOnThread(); });
}

bool CameraFrameSource::isActive() const { return impl_->active; }

}  // namespace sinkscope
