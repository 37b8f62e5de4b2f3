#include "core/capture/CaptureDevices.h"

#include <QAudioDevice>
#include <QCameraDevice>
#include <QMediaDevices>

namespace sinkscope {

CaptureDevices::CaptureDevices(QObject* parent) : QObject(parent), devices_(new QMediaDevices(this)) {
  connect(devices_, &QMediaDevices::videoInputsChanged, this, &CaptureDevices::camerasChanged);
  connect(devices_, &QMediaDevices::audioInputsChanged, this, &CaptureDevices::microphonesChanged);
}

CaptureDevices::~CaptureDevices() = default;

std::vector<CaptureDeviceInfo> CaptureDevices::cameras() {
  std::vector<CaptureDeviceInfo> list;
  for (const QCameraDevice& device : QMediaDevices::videoInputs()) {
    list.push_back({device.id().toStdString(), device.description().toStdString(), device.isDefault()});
  }
  return list;
}

std::vector<CaptureDeviceInfo> CaptureDevices::microphones() {
  std::vector<CaptureDeviceInfo> list;
  for (const QAudioDevice& device : QMediaDevices::audioInputs()) {
    list.push_back({device.id().toStdString(), device.description().toStdString(), device.isDefault()});
  }
  return list;
}

}  // namespace sinkscope
