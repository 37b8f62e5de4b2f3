#pragma once

#include <cstdint>

#include <torch/torch.h>

#include "core/model/LogMel.h"

namespace sinkscope {

// The audio front end of Llama-AVSR around the Whisper encoder: how a waveform becomes
// the encoder's [n_mels, 3000] input and how many encoder frames are kept afterwards.
class WhisperFeatures {
 public:
  static constexpr int64_t kChunkSamples = 30 * LogMel::kSampleRateHz;  // 480000
  static constexpr int64_t kChunkFrames = kChunkSamples / LogMel::kHopSamples;  // 3000
  static constexpr int kEncoderFramesPerSecond = 50;
  static constexpr int64_t kMinEncoderFrames = 25;
  static constexpr double kNormalizeEps = 1e-8;

  // Zero mean, unit variance over the whole utterance, matching Llama-AVSR's
  // AudioTransform (datamodule/transforms.py), which applies
  // torch.nn.functional.layer_norm(x, x.shape, eps=1e-8): the variance is the biased
  // one (divided by N) and eps is added to it inside the square root,
  // (x - mean) / sqrt(var + 1e-8). waveform [N] -> [N] float32.
  static torch::Tensor normalizeUtterance(const torch::Tensor& waveform);

  // What Llama-AVSR feeds the Whisper encoder: the normalised utterance, zero-padded
  // (or cut) to 30 s *before* the log-mel, as Hugging Face's WhisperFeatureExtractor
  // does, so the frames at the end of the speech see zeros rather than reflected
  // samples. waveform [N] -> [n_mels, 3000] float32 on the waveform's device.
  // padSamples other than 30 s pads (or cuts) to that length instead; 0 leaves the
  // utterance as it is (sinkscope's own small encoders, trained on unpadded
  // utterances: composite key audio_pad_seconds 0) -> [n_mels, N / 160].
  static torch::Tensor encoderInput(const torch::Tensor& waveform, const LogMel& logMel,
                                    int64_t padSamples = kChunkSamples);

  // Encoder frames that cover the speech: max(int(n / 16000 * 50), 25), evaluated in
  // double precision like the Python expression, and never more than `encoderFrames`.
  static int64_t keptEncoderFrames(int64_t numSamples, int64_t encoderFrames = kChunkFrames / 2);

  // [B, T, D] encoder output -> [B, keptEncoderFrames(numSamples, T), D]
  static torch::Tensor truncateEncoderOutput(const torch::Tensor& hidden, int64_t numSamples);
};

}  // namespace sinkscope
