#pragma once

#include "app/cli/CliArgs.h"
#include "core/analysis/AnalysisOptions.h"
#include "core/base/CaptureSpec.h"
#include "core/model/AvsrModel.h"

namespace sinkscope::cli {

// The analysis options shared by analyze and eval:
//   --epsilon E  --min-head-fraction F  --min-queries N
//   --massive-absolute X|off  --massive-ratio X|off  --lambda L
AnalysisOptions analysisOptionsFromArgs(const CliArgs& args);

// The model's decoding defaults with --beam N and --max-new-tokens N applied.
GenerationOptions generationOptionsFromArgs(const AvsrModel& model, const CliArgs& args);

// CaptureSpec::analysisDefault(); with --origins analysisWithOrigins() (the MLP/attention
// split of massive activations); plus full attention patterns with --patterns (what
// the response-to-audio/video attention mass needs).
CaptureSpec analysisCaptureFromArgs(const CliArgs& args);

}  // namespace sinkscope::cli
