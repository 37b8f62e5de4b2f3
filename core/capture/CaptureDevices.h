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
// (hot-plug). QMediaDevices' own signals are relayed, and the lists are also
// compared every pollIntervalMs, because Qt 6.4's PulseAudio backend updates its
// list without signalling (seen with module-pipe-source here). Each signal means
// the list really changed. They arrive on the thread this object lives in, which
// needs a running event loop.
class CaptureDevices : public QObject {
  Q_OBJECT

 public:
  explicit CaptureDevices(int pollIntervalMs = 1000, QObject* parent = nullptr);
  ~CaptureDevices() override;

  static std::vector<CaptureDeviceInfo> cameras();
  static std::vector<CaptureDeviceInfo> microphones();

 signals:
  void camerasChanged();
  void microphonesChanged();

 private:
  void compare();

  QMediaDevices* devices_;
  std::vector<std::string> cameraIds_;
  std::vector<std::string> microphoneIds_;
};

}  // namespace sinkscope
