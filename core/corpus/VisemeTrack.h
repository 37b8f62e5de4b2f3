#pragma once

#include <vector>

#include "core/corpus/VisemeTable.h"

namespace sinkscope::corpus {

// The mouth's articulation over time from a viseme sequence, with co-articulation in
// the manner of Cohen & Massaro's dominance model: each segment pulls the mouth
// towards its target with a weight that is its dominance inside the segment and
// decays exponentially (time constant `spreadSec`) outside it; the shape at time t is
// the weighted mean of the targets. Bilabial closures are then enforced, because lips
// that do not meet for p/b/m look wrong whatever the neighbours are.
class VisemeTrack {
 public:
  explicit VisemeTrack(std::vector<VisemeSegment> segments, double spreadSec = 0.04);

  MouthShape at(double tSec) const;
  // Frame i shows t = i / fps, averaged over a short exposure (±8 ms) like a camera.
  std::vector<MouthShape> frames(int frameCount, double fps) const;
  const std::vector<VisemeSegment>& segments() const { return segments_; }

 private:
  std::vector<VisemeSegment> segments_;
  double spreadSec_;
};

}  // namespace sinkscope::corpus
