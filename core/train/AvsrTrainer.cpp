#include "core/train/AvsrTrainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <optional>

#include <torch/torch.h>

#include "core/base/Error.h"
#include "core/base/Modality.h"
#include "core/io/Safetensors.h"
#include "core/model/AvsrConfig.h"
#include "core/model/Compression.h"
#include "core/model/Generator.h"
#include "core/model/LlamaForCausalLM.h"
#include "core/model/LogMel.h"
#include "core/model/ModelDirectoryWriter.h"
#include "core/model/Projector.h"
#include "core/model/Runtime.h"
#include "core/model/VideoEncoder.h"
#include "core/model/WeightLoader.h"
#include "core/model/WhisperEncoder.h"
#include "core/text/PhonemeCodeTokens.h"
#include "core/text/Tokenizer.h"
#include "core/train/AvsrFeatures.h"
#include "core/train/AvsrShardReader.h"
#include "core/train/CosineSchedule.h"
#include "core/train/CsvLog.h"
#include "core/train/DecorrelationLoss.h"
#include "core/train/EpochSampler.h"
#include "core/analysis/ErrorRate.h"
#include "core/train/NoiseAugmenter.h"
#include "core/train/Optimization.h"
#include "core/train/ProgressMeter.h"
#include "core/train/RunFolder.h"
#include "core/train/SinkProbe.h"
#include "core/train/StepHash.h"
#include "core/train/VideoFeatureCache.h"

namespace sinkscope {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::vector<std::string> kResumeInvariantKeys = {"seed", "stage", "decorrelation_lambda", "avsr",
                                                       "train.batch_utterances"};
const std::vector<std::string> kLoraGlobs = {"*.lora_*"};
constexpr std::uint64_t kNoisePurpose = 0x6e6f697365;
constexpr std::int64_t kIgnore = -100;

std::int64_t requireToken(const Tokenizer& tokenizer, const std::string& token) {
  const auto id = tokenizer.tokenId(token);
  if (!id) throw ConfigError(tokenizer.source() + ": lacks the token " + token + " that the AVSR layout needs");
  return *id;
}

// One utterance's encoder tokens before the projector: [1, n, features].
struct RowFeatures {
  torch::Tensor audio;
  torch::Tensor video;
};

// A padded training batch of full sequences and what every position is.
struct SequenceBatch {
  torch::Tensor embeds;    // [B, T, D]
  torch::Tensor labels;    // [B, T] next-token targets, kIgnore where none
  torch::Tensor counted;   // [B, T] bool: non-output tokens after BOS (decorrelation)
};

}  // namespace

AvsrTrainer::AvsrTrainer(TrainConfig config) : config_(std::move(config)) {
  if (config_.stage != "avsr") throw ConfigError(config_.source + ": AvsrTrainer runs stage \"avsr\", not \"" + config_.stage + "\"");
}

TrainRunResult AvsrTrainer::run(const TrainRunOptions& options) {
  const TrainConfig& c = config_;
  const TrainConfig::Avsr& a = c.avsr;
  Runtime::setThreads(c.threads);
  const torch::Device device = Runtime::parseDevice(c.device);
  if (device.is_cuda() && c.allowTf32) at::globalContext().setFloat32MatmulPrecision("high");
  const Runtime runtime{device, torch::kFloat32};
  const Modality modality = parseModality(a.modality);
  const bool useAudio = usesAudio(modality);
  const bool useVideo = usesVideo(modality);

  RunFolder folder(c.outDir);
  const std::string latest = folder.open(c.toJson(), options.resume, kResumeInvariantKeys, TrainConfig::normalized);
  const bool resuming = !latest.empty();

  // Data.
  const AvsrShardReader train = AvsrShardReader::open(a.corpusDir, "train");
  const AvsrShardReader valid = AvsrShardReader::open(a.corpusDir, "valid");
  const NoiseAugmenter noise(a.corpusDir, a.noiseSnrDb, a.noiseKind);

  // The composite being trained: what the export's config.json will say.
  AvsrConfig composite;
  composite.name = fs::path(c.outDir).filename().string();
  composite.description = "sinkscope demo model, stage avsr (" + a.modality + "), decorrelation_lambda " +
                          std::to_string(c.decorrelationLambda);
  composite.audioCompressionMode = Compression::parseMode(a.audioCompression);
  composite.audioCompressionRate = a.audioRate;
  composite.videoCompressionMode = Compression::parseMode(a.videoCompression);
  composite.videoCompressionRate = a.videoRate;
  composite.audioPadSeconds = 0.0;
  composite.lora.reduction = a.loraReduction;
  composite.lora.alpha = a.loraAlpha;
  composite.defaultModality = modality;
  composite.numBeams = a.numBeams;
  composite.maxNewTokens = a.maxNewTokens;
  composite.suppressTokens = PhonemeCodeTokens::ofLlm(a.llm);
  const Compression audioCompression(composite.audioCompressionMode, composite.audioCompressionRate);
  const Compression videoCompression(composite.videoCompressionMode, composite.videoCompressionRate);

  // The frozen parts, and LoRA branches seeded before anything else is drawn.
  const Tokenizer tokenizer = Tokenizer::fromFile((fs::path(a.llm) / "tokenizer.json").string());
  LlamaConfig llmConfig = LlamaConfig::fromJson((fs::path(a.llm) / "config.json").string());
  llmConfig.lora = composite.lora;
  torch::manual_seed(c.seed);
  LlamaForCausalLM llm(llmConfig);
  llm->loadWeights(SafetensorsSet::openDirectory(a.llm), "", runtime, kLoraGlobs);
  llm->setTrainableFlags();
  std::shared_ptr<WhisperEncoder> audioEncoder;
  std::shared_ptr<VideoEncoder> videoEncoder;
  std::shared_ptr<Projector> audioProjector, videoProjector;
  std::unique_ptr<LogMel> logMel;
  auto makeProjector = [&](std::int64_t inputDim) {
    ProjectorOptions po;
    po.inputDim = static_cast<int>(inputDim);
    po.hiddenDim = a.projectorHidden;
    po.outputDim = static_cast<int>(llmConfig.hiddenSize);
    po.layerNorm = a.projectorLayerNorm;
    auto projector = std::make_shared<Projector>(po);
    projector->to(device);
    return projector;
  };
  if (useAudio) {
    audioEncoder = WhisperEncoder::load(a.audioEncoder, runtime);
    for (auto& p : audioEncoder->parameters()) p.set_requires_grad(false);
    logMel = std::make_unique<LogMel>(audioEncoder->config().numMelBins);
    audioProjector = makeProjector(audioCompression.outputDim(audioEncoder->config().dModel));
  }
  if (useVideo) {
    videoEncoder = VideoEncoder::load(a.videoEncoder, runtime);
    for (auto& p : videoEncoder->parameters()) p.set_requires_grad(false);
    videoProjector = makeProjector(videoCompression.outputDim(videoEncoder->config().embedDim));
  }

  const std::int64_t bos = tokenizer.bosId() ? *tokenizer.bosId() : llmConfig.bosTokenId;
  const std::int64_t eos = tokenizer.eosIds().empty() ? llmConfig.eosTokenIds.front() : tokenizer.eosIds().front();
  const std::int64_t audioStart = requireToken(tokenizer, composite.audioStartToken);
  const std::int64_t audioEnd = requireToken(tokenizer, composite.audioEndToken);
  const std::int64_t videoStart = requireToken(tokenizer, composite.videoStartToken);
  const std::int64_t videoEnd = requireToken(tokenizer, composite.videoEndToken);
  const std::int64_t pad = requireToken(tokenizer, composite.padToken);
  const std::vector<std::int64_t> prompt = tokenizer.encode(composite.prompts.at(modality), false);

  auto trainableModules = [&]() {
    std::vector<std::pair<std::string, torch::nn::Module*>> modules;
    if (audioProjector) modules.emplace_back("audio_proj.", audioProjector.get());
    if (videoProjector) modules.emplace_back("video_proj.", videoProjector.get());
    return modules;
  };
  std::vector<torch::Tensor> parameters;
  for (auto& [prefix, module] : trainableModules()) {
    for (auto& p : module->parameters()) parameters.push_back(p);
  }
  for (auto& item : llm->named_parameters(true)) {
    if (item.value().requires_grad()) parameters.push_back(item.value());
  }
  std::int64_t trainableCount = 0;
  for (const auto& p : parameters) trainableCount += p.numel();

  const std::int64_t batchSize = c.train.batchUtterances;
  const auto splitSize = static_cast<std::int64_t>(train.size());
  const std::int64_t stepsPerEpoch = (splitSize + batchSize - 1) / batchSize;
  const std::int64_t totalSteps = c.train.epochs > 0
                                      ? static_cast<std::int64_t>(std::ceil(c.train.epochs * static_cast<double>(splitSize) /
                                                                            static_cast<double>(batchSize)))
                                      : c.train.steps;
  if (totalSteps <= 0) throw ConfigError(c.source + ": key 'train.epochs' or 'train.steps' must give a schedule for stage avsr");
  if (options.progress) {
    std::cerr << "avsr " << a.modality << ": " << trainableCount << " trainable parameters (projectors + LoRA), LLM "
              << llmConfig.numHiddenLayers << " x " << llmConfig.hiddenSize << ", " << train.size() << " training / "
              << valid.size() << " valid utterances, " << stepsPerEpoch << " steps per epoch of " << batchSize << "\n";
  }

  std::optional<VideoFeatureCache> videoCache;
  std::int64_t videoCacheHits = 0, videoCacheMisses = 0;
  if (useVideo && !a.videoCache.empty()) {
    videoCache.emplace(a.videoCache, a.videoEncoder, a.corpusDir);
    if (options.progress) std::cerr << "avsr: video encoder outputs cached in " << videoCache->folder() << "\n";
  }

  // Encoder tokens of a set of utterances (frozen encoders, no gradient), before the
  // projectors: [1, n_i, features] per row.
  auto encode = [&](const AvsrShardReader& reader, const std::vector<std::size_t>& rows,
                    const std::vector<std::uint64_t>* noiseKeys) {
    torch::NoGradGuard noGrad;
    std::vector<RowFeatures> out(rows.size());
    if (useAudio) {
      std::vector<std::vector<std::int16_t>> waveforms;
      std::vector<std::int64_t> samples;
      for (std::size_t r = 0; r < rows.size(); ++r) {
        const auto u = reader.at(rows[r]);
        waveforms.push_back(noiseKeys && noise.active() ? noise.apply(u.audio, u.samples, (*noiseKeys)[r])
                                                        : std::vector<std::int16_t>(u.audio, u.audio + u.samples));
        samples.push_back(u.samples);
      }
      const torch::Tensor hidden = audioEncoder->forward(AvsrFeatures::audio(waveforms, *logMel).to(device));  // [B, T, d]
      for (std::size_t r = 0; r < rows.size(); ++r) {
        const std::int64_t kept = AvsrFeatures::audioFrames(samples[r], hidden.size(1));
        out[r].audio = audioCompression.apply(hidden.narrow(0, static_cast<std::int64_t>(r), 1).narrow(1, 0, kept));
      }
    }
    if (useVideo && videoCache) {
      // One utterance at a time, as at inference: no padding frames reach the encoder's
      // attention, so an utterance's features do not depend on its batch.
      for (std::size_t r = 0; r < rows.size(); ++r) {
        const auto u = reader.at(rows[r]);
        std::optional<torch::Tensor> cached = videoCache->load(u.id, u.frames);
        torch::Tensor hidden;
        if (cached) {
          hidden = cached->unsqueeze(0).to(device);
          ++videoCacheHits;
        } else {
          hidden = videoEncoder->forward(AvsrFeatures::video({{u.rois, u.frames}}).to(device));
          videoCache->store(u.id, hidden.squeeze(0));
          ++videoCacheMisses;
        }
        out[r].video = videoCompression.apply(hidden);
      }
    } else if (useVideo) {
      std::vector<std::pair<const std::uint8_t*, std::int64_t>> clips;
      for (std::size_t row : rows) {
        const auto u = reader.at(row);
        clips.emplace_back(u.rois, u.frames);
      }
      const torch::Tensor hidden = videoEncoder->forward(AvsrFeatures::video(clips).to(device));  // [B, F, d]
      for (std::size_t r = 0; r < rows.size(); ++r) {
        out[r].video = videoCompression.apply(
            hidden.narrow(0, static_cast<std::int64_t>(r), 1).narrow(1, 0, clips[r].second));
      }
    }
    return out;
  };

  auto embedIds = [&](const std::vector<std::int64_t>& ids) {
    return llm->embed(torch::tensor(ids, torch::kLong).unsqueeze(0).to(device));  // [1, n, D]
  };

  // One row's sequence: embeddings [1, T, D], and the position counts that say
  // where the prompt ends. `response` may be empty (decoding prompts).
  struct Row {
    torch::Tensor embeds;
    std::vector<std::int64_t> ids;  // token id per position, -1 for encoder tokens
    std::vector<SinkGroup> groups;
    std::int64_t promptEnd = 0;     // positions before the response
  };
  auto assemble = [&](const RowFeatures& features, const std::vector<std::int64_t>& response) {
    Row row;
    std::vector<torch::Tensor> pieces;
    SinkGroup groupAudioStart{"audio_start", {}}, groupAudioEnd{"audio_end", {}}, groupVideoStart{"video_start", {}},
        groupVideoEnd{"video_end", {}}, groupPrompt{"prompt", {}};
    auto addIds = [&](const std::vector<std::int64_t>& ids, SinkGroup* group) {
      if (ids.empty()) return;
      pieces.push_back(embedIds(ids));
      for (auto id : ids) {
        if (group) group->positions.push_back(static_cast<std::int64_t>(row.ids.size()));
        row.ids.push_back(id);
      }
    };
    auto addFeatures = [&](const torch::Tensor& projected) {
      pieces.push_back(projected);
      for (std::int64_t i = 0; i < projected.size(1); ++i) row.ids.push_back(-1);
    };
    addIds({bos}, nullptr);
    if (useAudio) {
      addIds({audioStart}, &groupAudioStart);
      addFeatures(audioProjector->forward(features.audio));  // [1, n_a, D]
      addIds({audioEnd}, &groupAudioEnd);
    }
    if (useVideo) {
      addIds({videoStart}, &groupVideoStart);
      addFeatures(videoProjector->forward(features.video));  // [1, n_v, D]
      addIds({videoEnd}, &groupVideoEnd);
    }
    addIds(prompt, &groupPrompt);
    row.promptEnd = static_cast<std::int64_t>(row.ids.size());
    addIds(response, nullptr);
    row.embeds = torch::cat(pieces, 1);  // [1, T, D]
    if (useAudio) row.groups.insert(row.groups.end(), {groupAudioStart, groupAudioEnd});
    if (useVideo) row.groups.insert(row.groups.end(), {groupVideoStart, groupVideoEnd});
    row.groups.push_back(groupPrompt);
    return row;
  };
  std::vector<std::string> groupNames;
  if (useAudio) groupNames.insert(groupNames.end(), {"audio_start", "audio_end"});
  if (useVideo) groupNames.insert(groupNames.end(), {"video_start", "video_end"});
  groupNames.push_back("prompt");

  auto responseOf = [&](const std::string& text) {
    std::vector<std::int64_t> ids = tokenizer.encode(text, false);
    ids.push_back(eos);
    return ids;
  };

  // Right-padded batch: causal attention keeps real positions from seeing the pads.
  auto makeSequences = [&](const std::vector<RowFeatures>& features, const std::vector<std::string>& texts) {
    std::vector<Row> rows;
    std::int64_t longest = 0;
    for (std::size_t r = 0; r < features.size(); ++r) {
      rows.push_back(assemble(features[r], responseOf(texts[r])));
      longest = std::max(longest, rows.back().embeds.size(1));
    }
    const auto batch = static_cast<std::int64_t>(rows.size());
    const torch::Tensor padEmbed = embedIds({pad});  // [1, 1, D]
    std::vector<torch::Tensor> padded;
    std::vector<std::int64_t> labels(static_cast<std::size_t>(batch * longest), kIgnore);
    std::vector<std::uint8_t> counted(static_cast<std::size_t>(batch * longest), 0);
    for (std::int64_t b = 0; b < batch; ++b) {
      const Row& row = rows[static_cast<std::size_t>(b)];
      const std::int64_t length = row.embeds.size(1);
      padded.push_back(length < longest ? torch::cat({row.embeds, padEmbed.expand({1, longest - length, padEmbed.size(2)})}, 1)
                                        : row.embeds);
      for (std::int64_t t = row.promptEnd - 1; t + 1 < length; ++t) {
        labels[static_cast<std::size_t>(b * longest + t)] = row.ids[static_cast<std::size_t>(t + 1)];
      }
      for (std::int64_t t = 1; t < row.promptEnd; ++t) counted[static_cast<std::size_t>(b * longest + t)] = 1;
    }
    SequenceBatch out;
    out.embeds = torch::cat(padded, 0);  // [B, T, D]
    out.labels = torch::tensor(labels, torch::kLong).reshape({batch, longest}).to(device);
    out.counted = torch::tensor(std::vector<std::int64_t>(counted.begin(), counted.end()), torch::kLong)
                      .reshape({batch, longest})
                      .to(torch::kBool)
                      .to(device);
    return out;
  };

  const DecorrelationLoss decorrelation(c.decorrelationLambda);
  struct Losses {
    torch::Tensor total, ce, dec;
  };
  auto lossOf = [&](const SequenceBatch& batch, bool withDecorrelation) {
    std::vector<torch::Tensor> residuals;
    LlamaForwardOptions forwardOptions;
    if (withDecorrelation) forwardOptions.residuals = &residuals;
    const torch::Tensor logits = llm->forward(LlamaInput::embeds(batch.embeds), forwardOptions);  // [B, T, V]
    Losses losses;
    losses.ce = torch::nn::functional::cross_entropy(
        logits.reshape({-1, logits.size(2)}), batch.labels.reshape({-1}),
        torch::nn::functional::CrossEntropyFuncOptions().ignore_index(kIgnore));
    losses.total = losses.ce;
    if (withDecorrelation) {
      losses.dec = decorrelation.masked(residuals, batch.counted);
      losses.total = losses.total + losses.dec;
    }
    return losses;
  };

  // State, resumed or fresh.
  std::int64_t step = 0;
  double elapsedBefore = 0, lastValidLoss = 0, lastWer = -1;
  struct Sums {
    double loss = 0, ce = 0, dec = 0, gradNorm = 0;
    std::int64_t count = 0;
  } sums;
  double evalTrainLossSum = 0;  // training loss since the last evaluation
  std::int64_t evalTrainCount = 0;
  if (resuming) {
    const SafetensorsSet saved = SafetensorsSet::openFile((fs::path(latest) / "model.safetensors").string());
    for (auto& [prefix, module] : trainableModules()) WeightLoader::load(*module, saved, prefix, runtime);
    if (composite.lora.enabled()) llm->loadWeights(saved, "llm.", runtime, {}, kLoraGlobs);
    llm->setTrainableFlags();
    const json state = RunFolder::readJson((fs::path(latest) / "state.json").string());
    step = state.at("step").get<std::int64_t>();
    elapsedBefore = state.at("elapsed_s").get<double>();
    lastValidLoss = state.value("valid_loss", 0.0);
    lastWer = state.value("valid_wer", -1.0);
    evalTrainLossSum = state.at("eval_sums").at("loss").get<double>();
    evalTrainCount = state.at("eval_sums").at("count").get<std::int64_t>();
    const json& s = state.at("log_sums");
    sums = {s.at("loss").get<double>(), s.at("ce").get<double>(), s.at("dec").get<double>(),
            s.at("grad_norm").get<double>(), s.at("count").get<std::int64_t>()};
    if (options.progress) std::cerr << "resuming from " << latest << " (step " << step << ")\n";
  }
  if (!resuming && !c.initFrom.empty()) {
    // An earlier composite export of the same layout: its projectors and LoRA branches
    // go on from where they ended (the LLM and encoders come from avsr.* as always).
    const SafetensorsSet saved = SafetensorsSet::openDirectory(c.initFrom);
    for (auto& [prefix, module] : trainableModules()) WeightLoader::load(*module, saved, prefix, runtime);
    if (composite.lora.enabled()) llm->loadWeights(saved, "llm.", runtime, {}, kLoraGlobs);
    llm->setTrainableFlags();
    if (options.progress) std::cerr << "starting from the projectors and LoRA of " << c.initFrom << "\n";
  }
  auto optimizer = Optimization::adamW(parameters, c.train);
  if (resuming) torch::load(*optimizer, (fs::path(latest) / "optimizer.pt").string(), device);

  const int numLayers = llmConfig.numHiddenLayers;
  const std::int64_t keepThrough = resuming ? step : -1;
  CsvLog trainLog(folder.file("train.csv"),
                  {"step", "epoch", "utterances", "lr", "loss", "ce_loss", "dec_loss", "grad_norm", "utterances_per_s",
                   "elapsed_s"},
                  keepThrough);
  CsvLog evalLog(folder.file("eval.csv"), {"step", "epoch", "train_loss", "valid_loss", "valid_wer", "valid_cer", "valid_loss_mismatched"},
                 keepThrough);
  std::vector<std::string> probeColumns = {"step", "epoch", "valid_loss"};
  for (const auto& name : SinkProbe::columns(numLayers, groupNames)) probeColumns.push_back(name);
  CsvLog probeLog(folder.file("probe.csv"), probeColumns, keepThrough);

  EpochSampler sampler(train.lengths(), c.seed, c.train.lengthBuckets);  // 0 buckets: random batches
  const CosineSchedule schedule(c.train.lr, c.train.warmupSteps, totalSteps, c.train.minLrRatio);
  // Evaluation (loss, greedy WER, sink probe) at every epoch's end and every
  // probe.every steps within it, so short fine-tunings still give a sink curve.
  const std::int64_t evalEvery =
      c.probe.every > 0 ? std::min<std::int64_t>(c.probe.every, stepsPerEpoch) : stepsPerEpoch;
  auto evalDue = [&](std::int64_t s) { return s % evalEvery == 0 || s % stepsPerEpoch == 0; };
  const SinkProbe probe(SinkProbe::Options{c.probe.threshold, c.probe.minQueries});

  std::vector<std::size_t> evalRows;
  const auto evalCount = std::min<std::int64_t>(a.evalUtterances, static_cast<std::int64_t>(valid.size()));
  for (std::int64_t i = 0; i < evalCount; ++i) {
    evalRows.push_back(static_cast<std::size_t>(i * static_cast<std::int64_t>(valid.size()) / evalCount));
  }

  auto evaluate = [&]() {
    torch::NoGradGuard noGrad;
    double lossSum = 0;
    ErrorRate errors;
    GenerationOptions generation;
    generation.numBeams = 1;
    generation.maxNewTokens = a.maxNewTokens;
    generation.eosTokenIds = {eos};
    generation.suppressTokenIds = composite.idsNeverTranscribed(tokenizer, bos, {eos});
    std::vector<LlamaInput> probeInputs;
    std::vector<std::vector<SinkGroup>> probeGroups;
    std::vector<RowFeatures> evalFeatures;  // every eval row's, for the mismatched loss below
    std::vector<std::string> evalTexts;
    for (std::size_t first = 0; first < evalRows.size(); first += static_cast<std::size_t>(batchSize)) {
      const std::vector<std::size_t> rows(
          evalRows.begin() + static_cast<std::ptrdiff_t>(first),
          evalRows.begin() + static_cast<std::ptrdiff_t>(std::min(evalRows.size(), first + static_cast<std::size_t>(batchSize))));
      const auto features = encode(valid, rows, nullptr);
      std::vector<std::string> texts;
      for (std::size_t row : rows) texts.push_back(valid.at(row).text);
      lossSum += lossOf(makeSequences(features, texts), false).ce.item<double>() * static_cast<double>(rows.size());
      evalFeatures.insert(evalFeatures.end(), features.begin(), features.end());
      evalTexts.insert(evalTexts.end(), texts.begin(), texts.end());
      for (std::size_t r = 0; r < rows.size(); ++r) {
        const Row promptRow = assemble(features[r], {});
        Generator generator(llm, generation);
        const GenerationResult decoded = generator.generate(LlamaInput::embeds(promptRow.embeds));
        errors.add(texts[r], tokenizer.decode(decoded.ids, true));
        if (static_cast<int>(probeInputs.size()) < a.probeUtterances) {
          Row full = assemble(features[r], responseOf(texts[r]));
          probeInputs.push_back(LlamaInput::embeds(full.embeds));
          probeGroups.push_back(full.groups);
        }
      }
    }
    lastValidLoss = lossSum / static_cast<double>(evalRows.size());
    // The same transcripts behind the next eval utterance's encoder tokens: how far
    // this loss stays above valid_loss is how much the decoder reads its encoders (a
    // decoder that ignores them scores the same on both).
    // With a single eval utterance there is nothing to swap in: NaN, not a copy of valid_loss.
    double mismatchedLoss = std::numeric_limits<double>::quiet_NaN();
    if (evalRows.size() > 1) {
      double mismatchedSum = 0;
      for (std::size_t first = 0; first < evalRows.size(); first += static_cast<std::size_t>(batchSize)) {
        const std::size_t end = std::min(evalRows.size(), first + static_cast<std::size_t>(batchSize));
        std::vector<RowFeatures> shifted;
        for (std::size_t i = first; i < end; ++i) shifted.push_back(evalFeatures[(i + 1) % evalFeatures.size()]);
        const std::vector<std::string> texts(evalTexts.begin() + static_cast<std::ptrdiff_t>(first),
                                             evalTexts.begin() + static_cast<std::ptrdiff_t>(end));
        mismatchedSum += lossOf(makeSequences(shifted, texts), false).ce.item<double>() * static_cast<double>(end - first);
      }
      mismatchedLoss = mismatchedSum / static_cast<double>(evalRows.size());
    }
    lastWer = errors.wer();
    const double epoch = sampler.epochsAfter(step, batchSize);
    evalLog.write(step, {epoch, evalTrainCount > 0 ? evalTrainLossSum / static_cast<double>(evalTrainCount) : 0.0,
                         lastValidLoss, errors.wer(), errors.cer(), mismatchedLoss});
    evalTrainLossSum = 0;
    evalTrainCount = 0;
    const auto layers = probe.run(llm, probeInputs, probeGroups);
    std::vector<double> probeRow = {epoch, lastValidLoss};
    for (double v : SinkProbe::row(layers)) probeRow.push_back(v);
    probeLog.write(step, probeRow);
    if (options.progress) {
      const auto summary = SinkProbe::row(layers);
      const std::size_t base = summary.size() - 4 - groupNames.size();
      std::string groupsText;
      for (std::size_t g = 0; g < groupNames.size(); ++g) {
        char item[64];
        std::snprintf(item, sizeof(item), ", %s %.2f", groupNames[g].c_str(), summary[base + 4 + g]);
        groupsText += item;
      }
      char line[512];
      std::snprintf(line, sizeof(line),
                    "eval step %lld: valid loss %.4f (%.4f with mismatched encoder tokens), greedy WER %.3f, CER %.3f; "
                    "BOS-sink heads %.2f (mean BOS score %.3f)%s, max/median %.1f, BOS cos %.3f",
                    static_cast<long long>(step), lastValidLoss, mismatchedLoss, errors.wer(), errors.cer(), summary[base - 1],
                    summary[base], groupsText.c_str(), summary[base + 2], summary[base + 3]);
      std::cerr << line << "\n";
    }
  };

  ProgressMeter meter(step, totalSteps);
  auto saveTrainable = [&](const std::string& path, torch::ScalarType dtype) {
    SafetensorsWriter writer;
    for (auto& [prefix, module] : trainableModules()) WeightLoader::save(*module, writer, prefix, dtype);
    if (composite.lora.enabled()) WeightLoader::save(*llm, writer, "llm.", dtype, kLoraGlobs);
    writer.write(path);
  };
  auto saveCheckpoint = [&]() {
    folder.saveCheckpoint(step, c.checkpoint.keep, [&](const std::string& dir) {
      saveTrainable((fs::path(dir) / "model.safetensors").string(), torch::kFloat32);
      torch::save(*optimizer, (fs::path(dir) / "optimizer.pt").string());
      RunFolder::writeJson((fs::path(dir) / "state.json").string(),
                           {{"step", step},
                            {"total_steps", totalSteps},
                            {"elapsed_s", elapsedBefore + meter.elapsedSeconds()},
                            {"valid_loss", lastValidLoss},
                            {"valid_wer", lastWer},
                            {"eval_sums", {{"loss", evalTrainLossSum}, {"count", evalTrainCount}}},
                            {"log_sums",
                             {{"loss", sums.loss}, {"ce", sums.ce}, {"dec", sums.dec}, {"grad_norm", sums.gradNorm},
                              {"count", sums.count}}}});
    });
  };

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
    std::vector<std::string> texts;
    for (std::int64_t b = 0; b < batchSize; ++b) {
      rows.push_back(sampler.at(next, batchSize, b));
      keys.push_back(StepHash::of(c.seed, next, b, kNoisePurpose));
      texts.push_back(train.at(rows.back()).text);
    }
    const auto features = encode(train, rows, &keys);
    optimizer->zero_grad();
    const Losses losses = lossOf(makeSequences(features, texts), c.decorrelationLambda > 0);
    losses.total.backward();
    const double gradNorm = Optimization::clipGradients(parameters, c.train.clipNorm);
    optimizer->step();
    step = next;
    savedAtLastStep = false;

    TrainStepRecord record;
    record.step = step;
    record.loss = losses.total.item<double>();
    record.ceLoss = losses.ce.item<double>();
    record.decLoss = losses.dec.defined() ? losses.dec.item<double>() : 0.0;
    record.lr = lr;
    record.gradNorm = gradNorm;
    result.steps.push_back(record);
    trainingSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - stepClock).count();
    sums.loss += record.loss;
    sums.ce += record.ceLoss;
    sums.dec += record.decLoss;
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
                            sums.loss / n, sums.ce / n, sums.dec / n, sums.gradNorm / n, speed,
                            elapsedBefore + meter.elapsedSeconds()});
      if (options.progress) {
        char rate[32];
        std::snprintf(rate, sizeof(rate), "%.2f utt/s", speed);
        std::cerr << meter.line(step, sums.loss / n, lr, std::string(rate)) << "\n";
      }
      sums = {};
      intervalRows = 0;
      intervalClock = std::chrono::steady_clock::now();
    }
    if (evalDue(step)) evaluate();
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
  if ((result.finished || outOfTime) && step > startStep && !evalDue(step)) evaluate();
  if (!savedAtLastStep && step > startStep) saveCheckpoint();
  result.heldoutLoss = lastValidLoss;
  result.heldoutWer = lastWer;
  if (videoCache && options.progress) {
    std::cerr << "avsr: video features of " << videoCacheHits << " utterances read from the cache, " << videoCacheMisses
              << " encoded and stored\n";
  }

  if (result.finished || (outOfTime && step > startStep)) {
    const std::size_t averaged = folder.averageNewest(c.checkpoint.averageLast);
    if (averaged > 1) {
      const std::string averagePath = folder.averagedPath();
      const SafetensorsSet mean = SafetensorsSet::openFile(averagePath);
      for (auto& [prefix, module] : trainableModules()) WeightLoader::load(*module, mean, prefix, runtime);
      if (composite.lora.enabled()) llm->loadWeights(mean, "llm.", runtime, {}, kLoraGlobs);
      fs::remove(averagePath);
    }
    const fs::path exportDir = folder.file("export");
    fs::remove_all(exportDir);
    fs::create_directories(exportDir);
    auto copyPart = [&](const std::string& from, const std::string& part) {
      fs::copy(from, exportDir / part, fs::copy_options::recursive);
      return part;
    };
    composite.llmPart = copyPart(a.llm, "llm");
    if (useAudio) composite.audioEncoderPart = copyPart(a.audioEncoder, "audio_encoder");
    if (useVideo) composite.videoEncoderPart = copyPart(a.videoEncoder, "video_encoder");
    composite.weightsPath = (exportDir / "model.safetensors").string();
    ModelDirectoryWriter::writeComposite(exportDir.string(), composite, *llm, audioProjector.get(),
                                         videoProjector.get(), Runtime::parseDtype(c.exportDtype));
    RunFolder::writeJson((exportDir / "training.json").string(),
                         {{"stage", c.stage},
                          {"modality", a.modality},
                          {"steps", step},
                          {"schedule_completed", result.finished},
                          {"epochs", sampler.epochsAfter(step, batchSize)},
                          {"valid_loss", lastValidLoss},
                          {"valid_greedy_wer", lastWer},
                          {"averaged_checkpoints", std::max<std::size_t>(averaged, 1)},
                          {"config", c.toJson()}});
    result.exportDir = exportDir.string();
    if (options.progress) std::cerr << "exported " << result.exportDir << " (" << c.exportDtype << ")\n";
  }
  return result;
}

}  // namespace sinkscope
