#pragma once

#include <cstdint>
#include <string>

namespace sinkscope::corpus {

// A small, fully specified random generator (xoshiro256** seeded through splitmix64)
// so that a corpus seed gives the same bytes with any standard library: the <random>
// distributions are implementation-defined, this is not.
class CorpusRng {
 public:
  explicit CorpusRng(std::uint64_t seed);

  // A seed for an independent stream, e.g. derive(seed, "train", index).
  static std::uint64_t derive(std::uint64_t seed, const std::string& label, std::uint64_t index = 0);
  // FNV-1a, 64 bit: stable across platforms, used for sentence splits and speaker looks.
  static std::uint64_t hashText(const std::string& text);

  std::uint64_t next();
  double uniform();                       // [0, 1)
  double uniform(double lo, double hi);   // [lo, hi)
  double normal();                        // standard normal (Box-Muller)
  // Unit-variance, zero-mean noise from the sum of four 16-bit uniforms (Irwin-Hall):
  // close to normal within ±3.5, and many times cheaper, for per-pixel sensor noise.
  double approxNormal();
  int index(int count);                   // [0, count)

 private:
  std::uint64_t state_[4];
};

}  // namespace sinkscope::corpus
