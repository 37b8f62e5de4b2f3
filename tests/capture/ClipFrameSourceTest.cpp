#include <QtTest>

#include <algorithm>
#include <atomic>
#include <thread>

#include "core/base/Error.h"
#include "core/capture/ClipFrameSource.h"
#include "core/capture/DropOldestQueue.h"
#include "core/media/ClipDecoder.h"
#include "core/media/FaceLandmarker.h"
#include "core/media/MouthCropper.h"
#include "core/media/MouthExtractor.h"
#include "media/MediaTestSupport.h"

using namespace sinkscope;
namespace st = sinkscope::test;

class ClipFrameSourceTest : public QObject {
  Q_OBJECT

 private slots:
  // Clip-as-camera must stand in for a 25 fps camera: frames arrive at real-time
  // pace, through the same bounded queue the pipeline uses, with the clip's pictures.
  void deliversTheClipAtRealTimePace_data() {
    QTest::addColumn<QString>("file");
    QTest::newRow("lrs2 mpeg-4") << "lrs2_00008.mp4";
    QTest::newRow("grid mpeg-1") << "grid_s2_swwp2s.mpg";
  }

  void deliversTheClipAtRealTimePace() {
    SINKSCOPE_REQUIRE_SHARED_MEDIA();
    QFETCH(QString, file);
    const std::string path = st::sharedMedia(qPrintable(file));
    DecodeOptions grayOnly;
    grayOnly.audio = false;
    grayOnly.bgr = false;
    const DecodedClip reference = ClipDecoder::decodeAll(path, grayOnly);

    CaptureClock clock;
    ClipFrameSourceOptions options;
    options.bgr = false;
    ClipFrameSource source(path, clock, options);
    DropOldestQueue<CapturedFrame> queue(4);
    source.start([&](CapturedFrame&& frame) { queue.push(std::move(frame)); });

    std::vector<std::int64_t> arrivalsUs;
    std::vector<CapturedFrame> frames;
    while (source.isActive() || queue.size() > 0) {
      if (auto frame = queue.pop(std::chrono::milliseconds(100))) {
        arrivalsUs.push_back(clock.nowUs());
        frames.push_back(std::move(*frame));
      }
    }
    source.stop();

    QCOMPARE(frames.size(), reference.frames.size());
    QCOMPARE(source.droppedCount(), std::int64_t{0});
    const double spanSec = (arrivalsUs.back() - arrivalsUs.front()) / 1e6;
    const double framesPerSec = (arrivalsUs.size() - 1) / spanSec;
    std::int64_t worstLateUs = 0;
    for (std::size_t i = 0; i < frames.size(); ++i) {
      QCOMPARE(frames[i].index, static_cast<std::int64_t>(i));
      QCOMPARE(frames[i].timestampUs - frames[0].timestampUs, static_cast<std::int64_t>(i) * 40'000);
      worstLateUs = std::max(worstLateUs, arrivalsUs[i] - frames[i].timestampUs);
    }
    qInfo("%s: %zu frames over %.3f s: %.3f frames/s (%+.2f %% from 25), latest arrival %.1f ms after its stamp",
          qPrintable(file), frames.size(), spanSec, framesPerSec, (framesPerSec / 25.0 - 1) * 100, worstLateUs / 1e3);
    QVERIFY(spanSec >= 2.0);
    QVERIFY2(std::abs(framesPerSec / 25.0 - 1) <= 0.05, qPrintable(QString::number(framesPerSec)));
    // Only delivery can be late (a busy machine); the stamps above stay exact.
    QVERIFY2(worstLateUs < 100'000, qPrintable(QString::number(worstLateUs)));

    for (std::size_t i : {std::size_t{0}, frames.size() / 2, frames.size() - 1}) {
      QVERIFY(frames[i].bgr.empty());
      QVERIFY(frames[i].gray.pixels == reference.frames[i].gray.pixels);
    }
  }

  // Captured frames are what the mouth pipeline takes: landmarks tracked on the BGR
  // pictures and crops cut from the gray ones give MouthExtractor's crops of the file.
  void framesFeedTheMouthPipeline() {
    SINKSCOPE_REQUIRE_SHARED_MEDIA();
    const std::string path = st::sharedMedia("lrs2_00008.mp4");
    CaptureClock clock;
    ClipFrameSource source(path, clock);
    DropOldestQueue<CapturedFrame> queue(128);
    source.start([&](CapturedFrame&& frame) { queue.push(std::move(frame)); });
    FaceLandmarker landmarker;
    std::vector<std::optional<Landmarks68>> track;
    std::vector<Image> grays;
    while (source.isActive() || queue.size() > 0) {
      if (auto frame = queue.pop(std::chrono::milliseconds(100))) {
        const std::optional<FaceLandmarks> face = landmarker.track(frame->bgr);
        track.push_back(face ? std::optional<Landmarks68>(face->points) : std::nullopt);
        grays.push_back(std::move(frame->gray));
      }
    }
    QCOMPARE(queue.droppedCount(), std::int64_t{0});
    MouthCropper cropper;
    cropper.setTrack(track);

    MouthExtractor extractor;
    std::vector<Image> expected;
    extractor.run(path, [&](MouthFrame&& frame) { expected.push_back(std::move(frame.crop)); });
    QCOMPARE(grays.size(), expected.size());
    for (std::size_t i = 0; i < grays.size(); ++i) {
      QVERIFY2(cropper.crop(grays[i], i).pixels == expected[i].pixels, qPrintable(QString("frame %1").arg(i)));
    }
  }

  void stopEndsPlaybackAtOnce() {
    SINKSCOPE_REQUIRE_SHARED_MEDIA();
    CaptureClock clock;
    ClipFrameSourceOptions options;
    options.loop = true;
    ClipFrameSource source(st::sharedMedia("lrs2_00008.mp4"), clock, options);
    std::atomic<int> count{0};
    source.start([&](CapturedFrame&&) { ++count; });
    QTest::qWait(200);
    const std::int64_t before = clock.nowUs();
    source.stop();
    QVERIFY(clock.nowUs() - before < 100'000);
    QVERIFY(!source.isActive());
    const int delivered = count;
    QVERIFY2(delivered >= 3 && delivered <= 7, qPrintable(QString::number(delivered)));
    QTest::qWait(100);
    QCOMPARE(count.load(), delivered);
  }

  void refusesWhatIsNoCamera() {
    CaptureClock clock;
    QVERIFY_THROWS_EXCEPTION(MediaError, ClipFrameSource("/nonexistent/clip.mp4", clock));
    SINKSCOPE_REQUIRE_SHARED_MEDIA();
    QVERIFY_THROWS_EXCEPTION(MediaError, ClipFrameSource(st::sharedMedia("jfk.wav"), clock));
  }

  void fullQueueDropsTheOldest() {
    DropOldestQueue<int> queue(3);
    for (int i = 1; i <= 5; ++i) queue.push(i);
    QCOMPARE(queue.droppedCount(), std::int64_t{2});
    QCOMPARE(*queue.pop(std::chrono::milliseconds(0)), 3);
    QCOMPARE(*queue.pop(std::chrono::milliseconds(0)), 4);
    QCOMPARE(*queue.pop(std::chrono::milliseconds(0)), 5);
    QVERIFY(!queue.pop(std::chrono::milliseconds(10)));
    std::thread closer([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      queue.close();
    });
    QVERIFY(!queue.pop(std::chrono::seconds(10)));
    closer.join();
  }
};

QTEST_GUILESS_MAIN(ClipFrameSourceTest)
#include "ClipFrameSourceTest.moc"
