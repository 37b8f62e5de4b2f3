// sinkscope-cli mouth --input CLIP --out CROPS.mp4: the 96×96 mouth crops of a clip
// (DESIGN §3) as a 25 fps video, for looking at what the video encoder will see.

#include <iostream>
#include <optional>

#include "app/cli/CliCommand.h"
#include "core/media/ClipDecoder.h"
#include "core/media/MouthExtractor.h"
#include "core/media/CropVideoWriter.h"

namespace sinkscope::cli {

namespace {

FaceLandmarkerOptions landmarkerOptions(const CliArgs& args) {
  FaceLandmarkerOptions options;
  options.shapePredictorPath = args.get("shape-predictor", options.shapePredictorPath);
  options.cnnDetectorPath = args.get("cnn-detector", options.cnnDetectorPath);
  options.upsampleCount = args.getInt("upsample", options.upsampleCount);
  return options;
}

int runMouth(const CliArgs& args) {
  const std::string input = args.require("input");
  const std::string output = args.require("out");
  MouthExtractor extractor(landmarkerOptions(args));
  // Created with the first crop, so that a clip without a face leaves no file behind.
  std::optional<CropVideoWriter> writer;
  int frames = 0;
  int found = 0;
  extractor.run(input, [&](MouthFrame&& frame) {
    if (!writer) writer.emplace(output, frame.crop.width, frame.crop.height, ClipDecoder::kFrameRate);
    writer->write(frame.crop);
    ++frames;
    found += frame.faceFound ? 1 : 0;
  });
  if (writer) writer->finish();
  std::cout << output << ": " << frames << " frames, face found in " << found << "\n";
  return 0;
}

const CliCommandRegistration kRegistration{
    {"mouth",
     "--input CLIP --out CROPS.mp4 [--shape-predictor DAT] [--cnn-detector DAT] [--upsample N]",
     runMouth}};

}  // namespace

}  // namespace sinkscope::cli
