#include "core/corpus/VisemeTrack.h"

#include <algorithm>
#include <cmath>

namespace sinkscope::corpus {

namespace {

constexpr double kReachSpreads = 8.0;     // beyond this many time constants a weight is negligible
constexpr double kClosureRampSec = 0.02;  // lips meet / part over this time around a closure
constexpr double kExposureSec = 0.008;

}  // namespace

VisemeTrack::VisemeTrack(std::vector<VisemeSegment> segments, double spreadSec)
    : segments_(std::move(segments)), spreadSec_(spreadSec) {
  std::stable_sort(segments_.begin(), segments_.end(),
                   [](const VisemeSegment& a, const VisemeSegment& b) { return a.startSec < b.startSec; });
}

MouthShape VisemeTrack::at(double tSec) const {
  if (segments_.empty()) return VisemeTable::target(Viseme::Silence);
  const double reach = kReachSpreads * spreadSec_;
  double total = 0.0;
  MouthShape sum;
  double closure = 0.0;
  for (const auto& seg : segments_) {
    if (seg.endSec < tSec - reach) continue;
    if (seg.startSec > tSec + reach) break;
    const double distance = tSec < seg.startSec ? seg.startSec - tSec : (tSec > seg.endSec ? tSec - seg.endSec : 0.0);
    const double w = VisemeTable::dominance(seg.viseme) * std::exp(-distance / spreadSec_);
    const MouthShape target = VisemeTable::target(seg.viseme);
    sum.opening += w * target.opening;
    sum.jaw += w * target.jaw;
    sum.width += w * target.width;
    sum.protrusion += w * target.protrusion;
    sum.teeth += w * target.teeth;
    sum.tongue += w * target.tongue;
    sum.lipTuck += w * target.lipTuck;
    total += w;
    if (seg.viseme == Viseme::Bilabial) {
      // Closed over the middle of the segment, opening linearly over the ramp.
      const double mid = 0.5 * (seg.startSec + seg.endSec);
      const double half = std::max(0.0, 0.5 * (seg.endSec - seg.startSec) - 0.5 * kClosureRampSec);
      const double outside = std::abs(tSec - mid) - half;
      closure = std::max(closure, std::clamp(1.0 - outside / kClosureRampSec, 0.0, 1.0));
    }
  }
  if (total <= 0.0) return VisemeTable::target(Viseme::Silence);
  MouthShape shape;
  shape.opening = sum.opening / total * (1.0 - closure);
  shape.jaw = sum.jaw / total;
  shape.width = sum.width / total;
  shape.protrusion = sum.protrusion / total;
  shape.teeth = sum.teeth / total;
  shape.tongue = sum.tongue / total;
  shape.lipTuck = sum.lipTuck / total;
  return shape;
}

std::vector<MouthShape> VisemeTrack::frames(int frameCount, double fps) const {
  std::vector<MouthShape> out;
  out.reserve(static_cast<std::size_t>(std::max(0, frameCount)));
  for (int i = 0; i < frameCount; ++i) {
    const double t = i / fps;
    const MouthShape a = at(t - kExposureSec);
    const MouthShape b = at(t);
    const MouthShape c = at(t + kExposureSec);
    MouthShape m;
    m.opening = (a.opening + 2 * b.opening + c.opening) / 4;
    m.jaw = (a.jaw + 2 * b.jaw + c.jaw) / 4;
    m.width = (a.width + 2 * b.width + c.width) / 4;
    m.protrusion = (a.protrusion + 2 * b.protrusion + c.protrusion) / 4;
    m.teeth = (a.teeth + 2 * b.teeth + c.teeth) / 4;
    m.tongue = (a.tongue + 2 * b.tongue + c.tongue) / 4;
    m.lipTuck = (a.lipTuck + 2 * b.lipTuck + c.lipTuck) / 4;
    out.push_back(m);
  }
  return out;
}

}  // namespace sinkscope::corpus
