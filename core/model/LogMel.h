#pragma once

#include <torch/torch.h>

namespace sinkscope {

// Whisper's log-mel spectrogram, computed the way openai-whisper's
// log_mel_spectrogram does it: 16 kHz input, 400-point periodic Hann window, hop 160,
// centred STFT with reflect padding, the last frame dropped, power spectrum through
// Slaney-normalised mel filters, log10 of max(x, 1e-10), floored at the maximum minus 8
// and mapped by (x + 4) / 4. The maximum is taken over the whole input, so the features
// of an utterance depend on all of it.
class LogMel {
 public:
  static constexpr int kSampleRateHz = 16000;
  static constexpr int kFftSize = 400;
  static constexpr int kHopSamples = 160;
  static constexpr int kNumFrequencyBins = kFftSize / 2 + 1;
  static constexpr double kPowerFloor = 1e-10;
  static constexpr double kDynamicRangeLog10 = 8.0;

  // 80 bins (Whisper up to large-v2) or 128 (large-v3); any positive count works.
  explicit LogMel(int numMelBins = 80);

  int numMelBins() const { return numMelBins_; }
  // [numMelBins, kNumFrequencyBins] float32 on the CPU.
  const torch::Tensor& filters() const { return filters_; }

  // waveform [N] at 16 kHz (N > kFftSize / 2, any floating dtype, any device)
  // -> [numMelBins, N / kHopSamples] float32 on the waveform's device.
  torch::Tensor compute(const torch::Tensor& waveform) const;

  // Mel filter bank with the Slaney mel scale and Slaney area normalisation (the
  // formula of librosa.filters.mel with htk=False, norm="slaney"), computed in double
  // and rounded to float32 like librosa's: [numMelBins, fftSize / 2 + 1].
  // maxHz < 0 means the Nyquist frequency.
  static torch::Tensor melFilterBank(int sampleRateHz, int fftSize, int numMelBins,
                                     double minHz = 0.0, double maxHz = -1.0);
  static double hzToMel(double hz);  // Slaney scale: linear below 1 kHz, log above
  static double melToHz(double mel);

 private:
  int numMelBins_;
  torch::Tensor filters_;
  torch::Tensor window_;  // [kFftSize] periodic Hann
};

}  // namespace sinkscope
