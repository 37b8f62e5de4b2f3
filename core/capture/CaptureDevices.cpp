#include "core/capture/CaptureDevices.h"

#include <QAudioDevice>
#include <QCameraDevice>
#include <QMediaDevices>
#include <QTimer>

namespace sinkscope {

namespace {

template <typename List>
std::vector<std::string> idsOf(const List& devices) {
  std::vector<std::string> ids;
  for (const auto& device : devices) ids.push_back(device.id + (device.isDefault ? "*" : ""));
  return ids;
}

}  // namespace

CaptureDevices::CaptureDevices(int pollIntervalMs, QObject* parent)
    : QObject(parent),
      devices_(new QMediaDevices(this)),
      cameraIds_(idsOf(cameras())),
      microphoneIds_(idsOf(microphones())) {
  connect(devices_, &QMediaDevices::videoInputsChanged, this, &CaptureDevices::compare);
  connect(devices_, &QMediaDevices::audioInputsChanged, this, &CaptureDevices::compare);
  if (pollIntervalMs > 0) {
    auto* timer = new QTimer(this);
    connect(timer, &QTimer::timeout, this, &CaptureDevices::compare);
    timer->start(pollIntervalMs);
  }
}

void CaptureDevices::compare() {
  std::vector<std::string> cameraIds = idsOf(cameras());
  if (cameraIds != cameraIds_) {
    cameraIds_ = std::move(cameraIds);
    emit camerasChanged();
  }
  std::vector<std::string> microphoneIds = idsOf(microphones());
  if (microphoneIds != microphoneIds_) {
    microphoneIds_ = std::move(microphoneIds);
    emit microphonesChanged();
  }
}

CaptureDevices::~CaptureDevices() = default;

std::vector<CaptureDeviceInfo> CaptureDevices::cameras() {
  // QCameraDevice::isDefault() is not always set by the backends; the default is.
  const QByteArray defaultId = QMediaDevices::defaultVideoInput().id();
  std::vector<CaptureDeviceInfo> list;
  for (const QCameraDevice& device : QMediaDevices::videoInputs()) {
    list.push_back({device.id().toStdString(), device.description().toStdString(), device.id() == defaultId});
  }
  return list;
}

std::vector<CaptureDeviceInfo> CaptureDevices::microphones() {
  // Qt 6.4's PulseAudio backend leaves QAudioDevice::isDefault() false; the default is right.
  const QByteArray defaultId = QMediaDevices::defaultAudioInput().id();
  std::vector<CaptureDeviceInfo> list;
  for (const QAudioDevice& device : QMediaDevices::audioInputs()) {
    list.push_back({device.id().toStdString(), device.description().toStdString(), device.id() == defaultId});
  }
  return list;
}

}  // namespace sinkscope
