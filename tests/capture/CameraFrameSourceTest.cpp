#include <QtTest>

#include <atomic>

#include "core/base/Error.h"
#include "core/capture/CameraFrameSource.h"
#include "core/capture/CaptureDevices.h"

using namespace sinkscope;

// No camera can be emulated here (DESIGN §7): ClipFrameSourceTest covers the frame
// path through the same interface. What can be checked is that a missing camera is
// a clear DeviceError, not a crash or a source that never delivers.
class CameraFrameSourceTest : public QObject {
  Q_OBJECT

 private slots:
  void anUnknownCameraIsADeviceError() {
    CaptureClock clock;
    CameraOptions options;
    options.deviceId = "no-such-camera";
    try {
      CameraFrameSource camera(clock, options);
      QFAIL("a camera that does not exist was opened");
    } catch (const DeviceError& error) {
      QVERIFY2(QString(error.what()).contains("no-such-camera"), error.what());
    }
  }

  void noCameraAtAllIsADeviceError() {
    if (!CaptureDevices::cameras().empty()) QSKIP("this machine has a camera");
    CaptureClock clock;
    QVERIFY_THROWS_EXCEPTION(DeviceError, CameraFrameSource{clock});
  }

  void aCameraThatIsThereDelivers() {
    const auto cameras = CaptureDevices::cameras();
    if (cameras.empty()) QSKIP("no camera on this machine (none can be emulated; see ClipFrameSourceTest)");
    CaptureClock clock;
    CameraFrameSource camera(clock);
    std::atomic<int> frames{0};
    camera.start([&](CapturedFrame&& frame) {
      if (!frame.gray.empty() && !frame.bgr.empty()) ++frames;
    });
    QTRY_VERIFY_WITH_TIMEOUT(frames > 3, 10000);
    camera.stop();
  }
};

QTEST_GUILESS_MAIN(CameraFrameSourceTest)
#include "CameraFrameSourceTest.moc"
