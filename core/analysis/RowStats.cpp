#include "core/analysis/RowStats.h"

#include <algorithm>
#include <cmath>

namespace sinkscope {

double RowStats::median(std::vector<double>& values) {
  const std::size_t n = values.size();
  if (n == 0) return 0.0;
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(values.begin(), middle, values.end());
  const double upper = *middle;
  if (n % 2 == 1) return upper;
  const double lower = *std::max_element(values.begin(), middle);
  return 0.5 * (lower + upper);
}

double RowStats::medianAbs(const float* row, std::int64_t count) {
  std::vector<double> magnitudes(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) magnitudes[static_cast<std::size_t>(i)] = std::fabs(double(row[i]));
  return median(magnitudes);
}

double RowStats::cosine(const float* a, const float* b, std::int64_t count) {
  double dot = 0, normA = 0, normB = 0;
  for (std::int64_t i = 0; i < count; ++i) {
    dot += double(a[i]) * double(b[i]);
    normA += double(a[i]) * double(a[i]);
    normB += double(b[i]) * double(b[i]);
  }
  if (normA == 0.0 || normB == 0.0) return 0.0;
  return dot / (std::sqrt(normA) * std::sqrt(normB));
}

}  // namespace sinkscope
