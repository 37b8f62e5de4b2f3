#pragma once

#include <cstdint>
#include <vector>

namespace sinkscope::test {

// The counter-based generator of scripts/fixtures/fixture_random.py: SplitMix64 of
// seed + (i + 1) * golden gamma, so large random inputs need not be committed.
class FixtureRandom {
 public:
  static std::uint64_t splitMix64(std::uint64_t seed, std::uint64_t index);
  // float32 in [-1, 1): top 24 bits * 2^-23 - 1, bit-identical to fixture_random.uniform.
  static std::vector<float> uniform(std::int64_t count, std::uint64_t seed);
};

}  // namespace sinkscope::test
