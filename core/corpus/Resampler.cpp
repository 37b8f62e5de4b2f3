#include "core/corpus/Resampler.h"

#include <algorithm>
#include <cmath>

#include "core/base/Error.h"

namespace sinkscope::corpus {

std::vector<std::int16_t> Resampler::resample(const std::vector<std::int16_t>& input, int fromHz, int toHz) {
  if (fromHz <= 0 || toHz <= 0) throw Error("Resampler: rates must be positive, got " + std::to_string(fromHz) + " -> " + std::to_string(toHz));
  if (fromHz == toHz || input.empty()) return input;
  constexpr int kHalfTaps = 16;
  const double step = static_cast<double>(fromHz) / toHz;
  // Below the lower Nyquist frequency with a little room for the window's transition.
  const double cutoff = 0.92 * std::min(1.0, static_cast<double>(toHz) / fromHz);
  const double reach = kHalfTaps / cutoff;
  const auto outCount = static_cast<std::size_t>(std::floor(input.size() / step));
  std::vector<std::int16_t> out(outCount);
  const auto n = static_cast<long>(input.size());
  for (std::size_t i = 0; i < outCount; ++i) {
    const double t = i * step;
    const long first = std::max(0L, static_cast<long>(std::ceil(t - reach)));
    const long last = std::min(n - 1, static_cast<long>(std::floor(t + reach)));
    double acc = 0.0;
    for (long k = first; k <= last; ++k) {
      const double x = t - k;
      const double arg = M_PI * cutoff * x;
      const double sinc = std::abs(arg) < 1e-12 ? 1.0 : std::sin(arg) / arg;
      const double w = 0.5 + 0.5 * x / reach;  // 0..1 over the window span
      const double window = 0.42 - 0.5 * std::cos(2 * M_PI * w) + 0.08 * std::cos(4 * M_PI * w);
      acc += input[k] * cutoff * sinc * window;
    }
    out[i] = static_cast<std::int16_t>(std::clamp(std::lround(acc), -32768L, 32767L));
  }
  return out;
}

}  // namespace sinkscope::corpus
