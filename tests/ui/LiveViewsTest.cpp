// The live views' data and drawing without capture or a model: the crop frame is the
// inverse of the mouth pipeline's affine, the strip holds the latest crops, the audio
// view's times follow the microphone's sample numbers, and both views render and
// export at the size asked for (PNG, PDF, SVG).
#include <QtTest>

#include <cmath>

#include "ui/controllers/LiveResult.h"
#include "ui/plots/FigureExporter.h"
#include "ui/views/AudioActivityView.h"
#include "ui/views/LiveVideoView.h"

using namespace sinkscope;
using namespace sinkscope::ui;

namespace {

Image filled(int width, int height, int channels, std::uint8_t value) {
  Image image(width, height, channels);
  std::fill(image.pixels.begin(), image.pixels.end(), value);
  return image;
}

// A similarity transform: rotate by `radians`, scale, then shift.
std::array<double, 6> similarity(double radians, double scale, double tx, double ty) {
  const double c = scale * std::cos(radians);
  const double s = scale * std::sin(radians);
  return {c, -s, tx, s, c, ty};
}

LiveResult twelveFrames() {
  LiveResult result;
  for (int i = 0; i < 12; ++i) {
    ClipFrame frame;
    frame.faceFound = i % 3 != 0;
    frame.box = {40.0f, 30.0f, 120.0f, 140.0f};
    for (int p = 0; p < 68; ++p) frame.landmarks[p] = {50.0f + p, 40.0f + (p % 17) * 5.0f};
    frame.crop = filled(96, 96, 1, static_cast<std::uint8_t>(10 * i));
    frame.frameToCrop = similarity(0.1, 0.8, -20.0, -40.0);
    result.media.frames.push_back(frame);
    result.pictures.push_back(filled(320, 240, 3, static_cast<std::uint8_t>(100 + i)));
  }
  result.contextFirstSample = 16000 * 3;  // 3 s after start
  result.contextAudio.resize(16000 * 2);
  for (std::size_t i = 0; i < result.contextAudio.size(); ++i) {
    result.contextAudio[i] = 0.3f * static_cast<float>(std::sin(0.05 * static_cast<double>(i)));
  }
  result.contextMel = HostTensor({80, 200});
  for (std::size_t i = 0; i < result.contextMel.values.size(); ++i) result.contextMel.values[i] = (i % 37) / 37.0f;
  result.firstSample = 16000 * 3 + 8000;
  result.endSample = 16000 * 4 + 4000;
  result.speechSpans = {{16000 * 2, 16000 * 3 + 1600}, {result.firstSample, result.endSample}};
  return result;
}

}  // namespace

class LiveViewsTest : public QObject {
  Q_OBJECT

 private slots:
  void cropCornersInvertTheAffine() {
    for (const auto& a : {similarity(0.0, 1.0, 0.0, 0.0), similarity(0.3, 0.55, -40.0, -120.0),
                          similarity(-0.2, 1.7, 12.5, -3.0)}) {
      const auto corners = LiveVideoData::cropCorners(a, 96);
      const double expected[4][2] = {{0, 0}, {96, 0}, {96, 96}, {0, 96}};
      for (int i = 0; i < 4; ++i) {
        const double u = a[0] * corners[i].x + a[1] * corners[i].y + a[2];
        const double v = a[3] * corners[i].x + a[4] * corners[i].y + a[5];
        QVERIFY2(std::abs(u - expected[i][0]) < 1e-3 && std::abs(v - expected[i][1]) < 1e-3,
                 qPrintable(QString("corner %1: %2, %3").arg(i).arg(u).arg(v)));
      }
    }
  }

  void stripHoldsTheLatestCrops() {
    const LiveResult result = twelveFrames();
    const LiveVideoData at10 = LiveVideoData::fromResult(result, 10);
    QCOMPARE(at10.strip.size(), std::size_t{8});
    QCOMPARE(at10.strip.front().pixels.front(), std::uint8_t{30});  // frame 3
    QCOMPARE(at10.strip.back().pixels.front(), std::uint8_t{100});  // frame 10
    QCOMPARE(at10.picture.pixels.front(), std::uint8_t{110});
    QVERIFY(at10.hasTrack);
    QVERIFY(at10.caption.startsWith("frame 11 of 12"));
    const LiveVideoData at2 = LiveVideoData::fromResult(result, 2);
    QCOMPARE(at2.strip.size(), std::size_t{3});
    // Beyond the end: the last frame.
    QCOMPARE(LiveVideoData::fromResult(result, 99).strip.back().pixels.front(), std::uint8_t{110});
    QVERIFY(LiveVideoData::fromResult(LiveResult{}, 0).picture.empty());
  }

  void audioTimesFollowTheSampleNumbers() {
    const AudioActivityData data = AudioActivityData::fromResult(twelveFrames());
    QCOMPARE(data.startSec, 3.0);
    QCOMPARE(data.endSec(), 5.0);
    QCOMPARE(data.currentSec.first, 3.5);
    QCOMPARE(data.currentSec.second, 4.25);
    QCOMPARE(data.speechSec.size(), std::size_t{2});
    QCOMPARE(data.speechSec[0].second, 3.1);
  }

  void viewsRenderAndExport() {
    QTemporaryDir dir;
    const LiveResult result = twelveFrames();
    LiveVideoView video;
    video.setData(LiveVideoData::fromResult(result, 5));
    AudioActivityView audio;
    audio.setData(AudioActivityData::fromResult(result));
    for (PlotWidget* view : {static_cast<PlotWidget*>(&video), static_cast<PlotWidget*>(&audio)}) {
      QCOMPARE(view->renderImage(640, 480).size(), QSize(640, 480));
    }
    const QStringList files = FigureExporter::saveAll(video, dir.filePath("video"), 800, 600) +
                              FigureExporter::saveAll(audio, dir.filePath("audio"), 800, 600);
    QCOMPARE(files.size(), 6);
    for (const QString& file : files) QVERIFY2(QFileInfo(file).size() > 500, qPrintable(file));
    QCOMPARE(QImage(dir.filePath("video.png")).size(), QSize(800, 600));
    // The picture is drawn: its grey (105) shows below the face box and crop frame.
    const QImage png(dir.filePath("video.png"));
    const QColor centre = png.pixelColor(400, 380);
    QVERIFY2(std::abs(centre.red() - 105) <= 2, qPrintable(centre.name()));
  }
};

QTEST_MAIN(LiveViewsTest)
#include "LiveViewsTest.moc"
