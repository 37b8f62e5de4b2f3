#include "app/cli/MediaLoader.h"

#include <cstring>

#include "core/base/Error.h"
#include "core/media/ClipDecoder.h"
#include "core/media/MouthExtractor.h"

namespace sinkscope::cli {

namespace {

constexpr int kCropSize = 96;

torch::Tensor cropsTensor(const std::vector<Image>& crops) {
  auto rois = torch::empty({static_cast<std::int64_t>(crops.size()), kCropSize, kCropSize}, torch::kUInt8);
  auto* out = rois.data_ptr<std::uint8_t>();
  for (const auto& crop : crops) {
    std::memcpy(out, crop.pixels.data(), crop.pixels.size());
    out += crop.pixels.size();
  }
  return rois;  // [F, 96, 96]
}

}  // namespace

MediaInput loadMedia(const std::string& path, bool audio, bool video) {
  const ClipInfo info = ClipDecoder(path).info();
  MediaInput media;
  if (audio) {
    if (!info.hasAudio) throw MediaError(path + ": no audio stream");
    DecodeOptions options;
    options.video = false;
    auto waveform = ClipDecoder::decodeAll(path, options).waveform;
    media.waveform = torch::from_blob(waveform.data(), {static_cast<std::int64_t>(waveform.size())},
                                      torch::kFloat32).clone();
  }
  if (video) {
    if (!info.hasVideo) throw MediaError(path + ": no video stream");
    std::vector<Image> crops;
    if (info.widthPx == kCropSize && info.heightPx == kCropSize) {
      DecodeOptions options;
      options.audio = false;
      options.bgr = false;
      for (auto& frame : ClipDecoder::decodeAll(path, options).frames) crops.push_back(std::move(frame.gray));
    } else {
      MouthExtractor extractor;
      extractor.run(path, [&](MouthFrame&& frame) { crops.push_back(std::move(frame.crop)); });
    }
    for (const auto& crop : crops) {
      if (crop.width != kCropSize || crop.height != kCropSize || crop.channels != 1) {
        throw MediaError(path + ": mouth crops must be 96x96 grey");
      }
    }
    media.mouthRois = cropsTensor(crops);
  }
  return media;
}

}  // namespace sinkscope::cli
