#include "core/corpus/MouthRenderer.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/corpus/CorpusRng.h"

namespace sinkscope::corpus {

namespace {

// The face is drawn on a canvas in "face units" (one unit = one output pixel at
// scale 1) with the mouth centre at (64, 64), at 1.5 canvas pixels per unit, then
// warped into the 96×96 crop.
constexpr int kCanvasUnits = 128;
constexpr double kPxPerUnit = 1.5;
constexpr int kCanvasPx = static_cast<int>(kCanvasUnits * kPxPerUnit);
constexpr double kMouthX = 64.0;
constexpr double kMouthY = 64.0;
constexpr double kMaxApertureUnits = 22.0;
constexpr double kMaxJawDropUnits = 9.0;

double step(double v, double softness) { return std::clamp(v / softness + 0.5, 0.0, 1.0); }
double gauss(double x, double sigma) {
  const double z = x / sigma;
  return z * z > 25.0 ? 0.0 : std::exp(-0.5 * z * z);  // below 4e-6: not drawn
}

// Smooth random field: small random grid blown up with cubic interpolation.
cv::Mat noiseField(CorpusRng& rng, int cells, double amplitude) {
  cv::Mat small(cells, cells, CV_32F);
  for (int y = 0; y < cells; ++y)
    for (int x = 0; x < cells; ++x) small.at<float>(y, x) = static_cast<float>(rng.normal() * amplitude);
  cv::Mat big;
  cv::resize(small, big, cv::Size(kCanvasPx, kCanvasPx), 0, 0, cv::INTER_CUBIC);
  return big;
}

}  // namespace

struct MouthRenderer::Impl {
  SpeakerLook speaker;
  SceneLook scene;
  CorpusRng noise;
  cv::Mat texture;  // skin brightness offsets, CV_32F canvas
  cv::Mat stubble;  // 0..1 darkening weights
  cv::Mat staticFace;
  std::map<int, cv::Mat> faces;  // drawn faces by jaw drop in quarter units

  Impl(const SpeakerLook& s, const SceneLook& sc, std::uint64_t noiseSeed) : speaker(s), scene(sc), noise(noiseSeed) {
    CorpusRng rng(speaker.textureSeed);
    texture = noiseField(rng, 6, 5.0) + noiseField(rng, 24, 2.5);
    cv::Mat pores(kCanvasPx, kCanvasPx, CV_32F);
    for (int y = 0; y < kCanvasPx; ++y)
      for (int x = 0; x < kCanvasPx; ++x) pores.at<float>(y, x) = static_cast<float>(rng.approxNormal() * 3.0);
    cv::GaussianBlur(pores, pores, cv::Size(0, 0), 0.9);
    texture += pores;
    stubble = cv::Mat::zeros(kCanvasPx, kCanvasPx, CV_32F);
    if (speaker.stubble > 0.0) {
      for (int y = 0; y < kCanvasPx; ++y)
        for (int x = 0; x < kCanvasPx; ++x)
          if (rng.uniform() < 0.25) stubble.at<float>(y, x) = static_cast<float>(rng.uniform());
      cv::GaussianBlur(stubble, stubble, cv::Size(0, 0), 0.8);
      stubble *= speaker.stubble;
    }
    drawStaticFace();
  }

  // Skin with the features that do not move: texture, nostrils, nose base, philtrum,
  // nasolabial folds, beard shadow, cheek shading. Drawn once per utterance.
  void drawStaticFace() {
    staticFace = cv::Mat(kCanvasPx, kCanvasPx, CV_32F);
    const double noseY = kMouthY - 26.0;
    for (int py = 0; py < kCanvasPx; ++py) {
      auto* row = staticFace.ptr<float>(py);
      const auto* tex = texture.ptr<float>(py);
      const auto* beard = stubble.ptr<float>(py);
      const double y = py / kPxPerUnit;
      const double dy = y - kMouthY;
      for (int px = 0; px < kCanvasPx; ++px) {
        const double dx = px / kPxPerUnit - kMouthX;
        double skin = speaker.skinGray + tex[px];
        skin *= 1.0 - 0.10 * std::min(1.0, (dx * dx) / (55.0 * 55.0));  // cheeks turn away
        skin += 16.0 * gauss(dx, 13.0) * gauss(y - (noseY - 6.0), 4.0);
        for (double side : {-1.0, 1.0}) {
          const double nx = dx - side * 8.5;
          const double ny = y - noseY;
          skin -= 45.0 * std::exp(-0.5 * (nx * nx / 14.0 + ny * ny / 5.0));
          // Nasolabial fold: from beside the nostril down and out past the corner.
          if (y > noseY && y < kMouthY + 22.0) {
            const double t = std::clamp((y - (noseY + 2.0)) / 40.0, 0.0, 1.0);
            skin -= 10.0 * gauss(dx - side * (16.0 + 16.0 * t), 2.2) * (1.0 - 0.6 * t);
          }
        }
        if (y > noseY + 3.0 && y < kMouthY - 4.0) skin += 5.0 * (gauss(std::abs(dx) - 4.5, 1.3) - 0.8 * gauss(dx, 2.0));
        skin -= beard[px] * 45.0 * (dy > -22.0 ? 1.0 : 0.3);
        row[px] = static_cast<float>(skin);
      }
    }
  }

  // Below the mouth: the mentolabial fold and chin move with the jaw, and the face
  // narrows to the chin with the shadowed neck beyond.
  void drawFace(cv::Mat& canvas, double jawUnits) const {
    staticFace.copyTo(canvas);
    const double chinY = kMouthY + speaker.chinDropPx + jawUnits;
    const double a = speaker.jawHalfWidthPx;
    const double b = chinY - kMouthY;
    std::vector<double> xTerm(kCanvasPx);
    std::vector<double> foldX(kCanvasPx);
    std::vector<double> bossX(kCanvasPx);
    for (int px = 0; px < kCanvasPx; ++px) {
      const double dx = px / kPxPerUnit - kMouthX;
      xTerm[px] = std::pow(std::abs(dx) / a, 2.3);
      foldX[px] = gauss(dx, 12.0);
      bossX[px] = gauss(dx, 11.0);
    }
    for (int py = static_cast<int>(kMouthY * kPxPerUnit); py < kCanvasPx; ++py) {
      auto* row = canvas.ptr<float>(py);
      const auto* tex = texture.ptr<float>(py);
      const double y = py / kPxPerUnit;
      const double dy = y - kMouthY;
      const double yTerm = std::pow(dy / b, 2.3);
      const double fold = 10.0 * gauss(y - (kMouthY + 15.0 + 0.7 * jawUnits), 2.2);
      const double boss = 10.0 * gauss(y - (chinY - 12.0), 6.0);
      for (int px = 0; px < kCanvasPx; ++px) {
        const double sum = xTerm[px] + yTerm;
        // Near the outline sum ≈ 1 + 2.3·(r - 1), so this is a soft edge in units.
        const double inside = step((1.0 - sum) / 2.3 * b, 1.2);
        double skin = row[px] - fold * foldX[px] + boss * bossX[px];
        // Fades in below the mouth line so the face has no seam there.
        skin *= 1.0 - 0.22 * std::clamp((sum - 0.35) / 0.65, 0.0, 1.0) * std::min(1.0, dy / 10.0);
        const double neck = scene.backgroundGray + 0.25 * tex[px];
        row[px] = static_cast<float>(inside * skin + (1.0 - inside) * neck);
      }
    }
  }

  // The face depends on the frame only through the jaw drop, so faces are drawn once
  // per quarter unit of drop and copied.
  void face(cv::Mat& canvas, double& jawUnits) {
    const int key = static_cast<int>(std::lround(jawUnits * 4.0));
    jawUnits = key / 4.0;
    auto it = faces.find(key);
    if (it == faces.end()) {
      cv::Mat drawn(kCanvasPx, kCanvasPx, CV_32F);
      drawFace(drawn, jawUnits);
      it = faces.emplace(key, drawn).first;
    }
    it->second.copyTo(canvas);
  }

  void drawMouth(cv::Mat& canvas, const MouthShape& m, double jawUnits) const {
    const double halfWidth = 0.5 * speaker.mouthWidthPx * (1.0 + 0.12 * m.width - 0.05 * m.protrusion);
    const double aperture = kMaxApertureUnits * std::clamp(m.opening, 0.0, 1.0);
    // The lower lip rides on the jaw; the upper lip lifts a little when open.
    const double upperInnerMid = kMouthY - 0.30 * aperture;
    const double lowerInnerMid = kMouthY + 0.70 * aperture - 1.5 * m.lipTuck;
    const double upperThick = speaker.upperLipPx * (1.0 + 0.35 * m.protrusion);
    const double lowerThick = speaker.lowerLipPx * (1.0 + 0.30 * m.protrusion - 0.35 * m.lipTuck);
    // Rounded mouths have an oval aperture, spread ones a flat slit.
    const double apertureExp = 0.5 + 0.35 * std::max(0.0, m.width) - 0.15 * std::max(0.0, -m.width);
    const double lipGray = speaker.skinGray - speaker.lipDarkening;
    const double interiorGray = 22.0;

    const int x0 = std::max(0, static_cast<int>((kMouthX - halfWidth - 4) * kPxPerUnit));
    const int x1 = std::min(kCanvasPx - 1, static_cast<int>((kMouthX + halfWidth + 4) * kPxPerUnit));
    const int y0 = std::max(0, static_cast<int>((kMouthY - aperture - upperThick - 8) * kPxPerUnit));
    const int y1 = std::min(kCanvasPx - 1, static_cast<int>((kMouthY + aperture + lowerThick + 12 + jawUnits) * kPxPerUnit));
    for (int px = x0; px <= x1; ++px) {
      const double x = px / kPxPerUnit;
      const double u = (x - kMouthX) / halfWidth;
      const double au = std::min(1.0, std::abs(u));
      const double profile = std::pow(std::max(0.0, 1.0 - au * au), apertureExp);
      const double lipProfile = std::pow(std::max(0.0, 1.0 - au * au), 0.45);
      const double bow = speaker.cupidBow * (0.9 * gauss(au - 0.22, 0.10) - 0.7 * gauss(u, 0.07));
      const double upperInner = kMouthY + (upperInnerMid - kMouthY) * profile;
      const double lowerInner = kMouthY + (lowerInnerMid - kMouthY) * profile;
      const double upperOuter = upperInner - upperThick * lipProfile * (1.0 + 0.35 * bow) - 0.4;
      const double lowerOuter = lowerInner + lowerThick * lipProfile + 0.4;
      const bool beyondCorner = std::abs(u) > 1.0;
      for (int py = y0; py <= y1; ++py) {
        const double y = py / kPxPerUnit;
        float& out = canvas.at<float>(py, px);
        const double skin = out;
        // Shadow under the lower lip and in the corners (commissures).
        double shade = 1.0 - 0.28 * gauss(y - lowerOuter - 1.8, 1.6) * gauss(u, 0.55);
        for (double side : {-1.0, 1.0})
          shade -= (0.35 + 0.2 * std::max(0.0, m.width)) * gauss(x - (kMouthX + side * halfWidth), 1.4) * gauss(y - kMouthY, 1.4);
        if (beyondCorner) {
          out = static_cast<float>(skin * shade);
          continue;
        }
        const double soft = 0.55;
        const double inUpper = step(y - upperOuter, soft) * step(upperInner - y, soft);
        const double inInterior = aperture > 0.05 ? step(y - upperInner, soft * 0.7) * step(lowerInner - y, soft * 0.7) : 0.0;
        const double inLower = step(y - lowerInner, soft) * step(lowerOuter - y, soft);
        const double rest = std::max(0.0, 1.0 - inUpper - inInterior - inLower);

        // Upper lip faces down: darker, with a light rim at the vermilion border.
        const double upperColor = (lipGray - 6.0) + 10.0 * gauss(y - upperOuter - 0.6, 0.6);
        // Lower lip catches the light: highlight along its upper middle.
        const double lowerMid = lowerInner + 0.4 * (lowerOuter - lowerInner);
        const double lowerColor = lipGray + 16.0 * gauss(y - lowerMid, 1.3) * gauss(u, 0.35);

        double interior = interiorGray;
        if (inInterior > 0.0) {
          // Upper teeth hang below the upper lip; lower teeth show when wide open.
          const double upperTeethBottom = upperInner + std::min(0.45 * aperture, 4.5) * m.teeth + 0.5 * m.lipTuck * 3.0;
          const double lowerTeethTop = lowerInner - std::max(0.0, aperture - 8.0) * 0.25 * m.teeth;
          const double teethSpan = gauss(u, 0.42);
          const double gap = 0.85 + 0.15 * std::cos(2.0 * M_PI * (x - kMouthX) / 3.6);
          const double upperTeeth = step(upperTeethBottom - y, 0.5) * teethSpan;
          const double lowerTeeth = step(y - lowerTeethTop, 0.5) * teethSpan * 0.8;
          const double teethW = std::min(1.0, upperTeeth + lowerTeeth);
          // Tongue: a rounded mass rising from the floor of the mouth.
          const double tongueTop = lowerInner - (0.25 + 0.5 * m.tongue) * aperture;
          const double tongueW = step(y - tongueTop, 1.0) * gauss(u, 0.45 + 0.2 * m.tongue) * (0.4 + 0.6 * m.tongue);
          interior = interiorGray * (1.0 - tongueW) + (lipGray * 0.7) * tongueW;
          interior = interior * (1.0 - teethW) + speaker.teethGray * gap * teethW;
        }
        out = static_cast<float>(rest * skin * shade + inUpper * upperColor + inLower * lowerColor + inInterior * interior);
      }
      // Tucked lower lip (f, v): the upper teeth rest on it.
      if (m.lipTuck > 0.05) {
        for (int py = y0; py <= y1; ++py) {
          const double y = py / kPxPerUnit;
          const double band = step(y - upperInner, 0.4) * step(upperInner + 2.2 - y, 0.4) * gauss(u, 0.4) * m.lipTuck;
          float& out = canvas.at<float>(py, px);
          out = static_cast<float>(out * (1.0 - band) + speaker.teethGray * 0.9 * band);
        }
      }
    }
  }

  cv::Mat warpMatrix(double tSec) const {
    auto wave = [&](int axis) {
      return 0.6 * std::sin(2 * M_PI * scene.motionFreqHz[axis] * tSec + scene.motionPhase[2 * axis]) +
             0.4 * std::sin(2 * M_PI * scene.motionFreqHz[axis] * 1.7 * tSec + scene.motionPhase[2 * axis + 1]);
    };
    const double scale = scene.scale * (1.0 + scene.motionAmpScale * wave(3)) / kPxPerUnit;
    const double angle = (scene.rollDeg + scene.motionAmpRollDeg * wave(2)) * M_PI / 180.0;
    const double tx = 48.0 + scene.shiftXPx + scene.motionAmpXPx * wave(0);
    const double ty = 48.0 + scene.shiftYPx + scene.motionAmpYPx * wave(1);
    const double c = std::cos(angle) * scale;
    const double s = std::sin(angle) * scale;
    const double cx = kMouthX * kPxPerUnit;
    const double cy = kMouthY * kPxPerUnit;
    cv::Mat m = (cv::Mat_<double>(2, 3) << c, -s, tx - c * cx + s * cy, s, c, ty - s * cx - c * cy);
    return m;
  }
};

MouthRenderer::MouthRenderer(const SpeakerLook& speaker, const SceneLook& scene, std::uint64_t noiseSeed)
    : impl_(std::make_unique<Impl>(speaker, scene, noiseSeed)) {}

MouthRenderer::~MouthRenderer() = default;

SpeakerLook MouthRenderer::speakerLook(const std::string& voiceId, char gender) {
  CorpusRng rng(CorpusRng::hashText("speaker-look:" + voiceId));
  SpeakerLook look;
  const bool female = gender == 'f';
  look.skinGray = rng.uniform(95.0, 175.0);
  look.lipDarkening = rng.uniform(female ? 30.0 : 22.0, female ? 55.0 : 42.0);
  look.mouthWidthPx = rng.uniform(female ? 40.0 : 43.0, female ? 46.0 : 50.0);
  look.upperLipPx = rng.uniform(4.0, female ? 7.0 : 6.0);
  look.lowerLipPx = rng.uniform(6.0, female ? 10.0 : 8.5);
  look.cupidBow = rng.uniform(0.2, 1.0);
  look.chinDropPx = rng.uniform(38.0, 46.0);
  look.jawHalfWidthPx = rng.uniform(female ? 52.0 : 56.0, female ? 62.0 : 68.0);
  look.stubble = female ? 0.0 : (rng.uniform() < 0.5 ? rng.uniform(0.2, 0.9) : 0.0);
  look.teethGray = std::min(235.0, look.skinGray + rng.uniform(35.0, 70.0));
  look.textureSeed = rng.next();
  return look;
}

SceneLook MouthRenderer::sceneLook(std::uint64_t seed) {
  CorpusRng rng(seed);
  SceneLook s;
  s.gain = rng.uniform(0.8, 1.15);
  s.offset = rng.uniform(-12.0, 12.0);
  s.gradientX = rng.uniform(-0.35, 0.35);
  s.gradientY = rng.uniform(-0.25, 0.2);
  s.backgroundGray = rng.uniform(10.0, 80.0);
  s.noiseSigma = rng.uniform(0.8, 4.0);
  s.blurSigmaPx = rng.uniform(0.5, 1.3);
  s.scale = rng.uniform(0.9, 1.1);
  s.shiftXPx = rng.uniform(-2.5, 2.5);
  s.shiftYPx = rng.uniform(-2.5, 2.5);
  s.rollDeg = rng.uniform(-5.0, 5.0);
  s.motionAmpXPx = rng.uniform(0.3, 2.0);
  s.motionAmpYPx = rng.uniform(0.3, 2.0);
  s.motionAmpRollDeg = rng.uniform(0.3, 2.5);
  s.motionAmpScale = rng.uniform(0.005, 0.025);
  for (double& f : s.motionFreqHz) f = rng.uniform(0.2, 1.2);
  for (double& p : s.motionPhase) p = rng.uniform(0.0, 2 * M_PI);
  return s;
}

std::vector<std::uint8_t> MouthRenderer::render(const std::vector<MouthShape>& shapes, double fps) {
  auto& d = *impl_;
  const int frameCount = static_cast<int>(shapes.size());
  std::vector<std::uint8_t> out(static_cast<std::size_t>(frameCount) * kSizePx * kSizePx);
  cv::Mat canvas(kCanvasPx, kCanvasPx, CV_32F);
  cv::Mat warped;
  cv::Mat lighting(kSizePx, kSizePx, CV_32F);
  for (int y = 0; y < kSizePx; ++y)
    for (int x = 0; x < kSizePx; ++x)
      lighting.at<float>(y, x) = static_cast<float>(
          d.scene.gain * (1.0 + d.scene.gradientX * (x - 48.0) / 48.0 + d.scene.gradientY * (y - 48.0) / 48.0));
  for (int i = 0; i < frameCount; ++i) {
    const MouthShape& m = shapes[static_cast<std::size_t>(i)];
    double jawUnits = kMaxJawDropUnits * std::clamp(m.jaw, 0.0, 1.0);
    d.face(canvas, jawUnits);
    d.drawMouth(canvas, m, jawUnits);
    // Anti-alias the 1.5:1 reduction and soften like an upscaled broadcast crop.
    cv::GaussianBlur(canvas, canvas, cv::Size(0, 0), kPxPerUnit * d.scene.blurSigmaPx);
    cv::warpAffine(canvas, warped, d.warpMatrix(i / fps), cv::Size(kSizePx, kSizePx), cv::INTER_LINEAR,
                   cv::BORDER_REPLICATE);
    const double flicker = 1.0 + 0.01 * d.noise.normal();
    std::uint8_t* frame = out.data() + static_cast<std::size_t>(i) * kSizePx * kSizePx;
    for (int y = 0; y < kSizePx; ++y) {
      const float* src = warped.ptr<float>(y);
      const float* light = lighting.ptr<float>(y);
      for (int x = 0; x < kSizePx; ++x) {
        const double v = src[x] * light[x] * flicker + d.scene.offset + d.scene.noiseSigma * d.noise.approxNormal();
        frame[y * kSizePx + x] = static_cast<std::uint8_t>(std::clamp(std::lround(v), 0L, 255L));
      }
    }
  }
  return out;
}

}  // namespace sinkscope::corpus
