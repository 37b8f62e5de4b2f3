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

  setTrack(cropper_, found, "'" + path + "'");

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
        onFrame(MouthExtractor::frame(cropper_, i, found[i], frame.gray));
      },
      nullptr);
}

void MouthExtractor::run(const std::vector<const Image*>& bgr, const std::vector<const Image*>& gray,
                         const std::string& name, const std::function<void(MouthFrame&&)>& onFrame) {
  if (bgr.size() != gray.size()) {
    throw MediaError(name + ": " + std::to_string(bgr.size()) + " colour pictures but " +
                     std::to_string(gray.size()) + " grey ones");
  }
  std::vector<std::optional<FaceLandmarks>> found;
  found.reserve(bgr.size());
  landmarker_.resetTracking();
  for (const Image* picture : bgr) found.push_back(landmarker_.track(*picture));
  cropTracked(cropper_, found, gray, name, onFrame);
}

void MouthExtractor::runTracked(const std::vector<std::optional<FaceLandmarks>>& found,
                                const std::vector<const Image*>& gray, const std::string& name,
                                const std::function<void(MouthFrame&&)>& onFrame, MouthCropOptions cropOptions) {
  MouthCropper cropper(cropOptions);
  cropTracked(cropper, found, gray, name, onFrame);
}

void MouthExtractor::cropTracked(MouthCropper& cropper, const std::vector<std::optional<FaceLandmarks>>& found,
                                 const std::vector<const Image*>& gray, const std::string& name,
                                 const std::function<void(MouthFrame&&)>& onFrame) {
  if (found.size() != gray.size()) {
    throw MediaError(name + ": landmarks for " + std::to_string(found.size()) + " frames but " +
                     std::to_string(gray.size()) + " pictures");
  }
  if (gray.empty()) throw MediaError(name + ": no video frames");
  setTrack(cropper, found, name);
  for (std::size_t i = 0; i < gray.size(); ++i) onFrame(frame(cropper, i, found[i], *gray[i]));
}

void MouthExtractor::setTrack(MouthCropper& cropper, const std::vector<std::optional<FaceLandmarks>>& found,
                              const std::string& name) {
  std::vector<std::optional<Landmarks68>> track;
  track.reserve(found.size());
  for (const auto& face : found) {
    track.push_back(face ? std::optional<Landmarks68>(face->points) : std::nullopt);
  }
  try {
    cropper.setTrack(track);
  } catch (const MediaError& e) {
    throw MediaError(name + ": " + e.what());
  }
}

MouthFrame MouthExtractor::frame(const MouthCropper& cropper, std::size_t index,
                                 const std::optional<FaceLandmarks>& face, const Image& gray) {
  MouthFrame out;
  out.index = static_cast<std::int64_t>(index);
  out.faceFound = face.has_value();
  if (out.faceFound) out.box = face->box;
  out.landmarks = cropper.landmarks(index);
  out.crop = cropper.crop(gray, index);
  out.frameToCrop = cropper.frameToCrop(index);
  return out;
}

}  // namespace sinkscope
