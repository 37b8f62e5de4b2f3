#include <QtTest>

#include <cmath>

#include "core/corpus/MouthRenderer.h"

using namespace sinkscope::corpus;

namespace {

// A still camera: no head motion, no noise, no lighting gradient.
SceneLook stillScene() {
  SceneLook s;
  s.noiseSigma = 0.0;
  s.motionAmpXPx = s.motionAmpYPx = s.motionAmpRollDeg = s.motionAmpScale = 0.0;
  s.gradientX = s.gradientY = 0.0;
  s.rollDeg = s.shiftXPx = s.shiftYPx = 0.0;
  return s;
}

double meanOf(const std::vector<std::uint8_t>& frames, int frame, int x0, int y0, int x1, int y1) {
  double sum = 0;
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) sum += frames[static_cast<std::size_t>(frame) * 96 * 96 + y * 96 + x];
  return sum / ((x1 - x0) * (y1 - y0));
}

}  // namespace

class CorpusMouthRendererTest : public QObject {
  Q_OBJECT

 private slots:
  void rendersNinetySixSquareFrames() {
    MouthRenderer renderer(MouthRenderer::speakerLook("flite-slt", 'f'), MouthRenderer::sceneLook(3), 4);
    const auto frames = renderer.render(std::vector<MouthShape>(5));
    QCOMPARE(frames.size(), std::size_t(5 * 96 * 96));
    double mean = 0;
    for (auto v : frames) mean += v;
    mean /= frames.size();
    QVERIFY(mean > 30 && mean < 230);
  }

  // Opening the mouth puts the dark interior at the crop centre; a closed mouth shows
  // lips there, which are lighter.
  void openMouthIsDarkAtTheCentre() {
    MouthShape closed;
    MouthShape open;
    open.opening = 1.0;
    open.jaw = 1.0;
    open.teeth = 0.0;
    open.tongue = 0.0;
    MouthRenderer renderer(MouthRenderer::speakerLook("espeak-en-us+m3", 'm'), stillScene(), 1);
    const auto frames = renderer.render({closed, open});
    const double closedCentre = meanOf(frames, 0, 40, 48, 56, 54);
    const double openCentre = meanOf(frames, 1, 40, 48, 56, 54);
    QVERIFY2(openCentre < closedCentre - 30, qPrintable(QString("%1 vs %2").arg(openCentre).arg(closedCentre)));
  }

  // The jaw drop moves the chin: the rows just above the chin outline (face) turn into
  // face where there was neck, so the bottom centre gets brighter or stays, never the
  // opposite; and the frames differ there.
  void jawDropMovesTheChin() {
    MouthShape rest;
    MouthShape dropped;
    dropped.jaw = 1.0;
    auto look = MouthRenderer::speakerLook("flite-awb", 'm');
    look.chinDropPx = 40.0;
    auto scene = stillScene();
    scene.backgroundGray = 10.0;
    MouthRenderer renderer(look, scene, 2);
    const auto frames = renderer.render({rest, dropped});
    const double restChin = meanOf(frames, 0, 40, 88, 56, 94);
    const double droppedChin = meanOf(frames, 1, 40, 88, 56, 94);
    QVERIFY2(droppedChin > restChin + 10, qPrintable(QString("%1 vs %2").arg(droppedChin).arg(restChin)));
  }

  void speakersLookDifferentAndStable() {
    const auto a = MouthRenderer::speakerLook("flite-slt", 'f');
    const auto b = MouthRenderer::speakerLook("flite-slt", 'f');
    const auto c = MouthRenderer::speakerLook("flite-rms", 'm');
    QCOMPARE(a.skinGray, b.skinGray);
    QCOMPARE(a.textureSeed, b.textureSeed);
    QVERIFY(a.textureSeed != c.textureSeed);
    QCOMPARE(a.stubble, 0.0);
  }

  void sameSeedsSameFrames() {
    std::vector<MouthShape> shapes(4);
    shapes[2].opening = 0.6;
    MouthRenderer r1(MouthRenderer::speakerLook("x", 'm'), MouthRenderer::sceneLook(9), 10);
    MouthRenderer r2(MouthRenderer::speakerLook("x", 'm'), MouthRenderer::sceneLook(9), 10);
    QCOMPARE(r1.render(shapes), r2.render(shapes));
  }
};

QTEST_GUILESS_MAIN(CorpusMouthRendererTest)
#include "CorpusMouthRendererTest.moc"
