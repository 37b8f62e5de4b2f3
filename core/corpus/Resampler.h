#pragma once

#include <cstdint>
#include <vector>

namespace sinkscope::corpus {

// Band-limited sample-rate conversion (windowed sinc, Blackman window) for bringing the
// engines' 22.05 / 32 / 48 kHz output to the corpus's 16 kHz. Deterministic and
// exact to the formula, so the same input gives the same bytes everywhere.
class Resampler {
 public:
  static std::vector<std::int16_t> resample(const std::vector<std::int16_t>& input, int fromHz, int toHz);
};

}  // namespace sinkscope::corpus
