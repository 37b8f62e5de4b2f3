#include "FixtureRandom.h"

namespace sinkscope::test {

std::uint64_t FixtureRandom::splitMix64(std::uint64_t seed, std::uint64_t index) {
  std::uint64_t z = seed + (index + 1) * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::vector<float> FixtureRandom::uniform(std::int64_t count, std::uint64_t seed) {
  std::vector<float> values(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) {
    const auto top = static_cast<float>(splitMix64(seed, static_cast<std::uint64_t>(i)) >> 40);
    values[static_cast<std::size_t>(i)] = top * 0x1p-23f - 1.0f;
  }
  return values;
}

}  // namespace sinkscope::test
