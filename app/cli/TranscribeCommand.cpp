// sinkscope-cli transcribe (DESIGN §6): a clip in, its transcript out, with no analysis
// taps, so scripts and outside checks get the model's words as cheaply as the app does.
// Plain output is the transcript alone on one line; --json adds what produced it.

#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli/AnalysisArgs.h"
#include "app/cli/CliCommand.h"
#include "app/cli/MediaLoader.h"
#include "app/cli/ModelOptions.h"

namespace sinkscope::cli {

namespace {

using nlohmann::json;

int runTranscribe(const CliArgs& args) {
  const std::string path = args.require("input");
  auto model = loadModelFromArgs(args);
  // A modality the model cannot run is refused by the model itself, as for analyze.
  const Modality modality = args.has("modality") ? parseModality(args.get("modality")) : model->defaultModality();
  const MediaInput media = loadMedia(path, usesAudio(modality), usesVideo(modality));
  const GenerationOptions generation = generationOptionsFromArgs(*model, args);
  const TracePtr trace = model->transcribe(media, modality, generation, CaptureSpec{});

  if (!args.has("json")) {
    std::cout << trace->transcript << "\n";
    return 0;
  }
  json tokens = json::array();
  double logProb = 0.0;
  for (const auto& step : trace->steps) {
    tokens.push_back({{"id", step.id}, {"text", step.text}, {"log_prob", step.logProb}});
    logProb += step.logProb;
  }
  const json out = {{"model", trace->modelName},
                    {"input", path},
                    {"modality", trace->modality},
                    {"num_beams", generation.numBeams},
                    {"max_new_tokens", generation.maxNewTokens},
                    {"transcript", trace->transcript},
                    {"tokens", tokens},
                    {"log_prob", logProb},
                    {"inference_ms", trace->inferenceMs}};
  std::cout << out.dump() << "\n";
  return 0;
}

const CliCommandRegistration kRegistration{
    {"transcribe",
     "--model DIR --input MEDIA [--modality asr|vsr|avsr] [--beam N] [--max-new-tokens N] [--json] "
     "[--device D] [--dtype T]",
     runTranscribe}};

}  // namespace

}  // namespace sinkscope::cli
