#pragma once

#include <string>
#include <vector>

#include "core/corpus/TtsEngine.h"

namespace sinkscope::corpus {

// Visual classes of English phones (in the spirit of the MPEG-4 / Disney viseme sets):
// phones that look alike on the lips share one class.
enum class Viseme {
  Silence,       // pause: lips lightly closed
  Bilabial,      // p b m: lips pressed together
  Labiodental,   // f v: lower lip under the upper teeth
  Dental,        // th dh: tongue tip between the teeth
  Alveolar,      // t d n l: slightly open, tongue behind the teeth
  Sibilant,      // s z: teeth together, lips spread
  Postalveolar,  // sh zh ch jh: lips pushed forward, teeth visible
  Velar,         // k g ng h: open, shape taken from neighbours
  Rhotic,        // r er: lips rounded a little
  Glide,         // w: lips tightly rounded and protruded
  Open,          // aa ae ah: jaw down, wide aperture
  Mid,           // eh ax: half open
  Spread,        // iy ih y: lips spread, teeth showing
  Round,         // uw uh ow ao: rounded and protruded
};
constexpr int kVisemeCount = 14;

// The articulation the renderer draws. All parameters are in 0..1 except width,
// which runs from -1 (pursed) to +1 (spread).
struct MouthShape {
  double opening = 0.0;     // vertical gap between the inner lip edges
  double jaw = 0.0;         // jaw drop (moves the lower lip and chin)
  double width = 0.0;       // spread (+) or rounded (-) corners
  double protrusion = 0.0;  // lips pushed forward: fuller, rounder aperture
  double teeth = 0.0;       // how much of the teeth shows when open
  double tongue = 0.0;      // tongue tip visible at the front
  double lipTuck = 0.0;     // lower lip drawn up under the upper teeth (f, v)
};

struct VisemeSegment {
  Viseme viseme = Viseme::Silence;
  double startSec = 0.0;
  double endSec = 0.0;
};

// Phone -> viseme, per alphabet, and the articulatory target of each viseme.
class VisemeTable {
 public:
  // One viseme, or two for diphthongs (ay = Open then Spread). Unknown symbols give
  // Mid, a neutral half-open mouth, and count as unknown for `isKnown`.
  static std::vector<Viseme> visemesOf(const std::string& phone, PhoneAlphabet alphabet);
  static bool isKnown(const std::string& phone, PhoneAlphabet alphabet);
  // Phones to segments; a diphthong's interval is halved between its two visemes.
  static std::vector<VisemeSegment> segments(const std::vector<Phone>& phones, PhoneAlphabet alphabet);
  static MouthShape target(Viseme viseme);
  // How strongly a viseme holds its target against its neighbours (closures high).
  static double dominance(Viseme viseme);
  static std::string name(Viseme viseme);
};

}  // namespace sinkscope::corpus
