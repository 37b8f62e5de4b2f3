#include "core/train/NoiseAugmenter.h"

#include <filesystem>

#include "core/base/Error.h"
#include "core/corpus/NoiseMixer.h"
#include "core/corpus/WavFile.h"
#include "core/train/StepHash.h"

namespace sinkscope {

NoiseAugmenter::NoiseAugmenter(const std::string& corpusDir, std::vector<std::optional<double>> snrDb,
                               std::string kind)
    : snrDb_(std::move(snrDb)), kind_(std::move(kind)) {
  if (active() && kind_ != "white") {
    const std::string path = (std::filesystem::path(corpusDir) / "noise" / "babble.wav").string();
    corpus::WavFile::Audio audio = corpus::WavFile::read(path);
    if (audio.sampleRateHz != 16000) throw MediaError(path + ": babble must be 16 kHz, found " + std::to_string(audio.sampleRateHz));
    babble_ = std::move(audio.samples);
    if (corpus::NoiseMixer::meanSquare(babble_) <= 0) throw MediaError(path + ": babble is silent");
  }
}

bool NoiseAugmenter::active() const {
  for (const auto& snr : snrDb_) {
    if (snr) return true;
  }
  return false;
}

std::vector<std::int16_t> NoiseAugmenter::apply(const std::int16_t* speech, std::int64_t samples,
                                                std::uint64_t key) const {
  std::vector<std::int16_t> clean(speech, speech + samples);
  if (!active() || corpus::NoiseMixer::meanSquare(clean) <= 0) return clean;
  const auto& snr = snrDb_[StepHash::mix(key ^ 1) % snrDb_.size()];
  if (!snr) return clean;
  const bool white = kind_ == "white" || (kind_ == "both" && StepHash::mix(key ^ 2) % 2 == 1);
  if (white) {
    const auto noise = corpus::NoiseMixer::whiteNoise(clean.size(), StepHash::mix(key ^ 3));
    return corpus::NoiseMixer::mix(clean, noise, *snr).samples;
  }
  return corpus::NoiseMixer::mix(clean, babble_, *snr, StepHash::mix(key ^ 4) % babble_.size()).samples;
}

}  // namespace sinkscope
