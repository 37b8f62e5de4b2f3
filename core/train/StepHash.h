#pragma once

#include <cstdint>

namespace sinkscope {

// The stateless randomness of the trainers: every random choice of training step s,
// batch row b (which window or utterance, which noise, where in the noise) is a hash
// of (seed, s, b, purpose), so a resumed run draws exactly what the uninterrupted run
// would have drawn, with no generator state to save.
class StepHash {
 public:
  // SplitMix64's finaliser: a well-mixed 64-bit hash of a 64-bit value.
  static std::uint64_t mix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }
  static std::uint64_t of(std::uint64_t seed, std::int64_t step, std::int64_t row, std::uint64_t purpose = 0) {
    const std::uint64_t stepKey = mix(mix(seed) ^ static_cast<std::uint64_t>(step));
    return mix(mix(stepKey ^ static_cast<std::uint64_t>(row)) ^ purpose);
  }
};

}  // namespace sinkscope
