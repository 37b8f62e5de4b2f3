// sinkscope-cli features --input MEDIA --dump OUT.safetensors: what the encoders
// are fed (DESIGN §6): `waveform` [N] float32 (16 kHz mono, before normalisation),
// `log_mel` [80, frames], and for video `landmarks` [F, 68, 2] float32,
// `mouth_rois` [F, 96, 96] uint8 and `face_found` [F] uint8 (1 where the landmarker
// found the face, 0 where the landmarks are interpolated).

#include <cstring>
#include <iostream>

#include "app/cli/CliCommand.h"
#include "core/io/Safetensors.h"
#include "core/media/ClipDecoder.h"
#include "core/base/Error.h"
#include "core/media/MouthExtractor.h"
#include "core/engine/MelSpectrogram.h"

namespace sinkscope::cli {

namespace {

// The waveform and Whisper's log-mel of it, unpadded (the encoder pads to 30 s).
void addAudioFeatures(const std::vector<float>& waveform, int melBins, SafetensorsWriter& writer) {
  writer.add("waveform", DType::F32, {static_cast<std::int64_t>(waveform.size())},
             waveform.data(), waveform.size() * sizeof(float));
  writer.add("log_mel", MelSpectrogram::compute(waveform, melBins));  // [mels, frames]
}

void addVideoFeatures(const std::string& input, const FaceLandmarkerOptions& options,
                      SafetensorsWriter& writer) {
  MouthExtractor extractor(options);
  std::vector<float> landmarks;
  std::vector<std::uint8_t> crops;
  std::vector<std::uint8_t> found;
  int cropSize = 0;
  extractor.run(input, [&](MouthFrame&& frame) {
    for (const auto& point : frame.landmarks) {
      landmarks.push_back(point.x);
      landmarks.push_back(point.y);
    }
    cropSize = frame.crop.width;
    crops.insert(crops.end(), frame.crop.pixels.begin(), frame.crop.pixels.end());
    found.push_back(frame.faceFound ? 1 : 0);
  });
  const auto frames = static_cast<std::int64_t>(found.size());
  writer.add("landmarks", DType::F32, {frames, 68, 2}, landmarks.data(),
             landmarks.size() * sizeof(float));
  writer.add("mouth_rois", DType::U8, {frames, cropSize, cropSize}, crops.data(), crops.size());
  writer.add("face_found", DType::U8, {frames}, found.data(), found.size());
}

int runFeatures(const CliArgs& args) {
  const std::string input = args.require("input");
  const std::string output = args.require("dump");
  FaceLandmarkerOptions options;
  options.shapePredictorPath = args.get("shape-predictor", options.shapePredictorPath);
  options.cnnDetectorPath = args.get("cnn-detector", options.cnnDetectorPath);
  options.upsampleCount = args.getInt("upsample", options.upsampleCount);

  const ClipInfo info = ClipDecoder(input).info();
  SafetensorsWriter writer;
  writer.setMetadata("source", input);
  writer.setMetadata("sample_rate_hz", std::to_string(ClipDecoder::kSampleRateHz));
  writer.setMetadata("frame_rate", std::to_string(ClipDecoder::kFrameRate));
  if (info.hasAudio) {
    DecodeOptions audioOnly;
    audioOnly.video = false;
    addAudioFeatures(ClipDecoder::decodeAll(input, audioOnly).waveform, args.getInt("mel-bins", 80), writer);
  }
  if (info.hasVideo) addVideoFeatures(input, options, writer);
  writer.write(output);
  std::cout << output << ": " << (info.hasAudio ? "audio" : "")
            << (info.hasAudio && info.hasVideo ? " and " : "") << (info.hasVideo ? "video" : "")
            << " features of " << input << "\n";
  return 0;
}

const CliCommandRegistration kRegistration{
    {"features",
     "--input MEDIA --dump OUT.safetensors [--shape-predictor DAT] [--cnn-detector DAT] "
     "[--upsample N] [--mel-bins 80|128]",
     runFeatures}};

}  // namespace

}  // namespace sinkscope::cli
