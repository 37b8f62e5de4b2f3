// The live face-tracking stage against the offline mouth pipeline: a clip played as
// the camera through FaceTrackingFrameSource gives, frame by frame, the faces that
// FaceLandmarker::track finds on the same pictures in order, and those landmarks
// through MouthExtractor::runTracked give MouthExtractor's crops of the file. A
// camera error passes through, and the stage stops with its source.
#include <QtTest>

#include <atomic>
#include <mutex>

#include "core/capture/ClipFrameSource.h"
#include "core/capture/FaceTrackingFrameSource.h"
#include "core/media/FaceLandmarker.h"
#include "core/media/MouthExtractor.h"
#include "media/MediaTestSupport.h"

using namespace sinkscope;
namespace st = sinkscope::test;

namespace {

// Delivers `count` blank frames at once from start(), then fails, as an unplugged camera.
class BurstThenFail : public FrameSource {
 public:
  explicit BurstThenFail(int count) : count_(count) {}
  std::string description() const override { return "burst camera"; }
  void start(FrameCallback onFrame, ErrorCallback onError) override {
    active_ = true;
    for (int i = 0; i < count_; ++i) {
      CapturedFrame frame;
      frame.index = i;
      frame.gray = Image(48, 32, 1);
      onFrame(std::move(frame));
    }
    active_ = false;
    onError("burst camera: unplugged");
  }
  void stop() override { active_ = false; }
  bool isActive() const override { return active_; }

 private:
  int count_;
  std::atomic<bool> active_{false};
};

}  // namespace

class FaceTrackingFrameSourceTest : public QObject {
  Q_OBJECT

 private slots:
  void tracksAsTheOfflinePipelineDoes() {
    SINKSCOPE_REQUIRE_SHARED_MEDIA();
    const std::string path = st::sharedMedia("lrs2_00008.mp4");
    CaptureClock clock;
    auto landmarker = std::make_shared<FaceLandmarker>();
    FaceTrackingFrameSource source(std::make_unique<ClipFrameSource>(path, clock), landmarker);
    std::mutex mutex;
    std::vector<CapturedFrame> frames;
    source.start([&](CapturedFrame&& frame) {
      std::lock_guard<std::mutex> lock(mutex);
      frames.push_back(std::move(frame));
    });
    QTRY_VERIFY_WITH_TIMEOUT(!source.isActive(), 30000);
    source.stop();
    QCOMPARE(source.trackedCount() + source.skippedCount(), static_cast<std::int64_t>(frames.size()));
    QVERIFY(frames.size() > 50);
    if (source.skippedCount() > 0) {
      QSKIP(qPrintable(QString("the tracker fell behind on this machine (%1 of %2 frames skipped); "
                               "the comparison needs every frame tracked")
                           .arg(source.skippedCount())
                           .arg(frames.size())));
    }

    // The same pictures through a fresh tracker, in order.
    FaceLandmarker reference;
    std::vector<std::optional<FaceLandmarks>> found;
    std::vector<const Image*> gray;
    for (const CapturedFrame& frame : frames) {
      QVERIFY(frame.faceTracked);
      const std::optional<FaceLandmarks> expected = reference.track(frame.bgr);
      QCOMPARE(frame.face.has_value(), expected.has_value());
      if (expected) {
        for (int p = 0; p < 68; ++p) {
          QCOMPARE(frame.face->points[p].x, expected->points[p].x);
          QCOMPARE(frame.face->points[p].y, expected->points[p].y);
        }
      }
      found.push_back(frame.face);
      gray.push_back(&frame.gray);
    }
    std::vector<Image> live, offline;
    MouthExtractor::runTracked(found, gray, "live", [&](MouthFrame&& f) { live.push_back(std::move(f.crop)); });
    MouthExtractor().run(path, [&](MouthFrame&& f) { offline.push_back(std::move(f.crop)); });
    QCOMPARE(live.size(), offline.size());
    for (std::size_t i = 0; i < live.size(); ++i) {
      QVERIFY2(live[i].pixels == offline[i].pixels, qPrintable(QString("frame %1").arg(i)));
    }
  }

  void errorsPassThroughAndStopFollowsTheSource() {
    auto landmarker = std::make_shared<FaceLandmarker>();
    FaceTrackingFrameSource source(std::make_unique<BurstThenFail>(20), landmarker);
    std::atomic<int> delivered{0};
    QString error;
    source.start([&](CapturedFrame&&) { ++delivered; }, [&](const std::string& message) {
      error = QString::fromStdString(message);
    });
    QCOMPARE(error, QStringLiteral("burst camera: unplugged"));
    QVERIFY(!source.isActive());
    source.stop();  // returns once every queued frame went on
    QCOMPARE(delivered.load(), 20);
    QCOMPARE(source.trackedCount() + source.skippedCount(), std::int64_t{20});
    // A burst leaves the tracker behind: all but the last waiting frame go on untracked.
    QVERIFY(source.skippedCount() >= 1);
  }
};

QTEST_GUILESS_MAIN(FaceTrackingFrameSourceTest)
#include "FaceTrackingFrameSourceTest.moc"
