#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <vector>

namespace sinkscope::bench {

// Median wall time in milliseconds of `repeats` calls after `warmup` unmeasured ones.
// The machine is shared and noisy: benchmarks report ratios of medians taken in one
// run, interleaving the variants so that drift hits them alike.
inline double medianMs(const std::function<void()>& body, int repeats, int warmup = 2) {
  for (int i = 0; i < warmup; ++i) body();
  std::vector<double> times;
  for (int i = 0; i < repeats; ++i) {
    auto start = std::chrono::steady_clock::now();
    body();
    times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// Medians of several variants measured in alternating rounds (A B C A B C ...), so a
// slow phase of the shared machine hits every variant alike.
inline std::vector<double> interleavedMedianMs(const std::vector<std::function<void()>>& variants,
                                               int rounds, int warmup = 2) {
  for (int i = 0; i < warmup; ++i)
    for (const auto& v : variants) v();
  std::vector<std::vector<double>> times(variants.size());
  for (int r = 0; r < rounds; ++r) {
    for (std::size_t k = 0; k < variants.size(); ++k) {
      auto start = std::chrono::steady_clock::now();
      variants[k]();
      times[k].push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
  }
  std::vector<double> medians;
  for (auto& t : times) {
    std::sort(t.begin(), t.end());
    medians.push_back(t[t.size() / 2]);
  }
  return medians;
}

// The q-quantile (0 = min, 0.5 = median, 1 = max) of some measurements, nearest rank.
inline double quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(q * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(rank, values.size() - 1)];
}

}  // namespace sinkscope::bench
