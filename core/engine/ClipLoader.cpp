#include "core/engine/ClipLoader.h"

#include "core/base/Error.h"
#include "core/media/ClipDecoder.h"
#include "core/media/MouthExtractor.h"

namespace sinkscope {

namespace {

ClipFrame clipFrame(MouthFrame&& mouth) {
  ClipFrame frame;
  frame.faceFound = mouth.faceFound;
  frame.box = mouth.box;
  frame.landmarks = mouth.landmarks;
  frame.crop = std::move(mouth.crop);
  frame.frameToCrop = mouth.frameToCrop;
  return frame;
}

}  // namespace

ClipMedia ClipLoader::load(const std::string& path, bool audio, bool video) {
  const ClipInfo info = ClipDecoder(path).info();
  ClipMedia media;
  media.path = path;
  if (audio) {
    if (!info.hasAudio) throw MediaError(path + ": no audio stream");
    DecodeOptions options;
    options.video = false;
    media.waveform = ClipDecoder::decodeAll(path, options).waveform;
  }
  if (video) {
    if (!info.hasVideo) throw MediaError(path + ": no video stream");
    if (info.widthPx == kCropSize && info.heightPx == kCropSize) {
      DecodeOptions options;
      options.audio = false;
      options.bgr = false;
      media.cropsOnly = true;
      for (auto& decoded : ClipDecoder::decodeAll(path, options).frames) {
        ClipFrame frame;
        frame.crop = std::move(decoded.gray);
        media.frames.push_back(std::move(frame));
      }
    } else {
      MouthExtractor().run(path, [&](MouthFrame&& mouth) { media.frames.push_back(clipFrame(std::move(mouth))); });
    }
    checkCrops(media);
  }
  return media;
}

ClipMedia ClipLoader::fromCapture(const std::string& name, std::vector<float> waveform, bool video,
                                  const std::vector<const Image*>& bgr, const std::vector<const Image*>& gray,
                                  const std::vector<std::optional<FaceLandmarks>>& found) {
  ClipMedia media;
  media.path = name;
  media.waveform = std::move(waveform);
  if (video) {
    const auto keep = [&](MouthFrame&& mouth) { media.frames.push_back(clipFrame(std::move(mouth))); };
    if (found.empty()) {
      MouthExtractor().run(bgr, gray, name, keep);
    } else {
      MouthExtractor::runTracked(found, gray, name, keep);
    }
    checkCrops(media);
  }
  return media;
}

void ClipLoader::checkCrops(const ClipMedia& media) {
  for (const auto& frame : media.frames) {
    if (frame.crop.width != kCropSize || frame.crop.height != kCropSize || frame.crop.channels != 1) {
      throw MediaError(media.path + ": mouth crops must be 96x96 grey");
    }
  }
}

}  // namespace sinkscope
