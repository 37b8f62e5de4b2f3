#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace sinkscope {

// What one call of a stage trainer's run() is asked to do (LmTrainer, CtcTrainer,
// AvsrTrainer).
struct TrainRunOptions {
  // Continue from the newest checkpoint in out_dir (a fresh start when there is
  // none). Without it, an out_dir that already holds checkpoints is refused.
  bool resume = false;
  std::int64_t stopAfterStep = 0;             // > 0: checkpoint and return after this step
  const std::atomic<bool>* stop = nullptr;    // set (e.g. on SIGINT): checkpoint and return
  bool progress = true;                       // progress lines on stderr
};

struct TrainStepRecord {
  std::int64_t step = 0;
  double loss = 0;       // cross-entropy + decorrelation term
  double ceLoss = 0;     // the stage's main loss (cross-entropy or CTC), nats per token
  double decLoss = 0;
  double lr = 0;
  double gradNorm = 0;   // before clipping
};

struct TrainRunResult {
  std::vector<TrainStepRecord> steps;  // the steps this call ran
  std::int64_t lastStep = 0;
  std::int64_t totalSteps = 0;
  bool finished = false;            // reached totalSteps (and exported)
  double tokensPerSecond = 0;       // training steps only, over this call (utterances/s for ctc and avsr)
  double heldoutLoss = 0;           // at the last probe or evaluation
  double heldoutWer = -1;           // ctc and avsr: greedy WER at the last evaluation
  std::string exportDir;            // when finished, or stopped by train.max_wall_minutes
};

// Whether a run with a wall-clock budget (train.max_wall_minutes, counted across resumes)
// stops before its next step. An invocation that starts with budget left always makes one
// step, however loaded the machine is between starting the clock and the first check, so
// a budgeted run resumed again and again still makes progress.
inline bool outOfTimeBudget(double budgetSeconds, double elapsedBefore, double elapsedNow, bool steppedThisCall) {
  return budgetSeconds > 0 && elapsedBefore + elapsedNow >= budgetSeconds &&
         (steppedThisCall || elapsedBefore >= budgetSeconds);
}

}  // namespace sinkscope
