#include "core/train/TrainJob.h"

#include <nlohmann/json.hpp>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "core/base/Error.h"

#include "core/train/AvsrTrainer.h"
#include "core/train/CtcTrainer.h"
#include "core/train/LmTrainer.h"
#include "core/train/TrainConfig.h"

namespace sinkscope {

namespace {

// A training step frees and reallocates the same tens of megabytes of activations
// every step. With glibc's defaults the larger blocks are mmapped and unmapped each
// time, and the page faults and page zeroing took ~40 % of the video encoder's step
// (perf). Keeping blocks up to the 32 MB maximum in the heap, and not trimming it,
// lets them be reused (with the batch halved as well: 2.3 -> 3.0 utterances/s for
// ctc-video on one thread).
void reuseActivationMemory() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

}  // namespace

std::string TrainJob::run(const TrainJobOptions& options) {
  reuseActivationMemory();
  TrainConfig config = TrainConfig::fromFile(options.configPath);
  for (const auto& assignment : options.overrides) config.applyOverride(assignment);
  TrainRunOptions runOptions;
  runOptions.resume = options.resume;
  runOptions.stopAfterStep = options.stopAfterStep;
  runOptions.stop = options.stop;
  TrainRunResult result;
  if (config.stage == "lm") {
    LmTrainer trainer(config);
    if (options.prepareOnly) {
      trainer.prepare();
      return nlohmann::json{{"prepared", true}, {"out_dir", config.outDir}}.dump();
    }
    result = trainer.run(runOptions);
  } else if (options.prepareOnly) {
    throw ConfigError(config.source + ": --prepare-only is for stage lm (corpus and tokenizer)");
  } else if (config.stage == "ctc") {
    result = CtcTrainer(config).run(runOptions);
  } else {
    result = AvsrTrainer(config).run(runOptions);
  }
  nlohmann::json summary = {{"stage", config.stage},
                            {"finished", result.finished},
                            {"last_step", result.lastStep},
                            {"total_steps", result.totalSteps},
                            {"heldout_loss", result.heldoutLoss},
                            {"export_dir", result.exportDir},
                            {"out_dir", config.outDir}};
  if (config.stage == "lm") {
    summary["tokens_per_s"] = result.tokensPerSecond;
  } else {
    summary["utterances_per_s"] = result.tokensPerSecond;
    summary["valid_wer"] = result.heldoutWer;
  }
  return summary.dump();
}

std::vector<std::string> TrainJob::splitOverrides(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    const auto comma = list.find(',', start);
    const std::string item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace sinkscope
