#include "core/train/CtcTrainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <torch/torch.h>

#include "core/base/Error.h"
#include "core/io/Safetensors.h"
#include "core/model/LogMel.h"
#include "core/model/ModelDirectoryWriter.h"
#include "core/model/Runtime.h"
#include "core/model/VideoEncoder.h"
#include "core/model/WeightLoader.h"
#include "core/model/WhisperEncoder.h"
#include "core/train/AvsrFeatures.h"
#include "core/train/AvsrShardReader.h"
#include "core/train/CosineSchedule.h"
#include "core/train/CsvLog.h"
#include "core/train/CtcAlphabet.h"
#include "core/train/CtcUnits.h"
#include "core/train/EpochSampler.h"
#include "core/analysis/ErrorRate.h"
#include "core/train/NoiseAugmenter.h"
#include "core/train/Optimization.h"
#include "core/train/ProgressMeter.h"
#include "core/train/RunFolder.h"
#include "core/train/StepHash.h"

namespace sinkscope {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::vector<std::string> kResumeInvariantKeys = {"seed",          "stage",          "ctc.corpus_dir",
                                                       "ctc.modality",  "ctc.encoder",    "ctc.noise_snr_db",
                                                       "ctc.noise_kind", "ctc.units", "train.batch_utterances"};
constexpr std::uint64_t kNoisePurpose = 0x6e6f697365;

// A new token head would start on CTC's all-blank plateau, where session 8's token run
// stayed for its ~1 000 steps. Seeded from a trained character head, every token
// starts as the mean of its letters' rows, a merged token a little below its letters
// (kMergedPenalty per extra letter), so the encoder spells from step 0 and training
// only has to shift frames from letters to the tokens that merge them. Tokens the
// alphabet cannot spell start silent.
void seedTokenHead(torch::nn::LinearImpl& tokenHead, torch::nn::LinearImpl& characterHead, const CtcUnits& units) {
  constexpr double kMergedPenalty = 1.0;
  constexpr double kSilent = 10.0;
  torch::NoGradGuard noGrad;
  const torch::Tensor w = characterHead.weight.detach();
  const torch::Tensor b = characterHead.bias.detach();
  const double floor = b.min().item<double>() - kSilent;
  const auto spellings = units.spellings();
  for (std::size_t id = 0; id < spellings.size(); ++id) {
    const auto& letters = spellings[id];
    const auto row = static_cast<std::int64_t>(id);
    if (letters.empty()) {
      tokenHead.weight[row].zero_();
      tokenHead.bias[row].fill_(floor);
      continue;
    }
    const torch::Tensor index = torch::tensor(letters, torch::kLong).to(w.device());
    tokenHead.weight[row].copy_(w.index_select(0, index).mean(0));
    tokenHead.bias[row].fill_(b.index_select(0, index).mean().item<double>() -
                              kMergedPenalty * static_cast<double>(letters.size() - 1));
  }
}

// The encoder under its part name "encoder." and the CTC head "ctc_head.".
class CtcModel : public torch::nn::Module {
 public:
  CtcModel(const TrainConfig::Ctc& c, const std::string& source, std::int64_t units) {
    const std::string where = source + ": ctc.encoder";
    if (c.modality == "audio") {
      audio = register_module("encoder", std::make_shared<WhisperEncoder>(WhisperEncoderConfig::fromJson(c.encoder, where)));
      width = audio->config().dModel;
    } else {
      video = register_module("encoder", std::make_shared<VideoEncoder>(VideoEncoderConfig::fromJson(c.encoder, where)));
      width = video->config().embedDim;
    }
    head = register_module("ctc_head", torch::nn::Linear(width, units));
  }

  std::shared_ptr<WhisperEncoder> audio;
  std::shared_ptr<VideoEncoder> video;
  torch::nn::Linear head{nullptr};
  std::int64_t width = 0;
};

struct Batch {
  torch::Tensor input;               // [B, mels, frames] or [B, 1, F, 88, 88]
  std::vector<std::int64_t> samples;  // per row: audio samples (audio) or frames (video)
  std::vector<std::string> texts;
};

Batch makeBatch(const AvsrShardReader& reader, const std::vector<std::size_t>& rows, bool audio,
                const NoiseAugmenter* noise, const std::vector<std::uint64_t>& noiseKeys, const LogMel& logMel) {
  Batch batch;
  std::vector<std::vector<std::int16_t>> waveforms;
  std::vector<std::pair<const std::uint8_t*, std::int64_t>> clips;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const auto u = reader.at(rows[r]);
    batch.texts.push_back(u.text);
    if (audio) {
      waveforms.push_back(noise ? noise->apply(u.audio, u.samples, noiseKeys[r])
                                : std::vector<std::int16_t>(u.audio, u.audio + u.samples));
      batch.samples.push_back(u.samples);
    } else {
      clips.emplace_back(u.rois, u.frames);
      batch.samples.push_back(u.frames);
    }
  }
  batch.input = audio ? AvsrFeatures::audio(waveforms, logMel) : AvsrFeatures::video(clips);
  return batch;
}

}  // namespace

CtcTrainer::CtcTrainer(TrainConfig config) : config_(std::move(config)) {
  if (config_.stage != "ctc") throw ConfigError(config_.source + ": CtcTrainer runs stage \"ctc\", not \"" + config_.stage + "\"");
}

TrainRunResult CtcTrainer::run(const TrainRunOptions& options) {
  const TrainConfig& c = config_;
  Runtime::setThreads(c.threads);
  const torch::Device device = Runtime::parseDevice(c.device);
  if (device.is_cuda() && c.allowTf32) at::globalContext().setFloat32MatmulPrecision("high");
  const Runtime runtime{device, torch::kFloat32};
  const bool audio = c.ctc.modality == "audio";
  // LibTorch 1.13's oneDNN 1-D convolution backward gave run-to-run different (and at
  // times non-finite) gradients for the Whisper stem here, so audio uses the native
  // convolutions, which are exact and reproducible. The video trunk's 3-D and 2-D
  // convolutions are reproducible under oneDNN (CtcTrainerTest) and the stem ~14x faster
  // than the native slow_conv3d, which made the video stage a 17-hour job.
  const bool onednn = c.ctc.convolutions == "onednn" || (c.ctc.convolutions == "auto" && !audio);
  at::globalContext().setUserEnabledMkldnn(onednn);

  RunFolder folder(c.outDir);
  const std::string latest = folder.open(c.toJson(), options.resume, kResumeInvariantKeys, TrainConfig::normalized);
  const bool resuming = !latest.empty();

  const AvsrShardReader train = AvsrShardReader::open(c.ctc.corpusDir, "train");
  const AvsrShardReader valid = AvsrShardReader::open(c.ctc.corpusDir, "valid");
  const NoiseAugmenter noise(c.ctc.corpusDir, c.ctc.noiseSnrDb, c.ctc.noiseKind);
  const LogMel logMel(audio ? WhisperEncoderConfig::fromJson(c.ctc.encoder, c.source + ": ctc.encoder").numMelBins : 80);
  const std::int64_t batchSize = c.train.batchUtterances;
  const auto splitSize = static_cast<std::int64_t>(train.size());
  const std::int64_t stepsPerEpoch = (splitSize + batchSize - 1) / batchSize;
  std::int64_t totalSteps = c.train.epochs > 0
                                ? static_cast<std::int64_t>(std::ceil(c.train.epochs * static_cast<double>(splitSize) /
                                                                      static_cast<double>(batchSize)))
                                : c.train.steps;
  if (totalSteps <= 0) throw ConfigError(c.source + ": key 'train.epochs' or 'train.steps' must give a schedule for stage ctc");
  const std::int64_t evalEvery = c.probe.every > 0 ? c.probe.every : stepsPerEpoch;

  torch::manual_seed(c.seed);
  const CtcUnits units = [&] {
    try {
      return CtcUnits::fromSetting(c.ctc.units);
    } catch (const Error& e) {
      throw ConfigError(c.source + ": key 'ctc.units' must be \"characters\", \"phonemes:\" and a readable phoneme table, or a readable tokenizer.json: " + e.what());
    }
  }();
  // A sentence missing from the phoneme table would stop the run hours in; check them all now.
  if (units.phonemes()) {
    try {
      for (const AvsrShardReader* split : {&train, &valid})
        for (std::size_t i = 0; i < split->size(); ++i) units.encode(split->at(i).text);
    } catch (const Error& e) {
      throw ConfigError(c.source + ": key 'ctc.units': " + e.what());
    }
  }
  auto model = std::make_shared<CtcModel>(c.ctc, c.source, units.size());
  std::vector<torch::Tensor> parameters;
  for (auto& item : model->named_parameters(true)) {
    // Whisper's positions are a fixed sinusoid table, never trained.
    const bool fixed = item.key().find("embed_positions") != std::string::npos;
    item.value().set_requires_grad(!fixed);
    if (!fixed) parameters.push_back(item.value());
  }
  std::int64_t parameterCount = 0;
  for (const auto& p : parameters) parameterCount += p.numel();
  model->to(device);
  if (options.progress) {
    std::cerr << "ctc " << c.ctc.modality << " encoder: " << parameterCount << " trainable parameters, "
              << train.size() << " training / " << valid.size() << " valid utterances, " << stepsPerEpoch
              << " steps per epoch of " << batchSize << "\n";
  }

  std::int64_t step = 0;
  double elapsedBefore = 0, lastValidLoss = 0, lastWer = -1;
  struct Sums {
    double loss = 0, gradNorm = 0;
    std::int64_t count = 0;
  } sums;
  double evalTrainLossSum = 0;  // training loss since the last evaluation
  std::int64_t evalTrainCount = 0;
  if (resuming) {
    WeightLoader::load(*model, SafetensorsSet::openFile((fs::path(latest) / "model.safetensors").string()), "", runtime);
    const json state = RunFolder::readJson((fs::path(latest) / "state.json").string());
    step = state.at("step").get<std::int64_t>();
    elapsedBefore = state.at("elapsed_s").get<double>();
    lastValidLoss = state.value("valid_loss", 0.0);
    lastWer = state.value("valid_wer", -1.0);
    evalTrainLossSum = state.at("eval_sums").at("loss").get<double>();
    evalTrainCount = state.at("eval_sums").at("count").get<std::int64_t>();
    sums.loss = state.at("log_sums").at("loss").get<double>();
    sums.gradNorm = state.at("log_sums").at("grad_norm").get<double>();
    sums.count = state.at("log_sums").at("count").get<std::int64_t>();
    if (options.progress) std::cerr << "resuming from " << latest << " (step " << step << ")\n";
  }
  if (!resuming && !c.initFrom.empty()) {
    // An earlier export: the encoder as its directory stores it, and the CTC head when
    // the export carries one (exports made before the head moved in do not).
    const SafetensorsSet weights = SafetensorsSet::openDirectory(c.initFrom);
    if (audio) WeightLoader::load(*model->audio, weights, "model.encoder.", runtime);
    else WeightLoader::load(*model->video, weights, "", runtime, {"*num_batches_tracked"});
    // The head only when it spells the same units (exports before ctc.units spelt characters).
    const fs::path headFile = fs::path(c.initFrom) / "ctc_head.safetensors";
    const fs::path trainingFile = fs::path(c.initFrom) / "training.json";
    const std::string exportUnits = fs::exists(trainingFile)
                                        ? RunFolder::readJson(trainingFile.string()).value("ctc_units", CtcUnits::kCharacters)
                                        : CtcUnits::kCharacters;
    if (fs::exists(headFile) && exportUnits == c.ctc.units) {
      WeightLoader::load(*model->head, SafetensorsSet::openFile(headFile.string()), "ctc_head.", runtime);
    } else if (fs::exists(headFile) && exportUnits == CtcUnits::kCharacters && units.tokens()) {
      torch::nn::Linear characterHead(model->head->weight.size(1), CtcAlphabet::size());
      characterHead->to(device);
      WeightLoader::load(*characterHead, SafetensorsSet::openFile(headFile.string()), "ctc_head.", runtime);
      seedTokenHead(*model->head, *characterHead, units);
      if (options.progress) std::cerr << "a token CTC head seeded from the character head of " << c.initFrom << "\n";
    } else if (options.progress) {
      std::cerr << "a new CTC head: " << c.initFrom << " has none for units " << c.ctc.units << "\n";
    }
    for (const auto& p : parameters) p.set_requires_grad(true);
    if (options.progress) std::cerr << "starting from the weights of " << c.initFrom << "\n";
  }
  auto optimizer = Optimization::adamW(parameters, c.train);
  if (resuming) torch::load(*optimizer, (fs::path(latest) / "optimizer.pt").string(), device);

  const std::int64_t keepThrough = resuming ? step : -1;
  CsvLog trainLog(folder.file("train.csv"),
                  {"step", "epoch", "utterances", "lr", "loss", "grad_norm", "utterances_per_s", "elapsed_s"}, keepThrough);
  CsvLog evalLog(folder.file("eval.csv"), {"step", "epoch", "train_loss", "valid_loss", "valid_cer", "valid_wer"},
                 keepThrough);

  EpochSampler sampler(train.lengths(), c.seed, c.train.lengthBuckets);  // 0 buckets: random batches
  const CosineSchedule schedule(c.train.lr, c.train.warmupSteps, totalSteps, c.train.minLrRatio);

  // CTC loss of a batch, per character (mean over rows of loss / target length);
  // fills `decoded` with greedy transcripts when given.
  auto forward = [&](const Batch& batch, std::vector<std::string>* decoded) {
    const torch::Tensor input = batch.input.to(device);
    const torch::Tensor hidden = audio ? model->audio->forward(input) : model->video->forward(input);  // [B, T, d]
    const torch::Tensor logProbs = torch::log_softmax(model->head->forward(hidden), -1);             // [B, T, V]
    // One CTC call per row on its own frames: the loss never sees a padded frame, and
    // each call gets a contiguous [T_b, 1, V] input (LibTorch 1.13's CPU backward gave
    // run-to-run different gradients for the padded, transposed batch form).
    std::vector<std::int64_t> inputLengths;
    torch::Tensor loss = torch::zeros({}, logProbs.options());
    for (std::size_t r = 0; r < batch.texts.size(); ++r) {
      const std::int64_t frames = audio ? AvsrFeatures::audioFrames(batch.samples[r], hidden.size(1))
                                        : std::min<std::int64_t>(batch.samples[r], hidden.size(1));
      inputLengths.push_back(frames);
      const auto ids = units.encode(batch.texts[r]);
      const torch::Tensor rowLogProbs =
          logProbs.narrow(0, static_cast<std::int64_t>(r), 1).narrow(1, 0, frames).transpose(0, 1).contiguous();  // [T_b, 1, V]
      const torch::Tensor target = torch::tensor(ids, torch::kLong).unsqueeze(0).to(device);                        // [1, S_b]
      const torch::Tensor rowLoss =
          torch::ctc_loss(rowLogProbs, target, std::vector<std::int64_t>{frames},
                          std::vector<std::int64_t>{static_cast<std::int64_t>(ids.size())}, CtcUnits::kBlank,
                          at::Reduction::Sum, /*zero_infinity=*/true);
      loss = loss + rowLoss / static_cast<double>(std::max<std::size_t>(ids.size(), 1));
    }
    loss = loss / static_cast<double>(batch.texts.size());  // mean over rows of loss per character
    if (decoded) {
      const torch::Tensor best = logProbs.argmax(-1).to(torch::kCPU).contiguous();  // [B, T]
      for (std::size_t r = 0; r < batch.texts.size(); ++r) {
        const auto* p = best[static_cast<std::int64_t>(r)].data_ptr<std::int64_t>();
        decoded->push_back(units.decodeGreedy(std::vector<std::int64_t>(p, p + inputLengths[r])));
      }
    }
    return loss;
  };

  std::vector<std::size_t> evalRows;
  const auto evalCount = std::min<std::int64_t>(c.ctc.evalUtterances, static_cast<std::int64_t>(valid.size()));
  for (std::int64_t i = 0; i < evalCount; ++i) {
    evalRows.push_back(static_cast<std::size_t>(i * static_cast<std::int64_t>(valid.size()) / evalCount));
  }
  auto evaluate = [&]() {
    torch::NoGradGuard noGrad;
    model->eval();
    double lossSum = 0;
    ErrorRate errors;
    for (std::size_t first = 0; first < evalRows.size(); first += static_cast<std::size_t>(batchSize)) {
      const std::vector<std::size_t> rows(evalRows.begin() + static_cast<std::ptrdiff_t>(first),
                                          evalRows.begin() + static_cast<std::ptrdiff_t>(std::min(evalRows.size(), first + static_cast<std::size_t>(batchSize))));
      const Batch batch = makeBatch(valid, rows, audio, nullptr, {}, logMel);
      std::vector<std::string> decoded;
      lossSum += forward(batch, &decoded).item<double>() * static_cast<double>(rows.size());
      for (std::size_t r = 0; r < rows.size(); ++r) errors.add(units.reference(batch.texts[r]), decoded[r]);
    }
    model->train();
    lastValidLoss = lossSum / static_cast<double>(evalRows.size());
    lastWer = errors.wer();
    evalLog.write(step, {sampler.epochsAfter(step, batchSize),
                         evalTrainCount > 0 ? evalTrainLossSum / static_cast<double>(evalTrainCount) : 0.0,
                         lastValidLoss, errors.cer(), errors.wer()});
    evalTrainLossSum = 0;
    evalTrainCount = 0;
    if (options.progress) {
      char line[160];
      std::snprintf(line, sizeof(line), "eval step %lld: valid CTC loss %.4f, greedy CER %.3f, WER %.3f",
                    static_cast<long long>(step), lastValidLoss, errors.cer(), errors.wer());
      std::cerr << line << "\n";
    }
  };

  ProgressMeter meter(step, totalSteps);
  auto saveCheckpoint = [&]() {
    folder.saveCheckpoint(step, c.checkpoint.keep, [&](const std::string& dir) {
      SafetensorsWriter writer;
      WeightLoader::save(*model, writer, "", torch::kFloat32);
      writer.write((fs::path(dir) / "model.safetensors").string());
      torch::save(*optimizer, (fs::path(dir) / "optimizer.pt").string());
      RunFolder::writeJson((fs::path(dir) / "state.json").string(),
                           {{"step", step},
                            {"total_steps", totalSteps},
                            {"elapsed_s", elapsedBefore + meter.elapsedSeconds()},
                            {"valid_loss", lastValidLoss},
                            {"valid_wer", lastWer},
                            {"eval_sums", {{"loss", evalTrainLossSum}, {"count", evalTrainCount}}},
                            {"log_sums", {{"loss", sums.loss}, {"grad_norm", sums.gradNorm}, {"count", sums.count}}}});
    });
  };

  model->train();
  if (step == 0) evaluate();

  TrainRunResult result;
  const std::int64_t startStep = step;
  double trainingSeconds = 0;
  auto intervalClock = std::chrono::steady_clock::now();
  std::int64_t intervalRows = 0;
  bool savedAtLastStep = false, outOfTime = false;
  const double budgetSeconds = c.train.maxWallMinutes * 60.0;
  while (step < totalSteps) {
    if (options.stop != nullptr && options.stop->load()) break;
    if (options.stopAfterStep > 0 && step >= options.stopAfterStep) break;
    if (outOfTimeBudget(budgetSeconds, elapsedBefore, meter.elapsedSeconds(), step > startStep)) {
      outOfTime = true;
      break;
    }
    const std::int64_t next = step + 1;
    const auto stepClock = std::chrono::steady_clock::now();
    const double lr = schedule.at(next);
    Optimization::setLearningRate(*optimizer, lr);

    std::vector<std::size_t> rows;
    std::vector<std::uint64_t> keys;
    for (std::int64_t b = 0; b < batchSize; ++b) {
      rows.push_back(sampler.at(next, batchSize, b));
      keys.push_back(StepHash::of(c.seed, next, b, kNoisePurpose));
    }
    const Batch batch = makeBatch(train, rows, audio, noise.active() ? &noise : nullptr, keys, logMel);
    optimizer->zero_grad();
    const torch::Tensor loss = forward(batch, nullptr);
    loss.backward();
    const double gradNorm = Optimization::clipGradients(parameters, c.train.clipNorm);
    optimizer->step();
    step = next;
    savedAtLastStep = false;

    TrainStepRecord record;
    record.step = step;
    record.loss = record.ceLoss = loss.item<double>();
    record.lr = lr;
    record.gradNorm = gradNorm;
    result.steps.push_back(record);
    trainingSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - stepClock).count();
    sums.loss += record.loss;
    sums.gradNorm += gradNorm;
    ++sums.count;
    evalTrainLossSum += record.loss;
    ++evalTrainCount;
    intervalRows += batchSize;

    if (step % c.train.logEvery == 0) {
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - intervalClock).count();
      const double speed = seconds > 0 ? static_cast<double>(intervalRows) / seconds : 0.0;
      const double n = static_cast<double>(std::max<std::int64_t>(sums.count, 1));
      trainLog.write(step, {sampler.epochsAfter(step, batchSize), static_cast<double>(step * batchSize), lr,
                            sums.loss / n, sums.gradNorm / n, speed, elapsedBefore + meter.elapsedSeconds()});
      if (options.progress) {
        char rate[32];
        std::snprintf(rate, sizeof(rate), "%.2f utt/s", speed);
        std::cerr << meter.line(step, sums.loss / n, lr, std::string(rate)) << "\n";
      }
      sums = {};
      intervalRows = 0;
      intervalClock = std::chrono::steady_clock::now();
    }
    if (step % evalEvery == 0) evaluate();
    if (c.checkpoint.every > 0 && step % c.checkpoint.every == 0) {
      saveCheckpoint();
      savedAtLastStep = true;
    }
  }

  result.lastStep = step;
  result.totalSteps = totalSteps;
  result.finished = step >= totalSteps;
  result.tokensPerSecond =
      trainingSeconds > 0 ? static_cast<double>((step - startStep) * batchSize) / trainingSeconds : 0.0;
  if ((result.finished || outOfTime) && step > startStep && step % evalEvery != 0) evaluate();
  if (!savedAtLastStep && step > startStep) saveCheckpoint();
  result.heldoutLoss = lastValidLoss;
  result.heldoutWer = lastWer;

  if (result.finished || (outOfTime && step > startStep)) {
    const std::size_t averaged = folder.averageNewest(c.checkpoint.averageLast);
    if (averaged > 1) {
      const std::string averagePath = folder.averagedPath();
      WeightLoader::load(*model, SafetensorsSet::openFile(averagePath), "", runtime);
      fs::remove(averagePath);
    }
    model->eval();
    const std::string exportDir = folder.file("export");
    const torch::ScalarType dtype = Runtime::parseDtype(c.exportDtype);
    if (audio) {
      ModelDirectoryWriter::writeWhisperEncoder(exportDir, *model->audio, dtype);
    } else {
      ModelDirectoryWriter::writeVideoEncoder(exportDir, *model->video, dtype);
    }
    SafetensorsWriter head;
    WeightLoader::save(*model->head, head, "ctc_head.", torch::kFloat32);
    head.write(folder.file("ctc_head.safetensors"));
    // Also inside the export, so a bundled encoder can start a later run head and all.
    head.write((fs::path(exportDir) / "ctc_head.safetensors").string());
    RunFolder::writeJson((fs::path(exportDir) / "training.json").string(),
                         {{"stage", c.stage},
                          {"modality", c.ctc.modality},
                          {"ctc_units", c.ctc.units},
                          {"steps", step},
                          {"schedule_completed", result.finished},
                          {"epochs", sampler.epochsAfter(step, batchSize)},
                          {"valid_ctc_loss", lastValidLoss},
                          {"valid_greedy_wer", lastWer},
                          {"averaged_checkpoints", std::max<std::size_t>(averaged, 1)},
                          {"config", c.toJson()}});
    result.exportDir = exportDir;
    if (options.progress) std::cerr << "exported " << exportDir << " (" << c.exportDtype << ")\n";
  }
  return result;
}

}  // namespace sinkscope
