#include "app/cli/AnalysisArgs.h"

#include "core/base/Error.h"

namespace sinkscope::cli {

namespace {

// "off" switches a massive-activation criterion off; otherwise a threshold.
void criterion(const CliArgs& args, const std::string& key, bool& use, double& threshold) {
  if (!args.has(key)) return;
  if (args.get(key) == "off") {
    use = false;
    return;
  }
  use = true;
  threshold = args.getDouble(key, threshold);
}

}  // namespace

AnalysisOptions analysisOptionsFromArgs(const CliArgs& args) {
  AnalysisOptions options;
  options.sinkEpsilon = args.getDouble("epsilon", options.sinkEpsilon);
  options.sinkTokenMinHeadFraction = args.getDouble("min-head-fraction", options.sinkTokenMinHeadFraction);
  options.sinkMinQueries = args.getInt("min-queries", options.sinkMinQueries);
  criterion(args, "massive-absolute", options.useMassiveAbsolute, options.massiveAbsolute);
  criterion(args, "massive-ratio", options.useMassiveRatio, options.massiveRatio);
  options.decorrelationLambda = args.getDouble("lambda", options.decorrelationLambda);
  options.validate();
  return options;
}

GenerationOptions generationOptionsFromArgs(const AvsrModel& model, const CliArgs& args) {
  GenerationOptions options = model.defaultGenerationOptions();
  options.numBeams = args.getInt("beam", options.numBeams);
  options.maxNewTokens = args.getInt("max-new-tokens", options.maxNewTokens);
  if (options.numBeams < 1) throw Error("--beam must be >= 1");
  if (options.maxNewTokens < 1) throw Error("--max-new-tokens must be >= 1");
  return options;
}

CaptureSpec analysisCaptureFromArgs(const CliArgs& args) {
  CaptureSpec spec = args.has("origins") ? CaptureSpec::analysisWithOrigins() : CaptureSpec::analysisDefault();
  if (args.has("patterns")) spec.patterns.push_back("blocks.*.attn.hook_pattern");
  return spec;
}

}  // namespace sinkscope::cli
