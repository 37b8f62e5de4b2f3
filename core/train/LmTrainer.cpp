#include "core/train/LmTrainer.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "core/base/Error.h"
#include "core/io/Safetensors.h"
#include "core/model/LlamaForCausalLM.h"
#include "core/model/ModelDirectoryWriter.h"
#include "core/model/Runtime.h"
#include "core/model/WeightLoader.h"
#include "core/text/BpeTrainer.h"
#include "core/text/Tokenizer.h"
#include "core/train/CosineSchedule.h"
#include "core/train/CsvLog.h"
#include "core/train/DecorrelationLoss.h"
#include "core/train/DrillWindows.h"
#include "core/train/PhonemeTable.h"
#include "core/train/Optimization.h"
#include "core/train/ProgressMeter.h"
#include "core/train/RunFolder.h"
#include "core/train/SinkProbe.h"
#include "core/train/TextCorpus.h"
#include "core/train/WindowSampler.h"

namespace sinkscope {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// With train.steps = 0 the run length is fitted to the time budget from the speed
// of these steps (after a few warm-up steps that include one-off allocations).
constexpr std::int64_t kTimingWarmupSteps = 3;
constexpr std::int64_t kTimingSteps = 16;
// Share of the time budget given to training steps; the rest covers probes,
// checkpoints and the export.
constexpr double kBudgetShareForSteps = 0.85;

// Targets cross_entropy skips (the held-out drills' non-transcript positions).
constexpr std::int64_t kIgnoredTarget = -100;

// Keys a resumed run must share with the run it continues, or the curve it
// continues would not be the same experiment.
const std::vector<std::string> kResumeInvariantKeys = {"seed", "stage", "decorrelation_lambda", "data", "tokenizer",
                                                       "model", "train.seq_length", "train.batch_tokens"};

}  // namespace

// Everything one run() holds: data, model, optimiser, logs.
struct LmTrainer::Session {
  const TrainConfig& config;
  fs::path outDir;
  torch::Device device = torch::kCPU;
  Tokenizer tokenizer;
  std::unique_ptr<WindowSampler> train;
  std::unique_ptr<WindowSampler> heldout;
  std::unique_ptr<DrillWindows> drills;  // null when data.drill_fraction is 0
  LlamaForCausalLM model{nullptr};
  std::unique_ptr<torch::optim::AdamW> optimizer;
  std::vector<torch::Tensor> parameters;
  std::unique_ptr<CsvLog> trainLog;
  std::unique_ptr<CsvLog> probeLog;

  std::int64_t step = 0;        // last completed step
  std::int64_t totalSteps = 0;  // 0 until fitted to the time budget
  double elapsedBefore = 0;     // seconds of training in earlier calls
  // Running sums since the last train.csv row and since the last probe (kept in
  // state.json so a resumed run writes the same rows).
  struct Sums {
    double loss = 0, ce = 0, dec = 0, gradNorm = 0;
    std::int64_t count = 0;
  } logSums, probeSums;
  double lastHeldoutLoss = 0;

  explicit Session(const TrainConfig& c) : config(c), outDir(c.outDir) {}
};

LmTrainer::LmTrainer(TrainConfig config) : config_(std::move(config)) {}

LmTrainer::~LmTrainer() = default;

namespace {

struct PreparedData {
  TextCorpus corpus;
  Tokenizer tokenizer;
};

PreparedData prepareData(const TrainConfig& config, bool verbose) {
  const fs::path outDir(config.outDir);
  fs::create_directories(outDir);
  TextCorpus::Sources sources{config.data.wordnetDir, config.data.fortunesDir, config.data.textFiles};
  TextCorpus corpus = TextCorpus::build(sources, config.data.heldoutBuckets);
  const fs::path corpusPath = outDir / "corpus.txt";
  if (!fs::exists(corpusPath)) corpus.write(corpusPath.string());
  if (verbose) {
    std::cerr << "corpus: " << corpus.trainLines().size() << " training and " << corpus.heldoutLines().size()
              << " held-out lines, " << corpus.characterCount() << " characters\n";
  }

  const fs::path tokenizerPath = outDir / "tokenizer.json";
  if (fs::exists(tokenizerPath)) return {std::move(corpus), Tokenizer::fromFile(tokenizerPath.string())};
  // A run that starts from an earlier export keeps that export's ids.
  const std::string given = !config.data.tokenizer.empty() ? config.data.tokenizer
                            : !config.initFrom.empty()      ? (fs::path(config.initFrom) / "tokenizer.json").string()
                                                            : std::string();
  if (!given.empty()) {
    Tokenizer tokenizer = Tokenizer::fromFile(given);
    tokenizer.save(tokenizerPath.string());
    return {std::move(corpus), std::move(tokenizer)};
  }
  BpeTrainerOptions options;
  options.vocabSize = config.tokenizer.vocabSize;
  options.minFrequency = config.tokenizer.minFrequency;
  BpeTrainer trainer(options);
  for (const auto& line : corpus.trainLines()) trainer.addText(line);
  const auto started = std::chrono::steady_clock::now();
  Tokenizer tokenizer = trainer.trainTokenizer();
  tokenizer.save(tokenizerPath.string());
  if (verbose) {
    std::cerr << "tokenizer: " << tokenizer.vocabSize() << " ids from " << trainer.distinctWords() << " distinct words in "
              << ProgressMeter::duration(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count())
              << "\n";
  }
  return {std::move(corpus), std::move(tokenizer)};
}

std::int64_t requireToken(const Tokenizer& tokenizer, const std::string& token) {
  auto id = tokenizer.tokenId(token);
  if (!id) throw FormatError(tokenizer.source() + ": the LM needs the token " + token);
  return *id;
}

LlamaConfig modelConfig(const TrainConfig& config, const Tokenizer& tokenizer) {
  LlamaConfig c;
  c.vocabSize = tokenizer.vocabSize();
  c.hiddenSize = config.model.hiddenSize;
  c.intermediateSize = config.intermediateSize();
  c.numHiddenLayers = config.model.numHiddenLayers;
  c.numAttentionHeads = config.model.numAttentionHeads;
  c.numKeyValueHeads = config.numKeyValueHeads();
  c.headDim = config.model.hiddenSize / config.model.numAttentionHeads;
  c.rmsNormEps = config.model.rmsNormEps;
  c.ropeTheta = config.model.ropeTheta;
  c.maxPositionEmbeddings = config.model.maxPositionEmbeddings;
  c.tieWordEmbeddings = config.model.tieWordEmbeddings;
  c.bosTokenId = requireToken(tokenizer, "<|begin_of_text|>");
  c.eosTokenIds = {requireToken(tokenizer, "<|end_of_text|>")};
  return c;
}

// HF Llama's initialisation: every matrix and embedding N(0, std), norms at one.
void initialize(torch::nn::Module& model, double std) {
  torch::NoGradGuard noGrad;
  for (auto& item : model.named_parameters(/*recurse=*/true)) {
    torch::Tensor& p = item.value();
    if (p.dim() >= 2) {
      p.normal_(0.0, std);
    } else if (item.key().find("norm") != std::string::npos) {
      p.fill_(1.0);
    } else {
      p.zero_();
    }
  }
}

std::vector<std::string> trainColumns() {
  return {"step", "epoch", "tokens", "lr", "loss", "ce_loss", "dec_loss", "grad_norm", "tokens_per_s", "elapsed_s"};
}

std::vector<std::string> probeColumns(int numLayers, bool drills) {
  std::vector<std::string> columns = {"step", "tokens", "train_loss", "heldout_loss"};
  if (drills) columns.push_back("heldout_drill_loss");
  for (auto& name : SinkProbe::columns(numLayers)) columns.push_back(name);
  return columns;
}

json sumsToJson(double loss, double ce, double dec, double grad, std::int64_t count) {
  return {{"loss", loss}, {"ce", ce}, {"dec", dec}, {"grad_norm", grad}, {"count", count}};
}

}  // namespace

void LmTrainer::prepare() {
  prepareData(config_, true);
}

TrainRunResult LmTrainer::run(const TrainRunOptions& options) {
  Session s(config_);
  const TrainConfig& c = config_;
  Runtime::setThreads(c.threads);
  s.device = Runtime::parseDevice(c.device);
  if (s.device.is_cuda() && c.allowTf32) at::globalContext().setFloat32MatmulPrecision("high");

  // The run's folder: a fresh start refuses to overwrite checkpoints.
  RunFolder folder(c.outDir);
  const std::string latestCheckpoint = folder.open(c.toJson(), options.resume, kResumeInvariantKeys, TrainConfig::normalized);
  const bool resuming = !latestCheckpoint.empty();

  // Data.
  PreparedData data = prepareData(c, options.progress);
  s.tokenizer = std::move(data.tokenizer);
  const LlamaConfig modelConfigValue = modelConfig(c, s.tokenizer);
  const std::int64_t bos = modelConfigValue.bosTokenId;
  const std::int64_t eos = modelConfigValue.eosTokenIds.front();
  s.train = std::make_unique<WindowSampler>(
      WindowSampler::fromLines(s.tokenizer, data.corpus.trainLines(), c.train.seqLength, bos, eos, c.seed));
  s.heldout = std::make_unique<WindowSampler>(
      WindowSampler::fromLines(s.tokenizer, data.corpus.heldoutLines(), c.train.seqLength, bos, eos, c.seed));
  if (options.progress) {
    std::cerr << "tokens: " << s.train->tokenCount() << " training, " << s.heldout->tokenCount() << " held-out ("
              << static_cast<double>(data.corpus.characterCount()) /
                     static_cast<double>(s.train->tokenCount() + s.heldout->tokenCount())
              << " characters per token)\n";
  }
  // Held-out drills (from held-out sentences): the probe's loss on their transcript
  // tokens says whether the model has learnt to copy from the stretched spans.
  // Only transcript targets count: the others are set to kIgnoredTarget once, here.
  std::vector<std::int64_t> drillInputs, drillTargets;
  if (c.data.drillFraction > 0) {
    std::unique_ptr<PhonemeTable> phonemes;
    if (!c.data.drillPhonemes.empty()) {
      try {
        phonemes = std::make_unique<PhonemeTable>(PhonemeTable::fromFile(c.data.drillPhonemes));
        for (const auto* lines : {&data.corpus.trainLines(), &data.corpus.heldoutLines()})
          for (const auto& line : *lines) phonemes->of(line);
      } catch (const Error& e) {
        throw ConfigError(c.source + ": key 'data.drill_phonemes': " + e.what());
      }
    }
    s.drills = std::make_unique<DrillWindows>(
        DrillWindows::fromLines(s.tokenizer, data.corpus.trainLines(), c.train.seqLength, c.seed, c.data.drillSpelling,
                                c.data.drillCharErrors, phonemes.get()));
    // Held-out drills stay exact, so their transcript loss compares across runs.
    const DrillWindows heldoutDrills = DrillWindows::fromLines(s.tokenizer, data.corpus.heldoutLines(), c.train.seqLength,
                                                               c.seed, c.data.drillSpelling, 0.0, phonemes.get());
    const std::int64_t rows = c.probe.heldoutWindows;
    drillInputs.resize(static_cast<std::size_t>(rows * c.train.seqLength));
    drillTargets.resize(drillInputs.size());
    std::vector<std::uint8_t> transcript(drillInputs.size());
    for (std::int64_t row = 0; row < rows; ++row) heldoutDrills.fill(0, row, drillInputs, drillTargets, &transcript);
    for (std::size_t i = 0; i < transcript.size(); ++i)
      if (!transcript[i]) drillTargets[i] = kIgnoredTarget;
  }
  const std::int64_t batch = c.batchSize();
  const std::int64_t tokensPerStep = batch * c.train.seqLength;

  // Held-out windows: the first probe.windows of them are also the probe's.
  std::vector<std::int64_t> heldoutInputs, heldoutTargets;
  const std::int64_t heldoutCount = s.heldout->evenlySpaced(c.probe.heldoutWindows, heldoutInputs, heldoutTargets);
  std::vector<std::vector<std::int64_t>> probeWindows;
  for (std::int64_t i = 0; i < std::min<std::int64_t>(heldoutCount, c.probe.windows); ++i) {
    probeWindows.emplace_back(heldoutInputs.begin() + i * c.train.seqLength,
                              heldoutInputs.begin() + (i + 1) * c.train.seqLength);
  }

  // Model: initialised on the CPU from the seed, so every device starts alike.
  torch::manual_seed(c.seed);
  s.model = LlamaForCausalLM(modelConfigValue);
  initialize(*s.model, c.model.initStd);
  for (auto& p : s.model->parameters()) p.set_requires_grad(true);
  const Runtime runtime{s.device, torch::kFloat32};
  s.model->to(s.device);
  if (options.progress) {
    std::int64_t count = 0;
    for (const auto& p : s.model->parameters()) count += p.numel();
    std::cerr << "model: " << c.model.numHiddenLayers << " layers x " << c.model.hiddenSize << ", "
              << c.model.numAttentionHeads << " heads, vocab " << modelConfigValue.vocabSize << ", " << count
              << " parameters on " << s.device.str() << "\n";
  }

  if (!resuming && !c.initFrom.empty()) {
    s.model->loadWeights(SafetensorsSet::openDirectory(c.initFrom), "", runtime);
    for (auto& p : s.model->parameters()) p.set_requires_grad(true);
    if (options.progress) std::cerr << "starting from the weights of " << c.initFrom << "\n";
  }

  // Resume: weights first, then the optimiser built over them takes its state.
  json resumeState;
  if (resuming) {
    const fs::path latest = latestCheckpoint;
    s.model->loadWeights(SafetensorsSet::openFile((latest / "model.safetensors").string()), "", runtime);
    for (auto& p : s.model->parameters()) p.set_requires_grad(true);
    resumeState = RunFolder::readJson((latest / "state.json").string());
    s.step = resumeState.at("step").get<std::int64_t>();
    s.totalSteps = resumeState.at("total_steps").get<std::int64_t>();
    s.elapsedBefore = resumeState.at("elapsed_s").get<double>();
    s.lastHeldoutLoss = resumeState.value("heldout_loss", 0.0);
    auto readSums = [](const json& j, Session::Sums& sums) {
      sums.loss = j.at("loss").get<double>();
      sums.ce = j.at("ce").get<double>();
      sums.dec = j.at("dec").get<double>();
      sums.gradNorm = j.at("grad_norm").get<double>();
      sums.count = j.at("count").get<std::int64_t>();
    };
    readSums(resumeState.at("log_sums"), s.logSums);
    readSums(resumeState.at("probe_sums"), s.probeSums);
    if (options.progress) std::cerr << "resuming from " << latest.string() << " (step " << s.step << ")\n";
  } else {
    s.totalSteps = c.train.steps;
  }
  if (c.train.steps > 0) s.totalSteps = c.train.steps;  // a longer (or shorter) schedule may be asked for

  for (auto& p : s.model->parameters()) s.parameters.push_back(p);
  s.optimizer = Optimization::adamW(s.parameters, c.train);
  if (resuming) torch::load(*s.optimizer, (fs::path(latestCheckpoint) / "optimizer.pt").string(), s.device);

  const int numLayers = modelConfigValue.numHiddenLayers;
  const std::int64_t keepThrough = resuming ? s.step : -1;
  s.trainLog = std::make_unique<CsvLog>((s.outDir / "train.csv").string(), trainColumns(), keepThrough);
  s.probeLog = std::make_unique<CsvLog>((s.outDir / "probe.csv").string(), probeColumns(numLayers, s.drills != nullptr), keepThrough);

  const SinkProbe probe(SinkProbe::Options{c.probe.threshold, c.probe.minQueries});
  const DecorrelationLoss decorrelation(c.decorrelationLambda);
  const auto longOptions = torch::TensorOptions().dtype(torch::kInt64);

  // Mean cross-entropy (nats per counted token) of `rows` windows, a batch at a time;
  // targets equal to kIgnoredTarget are not counted.
  auto meanCrossEntropy = [&](std::vector<std::int64_t>& inputs, std::vector<std::int64_t>& targets,
                              std::int64_t rows) {
    torch::NoGradGuard noGrad;
    double sum = 0;
    std::int64_t counted = 0;
    for (std::int64_t first = 0; first < rows; first += batch) {
      const std::int64_t n = std::min(batch, rows - first);
      const auto offset = first * c.train.seqLength;
      const auto count = n * c.train.seqLength;
      const torch::Tensor inputIds =
          torch::from_blob(inputs.data() + offset, {n, c.train.seqLength}, longOptions).to(s.device);
      const torch::Tensor targetIds = torch::from_blob(targets.data() + offset, {count}, longOptions).to(s.device);
      const torch::Tensor logits = s.model->forward(LlamaInput::ids(inputIds));  // [n, T, V]
      sum += torch::nn::functional::cross_entropy(
                 logits.reshape({count, -1}), targetIds,
                 torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum).ignore_index(kIgnoredTarget))
                 .item<double>();
      counted += targetIds.ne(kIgnoredTarget).sum().item<std::int64_t>();
    }
    return counted > 0 ? sum / static_cast<double>(counted) : 0.0;
  };
  auto heldoutLoss = [&]() { return meanCrossEntropy(heldoutInputs, heldoutTargets, heldoutCount); };
  // The held-out drills' transcript tokens: low once the model copies from the spans.
  auto heldoutDrillLoss = [&]() {
    return meanCrossEntropy(drillInputs, drillTargets, static_cast<std::int64_t>(drillInputs.size()) / c.train.seqLength);
  };

  auto runProbe = [&]() {
    const double loss = heldoutLoss();
    s.lastHeldoutLoss = loss;
    const auto layers = probe.run(s.model, probeWindows);
    std::vector<double> row = {static_cast<double>(s.step * tokensPerStep),
                               s.probeSums.count > 0 ? s.probeSums.loss / static_cast<double>(s.probeSums.count) : 0.0,
                               loss};
    if (s.drills) {
      row.push_back(heldoutDrillLoss());
      if (options.progress) std::cerr << "probe step " << s.step << ": held-out drill transcript loss " << row.back() << "\n";
    }
    for (double v : SinkProbe::row(layers)) row.push_back(v);
    s.probeLog->write(s.step, row);
    s.probeSums = {};
    if (options.progress) {
      const auto summary = SinkProbe::row(layers);
      char line[256];
      std::snprintf(line, sizeof(line),
                    "probe step %lld: held-out loss %.4f, BOS-sink heads %.2f (mean BOS score %.3f), intermediate %.2f, "
                    "max/median %.1f, BOS cos %.3f",
                    static_cast<long long>(s.step), loss, summary[summary.size() - 5], summary[summary.size() - 4],
                    summary[summary.size() - 3],
                    summary[summary.size() - 2], summary[summary.size() - 1]);
      std::cerr << line << "\n";
    }
  };

  ProgressMeter meter(s.step, s.totalSteps);
  double trainingSeconds = 0;
  auto saveCheckpoint = [&]() {
    folder.saveCheckpoint(s.step, c.checkpoint.keep, [&](const std::string& dir) {
      const fs::path temporary(dir);
      SafetensorsWriter writer;
      WeightLoader::save(*s.model, writer, "", torch::kFloat32);
      writer.write((temporary / "model.safetensors").string());
      torch::save(*s.optimizer, (temporary / "optimizer.pt").string());
      RunFolder::writeJson(
          (temporary / "state.json").string(),
          {{"step", s.step},
           {"total_steps", s.totalSteps},
           {"tokens", s.step * tokensPerStep},
           {"elapsed_s", s.elapsedBefore + meter.elapsedSeconds()},
           {"heldout_loss", s.lastHeldoutLoss},
           {"log_sums", sumsToJson(s.logSums.loss, s.logSums.ce, s.logSums.dec, s.logSums.gradNorm, s.logSums.count)},
           {"probe_sums", sumsToJson(s.probeSums.loss, s.probeSums.ce, s.probeSums.dec, s.probeSums.gradNorm,
                                     s.probeSums.count)}});
    });
  };

  if (s.step == 0 && c.probe.every > 0) runProbe();

  TrainRunResult result;
  std::vector<std::int64_t> inputs, targets;
  const std::int64_t startStep = s.step;
  std::int64_t timingStart = 0;
  std::chrono::steady_clock::time_point timingClock;
  std::chrono::steady_clock::time_point intervalClock = std::chrono::steady_clock::now();
  std::int64_t intervalSteps = 0;
  bool savedAtLastStep = false;
  bool outOfTime = false;
  const double budgetSeconds = c.train.maxWallMinutes * 60.0;

  while (s.totalSteps == 0 || s.step < s.totalSteps) {
    if (options.stop != nullptr && options.stop->load()) break;
    if (options.stopAfterStep > 0 && s.step >= options.stopAfterStep) break;
    if (outOfTimeBudget(budgetSeconds, s.elapsedBefore, meter.elapsedSeconds(), s.step > startStep)) {
      outOfTime = true;
      break;
    }
    const std::int64_t step = s.step + 1;
    const auto stepClock = std::chrono::steady_clock::now();

    // A schedule whose length is still being fitted starts like a long one.
    const std::int64_t scheduleLength = s.totalSteps > 0 ? s.totalSteps : std::numeric_limits<std::int32_t>::max();
    const double lr = CosineSchedule(c.train.lr, c.train.warmupSteps, scheduleLength, c.train.minLrRatio).at(step);
    Optimization::setLearningRate(*s.optimizer, lr);

    // Forward and loss: [B, T] -> [B, T, V]
    s.train->batch(step, batch, inputs, targets);
    if (s.drills) {
      for (std::int64_t row = 0; row < batch; ++row)
        if (s.drills->isDrill(step, row, c.data.drillFraction)) s.drills->fill(step, row, inputs, targets);
    }
    const torch::Tensor inputIds = torch::from_blob(inputs.data(), {batch, c.train.seqLength}, longOptions).to(s.device);
    const torch::Tensor targetIds = torch::from_blob(targets.data(), {batch * c.train.seqLength}, longOptions).to(s.device);
    s.optimizer->zero_grad();
    std::vector<torch::Tensor> residuals;
    LlamaForwardOptions forwardOptions;
    if (c.decorrelationLambda > 0) forwardOptions.residuals = &residuals;
    const torch::Tensor logits = s.model->forward(LlamaInput::ids(inputIds), forwardOptions);
    const torch::Tensor ce =
        torch::nn::functional::cross_entropy(logits.reshape({batch * c.train.seqLength, -1}), targetIds);
    torch::Tensor loss = ce;
    torch::Tensor dec;
    if (c.decorrelationLambda > 0) {
      // Text pretraining has no output block: every token after BOS is input.
      dec = decorrelation(residuals, c.train.seqLength - 1);
      loss = loss + dec;
    }

    // Backward, clip, update.
    loss.backward();
    const double gradNorm = Optimization::clipGradients(s.parameters, c.train.clipNorm);
    s.optimizer->step();
    s.step = step;
    savedAtLastStep = false;

    TrainStepRecord record;
    record.step = step;
    record.loss = loss.item<double>();
    record.ceLoss = ce.item<double>();
    record.decLoss = dec.defined() ? dec.item<double>() : 0.0;
    record.lr = lr;
    record.gradNorm = gradNorm;
    result.steps.push_back(record);
    trainingSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - stepClock).count();
    for (Session::Sums* sums : {&s.logSums, &s.probeSums}) {
      sums->loss += record.loss;
      sums->ce += record.ceLoss;
      sums->dec += record.decLoss;
      sums->gradNorm += record.gradNorm;
      ++sums->count;
    }
    ++intervalSteps;

    // Fit the run to the time budget once the speed is known.
    if (s.totalSteps == 0) {
      if (step - startStep == kTimingWarmupSteps) {
        timingStart = step;
        timingClock = std::chrono::steady_clock::now();
      } else if (timingStart > 0 && step - timingStart == kTimingSteps) {
        const double perStep =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - timingClock).count() / kTimingSteps;
        const double left = budgetSeconds * kBudgetShareForSteps - (s.elapsedBefore + meter.elapsedSeconds());
        s.totalSteps = std::max<std::int64_t>(step + 1, step + static_cast<std::int64_t>(left / perStep));
        s.totalSteps = std::max(s.totalSteps, c.train.warmupSteps + 1);
        meter.setTotal(s.totalSteps);
        if (options.progress) {
          std::cerr << "fitted the schedule to the time budget: " << s.totalSteps << " steps ("
                    << perStep * 1000.0 << " ms per step)\n";
        }
      }
    }

    if (step % c.train.logEvery == 0) {
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - intervalClock).count();
      const double speed = seconds > 0 ? static_cast<double>(intervalSteps * tokensPerStep) / seconds : 0.0;
      const double n = static_cast<double>(std::max<std::int64_t>(s.logSums.count, 1));
      const double tokens = static_cast<double>(step * tokensPerStep);
      s.trainLog->write(step, {tokens / static_cast<double>(s.train->tokenCount()), tokens, lr, s.logSums.loss / n,
                               s.logSums.ce / n, s.logSums.dec / n, s.logSums.gradNorm / n, speed,
                               s.elapsedBefore + meter.elapsedSeconds()});
      if (options.progress) std::cerr << meter.line(step, s.logSums.loss / n, lr, speed) << "\n";
      s.logSums = {};
      intervalSteps = 0;
      intervalClock = std::chrono::steady_clock::now();
    }
    if (c.probe.every > 0 && step % c.probe.every == 0) runProbe();
    if (c.checkpoint.every > 0 && step % c.checkpoint.every == 0) {
      saveCheckpoint();
      savedAtLastStep = true;
    }
  }

  result.lastStep = s.step;
  result.totalSteps = s.totalSteps;
  result.tokensPerSecond =
      trainingSeconds > 0 ? static_cast<double>((s.step - startStep) * tokensPerStep) / trainingSeconds : 0.0;
  result.finished = s.totalSteps > 0 && s.step >= s.totalSteps;
  if ((result.finished || outOfTime) && s.step > startStep && c.probe.every > 0 && s.step % c.probe.every != 0) {
    runProbe();
  }
  if (!savedAtLastStep && s.step > startStep) saveCheckpoint();
  result.heldoutLoss = s.lastHeldoutLoss;

  // A run out of time still leaves a usable model (a time-boxed GPU run must not
  // come back empty); training.json says whether the schedule was completed.
  if (result.finished || (outOfTime && s.step > startStep)) {
    const fs::path exportDir = s.outDir / "export";
    const std::size_t averaged = folder.averageNewest(c.checkpoint.averageLast);
    if (averaged > 1) {
      const std::string averagePath = folder.averagedPath();
      s.model->loadWeights(SafetensorsSet::openFile(averagePath), "", runtime);
      fs::remove(averagePath);
    }
    ModelDirectoryWriter::writeLlm(exportDir.string(), *s.model, s.tokenizer, Runtime::parseDtype(c.exportDtype));
    RunFolder::writeJson((exportDir / "training.json").string(),
                  {{"stage", c.stage},
                   {"steps", s.step},
                   {"schedule_completed", result.finished},
                   {"tokens", s.step * tokensPerStep},
                   {"heldout_loss_nats_per_token", s.lastHeldoutLoss},
                   {"averaged_checkpoints", std::max<std::size_t>(averaged, 1)},
                   {"training_tokens_in_corpus", s.train->tokenCount()},
                   {"heldout_tokens_in_corpus", s.heldout->tokenCount()},
                   {"config", c.toJson()}});
    result.exportDir = exportDir.string();
    if (options.progress) std::cerr << "exported " << result.exportDir << " (" << c.exportDtype << ")\n";
  }
  return result;
}

}  // namespace sinkscope
