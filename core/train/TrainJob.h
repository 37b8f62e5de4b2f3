#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace sinkscope {

// What `sinkscope-train` and `sinkscope-cli train` were asked to do.
struct TrainJobOptions {
  std::string configPath;
  std::vector<std::string> overrides;   // "train.lr=0.001", applied in order
  bool resume = false;
  bool prepareOnly = false;             // corpus and tokenizer, no training
  std::int64_t stopAfterStep = 0;
  const std::atomic<bool>* stop = nullptr;
};

// The composition both executables share: reads the config, applies overrides,
// runs the stage it names, and returns a one-line JSON summary of the result
// ({"finished", "last_step", "total_steps", "tokens_per_s", "heldout_loss",
// "export_dir", "out_dir"}). Errors propagate as sinkscope::Error.
class TrainJob {
 public:
  static std::string run(const TrainJobOptions& options);

  // "a=1,b=2" -> {"a=1", "b=2"} (a value cannot hold a comma here; use the file).
  static std::vector<std::string> splitOverrides(const std::string& list);
};

}  // namespace sinkscope
