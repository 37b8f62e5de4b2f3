#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/train/TrainConfig.h"
#include "core/train/TrainRun.h"

namespace sinkscope {

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

  TrainRunResult run(const TrainRunOptions& options = {});

  const TrainConfig& config() const { return config_; }

 private:
  struct Session;

  TrainConfig config_;
};

}  // namespace sinkscope
