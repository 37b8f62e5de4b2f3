#include "core/engine/MelSpectrogram.h"

#include <string>

#include "core/base/Error.h"
#include "core/model/LogMel.h"

namespace sinkscope {

HostTensor MelSpectrogram::compute(const std::vector<float>& waveform, int melBins) {
  if (waveform.size() <= static_cast<std::size_t>(LogMel::kFftSize / 2)) {
    throw MediaError("audio too short for a log-mel frame (" + std::to_string(waveform.size()) + " samples)");
  }
  c10::InferenceMode guard;
  // from_blob does not copy; compute() only reads it.
  const auto samples = torch::from_blob(const_cast<float*>(waveform.data()),
                                        {static_cast<std::int64_t>(waveform.size())}, torch::kFloat32);
  const auto mel = LogMel(melBins).compute(samples).contiguous();  // [mels, frames]
  const float* data = mel.data_ptr<float>();
  return HostTensor({mel.size(0), mel.size(1)}, std::vector<float>(data, data + mel.numel()));
}

}  // namespace sinkscope
