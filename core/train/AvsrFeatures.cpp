#include "core/train/AvsrFeatures.h"

#include <algorithm>

#include <torch/torch.h>

#include "core/base/Error.h"
#include "core/model/LogMel.h"
#include "core/model/VideoEncoder.h"
#include "core/model/WhisperFeatures.h"

namespace sinkscope {

torch::Tensor AvsrFeatures::audio(const std::vector<std::vector<std::int16_t>>& waveforms, const LogMel& logMel) {
  if (waveforms.empty()) throw Error("AvsrFeatures::audio: empty batch");
  std::size_t longest = 0;
  for (const auto& w : waveforms) longest = std::max(longest, w.size());
  std::vector<torch::Tensor> rows;
  for (const auto& w : waveforms) {
    if (w.size() <= static_cast<std::size_t>(LogMel::kFftSize)) {
      throw MediaError("an utterance of " + std::to_string(w.size()) + " samples is too short for the log-mel");
    }
    const torch::Tensor samples =
        torch::from_blob(const_cast<std::int16_t*>(w.data()), {static_cast<std::int64_t>(w.size())}, torch::kInt16)
            .to(torch::kFloat32) /
        32768.0;
    torch::Tensor normalised = WhisperFeatures::normalizeUtterance(samples);                  // [N]
    normalised = torch::constant_pad_nd(normalised, {0, static_cast<std::int64_t>(longest - w.size())}, 0.0);
    rows.push_back(logMel.compute(normalised));                                               // [mels, frames]
  }
  return torch::stack(rows);  // [B, mels, frames]
}

torch::Tensor AvsrFeatures::video(const std::vector<std::pair<const std::uint8_t*, std::int64_t>>& clips) {
  if (clips.empty()) throw Error("AvsrFeatures::video: empty batch");
  std::int64_t longest = 0;
  for (const auto& clip : clips) longest = std::max(longest, clip.second);
  std::vector<torch::Tensor> rows;
  for (const auto& [frames, count] : clips) {
    if (count < 1) throw MediaError("a clip without frames");
    const torch::Tensor rois = torch::from_blob(const_cast<std::uint8_t*>(frames), {count, 96, 96}, torch::kUInt8);
    torch::Tensor x = VideoEncoder::prepareMouthRois(rois);  // [1, 1, F, 88, 88]
    if (count < longest) {
      x = torch::cat({x, x.narrow(2, count - 1, 1).expand({1, 1, longest - count, x.size(3), x.size(4)})}, 2);
    }
    rows.push_back(x);
  }
  return torch::cat(rows, 0);  // [B, 1, F, 88, 88]
}

std::int64_t AvsrFeatures::audioFrames(std::int64_t samples, std::int64_t encoderFrames) {
  return WhisperFeatures::keptEncoderFrames(samples, encoderFrames);
}

}  // namespace sinkscope
