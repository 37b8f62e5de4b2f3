#include "core/engine/MediaTensors.h"

#include <cstring>

#include "core/base/Error.h"

namespace sinkscope {

MediaInput MediaTensors::of(const ClipMedia& media, bool audio, bool video) {
  MediaInput input;
  if (audio) {
    if (media.waveform.empty()) throw MediaError(media.path + ": no audio");
    input.waveform = torch::from_blob(const_cast<float*>(media.waveform.data()),
                                      {static_cast<std::int64_t>(media.waveform.size())}, torch::kFloat32)
                         .clone();
  }
  if (video) {
    if (media.frames.empty()) throw MediaError(media.path + ": no mouth frames");
    const auto count = static_cast<std::int64_t>(media.frames.size());
    auto rois = torch::empty({count, 96, 96}, torch::kUInt8);  // [F, 96, 96]
    auto* out = rois.data_ptr<std::uint8_t>();
    for (const auto& frame : media.frames) {
      if (frame.crop.pixels.size() != 96u * 96u) throw MediaError(media.path + ": mouth crops must be 96x96 grey");
      std::memcpy(out, frame.crop.pixels.data(), frame.crop.pixels.size());
      out += frame.crop.pixels.size();
    }
    input.mouthRois = rois;
  }
  return input;
}

}  // namespace sinkscope
