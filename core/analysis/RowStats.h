#pragma once

#include <cstdint>
#include <vector>

namespace sinkscope {

// Small statistics over one row of a row-major float array (a token's hidden state),
// shared by the analysis engine and the training probe so both measure alike.
class RowStats {
 public:
  // Median of |row[i]|; for an even count the mean of the two middle values.
  static double medianAbs(const float* row, std::int64_t count);
  // Median of values (reordered in place); the same convention. Empty: 0.
  static double median(std::vector<double>& values);
  // cos(a, b) in float64; 0 when either row is all zeros.
  static double cosine(const float* a, const float* b, std::int64_t count);
};

}  // namespace sinkscope
