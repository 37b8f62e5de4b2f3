#pragma once

#include <QString>
#include <QToolBar>

class QAction;
class QComboBox;

namespace sinkscope {
class CaptureDevices;
}

namespace sinkscope::ui {

// The live sources in a tool bar: the camera picker (every camera, plus clips chosen
// to play as the camera), the microphone picker, and the Start/Stop actions. The
// lists follow hot-plug (CaptureDevices).
class LiveSourceBar : public QToolBar {
  Q_OBJECT

 public:
  explicit LiveSourceBar(QWidget* parent = nullptr);
  ~LiveSourceBar() override;

  // The camera choice: a device id ("" for none or the default), or a clip path.
  bool clipChosen() const;
  QString cameraId() const;
  QString clipPath() const;
  QString microphoneId() const;
  // Adds the clip to the camera list and selects it.
  void chooseClip(const QString& path);

  QComboBox* cameraBox() const { return cameras_; }
  QComboBox* microphoneBox() const { return microphones_; }
  QAction* startAction() const { return start_; }
  QAction* stopAction() const { return stop_; }
  QAction* clipAction() const { return clip_; }
  CaptureDevices* devices() const { return devices_; }

 public slots:
  void setRunning(bool running);
  void refreshCameras();
  void refreshMicrophones();

 private:
  CaptureDevices* devices_;
  QComboBox* cameras_;
  QComboBox* microphones_;
  QAction* start_;
  QAction* stop_;
  QAction* clip_;
  QStringList clips_;
};

}  // namespace sinkscope::ui
