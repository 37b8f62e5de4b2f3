#pragma once

#include "core/train/TrainConfig.h"
#include "core/train/TrainRun.h"

namespace sinkscope {

// Encoder pretraining (stage "ctc"): a small Whisper-style audio encoder or
// AV-HuBERT-style video encoder (core/model's WhisperEncoder / VideoEncoder, sizes
// from ctc.encoder) with a linear CTC head over CtcUnits (characters or the LLM's tokens), trained on the AV
// corpus's training shards (AvsrShardReader) in shuffled epochs (EpochSampler),
// optionally with babble / white noise (NoiseAugmenter). AdamW, warm-up + cosine,
// clipping, checkpoints and exact resumption as in LmTrainer.
//
// out_dir holds train_config.json, train.csv (loss, lr, grad norm, utterances/s),
// eval.csv (valid CTC loss, greedy CER and WER, every epoch or probe.every steps),
// checkpoints/, and at the end export/ (the encoder alone, in the HF layout that
// AvsrModel loads as a part: config.json + model.safetensors + training.json) and
// ctc_head.safetensors (the head, for inspection).
class CtcTrainer {
 public:
  explicit CtcTrainer(TrainConfig config);
  TrainRunResult run(const TrainRunOptions& options = {});

 private:
  TrainConfig config_;
};

}  // namespace sinkscope
