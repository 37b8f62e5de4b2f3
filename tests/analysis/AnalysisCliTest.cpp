// sinkscope-cli analyze, eval and merge on a random-initialised model (sinkscope-cli
// init) and generated WAV clips: report.json validates against docs/report.schema.json
// and the taps are written under their tap names; --figures writes the plots as PNG,
// PDF and SVG and lists them in the report; eval in three shards merged equals one unsharded run apart from
// timing, and a rerun (also after a torn last line) resumes instead of starting over.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/corpus/WavFile.h"
#include "core/io/Safetensors.h"
#include "support/JsonSchemaCheck.h"

using namespace sinkscope;
namespace fs = std::filesystem;

namespace {

struct CliResult {
  int exitCode = -1;
  QString out;
  QString err;
};

CliResult runCli(const QStringList& arguments) {
  QProcess process;
  process.start(QString::fromUtf8(SINKSCOPE_CLI), arguments);
  process.waitForFinished(600000);
  return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
          QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}

nlohmann::json readJson(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

std::size_t lineCount(const fs::path& path) {
  std::ifstream in(path);
  std::size_t n = 0;
  std::string line;
  while (std::getline(in, line)) ++n;
  return n;
}

// One second of band-limited noise with a tone, different per seed.
void writeClip(const fs::path& path, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0.0, 2000.0);
  std::vector<std::int16_t> samples(16000);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const double tone = 6000.0 * std::sin(2.0 * M_PI * (200.0 + 50.0 * seed) * static_cast<double>(i) / 16000.0);
    samples[i] = static_cast<std::int16_t>(std::clamp(tone + noise(rng), -32000.0, 32000.0));
  }
  corpus::WavFile::write(path.string(), samples, 16000);
}

nlohmann::json withoutTiming(nlohmann::json summary) {
  summary.erase("timing");
  return summary;
}

}  // namespace

class AnalysisCliTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;
  QString model_;
  QString source_ = QString::fromUtf8(SINKSCOPE_SOURCE_DIR);

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    model_ = tmp_.filePath("model");
    const auto result = runCli({"init", "--out", model_, "--seed", "3", "--tokenizer",
                                source_ + "/tests/fixtures/text/llama3_bpe.tokenizer.json"});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    fs::create_directories(tmp_.filePath("clips").toStdString());
    for (unsigned i = 0; i < 5; ++i) {
      writeClip(fs::path(tmp_.filePath("clips").toStdString()) / ("clip" + std::to_string(i) + ".wav"), i);
    }
  }

  void analyzeTextWritesAValidReport() {
    const QString out = tmp_.filePath("analyze-text");
    const auto result = runCli({"analyze", "--model", model_, "--text", "the quick brown fox", "--out", out, "--beam",
                                "1", "--max-new-tokens", "3", "--patterns", "--origins", "--massive-ratio", "off"});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const nlohmann::json report = readJson(fs::path(out.toStdString()) / "report.json");
    const testing::JsonSchemaCheck schema(readJson(fs::path(SINKSCOPE_SOURCE_DIR) / "docs/report.schema.json"));
    const auto errors = schema.errors(report);
    QVERIFY2(errors.empty(), errors.empty() ? "" : errors.front().c_str());
    QCOMPARE(report.at("modality").get<std::string>(), std::string("text"));
    QVERIFY(report.at("sinks").at("available").get<bool>());
    QVERIFY(report.at("response_attention").at("available").get<bool>());
    QCOMPARE(report.at("options").at("massive_ratio"), nlohmann::json());
    const int layers = report.at("model").at("num_layers").get<int>();
    QCOMPARE(int(report.at("segments").size()), layers);
    const auto tokens = report.at("tokens").size();
    QCOMPARE(report.at("tokens").at(0).at("segment").get<std::string>(), std::string("bos"));

    // The taps, under their tap names, one position per token.
    auto taps = SafetensorsFile::open(out.toStdString() + "/taps.safetensors");
    for (int l = 0; l < layers; ++l) {
      const std::string block = "blocks." + std::to_string(l);
      for (const std::string suffix : {".attn.hook_received", ".attn.hook_pattern", ".hook_resid_post",
                                       ".hook_mlp_out"}) {
        QVERIFY2(taps->contains(block + suffix), (block + suffix).c_str());
      }
      QVERIFY(!taps->contains(block + ".hook_attn_out"));
      QCOMPARE(taps->tensor(block + ".hook_resid_post").shape.at(0), std::int64_t(tokens));
    }
    QVERIFY(taps->contains("hook_embed"));

    // The schema check can fail: a report missing a key or with a wrong type is refused.
    nlohmann::json broken = report;
    broken.erase("sinks");
    broken["massive"]["layers"][0]["fixed_dims"] = "none";
    QCOMPARE(int(schema.errors(broken).size()), 2);
  }

  // transcribe (DESIGN §6) gives the words analyze reports for the same clip and
  // settings: plain, the transcript alone; --json, with its tokens.
  void transcribeMatchesAnalyze() {
    const QString clip = tmp_.filePath("clips/clip1.wav");
    const QStringList common = {"--model", model_, "--input", clip, "--modality", "asr", "--beam", "2",
                                "--max-new-tokens", "5"};
    const QString out = tmp_.filePath("analyze-for-transcribe");
    const auto analyzed = runCli(QStringList{"analyze"} + common + QStringList{"--out", out});
    QVERIFY2(analyzed.exitCode == 0, qPrintable(analyzed.err));
    const std::string expected = readJson(fs::path(out.toStdString()) / "report.json").at("transcript");

    const auto plain = runCli(QStringList{"transcribe"} + common);
    QVERIFY2(plain.exitCode == 0, qPrintable(plain.err));
    QCOMPARE(plain.out.toStdString(), expected + "\n");
    const auto asJson = runCli(QStringList{"transcribe"} + common + QStringList{"--json"});
    QVERIFY2(asJson.exitCode == 0, qPrintable(asJson.err));
    const auto summary = nlohmann::json::parse(asJson.out.toStdString());
    QCOMPARE(summary.at("transcript").get<std::string>(), expected);
    QCOMPARE(summary.at("modality").get<std::string>(), std::string("asr"));
    QCOMPARE(summary.at("num_beams").get<int>(), 2);
    QVERIFY(!summary.at("tokens").empty() && summary.at("tokens").size() <= 5);

    for (const QStringList& bad : {QStringList{"transcribe", "--model", model_},
                                   QStringList{"transcribe", "--model", model_, "--input", clip, "--modality", "text"},
                                   QStringList{"transcribe", "--model", model_, "--input", tmp_.filePath("none.wav")}}) {
      const auto result = runCli(bad);
      QVERIFY2(result.exitCode != 0, qPrintable(bad.join(' ')));
      QVERIFY2(result.err.trimmed().count('\n') == 0 && !result.err.trimmed().isEmpty(), qPrintable(result.err));
    }
  }

  void analyzeMediaAndFiguresFlag() {
    const QString out = tmp_.filePath("analyze-asr");
    const auto result = runCli({"analyze", "--model", model_, "--input", tmp_.filePath("clips/clip0.wav"),
                                "--modality", "asr", "--out", out, "--beam", "1", "--max-new-tokens", "2",
                                "--figures", "--epsilon", "0.2"});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const nlohmann::json report = readJson(fs::path(out.toStdString()) / "report.json");
    // Figures: every listed file exists and is not empty, in all three formats; the
    // sink map and the residual-stream plots need no attention patterns.
    const auto& figures = report.at("figures");
    QVERIFY2(figures.size() >= 12, qPrintable(QString::fromStdString(report.dump())));
    int png = 0, pdf = 0, svg = 0;
    for (const auto& f : figures) {
      const fs::path path = f.get<std::string>();
      QVERIFY2(fs::exists(path) && fs::file_size(path) > 1000, path.c_str());
      png += path.extension() == ".png";
      pdf += path.extension() == ".pdf";
      svg += path.extension() == ".svg";
    }
    QVERIFY(png == pdf && pdf == svg && png >= 4);
    QVERIFY(fs::exists(fs::path(out.toStdString()) / "figures/sink_map.png"));
    const testing::JsonSchemaCheck schema(readJson(fs::path(SINKSCOPE_SOURCE_DIR) / "docs/report.schema.json"));
    const auto errors = schema.errors(report);
    QVERIFY2(errors.empty(), errors.empty() ? "" : errors.front().c_str());
    QCOMPARE(report.at("modality").get<std::string>(), std::string("asr"));
    QCOMPARE(report.at("options").at("sink_epsilon").get<double>(), 0.2);
    bool audio = false;
    for (const auto& t : report.at("tokens")) audio = audio || t.at("segment") == "audio";
    QVERIFY(audio);
    // Only hook_received captured: the response attention says why it is missing.
    QVERIFY(!report.at("response_attention").at("available").get<bool>());

    // Bad input: a clear one-line reason and a non-zero exit.
    const auto bad = runCli({"analyze", "--model", model_, "--text", "x", "--tokens", "1", "--out", out});
    QVERIFY(bad.exitCode != 0);
    QVERIFY(bad.err.contains("exactly one of"));
  }

  void analyzeWithAnIntervention() {
    const QString out = tmp_.filePath("analyze-intervene");
    const auto result = runCli({"analyze", "--model", model_, "--text", "the quick brown fox", "--out", out, "--beam",
                                "1", "--max-new-tokens", "3", "--intervene",
                                R"({"dims":[{"mode":"zero","dims":[0,1,2,3]}],"attention":[{"keys":[0]}]})"});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const nlohmann::json report = readJson(fs::path(out.toStdString()) / "report.json");
    const testing::JsonSchemaCheck schema(readJson(fs::path(SINKSCOPE_SOURCE_DIR) / "docs/report.schema.json"));
    QVERIFY(schema.errors(report).empty());
    const auto& intervention = report.at("intervention");
    QCOMPARE(intervention.at("baseline_transcript"), report.at("transcript"));
    // Attention to BOS removed everywhere: no head gives BOS a sink score above ε
    // except through BOS's own query, which keeps its row.
    const nlohmann::json intervened = readJson(fs::path(out.toStdString()) / "intervened/report.json");
    for (const auto& layer : intervened.at("sinks").at("layers")) {
      const std::size_t positions = layer.at("head_fraction").size();
      for (const auto& head : layer.at("score")) QVERIFY(std::fabs(head.at(0).get<double>() - 1.0 / positions) < 1e-5);
    }
  }

  void evalShardsMergeToTheUnshardedRun() {
    const fs::path root = tmp_.filePath("clips").toStdString();
    const fs::path manifest = root / "test.csv";
    {
      std::ofstream csv(manifest);
      csv << "dataset,rel_path,input_length,token_len,text\n";
      const char* texts[] = {"set white with p two soon", "with a quarter of a million users", "Hello, World!",
                             "and so my fellow americans", "ask not"};
      for (int i = 0; i < 5; ++i) csv << "synthetic,clip" << i << ".wav,16000,5," << texts[i] << "\n";
    }
    const QStringList common = {"--model", model_, "--manifest", QString::fromStdString(manifest.string()), "--root",
                                QString::fromStdString(root.string()), "--modality", "asr", "--beam", "1",
                                "--max-new-tokens", "2"};
    const QString whole = tmp_.filePath("eval-whole");
    auto result = runCli(QStringList{"eval"} + common + QStringList{"--out", whole});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QVERIFY2(result.err.contains("ETA"), qPrintable(result.err));
    const nlohmann::json unsharded = readJson(fs::path(whole.toStdString()) / "eval.json");
    QCOMPARE(unsharded.at("scored").get<int>(), 5);
    QVERIFY(unsharded.at("complete").get<bool>());
    QVERIFY(unsharded.at("wer").at("rate").is_number());
    QCOMPARE(unsharded.at("wer").at("reference_length").get<int>(), 6 + 7 + 2 + 5 + 2);

    QStringList shardDirs;
    for (int i = 0; i < 3; ++i) {
      const QString dir = tmp_.filePath(QString("eval-shard%1").arg(i));
      result = runCli(QStringList{"eval"} + common + QStringList{"--out", dir, "--shard", QString("%1/3").arg(i)});
      QVERIFY2(result.exitCode == 0, qPrintable(result.err));
      shardDirs << dir;
    }
    const QString merged = tmp_.filePath("merged.json");
    result = runCli(QStringList{"merge"} + shardDirs + QStringList{"--out", merged});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const nlohmann::json combined = readJson(merged.toStdString());
    QCOMPARE(QString::fromStdString(withoutTiming(combined).dump()), QString::fromStdString(withoutTiming(unsharded).dump()));

    // Two of three shards: incomplete, and said so.
    result = runCli({"merge", shardDirs[0], shardDirs[1]});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QVERIFY(result.err.contains("incomplete"));
    QVERIFY(!nlohmann::json::parse(result.out.toStdString()).at("complete").get<bool>());

    // Resuming: a rerun does nothing new; after a torn last line it redoes that one
    // utterance and ends with the same summary.
    const fs::path results = fs::path(whole.toStdString()) / "results.jsonl";
    QCOMPARE(lineCount(results), std::size_t(5));
    result = runCli(QStringList{"eval"} + common + QStringList{"--out", whole});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QCOMPARE(lineCount(results), std::size_t(5));
    fs::resize_file(results, fs::file_size(results) - 20);
    result = runCli(QStringList{"eval"} + common + QStringList{"--out", whole});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QCOMPARE(lineCount(results), std::size_t(5));
    const nlohmann::json resumed = readJson(fs::path(whole.toStdString()) / "eval.json");
    QCOMPARE(QString::fromStdString(withoutTiming(resumed).dump()), QString::fromStdString(withoutTiming(unsharded).dump()));

    // Another shard layout in the same directory is refused.
    result = runCli(QStringList{"eval"} + common + QStringList{"--out", whole, "--shard", "1/2"});
    QVERIFY(result.exitCode != 0);
  }
};

QTEST_GUILESS_MAIN(AnalysisCliTest)
#include "AnalysisCliTest.moc"
