#include "core/corpus/NoiseMixer.h"

#include <algorithm>
#include <cmath>

#include "core/base/Error.h"
#include "core/corpus/CorpusRng.h"

namespace sinkscope::corpus {

double NoiseMixer::meanSquare(const std::vector<std::int16_t>& samples) {
  if (samples.empty()) return 0.0;
  double sum = 0.0;
  for (auto v : samples) sum += static_cast<double>(v) * v;
  return sum / static_cast<double>(samples.size());
}

NoiseMixer::Mix NoiseMixer::mix(const std::vector<std::int16_t>& speech, const std::vector<std::int16_t>& noise,
                                double snrDb, std::size_t offset) {
  if (noise.empty()) throw Error("NoiseMixer: empty noise signal");
  const std::size_t n = speech.size();
  double speechEnergy = 0.0;
  double noiseEnergy = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double s = speech[i];
    const double v = noise[(offset + i) % noise.size()];
    speechEnergy += s * s;
    noiseEnergy += v * v;
  }
  if (noiseEnergy <= 0.0) throw Error("NoiseMixer: the noise is silent over this utterance");
  const double noiseGain = std::sqrt(speechEnergy / (noiseEnergy * std::pow(10.0, snrDb / 10.0)));
  std::vector<double> mixed(n);
  double peak = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    mixed[i] = speech[i] + noiseGain * noise[(offset + i) % noise.size()];
    peak = std::max(peak, std::abs(mixed[i]));
  }
  Mix out;
  out.speechGain = peak > 32767.0 ? 32767.0 / peak : 1.0;
  out.samples.resize(n);
  for (std::size_t i = 0; i < n; ++i)
    out.samples[i] = static_cast<std::int16_t>(std::clamp(std::lround(mixed[i] * out.speechGain), -32768L, 32767L));
  return out;
}

double NoiseMixer::measureSnrDb(const std::vector<std::int16_t>& speech, const Mix& mixed) {
  double s2 = 0.0;
  double n2 = 0.0;
  for (std::size_t i = 0; i < speech.size() && i < mixed.samples.size(); ++i) {
    const double s = speech[i] * mixed.speechGain;
    const double residual = mixed.samples[i] - s;
    s2 += s * s;
    n2 += residual * residual;
  }
  return 10.0 * std::log10(s2 / n2);
}

std::vector<std::int16_t> NoiseMixer::whiteNoise(std::size_t count, std::uint64_t seed, double rms) {
  CorpusRng rng(seed);
  std::vector<std::int16_t> out(count);
  for (auto& v : out) v = static_cast<std::int16_t>(std::clamp(std::lround(rng.normal() * rms), -32768L, 32767L));
  return out;
}

std::vector<std::int16_t> NoiseMixer::babble(const std::vector<std::vector<std::int16_t>>& talkers, double rms) {
  std::size_t length = 0;
  for (const auto& t : talkers) length = std::max(length, t.size());
  if (length == 0) throw Error("NoiseMixer: babble needs at least one non-empty talker");
  std::vector<double> sum(length, 0.0);
  for (const auto& t : talkers) {
    const double ms = meanSquare(t);
    if (t.empty() || ms <= 0.0) continue;
    const double gain = 1.0 / std::sqrt(ms);
    for (std::size_t i = 0; i < length; ++i) sum[i] += gain * t[i % t.size()];
  }
  double energy = 0.0;
  for (double v : sum) energy += v * v;
  const double gain = energy > 0.0 ? rms / std::sqrt(energy / static_cast<double>(length)) : 0.0;
  std::vector<std::int16_t> out(length);
  for (std::size_t i = 0; i < length; ++i)
    out[i] = static_cast<std::int16_t>(std::clamp(std::lround(sum[i] * gain), -32768L, 32767L));
  return out;
}

}  // namespace sinkscope::corpus
