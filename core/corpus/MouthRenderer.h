#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/corpus/VisemeTable.h"

namespace sinkscope::corpus {

// How one speaker's lower face looks; derived from the voice id, so each voice keeps
// its face across the corpus. Lengths are in output pixels of the 96×96 crop.
struct SpeakerLook {
  double skinGray = 140.0;
  double lipDarkening = 25.0;   // lips darker than the skin by this much
  double mouthWidthPx = 45.0;   // corner to corner at rest (DESIGN §3: about 45)
  double upperLipPx = 4.5;      // vermilion height at the centre
  double lowerLipPx = 6.5;
  double cupidBow = 0.5;        // 0 flat .. 1 pronounced
  double chinDropPx = 42.0;     // mouth centre to chin (DESIGN §3: 42.7)
  double jawHalfWidthPx = 62.0; // half width of the face at mouth height
  double stubble = 0.0;         // 0 none .. 1 dark beard shadow
  double teethGray = 200.0;
  std::uint64_t textureSeed = 0;
};

// What changes from one recording to the next: lighting, framing, head motion, camera.
struct SceneLook {
  double gain = 1.0;
  double offset = 0.0;
  double gradientX = 0.0;  // relative brightness change across the crop
  double gradientY = 0.0;
  double backgroundGray = 40.0;
  double noiseSigma = 2.0;  // sensor noise, gray levels
  double blurSigmaPx = 0.8;
  double scale = 1.0;       // crop scale (mouth-size variation between detections)
  double shiftXPx = 0.0;
  double shiftYPx = 0.0;
  double rollDeg = 0.0;
  // Head motion: sums of two sinusoids per axis.
  double motionAmpXPx = 1.5, motionAmpYPx = 1.5, motionAmpRollDeg = 1.5, motionAmpScale = 0.015;
  double motionFreqHz[4] = {0.5, 0.7, 0.9, 0.3};
  double motionPhase[8] = {0, 1, 2, 3, 4, 5, 6, 0.5};
};

// Draws 96×96 gray mouth crops that resemble the auto_avsr crops of real faces
// (DESIGN §3): mouth centred, nostrils at the top edge, chin and jaw line near the
// bottom with the shadowed neck beyond; skin texture, lips as soft-edged curves whose
// aperture, width and fullness follow the MouthShape, teeth and tongue in the dark
// interior, jaw drop moving lower lip and chin, head motion, lighting and sensor noise.
class MouthRenderer {
 public:
  static constexpr int kSizePx = 96;

  static SpeakerLook speakerLook(const std::string& voiceId, char gender);
  static SceneLook sceneLook(std::uint64_t seed);

  MouthRenderer(const SpeakerLook& speaker, const SceneLook& scene, std::uint64_t noiseSeed);
  ~MouthRenderer();
  MouthRenderer(const MouthRenderer&) = delete;
  MouthRenderer& operator=(const MouthRenderer&) = delete;

  // Frames at 25 fps: frame i is drawn at t = i / 25 s. Returns [F, 96, 96] uint8.
  std::vector<std::uint8_t> render(const std::vector<MouthShape>& shapes, double fps = 25.0);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sinkscope::corpus
