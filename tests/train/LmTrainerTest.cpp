// LibTorch before Qt: Qt's `slots` macro breaks LibTorch headers.
#include "core/model/LlamaForCausalLM.h"

#include <QtTest>

#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include "core/base/Error.h"
#include "core/io/Safetensors.h"
#include "core/text/Tokenizer.h"
#include "core/train/LmTrainer.h"
#include "core/train/TrainConfig.h"

using namespace sinkscope;
namespace fs = std::filesystem;

namespace {

constexpr double kCurveTolerance = 1e-6;

// Deterministic sentences over a small vocabulary with some structure (a word is
// often followed by its successor), so a tiny model has something to learn.
void writeCorpus(const fs::path& path) {
  const std::vector<std::string> words = {
      "the", "cat", "sat", "on", "a", "mat", "and", "dog", "ran", "to", "house", "with", "red", "door",
      "we", "saw", "it", "there", "then", "they", "went", "home", "after", "rain", "in", "green", "field",
      "one", "two", "three", "four", "five", "is", "was", "not", "very", "small", "big", "old", "new"};
  std::mt19937 rng(17);
  std::ofstream out(path);
  for (int line = 0; line < 2500; ++line) {
    const int length = 4 + static_cast<int>(rng() % 9);
    std::size_t word = rng() % words.size();
    for (int i = 0; i < length; ++i) {
      out << (i ? " " : "") << words[word];
      word = rng() % 4 == 0 ? rng() % words.size() : (word + 1) % words.size();
    }
    out << "\n";
  }
}

fs::path scratch() {
  static const fs::path dir = fs::temp_directory_path() / ("lm-trainer-test-" + std::to_string(::getpid()));
  return dir;
}

TrainConfig tinyConfig(const std::string& name) {
  nlohmann::json document = {
      {"out_dir", (scratch() / name).string()},
      {"seed", 42},
      {"threads", 2},
      {"export_dtype", "fp32"},
      {"data", {{"text_files", {(scratch() / "corpus.txt").string()}}}},
      {"tokenizer", {{"vocab_size", 512}}},
      {"model", {{"hidden_size", 64}, {"num_hidden_layers", 2}, {"num_attention_heads", 4}, {"max_position_embeddings", 64}}},
      {"train",
       {{"steps", 20}, {"batch_tokens", 256}, {"seq_length", 32}, {"lr", 3e-3}, {"warmup_steps", 5}, {"log_every", 1}}},
      {"probe", {{"every", 10}, {"windows", 2}, {"heldout_windows", 4}, {"min_queries", 8}}},
      {"checkpoint", {{"every", 5}, {"keep", 3}, {"average_last", 2}}}};
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

class LmTrainerTest : public QObject {
  Q_OBJECT

  TrainRunResult straight_;

 private slots:
  void initTestCase() {
    torch::set_num_threads(2);
    fs::remove_all(scratch());
    fs::create_directories(scratch());
    writeCorpus(scratch() / "corpus.txt");
    LmTrainer trainer(tinyConfig("straight"));
    straight_ = trainer.run(quiet());
  }

  void cleanupTestCase() { fs::remove_all(scratch()); }

  void runsToTheEndAndLearns() {
    QVERIFY(straight_.finished);
    QCOMPARE(straight_.steps.size(), std::size_t(20));
    QCOMPARE(straight_.lastStep, std::int64_t(20));
    const double first = straight_.steps.front().ceLoss;
    const double last = straight_.steps.back().ceLoss;
    QVERIFY2(last < first - 1.0, qPrintable(QString("loss %1 -> %2").arg(first).arg(last)));
    QVERIFY(std::isfinite(straight_.heldoutLoss) && straight_.heldoutLoss > 0);
    // Warm-up: the lr rises linearly for 5 steps, then decays.
    QVERIFY(std::fabs(straight_.steps[0].lr - 3e-3 / 5) < 1e-12);
    QVERIFY(std::fabs(straight_.steps[4].lr - 3e-3) < 1e-12);
    QVERIFY(straight_.steps[19].lr < straight_.steps[10].lr);
  }

  void sameSeedGivesTheSameCurve() {
    LmTrainer trainer(tinyConfig("again"));
    const TrainRunResult again = trainer.run(quiet());
    QCOMPARE(again.steps.size(), straight_.steps.size());
    for (std::size_t i = 0; i < again.steps.size(); ++i) {
      QVERIFY2(std::fabs(again.steps[i].loss - straight_.steps[i].loss) <= kCurveTolerance,
               qPrintable(QString("step %1: %2 vs %3").arg(i + 1).arg(again.steps[i].loss).arg(straight_.steps[i].loss)));
    }
  }

  void resumedRunContinuesTheCurve() {
    TrainRunOptions firstHalf = quiet();
    firstHalf.stopAfterStep = 10;
    const TrainRunResult head = LmTrainer(tinyConfig("resumed")).run(firstHalf);
    QVERIFY(!head.finished);
    QCOMPARE(head.lastStep, std::int64_t(10));

    // Without --resume the folder is refused; with it the run goes on from step 10.
    QVERIFY_THROWS_EXCEPTION(Error, LmTrainer(tinyConfig("resumed")).run(quiet()));
    TrainRunOptions secondHalf = quiet();
    secondHalf.resume = true;
    const TrainRunResult tail = LmTrainer(tinyConfig("resumed")).run(secondHalf);
    QVERIFY(tail.finished);
    QCOMPARE(tail.steps.size(), std::size_t(10));
    for (std::size_t i = 0; i < 10; ++i) {
      const auto& expected = straight_.steps[10 + i];
      QCOMPARE(tail.steps[i].step, expected.step);
      QVERIFY2(std::fabs(tail.steps[i].loss - expected.loss) <= kCurveTolerance,
               qPrintable(QString("step %1: resumed %2, straight %3").arg(expected.step).arg(tail.steps[i].loss).arg(expected.loss)));
    }

    // The logs hold one unbroken curve: train.csv steps 1..20, probe.csv 0, 10, 20.
    const auto trainRows = readLines(scratch() / "resumed" / "train.csv");
    QCOMPARE(trainRows.size(), std::size_t(21));
    for (int step = 1; step <= 20; ++step) {
      QVERIFY(trainRows[static_cast<std::size_t>(step)].rfind(std::to_string(step) + ",", 0) == 0);
    }
    const auto probeRows = readLines(scratch() / "resumed" / "probe.csv");
    QCOMPARE(probeRows.size(), std::size_t(4));
    QVERIFY(probeRows[1].rfind("0,", 0) == 0 && probeRows[2].rfind("10,", 0) == 0 && probeRows[3].rfind("20,", 0) == 0);
    QVERIFY(probeRows[0].find("bos_sink_l1") != std::string::npos);
    QCOMPARE(readLines(scratch() / "straight" / "probe.csv"), probeRows);
  }

  void exportIsTheMeanOfTheLastCheckpointsAndLoads() {
    const fs::path run = scratch() / "straight";
    // keep = 3: steps 10, 15, 20 remain; average_last = 2: the export is (15 + 20) / 2.
    QVERIFY(fs::exists(run / "checkpoints" / "step-00000010"));
    QVERIFY(!fs::exists(run / "checkpoints" / "step-00000005"));
    auto a = SafetensorsFile::open((run / "checkpoints" / "step-00000015" / "model.safetensors").string());
    auto b = SafetensorsFile::open((run / "checkpoints" / "step-00000020" / "model.safetensors").string());
    auto exported = SafetensorsFile::open((run / "export" / "model.safetensors").string());
    const std::string key = "model.layers.1.mlp.down_proj.weight";
    const auto va = a->tensor(key).toFloat(), vb = b->tensor(key).toFloat(), ve = exported->tensor(key).toFloat();
    for (std::size_t i = 0; i < ve.values.size(); i += 97) {
      QVERIFY(std::fabs(ve.values[i] - 0.5f * (va.values[i] + vb.values[i])) < 1e-6f);
    }

    auto model = LlamaForCausalLM::fromPretrained((run / "export").string());
    const Tokenizer tokenizer = Tokenizer::fromFile((run / "export" / "tokenizer.json").string());
    QCOMPARE(model->config().vocabSize, tokenizer.vocabSize());
    QCOMPARE(model->config().bosTokenId, *tokenizer.bosId());
    const auto ids = tokenizer.encode("the cat sat on a mat");
    const torch::Tensor logits = model->forward(LlamaInput::ids(torch::tensor(ids).unsqueeze(0)));
    QCOMPARE(logits.size(2), tokenizer.vocabSize());
    QVERIFY(torch::isfinite(logits).all().item<bool>());
    QVERIFY(fs::exists(run / "export" / "training.json"));
  }

  void initFromAnExportStartsWhereItEnded() {
    // A fresh run from the straight run's export (fp32) starts at that run's loss, well
    // below a random start, and keeps its tokenizer.
    TrainConfig config = tinyConfig("warm");
    config.initFrom = (scratch() / "straight" / "export").string();
    config.train.steps = 3;
    const TrainRunResult warm = LmTrainer(config).run(quiet());
    QVERIFY(warm.finished);
    const double fresh = straight_.steps.front().ceLoss;
    const double ended = straight_.steps.back().ceLoss;
    const double started = warm.steps.front().ceLoss;
    QVERIFY2(started < fresh - 1.0 && std::fabs(started - ended) < 0.5,
             qPrintable(QString("fresh %1, ended %2, warm start %3").arg(fresh).arg(ended).arg(started)));
    QCOMPARE(readLines(scratch() / "warm" / "tokenizer.json"), readLines(scratch() / "straight" / "export" / "tokenizer.json"));

    // A folder without weights is named in the error.
    TrainConfig broken = tinyConfig("warm-broken");
    broken.initFrom = scratch().string();
    broken.data.tokenizer = (scratch() / "straight" / "export" / "tokenizer.json").string();
    try {
      LmTrainer(broken).run(quiet());
      QFAIL("a folder without weights was accepted");
    } catch (const Error& error) {
      QVERIFY2(std::string(error.what()).find("model.safetensors") != std::string::npos, error.what());
    }
  }

  void runSavedBeforeNewKeysResumes() {
    // A run folder written by an older trainer lacks the keys added since (init_from,
    // data.drill_fraction, data.drill_spelling): at their defaults they do not make it another experiment.
    TrainRunOptions firstHalf = quiet();
    firstHalf.stopAfterStep = 10;
    QVERIFY(!LmTrainer(tinyConfig("older")).run(firstHalf).finished);
    const fs::path saved = scratch() / "older" / "train_config.json";
    nlohmann::json config = nlohmann::json::parse(std::ifstream(saved));
    config.erase("init_from");
    config["data"].erase("drill_fraction");
    config["data"].erase("drill_spelling");
    std::ofstream(saved) << config.dump(2);
    TrainRunOptions rest = quiet();
    rest.resume = true;
    QVERIFY(LmTrainer(tinyConfig("older")).run(rest).finished);
  }

  void drillWindowsReachTheBatches() {
    // Half the rows drills: the first steps' losses differ from the plain run's (same
    // seed, same init), and a second run with the same seed repeats them exactly.
    TrainConfig config = tinyConfig("drills");
    config.data.drillFraction = 0.5;
    config.train.steps = 4;
    const TrainRunResult first = LmTrainer(config).run(quiet());
    QVERIFY(first.finished);
    QVERIFY(std::fabs(first.steps[0].loss - straight_.steps[0].loss) > 1e-4);
    fs::remove_all(scratch() / "drills");
    const TrainRunResult second = LmTrainer(config).run(quiet());
    for (std::size_t i = 0; i < first.steps.size(); ++i)
      QVERIFY(std::fabs(first.steps[i].loss - second.steps[i].loss) <= kCurveTolerance);
    for (const auto& step : first.steps) QVERIFY(std::isfinite(step.loss));

    // Spelling drills (data.drill_spelling) reach the batches too: same drill rows,
    // other spans, so other losses.
    fs::remove_all(scratch() / "drills");
    config.data.drillSpelling = 1.0;
    const TrainRunResult spelt = LmTrainer(config).run(quiet());
    QVERIFY(spelt.finished);
    QVERIFY(std::fabs(spelt.steps[0].loss - first.steps[0].loss) > 1e-4);
    for (const auto& step : spelt.steps) QVERIFY(std::isfinite(step.loss));

    // Phoneme drills (data.drill_phonemes): the spelt spans come from the table (here
    // each letter coded as its upper-case twin), so the losses differ from the letters'.
    const fs::path table = scratch() / "phonemes.tsv";
    {
      std::ofstream out(table);
      for (const auto& line : readLines(scratch() / "corpus.txt")) {
        std::string coded;
        for (const char ch : line) coded += ch == ' ' ? ' ' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        out << line << "\t" << coded << "\n";
      }
    }
    fs::remove_all(scratch() / "drills");
    config.data.drillPhonemes = table.string();
    const TrainRunResult phonemes = LmTrainer(config).run(quiet());
    QVERIFY(phonemes.finished);
    QVERIFY(std::fabs(phonemes.steps[0].loss - spelt.steps[0].loss) > 1e-4);
    for (const auto& step : phonemes.steps) QVERIFY(std::isfinite(step.loss));

    // A table that lacks the corpus's lines is a config error before any training.
    const fs::path partial = scratch() / "phonemes-partial.tsv";
    { std::ofstream(partial) << "some other line\tABC\n"; }
    fs::remove_all(scratch() / "drills");
    config.data.drillPhonemes = partial.string();
    QVERIFY_THROWS_EXCEPTION(ConfigError, LmTrainer(config).run(quiet()));
  }

  void decorrelationTermIsAddedToTheLoss() {
    TrainConfig config = tinyConfig("decorrelated");
    config.applyOverride("decorrelation_lambda=10");
    config.applyOverride("train.steps=6");
    const TrainRunResult result = LmTrainer(config).run(quiet());
    for (const auto& step : result.steps) {
      QVERIFY(step.decLoss > 0);
      QVERIFY(std::fabs(step.loss - (step.ceLoss + step.decLoss)) < 1e-4);
    }
    // Resuming with another λ would be another experiment.
    TrainConfig changed = config;
    changed.applyOverride("decorrelation_lambda=20");
    TrainRunOptions resume = quiet();
    resume.resume = true;
    QVERIFY_THROWS_EXCEPTION(ConfigError, LmTrainer(changed).run(resume));
  }

  void timeBudgetFitsTheScheduleAndStillExports() {
    // steps = 0: the length is fitted from the speed of steps 4..19 to the budget.
    TrainConfig fitted = tinyConfig("fitted");
    fitted.applyOverride("probe.every=0");
    // 24 s: the fit needs 20 timed steps inside the budget even on a loaded machine
    // (12 s once failed with two background trainers and ctest -j2 on the two cores).
    fitted.applyOverride("train.max_wall_minutes=0.4");
    fitted.applyOverride("train.steps=0");
    const TrainRunResult fit = LmTrainer(fitted).run(quiet());
    QVERIFY2(fit.totalSteps > 19, qPrintable(QString("fitted %1 steps").arg(fit.totalSteps)));
    QVERIFY(!fit.exportDir.empty() && fs::exists(fs::path(fit.exportDir) / "model.safetensors"));

    // A budget too short for one step: the run still makes exactly one (however loaded the
    // machine), stops, and exports all the same.
    TrainConfig boxed = tinyConfig("boxed");
    boxed.applyOverride("probe.every=0");
    boxed.applyOverride("train.max_wall_minutes=1e-9");
    const TrainRunResult cut = LmTrainer(boxed).run(quiet());
    QVERIFY(!cut.finished);
    QCOMPARE(cut.lastStep, std::int64_t{1});
    const auto training = nlohmann::json::parse(std::ifstream(fs::path(cut.exportDir) / "training.json"));
    QCOMPARE(training.at("schedule_completed").get<bool>(), false);
    QCOMPARE(training.at("steps").get<std::int64_t>(), cut.lastStep);

    // Resumed with the budget already spent: no further step.
    TrainRunOptions again = quiet();
    again.resume = true;
    const TrainRunResult spent = LmTrainer(boxed).run(again);
    QVERIFY(spent.steps.empty());
    QCOMPARE(spent.lastStep, std::int64_t{1});
  }

  void cliTrainCommandRunsTheSameTrainer() {
    if (!fs::exists(SINKSCOPE_CLI)) QSKIP("sinkscope-cli is not built");
    const TrainConfig config = tinyConfig("cli");
    const fs::path configPath = scratch() / "cli.json";
    std::ofstream(configPath) << config.toJson().dump(2);
    QProcess process;
    process.start(SINKSCOPE_CLI, {"train", "--config", QString::fromStdString(configPath.string()), "--stop-after", "2",
                                  "--set", "probe.every=0"});
    QVERIFY(process.waitForFinished(120000));
    QCOMPARE(process.exitCode(), 0);
    const auto summary = nlohmann::json::parse(process.readAllStandardOutput().toStdString());
    QCOMPARE(summary.at("last_step").get<int>(), 2);
    QCOMPARE(summary.at("finished").get<bool>(), false);
    QVERIFY(process.readAllStandardError().contains("ETA"));

    process.start(SINKSCOPE_CLI, {"train", "--config", QString::fromStdString((scratch() / "missing.json").string())});
    QVERIFY(process.waitForFinished(30000));
    QCOMPARE(process.exitCode(), 1);
    QVERIFY(process.readAllStandardError().contains("missing.json"));
  }
};

QTEST_GUILESS_MAIN(LmTrainerTest)
#include "LmTrainerTest.moc"
