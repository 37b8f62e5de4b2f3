#include "core/media/MouthExtractor.h"

#include <optional>
#include <vector>

#include "core/base/Error.h"
#include "core/media/ClipDecoder.h"

namespace sinkscope {

MouthExtractor::MouthExtractor(FaceLandmarkerOptions landmarkerOptions,
                               MouthCropOptions cropOptions)
    : landmarker_(std::move(landmarkerOptions)), cropper_(cropOptions) {}

void MouthExtractor::run(const std::string& path,
                         const std::function<void(MouthFrame&&)>& onFrame) {
  // dlib's models see colour the way they were trained (mean of R, G, B), so the
  // landmark pass decodes BGR; the crops are gray.
  DecodeOptions landmarkPass;
  landmarkPass.audio = false;
  landmarkPass.gray = false;
  std::vector<std::optional<FaceLandmarks>> found;
  landmarker_.resetTracking();
  ClipDecoder(path, landmarkPass)
      .run([&](VideoFrame&& frame) { found.push_back(landmarker_.track(frame.bgr)); }, nullptr);

  std::vector<std::optional<Landmarks68>> track;
  track.reserve(found.size());
  for (const auto& face : found) {
    track.push_back(face ? std::optional<Landmarks68>(face->points) : std::nullopt);
  }
  try {
    cropper_.setTrack(track);
  } catch (const MediaError& e) {
    throw MediaError("'" + path + "': " + e.what());
  }

  DecodeOptions cropPass;
  cropPass.audio = false;
  cropPass.bgr = false;
  ClipDecoder(path, cropPass).run(
      [&](VideoFrame&& frame) {
        const auto i = static_cast<std::size_t>(frame.index);
        if (i >= found.size()) {
          throw MediaError("'" + path + "': the second pass over the video found more frames (" +
                           std::to_string(i + 1) + ") than the first (" +
                           std::to_string(found.size()) + ")");
        }
        MouthFrame out;
        out.index = frame.index;
        out.faceFound = found[i].has_value();
        if (out.faceFound) out.box = found[i]->box;
        out.landmarks = cropper_.landmarks(i);
        out.crop = cropper_.crop(frame.gray, i);
        onFrame(std::move(out));
      },
      nullptr);
}

}  // namespace sinkscope
