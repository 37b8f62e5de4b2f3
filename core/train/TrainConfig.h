#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sinkscope {

// One training run, read from a JSON file (configs/*.json; keys in docs/training.md).
// Every section and key is optional except out_dir and at least one data source;
// an unknown key is an error (a misspelt key must not silently train with a default).
// Paths are taken as given: relative ones resolve against the working directory.
struct TrainConfig {
  struct Data {
    std::string wordnetDir;               // WordNet 3.0 dict folder (data.noun, ...)
    std::string fortunesDir;              // fortune(6) cookie files
    std::vector<std::string> textFiles;   // one sentence per line
    int heldoutBuckets = 4;               // of 100 transcript-hash buckets (TextCorpus): 0-3 = AVSR test + valid
    std::string tokenizer;                // an existing tokenizer.json; empty: train one
    double drillFraction = 0.0;           // share of windows that are transcription drills (DrillWindows)
    double drillSpelling = 0.0;           // share of drills whose stretched spans spell the transcript
    double drillCharErrors = 0.0;         // spelt spans' character error rate, drawn per span from [0, this)
    std::string drillPhonemes;            // a PhonemeTable of the lines: spelt spans hold phonemes, not letters
  };
  struct TokenizerOptions {
    std::int64_t vocabSize = 4096;        // including the 7 added tokens
    std::int64_t minFrequency = 2;
  };
  struct Model {
    std::int64_t hiddenSize = 256;
    std::int64_t intermediateSize = 0;    // 0: 8/3 · hidden rounded up to a multiple of 64
    int numHiddenLayers = 4;
    int numAttentionHeads = 4;
    int numKeyValueHeads = 0;             // 0: as many as query heads
    double ropeTheta = 10000.0;
    std::int64_t maxPositionEmbeddings = 2048;
    double rmsNormEps = 1e-5;
    bool tieWordEmbeddings = false;
    double initStd = 0.02;                // normal init of every matrix, as HF's Llama
  };
  struct Train {
    std::int64_t steps = 1000;            // 0 with maxWallMinutes: fitted to the time budget
    std::int64_t batchTokens = 4096;      // per step; a multiple of seqLength
    std::int64_t seqLength = 256;         // tokens per window, BOS included
    double lr = 3e-3;                     // peak
    double minLrRatio = 0.1;              // cosine floor as a share of the peak
    std::int64_t warmupSteps = 100;
    double weightDecay = 0.1;             // on matrices and embeddings, not on norms
    double beta1 = 0.9;
    double beta2 = 0.95;
    double eps = 1e-8;
    double clipNorm = 1.0;                // 0: no clipping
    double maxWallMinutes = 0.0;          // 0: no limit; else checkpoint and stop in time
    std::int64_t logEvery = 10;
    // Stages "ctc" and "avsr": utterances per step, and the schedule in passes over
    // the training split (0: train.steps counts).
    std::int64_t batchUtterances = 8;
    double epochs = 0.0;
    // Stages "ctc" and "avsr": batches per length bucket (EpochSampler); 0: random batches.
    std::int64_t lengthBuckets = 0;
  };
  struct Probe {
    std::int64_t every = 100;             // steps; 0: off
    int windows = 8;                      // held-out windows captured per probe
    int heldoutWindows = 32;              // held-out windows for the loss
    double threshold = 0.3;               // sink score ε (DESIGN §2)
    int minQueries = 32;                  // intermediate sinks: keys seen by at least this many queries
  };
  struct Checkpoint {
    std::int64_t every = 500;             // steps; 0: only at the end
    int keep = 3;                         // newest checkpoints kept on disk
    int averageLast = 1;                  // export the mean of this many newest checkpoints
  };

  // Stage "ctc": pretraining one encoder with a CTC head on the AV corpus.
  struct Ctc {
    std::string corpusDir;                // the corpus generator's folder (shards/, noise/)
    std::string modality = "audio";       // "audio" (Whisper-style) or "video" (AV-HuBERT-style)
    nlohmann::json encoder = nlohmann::json::object();  // the encoder's config.json keys
    std::string units = "characters";    // CTC symbols: "characters", "phonemes:TABLE" or an LLM's tokenizer.json (CtcUnits)
    std::int64_t evalUtterances = 100;    // valid utterances per evaluation
    std::vector<std::optional<double>> noiseSnrDb;       // training mixes; nullopt = clean; empty: clean only
    std::string noiseKind = "babble";     // "babble", "white" or "both"
    // "auto" (oneDNN for video, native for audio), "onednn" or "native": see CtcTrainer.
    std::string convolutions = "auto";
  };
  // Stage "avsr": frozen encoders and LLM, trained projectors and LoRA.
  struct Avsr {
    std::string corpusDir;
    std::string llm;                      // an lm-stage export/ (HF Llama + tokenizer.json)
    std::string audioEncoder;             // a ctc-stage export/ (or any HF Whisper directory)
    std::string videoEncoder;
    std::string modality = "avsr";        // asr, vsr, avsr
    std::string audioCompression = "avg-pooling";  // stack | avg-pooling
    int audioRate = 4;
    std::string videoCompression = "avg-pooling";
    int videoRate = 2;
    int projectorHidden = 512;            // Llama-AVSR: 2048
    bool projectorLayerNorm = false;
    int loraReduction = 8;                // LoRA inner dim hidden / r
    double loraAlpha = 8.0;
    std::vector<std::optional<double>> noiseSnrDb;  // as ctc.noise_snr_db
    std::string noiseKind = "babble";
    std::int64_t evalUtterances = 100;    // valid utterances per evaluation (loss and greedy WER)
    int probeUtterances = 4;              // valid utterances the sink probe captures
    int maxNewTokens = 32;
    int numBeams = 15;                    // written into the exported model's generation settings
    // A folder shared by runs that keeps the frozen video encoder's outputs per utterance
    // (VideoFeatureCache); "": encode the mouth video at every step.
    std::string videoCache;
  };

  std::string stage = "lm";               // "lm", "ctc" or "avsr"
  std::uint64_t seed = 1234;
  std::string outDir;
  std::string device = "cpu";             // cpu, cuda, cuda:N, auto
  std::string dtype = "fp32";             // training precision (fp32 only for now)
  int threads = 0;                        // intra-op threads; 0: LibTorch's default
  bool allowTf32 = true;                  // CUDA matmuls in TF32
  std::string exportDtype = "bf16";       // fp32, fp16 or bf16
  double decorrelationLambda = 0.0;       // λ of DESIGN §2's L_dec; 0: off
  // An earlier export whose weights start a fresh run instead of the random init, so a
  // model keeps improving across sessions whose run folders are gone; the optimiser and
  // schedule start afresh. Stages lm and ctc: an LLM or encoder export (or a bundled part
  // under models/shared/); stage avsr: a composite export (projectors and LoRA).
  std::string initFrom;
  Data data;
  TokenizerOptions tokenizer;
  Model model;
  Train train;
  Probe probe;
  Checkpoint checkpoint;
  Ctc ctc;
  Avsr avsr;

  // Reads and validates; throws ConfigError "<file>: key 'train.lr' ..." naming the key.
  static TrainConfig fromFile(const std::string& path);
  static TrainConfig fromJson(const nlohmann::json& document, const std::string& source);

  // Replaces one value, "train.lr=0.001" style: the part after '=' is JSON, or a
  // plain string when it does not parse. Re-validates; errors name the key.
  void applyOverride(const std::string& assignment);

  // Every key with its value (defaults filled in): what fromJson reads back.
  nlohmann::json toJson() const;
  // A saved config read back and written again: keys added since it was saved appear
  // with their defaults (how a resumed run compares itself with the run it continues).
  static nlohmann::json normalized(const nlohmann::json& saved);
  // Throws ConfigError naming the first key whose value is out of range.
  void validate(const std::string& source) const;

  std::int64_t batchSize() const { return train.batchTokens / train.seqLength; }
  std::int64_t intermediateSize() const;  // model.intermediateSize resolved
  int numKeyValueHeads() const { return model.numKeyValueHeads > 0 ? model.numKeyValueHeads : model.numAttentionHeads; }

  std::string source;  // the file read, for messages
};

}  // namespace sinkscope
