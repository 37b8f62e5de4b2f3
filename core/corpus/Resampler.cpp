#include "core/corpus/Resampler.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/base/Error.h"

namespace sinkscope::corpus {

std::vector<std::int16_t> Resampler::resample(const std::vector<std::int16_t>& input, int fromHz, int toHz) {
  if (fromHz <= 0 || toHz <= 0) throw Error("Resampler: rates must be positive, got " + std::to_string(fromHz) + " -> " + std::to_string(toHz));
  if (fromHz == toHz || input.empty()) return input;
  constexpr int kHalfTaps = 16;
  // Output sample i sits at input position i·from/to; with g = gcd, its fractional
  // part takes only to/g values, so the filter is tabulated once per phase.
  const long g = std::gcd(fromHz, toHz);
  const long up = toHz / g;
  const long down = fromHz / g;
  // Below the lower Nyquist frequency with a little room for the window's transition.
  const double cutoff = 0.92 * std::min(1.0, static_cast<double>(toHz) / fromHz);
  const double reach = kHalfTaps / cutoff;
  const int taps = 2 * static_cast<int>(std::ceil(reach)) + 2;
  const int firstTap = -static_cast<int>(std::ceil(reach));
  std::vector<double> table(static_cast<std::size_t>(up) * taps, 0.0);
  for (long phase = 0; phase < up; ++phase) {
    const double frac = static_cast<double>(phase) / up;
    for (int j = 0; j < taps; ++j) {
      const double x = frac - (firstTap + j);  // distance from the output position
      if (std::abs(x) > reach) continue;
      const double arg = M_PI * cutoff * x;
      const double sinc = std::abs(arg) < 1e-12 ? 1.0 : std::sin(arg) / arg;
      const double w = 0.5 + 0.5 * x / reach;  // 0..1 over the window span
      const double window = 0.42 - 0.5 * std::cos(2 * M_PI * w) + 0.08 * std::cos(4 * M_PI * w);
      table[static_cast<std::size_t>(phase) * taps + j] = cutoff * sinc * window;
    }
  }
  const auto outCount = static_cast<std::size_t>((static_cast<long>(input.size()) * up) / down);
  std::vector<std::int16_t> out(outCount);
  const auto n = static_cast<long>(input.size());
  for (std::size_t i = 0; i < outCount; ++i) {
    const long position = static_cast<long>(i) * down;
    const long base = position / up;
    const double* coef = table.data() + static_cast<std::size_t>(position % up) * taps;
    double acc = 0.0;
    for (int j = 0; j < taps; ++j) {
      const long k = base + firstTap + j;
      if (k >= 0 && k < n) acc += input[static_cast<std::size_t>(k)] * coef[j];
    }
    out[i] = static_cast<std::int16_t>(std::clamp(std::lround(acc), -32768L, 32767L));
  }
  return out;
}

}  // namespace sinkscope::corpus
