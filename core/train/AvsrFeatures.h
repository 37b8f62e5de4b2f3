#pragma once

#include <cstdint>
#include <vector>

namespace at {
class Tensor;
}

namespace sinkscope {

class LogMel;

// Encoder inputs of a batch of corpus utterances, made the way AvsrModel feeds its
// encoders (DESIGN §3), except for the padding: sinkscope's own small encoders are
// trained and run on unpadded utterances (composite key audio_pad_seconds 0), so a
// batch pads only to its longest member.
//   audio: each utterance normalised (zero mean, unit variance), zero-padded to the
//          longest, Whisper log-mel per utterance -> [B, mels, frames];
//   video: each clip centre-cropped to 88 x 88, / 255, normalised (0.421, 0.165),
//          shorter clips padded by repeating their last frame -> [B, 1, F, 88, 88].
class AvsrFeatures {
 public:
  static at::Tensor audio(const std::vector<std::vector<std::int16_t>>& waveforms, const LogMel& logMel);
  // clips: (first frame, frame count) of 96 x 96 uint8 frames.
  static at::Tensor video(const std::vector<std::pair<const std::uint8_t*, std::int64_t>>& clips);
  // Encoder frames that cover an utterance of `samples` (Whisper's rule, 50 per s).
  static std::int64_t audioFrames(std::int64_t samples, std::int64_t encoderFrames);
};

}  // namespace sinkscope
