#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/train/TrainConfig.h"

namespace sinkscope {

// What one call of LmTrainer::run is asked to do.
struct LmRunOptions {
  // Continue from the newest checkpoint in out_dir (a fresh start when there is
  // none). Without it, an out_dir that already holds checkpoints is refused.
  bool resume = false;
  std::int64_t stopAfterStep = 0;             // > 0: checkpoint and return after this step
  const std::atomic<bool>* stop = nullptr;    // set (e.g. on SIGINT): checkpoint and return
  bool progress = true;                       // progress lines on stderr
};

struct LmStepRecord {
  std::int64_t step = 0;
  double loss = 0;       // cross-entropy + decorrelation term
  double ceLoss = 0;     // nats per token
  double decLoss = 0;
  double lr = 0;
  double gradNorm = 0;   // before clipping
};

struct LmRunResult {
  std::vector<LmStepRecord> steps;  // the steps this call ran
  std::int64_t lastStep = 0;
  std::int64_t totalSteps = 0;
  bool finished = false;            // reached totalSteps (and exported)
  double tokensPerSecond = 0;       // training steps only, over this call
  double heldoutLoss = 0;           // at the last probe
  std::string exportDir;            // when finished, or stopped by train.max_wall_minutes
};

// Text pretraining of the Llama decoder (stage "lm"): builds the corpus and the
// byte-level BPE tokenizer, then trains on random windows with BOS at position 0
// (WindowSampler), AdamW with decoupled weight decay on matrices and embeddings,
// warm-up + cosine learning rate, gradient clipping, and optionally the
// decorrelation loss over all tokens after BOS (P = T - 1). Runs are reproducible:
// the weights come from the seed, the batches from (seed, step), so a resumed run
// continues the uninterrupted run's loss curve exactly (on the CPU).
//
// out_dir holds: train_config.json (the resolved config), corpus.txt,
// tokenizer.json, train.csv (loss, lr, grad norm, throughput every log_every
// steps), probe.csv (held-out loss and SinkProbe's metrics every probe.every steps
// and at step 0), checkpoints/step-NNNNNNNN/ (model.safetensors, optimizer.pt,
// state.json) and, at the end, export/ (an HF model directory + training.json).
class LmTrainer {
 public:
  explicit LmTrainer(TrainConfig config);
  ~LmTrainer();
  LmTrainer(const LmTrainer&) = delete;
  LmTrainer& operator=(const LmTrainer&) = delete;

  // Corpus and tokenizer only: writes out_dir/corpus.txt and out_dir/tokenizer.json
  // (kept when already there) and returns.
  void prepare();

  LmRunResult run(const LmRunOptions& options = {});

  const TrainConfig& config() const { return config_; }

 private:
  struct Session;

  TrainConfig config_;
};

}  // namespace sinkscope
