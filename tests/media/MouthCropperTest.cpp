#include <QtTest>

#include <cmath>

#include "core/base/Error.h"
#include "core/media/FaceLandmarker.h"
#include "core/media/MeanFace.h"
#include "core/media/MouthCropper.h"
#include "core/media/MouthExtractor.h"
#include "media/MediaTestSupport.h"

using sinkscope::Landmarks68;
using sinkscope::MouthCropper;
using sinkscope::PointF;
namespace st = sinkscope::test;

namespace {

// A face whose point p sits at (p, p mod 7) before scaling and shifting.
Landmarks68 syntheticFace(double scale, double shiftX, double shiftY) {
  Landmarks68 face;
  for (int p = 0; p < 68; ++p) {
    face[p] = {static_cast<float>(scale * (p - 33.5) + shiftX),
               static_cast<float>(scale * (p % 7 - 3.0) + shiftY)};
  }
  return face;
}

std::array<double, 2> apply(const std::array<double, 6>& m, PointF p) {
  return {m[0] * p.x + m[1] * p.y + m[2], m[3] * p.x + m[4] * p.y + m[5]};
}

}  // namespace

class MouthCropperTest : public QObject {
  Q_OBJECT

 private slots:
  void interpolationFillsGapsLinearly() {
    // Found at frames 2, 5 and 9 of 12.
    std::vector<std::optional<Landmarks68>> track(12);
    track[2] = syntheticFace(1.0, 10, 20);
    track[5] = syntheticFace(2.0, 40, -10);
    track[9] = syntheticFace(1.5, 0, 0);
    const auto filled = MouthCropper::interpolate(track);
    QCOMPARE(filled.size(), std::size_t{12});
    const auto same = [](const Landmarks68& a, const Landmarks68& b) {
      for (int p = 0; p < 68; ++p) {
        if (std::abs(a[p].x - b[p].x) > 1e-4f || std::abs(a[p].y - b[p].y) > 1e-4f) return false;
      }
      return true;
    };
    // Leading frames copy the first detection, trailing ones the last.
    QVERIFY(same(filled[0], *track[2]));
    QVERIFY(same(filled[1], *track[2]));
    QVERIFY(same(filled[10], *track[9]));
    QVERIFY(same(filled[11], *track[9]));
    for (int i : {2, 5, 9}) QVERIFY(same(filled[i], *track[i]));
    // Frame 3 is a third of the way from frame 2 to frame 5: scale, shifts linear.
    QVERIFY(same(filled[3], syntheticFace(1.0 + 1.0 / 3, 20, 10)));
    QVERIFY(same(filled[4], syntheticFace(1.0 + 2.0 / 3, 30, 0)));
    // Frame 7 is halfway from frame 5 to frame 9.
    QVERIFY(same(filled[7], syntheticFace(1.75, 20, -5)));
  }

  void noFaceAnywhereIsAnError() {
    std::vector<std::optional<Landmarks68>> track(5);
    QVERIFY_THROWS_EXCEPTION(sinkscope::MediaError, MouthCropper::interpolate(track));
    MouthCropper cropper;
    QVERIFY_THROWS_EXCEPTION(sinkscope::MediaError, cropper.setTrack(track));
  }

  // Shape changes (here: scale) are averaged over the window, which shrinks
  // symmetrically near the ends; per-frame position survives the re-centring.
  void smoothingAveragesShapeAndKeepsPosition() {
    const int n = 20;
    std::vector<double> scale(n);
    std::vector<Landmarks68> track(n);
    for (int i = 0; i < n; ++i) {
      scale[i] = 1.0 + 0.1 * ((i * i) % 7);
      track[i] = syntheticFace(scale[i], 5.0 * i + (i % 3), -2.0 * i);
    }
    const auto smoothed = MouthCropper::smooth(track, 6);
    QCOMPARE(smoothed.size(), std::size_t{n});
    for (int i = 0; i < n; ++i) {
      const int margin = std::min({6, i, n - 1 - i});
      double meanScale = 0;
      for (int j = i - margin; j <= i + margin; ++j) meanScale += scale[j];
      meanScale /= 2 * margin + 1;
      // The window's mean shape, placed on frame i's own centroid.
      double cx = 0, cy = 0;
      for (const auto& p : track[i]) {
        cx += p.x / 68.0;
        cy += p.y / 68.0;
      }
      const Landmarks68 shape = syntheticFace(meanScale, 0, 0);
      double sx = 0, sy = 0;
      for (const auto& p : shape) {
        sx += p.x / 68.0;
        sy += p.y / 68.0;
      }
      for (int p = 0; p < 68; ++p) {
        QVERIFY2(std::abs(smoothed[i][p].x - (shape[p].x - sx + cx)) < 1e-3,
                 qPrintable(QString("frame %1 point %2").arg(i).arg(p)));
        QVERIFY(std::abs(smoothed[i][p].y - (shape[p].y - sy + cy)) < 1e-3);
      }
    }
    // The end frames have a window of one: unchanged.
    for (int p = 0; p < 68; ++p) {
      QCOMPARE(smoothed[0][p].x, track[0][p].x);
      QCOMPARE(smoothed[n - 1][p].y, track[n - 1][p].y);
    }
  }

  // A face that is the mean face itself, still: the transform is the identity up
  // to the window shift, and the window sits on the mean face's mouth.
  void meanFaceMapsOntoItself() {
    const Landmarks68& reference = sinkscope::MeanFace::reference();
    MouthCropper cropper;
    cropper.setTrack(std::vector<std::optional<Landmarks68>>(5, reference));
    const auto& m = cropper.frameToCrop(2);
    QVERIFY(std::abs(m[0] - 1) < 1e-6 && std::abs(m[4] - 1) < 1e-6);
    QVERIFY(std::abs(m[1]) < 1e-6 && std::abs(m[3]) < 1e-6);
    const auto figures = sinkscope::MeanFace::figures(reference);
    QCOMPARE(m[2], -std::nearbyint(figures.mouthCentre.x - 48));
    QCOMPARE(m[5], -std::nearbyint(figures.mouthCentre.y - 48));

    // The crop of a picture of coordinates: pixel values follow the transform.
    sinkscope::Image picture(256, 256, 1);
    for (int y = 0; y < 256; ++y) {
      for (int x = 0; x < 256; ++x) picture.pixels[y * 256 + x] = static_cast<std::uint8_t>(x);
    }
    const auto crop = cropper.crop(picture, 2);
    QCOMPARE(crop.width, 96);
    QCOMPARE(crop.height, 96);
    QCOMPARE(crop.channels, 1);
    QCOMPARE(static_cast<long>(crop.at(0, 10)), std::lround(-m[2]));
    QCOMPARE(static_cast<long>(crop.at(95, 50)), std::lround(95 - m[2]));
  }

  // DESIGN §3 end to end on real clips: a face in every frame, and every crop's
  // centre on the mouth of that frame (between the corners, within 10 px of the
  // mouth's centre line).
  void cropsAreCentredOnTheMouth_data() {
    QTest::addColumn<QString>("file");
    QTest::newRow("grid") << "grid_s2_swwp2s.mpg";
    QTest::newRow("lrs2") << "lrs2_00008.mp4";
  }

  void cropsAreCentredOnTheMouth() {
    SINKSCOPE_REQUIRE_SHARED_MEDIA();
    if (!QFile::exists(QString::fromStdString(sinkscope::FaceLandmarkerOptions{}.shapePredictorPath))) {
      QSKIP("dlib's 68-point model is not installed");
    }
    QFETCH(QString, file);
    sinkscope::MouthExtractor extractor;
    std::vector<sinkscope::MouthFrame> frames;
    extractor.run(st::sharedMedia(qPrintable(file)),
                  [&](sinkscope::MouthFrame&& frame) { frames.push_back(std::move(frame)); });
    QVERIFY(frames.size() >= 74);
    const double centre = 47.5;  // the middle of pixels 0..95
    double worstVertical = 0, widthSum = 0, minMargin = 1e9;
    for (std::size_t i = 0; i < frames.size(); ++i) {
      const auto& frame = frames[i];
      QCOMPARE(frame.index, static_cast<std::int64_t>(i));
      QVERIFY2(frame.faceFound, qPrintable(QString("no face in frame %1").arg(i)));
      QCOMPARE(frame.crop.width, 96);
      QCOMPARE(frame.crop.height, 96);
      const auto& m = extractor.cropper().frameToCrop(i);
      const auto left = apply(m, frame.landmarks[48]);
      const auto right = apply(m, frame.landmarks[54]);
      double mouthY = 0;
      for (int p = 48; p <= 67; ++p) mouthY += apply(m, frame.landmarks[p])[1] / 20.0;
      QVERIFY2(left[0] < centre && centre < right[0],
               qPrintable(QString("frame %1: corners at x %2 and %3").arg(i).arg(left[0]).arg(right[0])));
      QVERIFY2(std::abs(mouthY - centre) <= 10.0,
               qPrintable(QString("frame %1: mouth centre line at y %2").arg(i).arg(mouthY)));
      worstVertical = std::max(worstVertical, std::abs(mouthY - centre));
      minMargin = std::min({minMargin, centre - left[0], right[0] - centre});
      widthSum += right[0] - left[0];
    }
    qInfo("%s: %zu frames, mouth width in the crop %.1f px on average, crop centre at least "
          "%.1f px inside the corners, at most %.1f px off the mouth's centre line",
          qPrintable(file), frames.size(), widthSum / frames.size(), minMargin, worstVertical);
  }
};

QTEST_GUILESS_MAIN(MouthCropperTest)
#include "MouthCropperTest.moc"
