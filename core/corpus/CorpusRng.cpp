#include "core/corpus/CorpusRng.h"

#include <cmath>

namespace sinkscope::corpus {

namespace {

std::uint64_t splitmix(std::uint64_t& x) {
  x += 0x9e3779b97f4a7c15ULL;
  std::uint64_t z = x;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

CorpusRng::CorpusRng(std::uint64_t seed) {
  for (auto& s : state_) s = splitmix(seed);
}

std::uint64_t CorpusRng::derive(std::uint64_t seed, const std::string& label, std::uint64_t index) {
  std::uint64_t x = seed ^ hashText(label);
  std::uint64_t a = splitmix(x);
  x = a ^ (index * 0xd1342543de82ef95ULL);
  return splitmix(x);
}

std::uint64_t CorpusRng::hashText(const std::string& text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::uint64_t CorpusRng::next() {
  const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
  const std::uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = rotl(state_[3], 45);
  return result;
}

double CorpusRng::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

double CorpusRng::uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

double CorpusRng::normal() {
  const double u1 = 1.0 - uniform();  // (0, 1]: log stays finite
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

double CorpusRng::approxNormal() {
  const std::uint64_t bits = next();
  const double sum = static_cast<double>(bits & 0xffff) + static_cast<double>((bits >> 16) & 0xffff) +
                     static_cast<double>((bits >> 32) & 0xffff) + static_cast<double>(bits >> 48);
  // Four uniforms on [0, 1): mean 2, variance 4/12.
  return (sum / 65536.0 - 2.0) * 1.7320508075688772;
}

int CorpusRng::index(int count) {
  return count <= 0 ? 0 : static_cast<int>(next() % static_cast<std::uint64_t>(count));
}

}  // namespace sinkscope::corpus
