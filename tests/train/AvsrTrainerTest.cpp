// LibTorch before Qt: Qt's `slots` macro breaks LibTorch headers.
#include "support/TinyAvCorpus.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include "core/base/Error.h"
#include "core/io/Safetensors.h"
#include "core/model/AvsrModel.h"
#include "core/model/VideoEncoder.h"
#include "core/model/WhisperEncoder.h"
#include "core/train/AvsrShardReader.h"
#include "core/train/AvsrTrainer.h"
#include "core/train/TrainConfig.h"
#include "core/train/VideoFeatureCache.h"

using namespace sinkscope;
namespace fs = std::filesystem;

namespace {

constexpr double kCurveTolerance = 1e-6;

fs::path scratch() {
  static const fs::path dir = fs::temp_directory_path() / ("avsr-trainer-test-" + std::to_string(::getpid()));
  return dir;
}

// Random tiny encoders written as ctc-stage exports would be.
void writeEncoders() {
  torch::manual_seed(11);
  WhisperEncoderConfig audio;
  audio.dModel = 24;
  audio.numLayers = 1;
  audio.numHeads = 2;
  audio.ffnDim = 48;
  audio.maxSourcePositions = 200;
  ModelDirectoryWriter::writeWhisperEncoder((scratch() / "audio_encoder").string(), WhisperEncoder(audio), torch::kFloat32);
  VideoEncoderConfig video;
  video.numLayers = 1;
  video.embedDim = 16;
  video.ffnDim = 32;
  video.numHeads = 2;
  video.convPosKernel = 8;
  video.convPosGroups = 4;
  video.frontendChannels = 8;
  video.trunkWidths = {8, 8, 8, 16};
  video.trunkBlocks = {1, 1, 1, 1};
  VideoEncoder encoder(video);
  encoder.eval();
  ModelDirectoryWriter::writeVideoEncoder((scratch() / "video_encoder").string(), encoder, torch::kFloat32);
}

TrainConfig config(const std::string& name, const std::string& modality = "avsr") {
  nlohmann::json document = {
      {"stage", "avsr"},
      {"out_dir", (scratch() / name).string()},
      {"seed", 9},
      {"threads", 2},
      {"export_dtype", "fp32"},
      {"decorrelation_lambda", 10.0},
      {"avsr",
       {{"corpus_dir", (scratch() / "corpus").string()},
        {"llm", (scratch() / "llm").string()},
        {"audio_encoder", (scratch() / "audio_encoder").string()},
        {"video_encoder", (scratch() / "video_encoder").string()},
        {"modality", modality},
        {"audio_compression", "stack"},
        {"audio_rate", 4},
        {"video_compression", "avg-pooling"},
        {"video_rate", 2},
        {"projector_hidden", 32},
        {"lora_reduction", 4},
        {"lora_alpha", 4.0},
        {"noise_snr_db", {nullptr, 0}},
        {"noise_kind", "both"},
        {"eval_utterances", 1},
        {"probe_utterances", 1},
        {"max_new_tokens", 4}}},
      {"train",
       {{"epochs", 2}, {"batch_utterances", 4}, {"lr", 3e-3}, {"warmup_steps", 2}, {"log_every", 1}, {"length_buckets", 2}}},
      {"probe", {{"min_queries", 4}}},
      {"checkpoint", {{"every", 2}, {"keep", 3}, {"average_last", 1}}}};
  return TrainConfig::fromJson(document, name + ".json");
}

TrainRunOptions quiet() {
  TrainRunOptions options;
  options.progress = false;
  return options;
}

std::vector<std::string> readLines(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

}  // namespace

class AvsrTrainerTest : public QObject {
  Q_OBJECT

  TrainRunResult straight_;

 private slots:
  void initTestCase() {
    torch::set_num_threads(2);
    fs::remove_all(scratch());
    test::TinyAvCorpus::write(scratch() / "corpus");
    test::TinyAvCorpus::writeLlm(scratch() / "llm");
    writeEncoders();
    straight_ = AvsrTrainer(config("avsr")).run(quiet());
  }

  void cleanupTestCase() { fs::remove_all(scratch()); }

  void trainsWithBothLossesAndLogsPerEpoch() {
    // 12 utterances, 4 per step, 2 epochs: 6 steps, an evaluation after steps 3 and 6.
    QVERIFY(straight_.finished);
    QCOMPARE(straight_.steps.size(), std::size_t(6));
    for (const auto& step : straight_.steps) {
      QVERIFY(std::isfinite(step.ceLoss) && step.ceLoss > 0);
      QVERIFY(step.decLoss > 0);
      QVERIFY(std::fabs(step.loss - (step.ceLoss + step.decLoss)) < 1e-4);
    }
    const auto evalRows = readLines(scratch() / "avsr" / "eval.csv");
    QCOMPARE(evalRows.size(), std::size_t(4));
    QVERIFY(evalRows[1].rfind("0,", 0) == 0 && evalRows[2].rfind("3,", 0) == 0 && evalRows[3].rfind("6,", 0) == 0);
    // The loss behind another utterance's encoder tokens is logged beside the real one;
    // with one eval utterance there is none to swap in.
    QCOMPARE(evalRows[0], std::string("step,epoch,train_loss,valid_loss,valid_wer,valid_cer,valid_loss_mismatched"));
    QVERIFY(QString::fromStdString(evalRows[3]).split(',').at(6).toLower().contains("nan"));
    const auto probeRows = readLines(scratch() / "avsr" / "probe.csv");
    QCOMPARE(probeRows.size(), std::size_t(4));
    for (const char* column : {"bos_sink_l0", "audio_start_sink_l1", "video_end_sink_l0", "prompt_sink_mean", "bos_cos_mean"}) {
      QVERIFY2(probeRows[0].find(column) != std::string::npos, column);
    }
  }

  void sameSeedGivesTheSameCurve() {
    const TrainRunResult again = AvsrTrainer(config("avsr-again")).run(quiet());
    QCOMPARE(again.steps.size(), straight_.steps.size());
    for (std::size_t i = 0; i < again.steps.size(); ++i) {
      QVERIFY2(std::fabs(again.steps[i].loss - straight_.steps[i].loss) <= kCurveTolerance,
               qPrintable(QString("step %1: %2 vs %3").arg(i + 1).arg(again.steps[i].loss).arg(straight_.steps[i].loss)));
    }
  }

  void resumedRunContinuesTheCurve() {
    TrainRunOptions head = quiet();
    head.stopAfterStep = 2;
    QCOMPARE(AvsrTrainer(config("avsr-resumed")).run(head).lastStep, std::int64_t(2));
    TrainRunOptions rest = quiet();
    rest.resume = true;
    const TrainRunResult tail = AvsrTrainer(config("avsr-resumed")).run(rest);
    QVERIFY(tail.finished);
    QCOMPARE(tail.steps.size(), std::size_t(4));
    for (std::size_t i = 0; i < 4; ++i) {
      const auto& expected = straight_.steps[2 + i];
      QVERIFY2(std::fabs(tail.steps[i].loss - expected.loss) <= kCurveTolerance,
               qPrintable(QString("step %1: resumed %2, straight %3").arg(expected.step).arg(tail.steps[i].loss).arg(expected.loss)));
    }
    // The logs hold the uninterrupted run's rows.
    QCOMPARE(readLines(scratch() / "avsr-resumed" / "eval.csv"), readLines(scratch() / "avsr" / "eval.csv"));
    QCOMPARE(readLines(scratch() / "avsr-resumed" / "probe.csv"), readLines(scratch() / "avsr" / "probe.csv"));
    TrainConfig changed = config("avsr-resumed");
    changed.applyOverride("decorrelation_lambda=0");
    QVERIFY_THROWS_EXCEPTION(ConfigError, AvsrTrainer(changed).run(rest));
  }

  void mismatchedEncoderTokensAreScoredBesideTheRealOnes() {
    // Two eval utterances, each scored behind the other's encoder tokens: the model's
    // logits depend on its encoder tokens, so the two losses differ.
    TrainConfig two = config("avsr-mismatched");
    two.applyOverride("avsr.eval_utterances=2");
    two.applyOverride("train.epochs=0");
    two.applyOverride("train.steps=3");
    QVERIFY(AvsrTrainer(two).run(quiet()).finished);
    const auto rows = readLines(scratch() / "avsr-mismatched" / "eval.csv");
    QVERIFY(rows.size() >= 2);
    const QStringList last = QString::fromStdString(rows.back()).split(',');
    QCOMPARE(last.size(), 7);
    const double valid = last[3].toDouble(), mismatched = last[6].toDouble();
    QVERIFY(std::isfinite(mismatched) && mismatched > 0);
    QVERIFY2(std::fabs(mismatched - valid) > 1e-6, qPrintable(QString("%1 vs %2").arg(mismatched).arg(valid)));
  }

  void exportLoadsAndMatchesTheTrainersLoss() {
    const fs::path exported = scratch() / "avsr" / "export";
    auto model = AvsrModel::load(exported.string());
    QVERIFY(!model->isTextOnly());
    QCOMPARE(model->composite()->audioPadSeconds, 0.0);
    QVERIFY(model->defaultModality() == Modality::Avsr);

    // The final evaluation's valid loss is the cross-entropy of valid utterance 0;
    // AvsrModel's own assembly of the export must give the same number.
    const auto reader = AvsrShardReader::open((scratch() / "corpus").string(), "valid");
    const auto u = reader.at(0);
    MediaInput media;
    media.waveform = torch::from_blob(const_cast<std::int16_t*>(u.audio), {u.samples}, torch::kInt16).to(torch::kFloat32) / 32768.0;
    media.mouthRois = torch::from_blob(const_cast<std::uint8_t*>(u.rois), {u.frames, 96, 96}, torch::kUInt8).clone();
    std::vector<std::int64_t> response = model->encodeText(u.text, false);
    response.push_back(*model->tokenizer()->tokenId("<|end_of_text|>"));
    torch::NoGradGuard noGrad;
    const AssembledInput input = model->assemble(media, Modality::Avsr, response, CaptureSpec{});
    const torch::Tensor logits = model->llm()->forward(LlamaInput::embeds(input.embeds));  // [1, T, V]
    const auto length = static_cast<std::int64_t>(input.tokens.size());
    const auto first = length - static_cast<std::int64_t>(response.size());
    const torch::Tensor ce = torch::nn::functional::cross_entropy(
        logits[0].narrow(0, first - 1, static_cast<std::int64_t>(response.size())), torch::tensor(response));
    const auto evalRows = readLines(scratch() / "avsr" / "eval.csv");
    const QStringList last = QString::fromStdString(evalRows.back()).split(',');
    const double logged = last[3].toDouble();
    QVERIFY2(std::fabs(ce.item<double>() - logged) < 1e-4 * std::max(1.0, logged),
             qPrintable(QString("AvsrModel %1, trainer %2").arg(ce.item<double>()).arg(logged)));

    GenerationOptions greedy = model->defaultGenerationOptions();
    greedy.numBeams = 1;
    // A transcript never holds BOS, padding or a modality delimiter.
    const auto& tokenizer = *model->tokenizer();
    for (const char* token : {"<|begin_of_text|>", "<audio>", "</audio>", "<video>", "</video>", "<pad>"}) {
      const auto id = tokenizer.tokenId(token);
      QVERIFY2(id && std::find(greedy.suppressTokenIds.begin(), greedy.suppressTokenIds.end(), *id) !=
                         greedy.suppressTokenIds.end(), token);
    }
    QVERIFY(std::find(greedy.suppressTokenIds.begin(), greedy.suppressTokenIds.end(),
                      *tokenizer.tokenId("<|end_of_text|>")) == greedy.suppressTokenIds.end());
    const auto trace = model->transcribe(media, Modality::Avsr, greedy, CaptureSpec{});
    QVERIFY(trace != nullptr);
  }

  void initFromACompositeExportKeepsItsProjectorsAndLora() {
    // A 1-step run at a vanishing learning rate from the straight run's export: its own
    // export carries the same projector and LoRA weights (a random start would not).
    TrainConfig warm = config("avsr-warm");
    warm.initFrom = (scratch() / "avsr" / "export").string();
    warm.applyOverride("train.epochs=0");
    warm.applyOverride("train.warmup_steps=0");
    warm.applyOverride("train.steps=1");
    warm.applyOverride("train.lr=1e-12");
    QVERIFY(AvsrTrainer(warm).run(quiet()).finished);
    const auto before = SafetensorsFile::open((scratch() / "avsr" / "export" / "model.safetensors").string());
    const auto after = SafetensorsFile::open((scratch() / "avsr-warm" / "export" / "model.safetensors").string());
    int lora = 0, projector = 0;
    for (const auto& key : before->keys()) {
      lora += key.find("lora_") != std::string::npos ? 1 : 0;
      projector += key.rfind("audio_proj.", 0) == 0 ? 1 : 0;
      const auto a = before->tensor(key).toFloat(), b = after->tensor(key).toFloat();
      QCOMPARE(a.values.size(), b.values.size());
      for (std::size_t i = 0; i < a.values.size(); ++i)
        QVERIFY2(std::fabs(a.values[i] - b.values[i]) < 1e-6f, key.c_str());
    }
    QVERIFY(lora > 0 && projector > 0);
  }

  // The cache must hand back exactly what the encoder computed (a warm run repeats the
  // cold run's curve), must be what a run reads (a planted entry changes the curve),
  // and must never trust a damaged entry (a truncated one is recomputed).
  void videoCacheIsReadRepeatsTheCurveAndRecomputesDamage() {
    const fs::path cacheRoot = scratch() / "video-cache";
    auto cached = [&](const std::string& name) {
      TrainConfig c = config(name);
      c.avsr.videoCache = cacheRoot.string();
      return c;
    };
    auto sameCurve = [](const TrainRunResult& a, const TrainRunResult& b) {
      if (a.steps.size() != b.steps.size()) return false;
      for (std::size_t i = 0; i < a.steps.size(); ++i)
        if (std::fabs(a.steps[i].loss - b.steps[i].loss) > kCurveTolerance) return false;
      return true;
    };
    const TrainRunResult cold = AvsrTrainer(cached("avsr-cache-cold")).run(quiet());
    QVERIFY(cold.finished);
    const VideoFeatureCache cache(cacheRoot.string(), (scratch() / "video_encoder").string(),
                                  (scratch() / "corpus").string());
    const AvsrShardReader train = AvsrShardReader::open((scratch() / "corpus").string(), "train");
    for (std::size_t i = 0; i < train.size(); ++i) {
      const auto u = train.at(i);
      const auto features = cache.load(u.id, u.frames);
      QVERIFY2(features.has_value(), u.id.c_str());
      QCOMPARE(features->size(0), u.frames);
      QCOMPARE(features->size(1), std::int64_t(16));
    }

    QVERIFY(sameCurve(AvsrTrainer(cached("avsr-cache-warm")).run(quiet()), cold));

    const auto first = train.at(0);
    cache.store(first.id, torch::zeros({first.frames, 16}));
    QVERIFY(!sameCurve(AvsrTrainer(cached("avsr-cache-planted")).run(quiet()), cold));

    const fs::path entry = fs::path(cache.folder()) / (first.id + ".safetensors");
    QVERIFY(fs::exists(entry));
    fs::resize_file(entry, fs::file_size(entry) / 2);
    QVERIFY(!cache.load(first.id, first.frames).has_value());
    QVERIFY(!cache.load(first.id, first.frames + 1).has_value());
    QVERIFY(sameCurve(AvsrTrainer(cached("avsr-cache-repaired")).run(quiet()), cold));
    QVERIFY(cache.load(first.id, first.frames).has_value());

    // Another encoder (or corpus) keys another folder.
    fs::copy(scratch() / "video_encoder", scratch() / "video_encoder_changed", fs::copy_options::recursive);
    std::ofstream(scratch() / "video_encoder_changed" / "config.json", std::ios::app) << " ";
    const VideoFeatureCache other(cacheRoot.string(), (scratch() / "video_encoder_changed").string(),
                                  (scratch() / "corpus").string());
    QVERIFY(other.folder() != cache.folder());
    QVERIFY(!other.load(first.id, first.frames).has_value());
    QVERIFY_THROWS_EXCEPTION(Error, cache.store("../escape", torch::zeros({1, 16})));
  }

  void audioOnlyModelHasNoVideoPart() {
    TrainConfig asr = config("asr", "asr");
    asr.applyOverride("train.epochs=0.5");
    asr.applyOverride("decorrelation_lambda=0");
    const TrainRunResult result = AvsrTrainer(asr).run(quiet());
    QVERIFY(result.finished);
    QCOMPARE(result.lastStep, std::int64_t(2));
    for (const auto& step : result.steps) QCOMPARE(step.decLoss, 0.0);
    auto model = AvsrModel::load(result.exportDir);
    QVERIFY(model->videoEncoder() == nullptr);
    QVERIFY(model->modalities() == std::vector<Modality>{Modality::Asr});
    QVERIFY(!fs::exists(fs::path(result.exportDir) / "video_encoder"));
  }
};

QTEST_GUILESS_MAIN(AvsrTrainerTest)
#include "AvsrTrainerTest.moc"
