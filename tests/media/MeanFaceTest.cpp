#include <QtTest>

#include <cmath>

#include "core/base/Error.h"
#include "core/media/FaceLandmarker.h"
#include "core/media/MeanFace.h"

using sinkscope::MeanFace;
using sinkscope::MeanFaceFigures;
using sinkscope::PointF;

namespace {

const std::string kDlibModel = sinkscope::FaceLandmarkerOptions{}.shapePredictorPath;

double distance(PointF a, PointF b) { return std::hypot(a.x - b.x, a.y - b.y); }

}  // namespace

class MeanFaceTest : public QObject {
  Q_OBJECT

 private slots:
  // The committed numbers are what the derivation gives from Debian's dlib model.
  void committedReferenceIsTheDerivation() {
    if (!QFile::exists(QString::fromStdString(kDlibModel))) QSKIP("dlib's 68-point model is not installed");
    const auto derived = MeanFace::derive(MeanFace::readInitialShape(kDlibModel));
    const auto& committed = MeanFace::reference();
    for (std::size_t i = 0; i < committed.size(); ++i) {
      QVERIFY2(distance(derived[i], committed[i]) < 1e-3, qPrintable(QString::number(i)));
    }
  }

  // Within a couple of pixels of auto_avsr's geometry (DESIGN §3) at every figure.
  void figuresMatchTheDesign() {
    const MeanFaceFigures ours = MeanFace::figures(MeanFace::reference());
    const MeanFaceFigures design = MeanFace::designFigures();
    const std::pair<const char*, std::pair<PointF, PointF>> rows[] = {
        {"left eye centre", {ours.leftEyeCentre, design.leftEyeCentre}},
        {"right eye centre", {ours.rightEyeCentre, design.rightEyeCentre}},
        {"nose tip", {ours.noseTip, design.noseTip}},
        {"mouth centre", {ours.mouthCentre, design.mouthCentre}},
        {"mouth corner 48", {ours.mouthLeftCorner, design.mouthLeftCorner}},
        {"mouth corner 54", {ours.mouthRightCorner, design.mouthRightCorner}},
        {"chin", {ours.chin, design.chin}},
    };
    double sum = 0;
    for (const auto& [name, points] : rows) {
      const double off = distance(points.first, points.second);
      qInfo("%-16s (%6.1f, %6.1f) vs DESIGN (%6.1f, %6.1f): %.2f px", name, points.first.x,
            points.first.y, points.second.x, points.second.y, off);
      QVERIFY2(off < 2.0, name);
      sum += off;
    }
    qInfo("inter-ocular %.1f px vs DESIGN %.1f px; mean offset %.2f px", ours.interOcularPx,
          design.interOcularPx, sum / 7);
    QVERIFY(std::abs(ours.interOcularPx - design.interOcularPx) < 2.5);
    QVERIFY(std::abs(ours.mouthCentre.y - design.mouthCentre.y) < 1.5);
  }

  // dlib's mean shape is mirror-symmetric; the derivation keeps it so.
  void referenceIsUprightAndSymmetric() {
    const auto& face = MeanFace::reference();
    const float axis = face[8].x;
    QVERIFY(std::abs(face[0].x + face[16].x - 2 * axis) < 0.05f);
    QVERIFY(std::abs(face[48].x + face[54].x - 2 * axis) < 0.05f);
    QVERIFY(std::abs(face[36].y - face[45].y) < 0.05f);
  }

  void unreadableModelsAreReported() {
    QVERIFY_THROWS_EXCEPTION(sinkscope::MediaError, MeanFace::readInitialShape("/nonexistent/sp.dat"));
    QTemporaryDir dir;
    QFile small(dir.filePath("short.dat"));
    QVERIFY(small.open(QIODevice::WriteOnly));
    small.write("\x01", 1);
    small.close();
    QVERIFY_THROWS_EXCEPTION(sinkscope::FormatError,
                             MeanFace::readInitialShape(dir.filePath("short.dat").toStdString()));
  }
};

QTEST_GUILESS_MAIN(MeanFaceTest)
#include "MeanFaceTest.moc"
