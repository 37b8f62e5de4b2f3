#pragma once

#include <QObject>

#include <memory>
#include <string>
#include <vector>

class QMediaDevices;

namespace sinkscope {

struct CaptureDeviceInfo {
  std::string id;           // what MicrophoneOptions/CameraOptions::deviceId take
  std::string description;  // for people
  bool isDefault = false;
};

// The cameras and microphones Qt Multimedia sees, and notice when one comes or goes
// (hot-plug). The signals arrive on the thread this object lives in, which needs a
// running event loop.
class CaptureDevices : public QObject {
  Q_OBJECT

 public:
  explicit CaptureDevices(QObject* parent = nullptr);
  ~CaptureDevices() override;

  static std::vector<CaptureDeviceInfo> cameras();
  static std::vector<CaptureDeviceInfo> microphones();

 signals:
  void camerasChanged();
  void microphonesChanged();

 private:
  QMediaDevices* devices_;
};

}  // namespace sinkscope
