#pragma once

#include <cstdint>
#include <vector>

namespace sinkscope::corpus {

// Additive noise at a given SNR. SNR is defined over the whole utterance:
// 10·log10(Σ speech² / Σ noise²), with the noise scaled to hit it exactly; when the mix
// would clip 16 bits, speech and noise are scaled down together (the SNR is kept).
class NoiseMixer {
 public:
  struct Mix {
    std::vector<std::int16_t> samples;
    double speechGain = 1.0;  // what the speech was multiplied by (1 unless clipping)
  };

  // `noise` is read from `offset` on, wrapping around; it must not be silent.
  static Mix mix(const std::vector<std::int16_t>& speech, const std::vector<std::int16_t>& noise, double snrDb,
                 std::size_t offset = 0);
  // Measured SNR of a mix against the (gain-scaled) clean speech, in dB.
  static double measureSnrDb(const std::vector<std::int16_t>& speech, const Mix& mixed);
  static double meanSquare(const std::vector<std::int16_t>& samples);
  // Gaussian white noise at the given RMS (in 16-bit units), deterministic per seed.
  static std::vector<std::int16_t> whiteNoise(std::size_t count, std::uint64_t seed, double rms = 3000.0);
  // Babble: the talkers' tracks, each brought to the same RMS, summed and normalised
  // to `rms`. Tracks shorter than the longest are repeated.
  static std::vector<std::int16_t> babble(const std::vector<std::vector<std::int16_t>>& talkers, double rms = 3000.0);
};

}  // namespace sinkscope::corpus
