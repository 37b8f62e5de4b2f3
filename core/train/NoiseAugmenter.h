#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sinkscope {

// On-the-fly noise for training (docs/corpus.md, "Noise"): each utterance gets one
// of the configured conditions (clean, or an SNR in dB) and, for babble, a random
// offset into the corpus's training babble (noise/babble.wav); white noise is
// Gaussian, drawn afresh. The choice is a pure function of `key` (StepHash of seed,
// step and row), so resumed runs mix exactly the same noise. The mixing itself is
// the corpus's NoiseMixer (SNR over the whole utterance; no clipping).
class NoiseAugmenter {
 public:
  // kind: "babble", "white" or "both" (half each). An empty list means clean only.
  NoiseAugmenter(const std::string& corpusDir, std::vector<std::optional<double>> snrDb, std::string kind);

  bool active() const;
  // The (possibly noisy) utterance.
  std::vector<std::int16_t> apply(const std::int16_t* speech, std::int64_t samples, std::uint64_t key) const;

 private:
  std::vector<std::optional<double>> snrDb_;
  std::string kind_;
  std::vector<std::int16_t> babble_;
};

}  // namespace sinkscope
