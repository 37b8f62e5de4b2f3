#include "core/model/LogMel.h"

#include <cmath>
#include <string>
#include <vector>

#include "core/base/Error.h"

namespace sinkscope {

namespace {

constexpr double kLinearHzPerMel = 200.0 / 3.0;
constexpr double kLogRegionStartHz = 1000.0;
constexpr double kLogRegionStartMel = kLogRegionStartHz / kLinearHzPerMel;  // 15

double logStepPerMel() { return std::log(6.4) / 27.0; }

}  // namespace

double LogMel::hzToMel(double hz) {
  if (hz < kLogRegionStartHz) return hz / kLinearHzPerMel;
  return kLogRegionStartMel + std::log(hz / kLogRegionStartHz) / logStepPerMel();
}

double LogMel::melToHz(double mel) {
  if (mel < kLogRegionStartMel) return mel * kLinearHzPerMel;
  return kLogRegionStartHz * std::exp(logStepPerMel() * (mel - kLogRegionStartMel));
}

torch::Tensor LogMel::melFilterBank(int sampleRateHz, int fftSize, int numMelBins, double minHz,
                                    double maxHz) {
  if (sampleRateHz <= 0 || fftSize <= 0 || numMelBins <= 0) {
    throw ConfigError("mel filter bank: sample rate, FFT size and bin count must be positive, got " +
                      std::to_string(sampleRateHz) + ", " + std::to_string(fftSize) + ", " +
                      std::to_string(numMelBins));
  }
  if (maxHz < 0.0) maxHz = sampleRateHz / 2.0;
  const int numFrequencies = fftSize / 2 + 1;

  std::vector<double> fftHz(static_cast<std::size_t>(numFrequencies));
  for (int k = 0; k < numFrequencies; ++k) {
    fftHz[static_cast<std::size_t>(k)] = static_cast<double>(k) * sampleRateHz / fftSize;
  }

  // numMelBins + 2 band edges evenly spaced on the mel scale; like numpy's linspace the
  // last edge is set to the end point exactly.
  const int numEdges = numMelBins + 2;
  const double minMel = hzToMel(minHz);
  const double maxMel = hzToMel(maxHz);
  const double melStep = (maxMel - minMel) / (numEdges - 1);
  std::vector<double> edgeHz(static_cast<std::size_t>(numEdges));
  for (int i = 0; i < numEdges; ++i) {
    const double mel = (i == numEdges - 1) ? maxMel : minMel + i * melStep;
    edgeHz[static_cast<std::size_t>(i)] = melToHz(mel);
  }

  auto filters = torch::zeros({numMelBins, numFrequencies}, torch::kFloat32);
  auto out = filters.accessor<float, 2>();
  for (int m = 0; m < numMelBins; ++m) {
    const double lowHz = edgeHz[static_cast<std::size_t>(m)];
    const double centreHz = edgeHz[static_cast<std::size_t>(m + 1)];
    const double highHz = edgeHz[static_cast<std::size_t>(m + 2)];
    // Slaney normalisation: every triangle has the same area.
    const double areaNorm = 2.0 / (highHz - lowHz);
    for (int k = 0; k < numFrequencies; ++k) {
      const double f = fftHz[static_cast<std::size_t>(k)];
      const double rising = (f - lowHz) / (centreHz - lowHz);
      const double falling = (highHz - f) / (highHz - centreHz);
      const double triangle = std::max(0.0, std::min(rising, falling));
      // librosa stores the triangle in float32 before scaling it; round the same way.
      const float stored = static_cast<float>(triangle);
      out[m][k] = static_cast<float>(static_cast<double>(stored) * areaNorm);
    }
  }
  return filters;
}

LogMel::LogMel(int numMelBins)
    : numMelBins_(numMelBins),
      filters_(melFilterBank(kSampleRateHz, kFftSize, numMelBins)),
      window_(torch::hann_window(kFftSize, /*periodic=*/true, torch::kFloat32)) {}

torch::Tensor LogMel::compute(const torch::Tensor& waveform) const {
  if (waveform.dim() != 1) {
    throw ShapeError("log-mel: expected a mono waveform [N], found shape " + c10::str(waveform.sizes()));
  }
  const int64_t padSamples = kFftSize / 2;
  if (waveform.size(0) <= padSamples) {
    throw ShapeError("log-mel: reflect padding needs more than " + std::to_string(padSamples) +
                     " samples, found " + std::to_string(waveform.size(0)));
  }
  const torch::Tensor samples = waveform.to(torch::kFloat32);
  const torch::Tensor window = window_.to(samples.device());
  const torch::Tensor filters = filters_.to(samples.device());

  // [kNumFrequencyBins, N / hop + 1] complex
  const torch::Tensor spectrum =
      torch::stft(samples, kFftSize, kHopSamples, kFftSize, window, /*center=*/true, "reflect",
                  /*normalized=*/false, /*onesided=*/true, /*return_complex=*/true);
  const int64_t numFrames = spectrum.size(1) - 1;
  const torch::Tensor power = spectrum.narrow(1, 0, numFrames).abs().pow(2);  // [F, frames]

  torch::Tensor logSpec = torch::matmul(filters, power).clamp_min(kPowerFloor).log10();  // [M, frames]
  logSpec = torch::maximum(logSpec, logSpec.max() - kDynamicRangeLog10);
  return (logSpec + 4.0) / 4.0;
}

}  // namespace sinkscope
