#include <QtTest>
#include <QXmlStreamReader>

#include <cmath>

#include "core/base/Error.h"
#include "core/media/ClipDecoder.h"
#include "core/media/FaceLandmarker.h"
#include "media/MediaTestSupport.h"

using sinkscope::FaceBox;
using sinkscope::FaceLandmarker;
using sinkscope::FaceLandmarkerOptions;
using sinkscope::FaceLandmarks;
using sinkscope::Landmarks68;
namespace st = sinkscope::test;

namespace {

struct AnnotatedFace {
  FaceBox box;
  Landmarks68 points;
};

// The faces dlib's testing_with_face_landmarks.xml lists for one image.
std::vector<AnnotatedFace> readDlibAnnotations(const QString& xmlPath, const QString& image) {
  QFile file(xmlPath);
  if (!file.open(QIODevice::ReadOnly)) return {};
  QXmlStreamReader xml(&file);
  std::vector<AnnotatedFace> faces;
  bool inImage = false;
  while (!xml.atEnd()) {
    xml.readNext();
    if (xml.isStartElement()) {
      const auto attributes = xml.attributes();
      if (xml.name() == QLatin1String("image")) {
        inImage = attributes.value("file") == image;
      } else if (inImage && xml.name() == QLatin1String("box")) {
        AnnotatedFace face;
        face.box = {attributes.value("left").toFloat(), attributes.value("top").toFloat(),
                    attributes.value("width").toFloat(), attributes.value("height").toFloat()};
        faces.push_back(face);
      } else if (inImage && xml.name() == QLatin1String("part") && !faces.empty()) {
        const int index = attributes.value("name").toInt();
        faces.back().points[index] = {attributes.value("x").toFloat(),
                                      attributes.value("y").toFloat()};
      }
    } else if (xml.isEndElement() && xml.name() == QLatin1String("image")) {
      inImage = false;
    }
  }
  return faces;
}

double meanDistance(const Landmarks68& a, const Landmarks68& b) {
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += std::hypot(a[i].x - b[i].x, a[i].y - b[i].y);
  return sum / a.size();
}

double overlap(const FaceBox& a, const FaceBox& b) {
  const double w = std::min(a.left + a.width, b.left + b.width) - std::max(a.left, b.left);
  const double h = std::min(a.top + a.height, b.top + b.height) - std::max(a.top, b.top);
  if (w <= 0 || h <= 0) return 0;
  return w * h / (a.width * a.height + b.width * b.height - w * h);
}

bool haveDlibModel() { return QFile::exists(QString::fromStdString(FaceLandmarkerOptions{}.shapePredictorPath)); }

}  // namespace

#define REQUIRE_DLIB_MODEL() \
  if (!haveDlibModel()) QSKIP("dlib's 68-point model (Debian libdlib-data) is not installed")

class FaceLandmarkerTest : public QObject {
  Q_OBJECT

 private slots:
  // The XML was made with this very model, so the faces must come back to about a
  // pixel (the XML rounds to whole pixels).
  void threeFacesMatchDlibsAnnotations() {
    SINKSCOPE_REQUIRE_SHARED_MEDIA();
    REQUIRE_DLIB_MODEL();
    const auto truth = readDlibAnnotations(st::sharedMediaDir() + "/dlib_testing_with_face_landmarks.xml",
                                           "2008_002506.jpg");
    QCOMPARE(truth.size(), std::size_t{3});
    FaceLandmarker landmarker;
    const auto found =
        landmarker.detectAll(sinkscope::readImage(st::sharedMedia("dlib_2008_002506.jpg")));
    QCOMPARE(found.size(), std::size_t{3});
    for (const auto& face : truth) {
      const FaceLandmarks* best = nullptr;
      for (const auto& candidate : found) {
        if (best == nullptr || overlap(candidate.box, face.box) > overlap(best->box, face.box)) {
          best = &candidate;
        }
      }
      const double error = meanDistance(best->points, face.points);
      qInfo("face at (%.0f, %.0f) %.0f px: box overlap %.2f, landmarks off by %.3f px on average",
            face.box.left, face.box.top, face.box.width, overlap(best->box, face.box), error);
      QVERIFY(overlap(best->box, face.box) > 0.5);
      QVERIFY2(error < 1.0, qPrintable(QString::number(error)));
    }
  }

  void grassHasNoFace() {
    SINKSCOPE_REQUIRE_SHARED_MEDIA();
    REQUIRE_DLIB_MODEL();
    FaceLandmarker landmarker;
    const auto image = sinkscope::readImage(st::sharedMedia("grass_noface.jpg"));
    QVERIFY(landmarker.detectAll(image).empty());
    QVERIFY(!landmarker.track(image).has_value());
  }

  // FAN's 3-D landmarks from another model: a few pixels of disagreement expected.
  void aflwFaceIsNearAnotherModelsLandmarks() {
    SINKSCOPE_REQUIRE_SHARED_MEDIA();
    REQUIRE_DLIB_MODEL();
    QFile file(st::sharedMediaDir() + "/aflw-test_landmarks68.txt");
    QVERIFY(file.open(QIODevice::ReadOnly | QIODevice::Text));
    Landmarks68 reference{};
    int count = 0;
    while (!file.atEnd()) {
      const QString line = QString::fromUtf8(file.readLine()).trimmed();
      if (line.isEmpty() || line.startsWith('#')) continue;
      const QStringList fields = line.split(' ', Qt::SkipEmptyParts);
      QCOMPARE(fields.size(), 4);  // index x y z
      reference[fields[0].toInt()] = {fields[1].toFloat(), fields[2].toFloat()};
      ++count;
    }
    QCOMPARE(count, 68);
    FaceLandmarker landmarker;
    const auto found = landmarker.detectAll(sinkscope::readImage(st::sharedMedia("aflw-test.jpg")));
    QCOMPARE(found.size(), std::size_t{1});
    const double error = meanDistance(found[0].points, reference);
    double interOcular = std::hypot(reference[45].x - reference[36].x, reference[45].y - reference[36].y);
    qInfo("aflw-test.jpg: mean distance to FAN's landmarks %.2f px (outer-eye-corner distance %.1f px)",
          error, interOcular);
    QVERIFY2(error < 0.1 * interOcular, qPrintable(QString::number(error)));
  }

  // Tracking must give what running the detector on every frame gives, with the
  // detector run on a fraction of the frames.
  void trackingFollowsTheDetector_data() {
    QTest::addColumn<QString>("file");
    QTest::newRow("grid") << "grid_s2_swwp2s.mpg";
    QTest::newRow("lrs2") << "lrs2_00008.mp4";
  }

  void trackingFollowsTheDetector() {
    SINKSCOPE_REQUIRE_SHARED_MEDIA();
    REQUIRE_DLIB_MODEL();
    QFETCH(QString, file);
    sinkscope::DecodeOptions options;
    options.audio = false;
    options.gray = false;
    const auto clip = sinkscope::ClipDecoder::decodeAll(st::sharedMedia(qPrintable(file)), options);
    FaceLandmarkerOptions everyFrame;
    everyFrame.redetectIntervalFrames = 1;
    FaceLandmarker detecting(everyFrame);
    FaceLandmarker tracking;
    int detectorRuns = 0;
    double sum = 0, worst = 0;
    for (const auto& frame : clip.frames) {
      const auto detected = detecting.track(frame.bgr);
      const auto tracked = tracking.track(frame.bgr);
      QVERIFY(detected.has_value());
      QVERIFY(tracked.has_value());
      QVERIFY(!detected->tracked);
      if (!tracked->tracked) ++detectorRuns;
      const double d = meanDistance(detected->points, tracked->points);
      sum += d;
      worst = std::max(worst, d);
    }
    qInfo("%s: detector on %d of %zu frames; tracked vs detected landmarks %.2f px on average, "
          "%.2f px worst frame",
          qPrintable(file), detectorRuns, clip.frames.size(), sum / clip.frames.size(), worst);
    QVERIFY(detectorRuns <= static_cast<int>(clip.frames.size()) / 5);
    QVERIFY(sum / clip.frames.size() < 1.5);
    QVERIFY(worst < 4.0);
  }

  void missingModelsNameThePath() {
    FaceLandmarkerOptions options;
    options.shapePredictorPath = "/nonexistent/shape_predictor.dat";
    try {
      FaceLandmarker landmarker(options);
      QFAIL("loaded a missing model");
    } catch (const sinkscope::MediaError& e) {
      QVERIFY2(QString(e.what()).contains("/nonexistent/shape_predictor.dat"), e.what());
    }
    REQUIRE_DLIB_MODEL();
    FaceLandmarkerOptions cnn;
    cnn.cnnDetectorPath = "/nonexistent/mmod_human_face_detector.dat";
    try {
      FaceLandmarker landmarker(cnn);
      QFAIL("loaded a missing CNN detector");
    } catch (const sinkscope::MediaError& e) {
      QVERIFY2(QString(e.what()).contains("/nonexistent/mmod_human_face_detector.dat"), e.what());
    }
  }

  void wrongModelFilesAreFormatErrors() {
    QTemporaryDir dir;
    const QString path = dir.filePath("not_a_model.dat");
    QFile garbage(path);
    QVERIFY(garbage.open(QIODevice::WriteOnly));
    QByteArray bytes(4096, '\0');
    for (int i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 7919) % 251);
    garbage.write(bytes);
    garbage.close();
    FaceLandmarkerOptions options;
    options.shapePredictorPath = path.toStdString();
    QVERIFY_THROWS_EXCEPTION(sinkscope::FormatError, FaceLandmarker landmarker(options));
    REQUIRE_DLIB_MODEL();
    FaceLandmarkerOptions cnn;
    cnn.cnnDetectorPath = path.toStdString();
    try {
      FaceLandmarker landmarker(cnn);
      QFAIL("loaded a garbage CNN detector");
    } catch (const sinkscope::FormatError& e) {
      QVERIFY2(QString(e.what()).contains(path), e.what());
    }
  }
};

QTEST_GUILESS_MAIN(FaceLandmarkerTest)
#include "FaceLandmarkerTest.moc"
