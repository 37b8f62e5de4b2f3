#pragma once

#include "core/train/TrainConfig.h"
#include "core/train/TrainRun.h"

namespace sinkscope {

// AVSR fine-tuning (stage "avsr"), Llama-AVSR's recipe at demo scale: the LLM (an
// lm-stage export) and the encoders (ctc-stage exports) frozen; trained are the
// modality projectors and the LoRA branches on Q and V. Each training row is
// BOS <audio> A.. </audio> <video> V.. </video> prompt transcript EOS (DESIGN §3,
// the blocks of the modality only), the encoder features compressed per modality
// (stack or avg-pooling at its rate); rows are right-padded with <pad> and the
// cross-entropy counts the transcript and EOS positions. With decorrelation_lambda
// > 0 the decorrelation loss (DESIGN §2) is added over each row's non-output tokens
// after BOS. Audio may be mixed with babble or white noise on the fly.
//
// out_dir: train_config.json, train.csv (loss, ce, dec, lr, grad norm, utt/s),
// eval.csv (valid loss, greedy WER and CER, per epoch), probe.csv (SinkProbe on
// fixed valid utterances, with the sink share of each delimiter and of the prompt),
// checkpoints/ (projectors + LoRA + AdamW state), and at the end export/: a
// composite model directory (config.json, model.safetensors, llm/, audio_encoder/,
// video_encoder/) that AvsrModel and sinkscope-cli load.
class AvsrTrainer {
 public:
  explicit AvsrTrainer(TrainConfig config);
  TrainRunResult run(const TrainRunOptions& options = {});

 private:
  TrainConfig config_;
};

}  // namespace sinkscope
