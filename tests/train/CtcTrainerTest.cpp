// LibTorch before Qt: Qt's `slots` macro breaks LibTorch headers.
#include "support/TinyAvCorpus.h"

#include <algorithm>
#include <QtTest>

#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include "core/base/Error.h"
#include "core/model/VideoEncoder.h"
#include "core/model/VideoEncoderConfig.h"
#include "core/model/WhisperEncoder.h"
#include "core/model/WhisperEncoderConfig.h"
#include "core/train/CtcAlphabet.h"
#include "core/train/CtcTrainer.h"
#include "core/train/CtcUnits.h"
#include "core/train/PhonemeTable.h"
#include "core/train/RunFolder.h"
#include "core/text/Tokenizer.h"
#include "core/train/TrainConfig.h"

using namespace sinkscope;
namespace fs = std::filesystem;

namespace {

constexpr double kCurveTolerance = 1e-6;

fs::path scratch() {
  static const fs::path dir = fs::temp_directory_path() / ("ctc-trainer-test-" + std::to_string(::getpid()));
  return dir;
}

nlohmann::json audioEncoder() {
  WhisperEncoderConfig c;
  c.dModel = 32;
  c.numLayers = 1;
  c.numHeads = 2;
  c.ffnDim = 64;
  c.maxSourcePositions = 200;
  return c.toJson();
}

nlohmann::json videoEncoder() {
  VideoEncoderConfig c;
  c.numLayers = 1;
  c.embedDim = 32;
  c.ffnDim = 64;
  c.numHeads = 2;
  c.convPosKernel = 8;
  c.convPosGroups = 4;
  c.frontendChannels = 8;
  c.trunkWidths = {8, 8, 16, 16};
  c.trunkBlocks = {1, 1, 1, 1};
  return c.toJson();
}

TrainConfig config(const std::string& name, const std::string& modality) {
  nlohmann::json document = {
      {"stage", "ctc"},
      {"out_dir", (scratch() / name).string()},
      {"seed", 7},
      {"threads", 2},
      {"export_dtype", "fp32"},
      {"ctc",
       {{"corpus_dir", (scratch() / "corpus").string()},
        {"modality", modality},
        {"encoder", modality == "audio" ? audioEncoder() : videoEncoder()},
        {"eval_utterances", 4},
        {"noise_snr_db", {nullptr, 5}}}},
      {"train",
       {{"steps", 6}, {"batch_utterances", 4}, {"lr", 3e-3}, {"warmup_steps", 2}, {"log_every", 1}, {"length_buckets", 2}}},
      {"probe", {{"every", 3}}},
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

class CtcTrainerTest : public QObject {
  Q_OBJECT

  TrainRunResult straight_;

 private slots:
  void initTestCase() {
    torch::set_num_threads(2);
    fs::remove_all(scratch());
    test::TinyAvCorpus::write(scratch() / "corpus");
    straight_ = CtcTrainer(config("audio", "audio")).run(quiet());
  }

  void cleanupTestCase() { fs::remove_all(scratch()); }

  void alphabetSpellsAndCollapses() {
    const auto ids = CtcAlphabet::encode("a cat's!");
    QCOMPARE(ids, (std::vector<std::int64_t>{2, 1, 4, 2, 21, 28, 20}));
    // Repeats merge unless a blank separates them: "aa" needs a blank in between.
    QCOMPARE(CtcAlphabet::decodeGreedy({0, 2, 2, 0, 2, 1, 1, 4, 0}), std::string("aa c"));
  }

  void audioRunsLogsAndLearns() {
    QVERIFY(straight_.finished);
    QCOMPARE(straight_.steps.size(), std::size_t(6));
    for (const auto& step : straight_.steps) QVERIFY(std::isfinite(step.loss) && step.loss > 0);
    QVERIFY(straight_.steps.back().loss < straight_.steps.front().loss);
    // eval.csv: step 0 and every 3 steps, with CER and WER of greedy decoding.
    const auto rows = readLines(scratch() / "audio" / "eval.csv");
    QCOMPARE(rows.size(), std::size_t(4));
    QCOMPARE(rows[0], std::string("step,epoch,train_loss,valid_loss,valid_cer,valid_wer"));
    QVERIFY(rows[1].rfind("0,", 0) == 0 && rows[2].rfind("3,", 0) == 0 && rows[3].rfind("6,", 0) == 0);
    QVERIFY(straight_.heldoutWer >= 0);
  }

  // Both checks failed while the encoders' convolutions ran through oneDNN (gradients
  // differed from run to run and could turn non-finite); CtcTrainer switches it off.
  void sameSeedGivesTheSameCurve() {
    const TrainRunResult again = CtcTrainer(config("audio-again", "audio")).run(quiet());
    QCOMPARE(again.steps.size(), straight_.steps.size());
    for (std::size_t i = 0; i < again.steps.size(); ++i) {
      QVERIFY2(std::fabs(again.steps[i].loss - straight_.steps[i].loss) <= kCurveTolerance &&
                   std::fabs(again.steps[i].gradNorm - straight_.steps[i].gradNorm) <=
                       kCurveTolerance * std::max(1.0, straight_.steps[i].gradNorm),
               qPrintable(QString("step %1: loss %2 vs %3, grad norm %4 vs %5")
                              .arg(i + 1)
                              .arg(again.steps[i].loss)
                              .arg(straight_.steps[i].loss)
                              .arg(again.steps[i].gradNorm)
                              .arg(straight_.steps[i].gradNorm)));
    }
  }

  void resumedRunContinuesTheCurve() {
    TrainRunOptions head = quiet();
    head.stopAfterStep = 3;
    QCOMPARE(CtcTrainer(config("audio-resumed", "audio")).run(head).lastStep, std::int64_t(3));
    QVERIFY_THROWS_EXCEPTION(Error, CtcTrainer(config("audio-resumed", "audio")).run(quiet()));
    TrainRunOptions rest = quiet();
    rest.resume = true;
    const TrainRunResult tail = CtcTrainer(config("audio-resumed", "audio")).run(rest);
    QVERIFY(tail.finished);
    QCOMPARE(tail.steps.size(), std::size_t(3));
    for (std::size_t i = 0; i < 3; ++i) {
      const auto& expected = straight_.steps[3 + i];
      QCOMPARE(tail.steps[i].step, expected.step);
      QVERIFY2(std::fabs(tail.steps[i].loss - expected.loss) <= kCurveTolerance,
               qPrintable(QString("step %1: resumed %2, straight %3").arg(expected.step).arg(tail.steps[i].loss).arg(expected.loss)));
    }
    // The logs hold the uninterrupted run's rows.
    QCOMPARE(readLines(scratch() / "audio-resumed" / "eval.csv"), readLines(scratch() / "audio" / "eval.csv"));
    QCOMPARE(readLines(scratch() / "audio-resumed" / "train.csv").size(), std::size_t(7));
    // Another encoder is another experiment.
    TrainConfig changed = config("audio-resumed", "audio");
    changed.applyOverride("ctc.encoder.d_model=64");
    QVERIFY_THROWS_EXCEPTION(ConfigError, CtcTrainer(changed).run(rest));
  }

  void audioExportLoadsAsAnEncoderPart() {
    const fs::path exported = scratch() / "audio" / "export";
    auto encoder = WhisperEncoder::load(exported.string(), Runtime{});
    QCOMPARE(encoder->config().dModel, 32);
    // The export holds the final weights (average_last 1): same as the last checkpoint.
    auto checkpoint = SafetensorsFile::open((scratch() / "audio" / "checkpoints" / "step-00000006" / "model.safetensors").string());
    auto part = SafetensorsFile::open((exported / "model.safetensors").string());
    const auto a = checkpoint->tensor("encoder.layers.0.fc1.weight").toFloat();
    const auto b = part->tensor("model.encoder.layers.0.fc1.weight").toFloat();
    QCOMPARE(a.values, b.values);
    torch::NoGradGuard noGrad;
    const torch::Tensor out = encoder->forward(torch::randn({1, 80, 100}));
    QCOMPARE(out.size(1), std::int64_t(50));
    QVERIFY(torch::isfinite(out).all().item<bool>());
    QVERIFY(fs::exists(scratch() / "audio" / "ctc_head.safetensors"));
  }

  void initFromAnExportLoadsEncoderAndHead() {
    // One step at a vanishing learning rate: the new run's export must be the export it
    // started from, encoder and CTC head (the head now travels inside the export).
    const fs::path source = scratch() / "audio" / "export";
    QVERIFY(fs::exists(source / "ctc_head.safetensors"));
    TrainConfig warm = config("audio-warm", "audio");
    warm.initFrom = source.string();
    warm.applyOverride("train.warmup_steps=0");
    warm.applyOverride("train.steps=1");
    warm.applyOverride("train.lr=1e-12");
    QVERIFY(CtcTrainer(warm).run(quiet()).finished);
    const fs::path target = scratch() / "audio-warm" / "export";
    for (const auto& [file, key] : {std::pair<std::string, std::string>{"model.safetensors", "model.encoder.layers.0.fc1.weight"},
                                    {"ctc_head.safetensors", "ctc_head.weight"}}) {
      const auto a = SafetensorsFile::open((source / file).string())->tensor(key).toFloat();
      const auto b = SafetensorsFile::open((target / file).string())->tensor(key).toFloat();
      QCOMPARE(a.values.size(), b.values.size());
      for (std::size_t i = 0; i < a.values.size(); ++i)
        QVERIFY2(std::fabs(a.values[i] - b.values[i]) < 1e-6f, qPrintable(QString::fromStdString(key)));
    }
  }

  void tokenUnitsSpellTheLlmsTokens() {
    // ctc.units = a tokenizer.json: the head has one output per token plus the blank,
    // targets are token ids + 1, greedy decoding gives text back, and an init_from
    // export with character units starts the encoder (and seeds the head, below).
    const std::string tokenizerPath = std::string(SINKSCOPE_SOURCE_DIR) + "/tests/fixtures/text/llama3_bpe.tokenizer.json";
    const CtcUnits units = CtcUnits::fromSetting(tokenizerPath);
    const Tokenizer tokenizer = Tokenizer::fromFile(tokenizerPath);
    QVERIFY(units.tokens());
    QCOMPARE(units.size(), tokenizer.vocabSize() + 1);
    const std::vector<std::int64_t> ids = units.encode("the cat");
    std::vector<std::int64_t> expected = tokenizer.encode("the cat", false);
    for (auto& id : expected) id += 1;
    QCOMPARE(ids, expected);
    std::vector<std::int64_t> frames = {0};
    for (auto id : ids) frames.insert(frames.end(), {id, id, 0});
    QCOMPARE(units.decodeGreedy(frames), std::string("the cat"));

    TrainConfig tokens = config("audio-tokens", "audio");
    tokens.applyOverride("ctc.units=\"" + tokenizerPath + "\"");
    tokens.initFrom = (scratch() / "audio" / "export").string();
    tokens.applyOverride("train.steps=3");
    const TrainRunResult run = CtcTrainer(tokens).run(quiet());
    QVERIFY(run.finished);
    for (const auto& step : run.steps) QVERIFY(std::isfinite(step.loss) && step.loss > 0);
    const auto head = SafetensorsFile::open((scratch() / "audio-tokens" / "export" / "ctc_head.safetensors").string())
                          ->tensor("ctc_head.weight")
                          .toFloat();
    QCOMPARE(static_cast<std::int64_t>(head.values.size()), units.size() * 32);
    const auto training = RunFolder::readJson((scratch() / "audio-tokens" / "export" / "training.json").string());
    QCOMPARE(training.at("ctc_units").get<std::string>(), tokenizerPath);

    TrainConfig missing = config("audio-no-tokenizer", "audio");
    missing.applyOverride("ctc.units=\"/nonexistent/tokenizer.json\"");
    QVERIFY_THROWS_EXCEPTION(ConfigError, CtcTrainer(missing).run(quiet()));
  }

  void phonemeUnitsReadTheTable() {
    // ctc.units = "phonemes:TABLE": id 1 is the word break, 2 + i the i-th code; the
    // targets come from the table, greedy decoding gives codes back, and error rates
    // compare against the codes, not the transcript. Here each letter codes as its
    // upper-case twin, so a sentence's codes differ from its text.
    const fs::path table = scratch() / "phonemes.tsv";
    {
      std::ofstream out(table);
      for (const auto& sentence : test::TinyAvCorpus::sentences()) {
        std::string coded;
        for (const char ch : sentence) coded += ch == ' ' ? ' ' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        out << sentence << "\t" << coded << "\n";
      }
    }
    const CtcUnits units = CtcUnits::fromSetting(std::string(CtcUnits::kPhonemesPrefix) + table.string());
    QVERIFY(units.phonemes() && !units.tokens());
    QCOMPARE(units.size(), 2 + static_cast<std::int64_t>(PhonemeTable::codes().size()));
    const std::string sentence = test::TinyAvCorpus::sentences().at(0);
    const std::vector<std::int64_t> ids = units.encode(sentence);
    QCOMPARE(ids.size(), sentence.size());
    QCOMPARE(ids.at(0), 2 + static_cast<std::int64_t>(PhonemeTable::codes().find(static_cast<char>(std::toupper(sentence[0])))));
    std::vector<std::int64_t> frames = {0};
    for (auto id : ids) frames.insert(frames.end(), {id, id, 0});
    QCOMPARE(units.decodeGreedy(frames), units.reference(sentence));
    QVERIFY(units.reference(sentence) != sentence);
    QVERIFY_THROWS_EXCEPTION(Error, units.encode("a sentence the table lacks"));
    QCOMPARE(units.spellings().at(1), CtcAlphabet::encode(" "));
    QVERIFY(units.spellings().at(2).empty());

    TrainConfig phonemes = config("audio-phonemes", "audio");
    phonemes.applyOverride("ctc.units=\"phonemes:" + table.string() + "\"");
    phonemes.applyOverride("train.steps=3");
    const TrainRunResult run = CtcTrainer(phonemes).run(quiet());
    QVERIFY(run.finished);
    for (const auto& step : run.steps) QVERIFY(std::isfinite(step.loss) && step.loss > 0);

    // A table without the corpus's sentences, a malformed one, a missing one: config errors.
    const fs::path partial = scratch() / "phonemes-partial.tsv";
    { std::ofstream(partial) << "some other sentence\tABC\n"; }
    const fs::path malformed = scratch() / "phonemes-malformed.tsv";
    { std::ofstream(malformed) << "no tab on this line\n"; }
    for (const fs::path& bad : {partial, malformed, scratch() / "no-such-table.tsv"}) {
      TrainConfig broken = config("audio-phonemes-bad", "audio");
      broken.applyOverride("ctc.units=\"phonemes:" + bad.string() + "\"");
      QVERIFY_THROWS_EXCEPTION(ConfigError, CtcTrainer(broken).run(quiet()));
    }
    const fs::path badCode = scratch() / "phonemes-bad-code.tsv";
    { std::ofstream(badCode) << "a\tx\"y\n"; }
    QVERIFY_THROWS_EXCEPTION(FormatError, PhonemeTable::fromFile(badCode.string()));
  }

  void tokenHeadIsSeededFromTheCharacterHead() {
    // A character export starting a token run hands its head on: each token's row is the
    // mean of its letters' rows, its bias their mean less 1 per extra letter, and a token
    // the alphabet cannot spell starts silent. Without the seed the run sits on CTC's
    // all-blank plateau (session 8).
    const std::string tokenizerPath = std::string(SINKSCOPE_SOURCE_DIR) + "/tests/fixtures/text/llama3_bpe.tokenizer.json";
    const CtcUnits units = CtcUnits::fromSetting(tokenizerPath);
    const Tokenizer tokenizer = Tokenizer::fromFile(tokenizerPath);
    const auto spellings = units.spellings();
    QCOMPARE(static_cast<std::int64_t>(spellings.size()), units.size());
    QCOMPARE(spellings[0], std::vector<std::int64_t>{CtcUnits::kBlank});
    const std::int64_t a = tokenizer.encode("a", false).at(0) + 1;
    QCOMPARE(spellings[static_cast<std::size_t>(a)], CtcAlphabet::encode("a"));
    const std::vector<std::int64_t> the = tokenizer.encode(" the", false);
    QCOMPARE(the.size(), std::size_t{1});  // one merged token in this fixture
    QCOMPARE(spellings[static_cast<std::size_t>(the[0] + 1)], CtcAlphabet::encode(" the"));
    const std::int64_t bos = tokenizer.encode("<|begin_of_text|>", false).at(0) + 1;
    QVERIFY(spellings[static_cast<std::size_t>(bos)].empty());

    TrainConfig tokens = config("audio-tokens-seeded", "audio");
    tokens.applyOverride("ctc.units=\"" + tokenizerPath + "\"");
    tokens.initFrom = (scratch() / "audio" / "export").string();
    tokens.applyOverride("train.warmup_steps=0");
    tokens.applyOverride("train.steps=1");
    tokens.applyOverride("train.lr=1e-12");
    QVERIFY(CtcTrainer(tokens).run(quiet()).finished);
    const auto open = [](const fs::path& dir, const std::string& key) {
      return SafetensorsFile::open((dir / "ctc_head.safetensors").string())->tensor(key).toFloat().values;
    };
    const fs::path characterDir = scratch() / "audio" / "export";
    const fs::path tokenDir = scratch() / "audio-tokens-seeded" / "export";
    const auto cw = open(characterDir, "ctc_head.weight"), cb = open(characterDir, "ctc_head.bias");
    const auto tw = open(tokenDir, "ctc_head.weight"), tb = open(tokenDir, "ctc_head.bias");
    constexpr std::size_t width = 32;
    const auto expectRow = [&](std::int64_t unit, const std::vector<std::int64_t>& letters) {
      double bias = 0;
      for (auto l : letters) bias += cb[static_cast<std::size_t>(l)];
      bias = bias / static_cast<double>(letters.size()) - static_cast<double>(letters.size() - 1);
      QVERIFY(std::fabs(tb[static_cast<std::size_t>(unit)] - bias) < 1e-4);
      for (std::size_t k = 0; k < width; ++k) {
        double w = 0;
        for (auto l : letters) w += cw[static_cast<std::size_t>(l) * width + k];
        w /= static_cast<double>(letters.size());
        QVERIFY(std::fabs(tw[static_cast<std::size_t>(unit) * width + k] - w) < 1e-5);
      }
    };
    expectRow(0, {0});
    expectRow(a, CtcAlphabet::encode("a"));
    expectRow(the[0] + 1, CtcAlphabet::encode(" the"));
    for (std::size_t k = 0; k < width; ++k) QCOMPARE(tw[static_cast<std::size_t>(bos) * width + k], 0.0f);
    QVERIFY(tb[static_cast<std::size_t>(bos)] < *std::min_element(cb.begin(), cb.end()) - 9.0f);
  }

  void videoEncoderTrainsAndExports() {
    TrainConfig video = config("video", "video");
    video.applyOverride("train.steps=3");
    video.applyOverride("train.warmup_steps=1");
    const TrainRunResult result = CtcTrainer(video).run(quiet());
    QVERIFY(result.finished);
    for (const auto& step : result.steps) QVERIFY(std::isfinite(step.loss));
    auto encoder = VideoEncoder::load((scratch() / "video" / "export").string(), Runtime{});
    QCOMPARE(encoder->config().embedDim, 32);
    {
      torch::NoGradGuard noGrad;
      const torch::Tensor out = encoder->forward(torch::randn({1, 1, 5, 88, 88}));
      QVERIFY(out.sizes() == torch::IntArrayRef({1, 5, 32}));
    }

    // The video trunk trains with oneDNN convolutions ("auto"); they must stay
    // reproducible, or resumed runs would not continue their curves.
    TrainConfig again = config("video-again", "video");
    again.applyOverride("train.steps=3");
    again.applyOverride("train.warmup_steps=1");
    const TrainRunResult second = CtcTrainer(again).run(quiet());
    QCOMPARE(second.steps.size(), result.steps.size());
    for (std::size_t i = 0; i < result.steps.size(); ++i)
      QVERIFY(std::abs(second.steps[i].loss - result.steps[i].loss) <= 1e-6);
  }

  void unknownConvolutionChoiceIsRefused() {
    TrainConfig bad = config("video-bad", "video");
    QVERIFY_THROWS_EXCEPTION(ConfigError, bad.applyOverride("ctc.convolutions=fast"));
  }
};

QTEST_GUILESS_MAIN(CtcTrainerTest)
#include "CtcTrainerTest.moc"
