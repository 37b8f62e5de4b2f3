// ModelBundler and ModelCard on hand-made composite directories: parts shared by two
// models are stored once, configs point at them, floating-point weights become bf16
// with round-to-nearest-even (checked on exact midpoints), integer tensors are copied
// byte for byte, re-bundling replaces a model and pruning drops parts no model uses;
// broken inputs give errors that name the path. BundleCli runs the real command on two
// random-initialised models (sinkscope-cli init) and loads the result with info.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include <nlohmann/json.hpp>

#include "core/base/Error.h"
#include "core/io/ModelBundler.h"
#include "core/io/ModelCard.h"
#include "core/io/Safetensors.h"

using namespace sinkscope;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

void writeJson(const fs::path& path, const json& value) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << value.dump(2);
}

json readJson(const fs::path& path) {
  std::ifstream in(path);
  return json::parse(in);
}

void writeWeights(const fs::path& path, const std::vector<float>& values) {
  SafetensorsWriter writer;
  writer.add("w", DType::F32, {static_cast<std::int64_t>(values.size())}, values.data(), values.size() * sizeof(float));
  const std::vector<std::int64_t> ids = {7, -3, 1 << 20};
  writer.add("ids", DType::I64, {3}, ids.data(), ids.size() * sizeof(std::int64_t));
  writer.setMetadata("format", "pt");
  writer.write(path.string());
}

// A composite with an llm and an audio encoder part; `audioValue` makes encoders differ.
fs::path makeComposite(const fs::path& dir, float audioValue, double validWer) {
  writeJson(dir / "config.json", {{"model_type", "sinkscope-avsr"},
                                  {"name", dir.filename().string()},
                                  {"llm", "llm"},
                                  {"audio_encoder", "audio_encoder"},
                                  {"video_encoder", nullptr},
                                  {"default_modality", "asr"},
                                  {"audio_compression", {{"mode", "avg-pooling"}, {"rate", 4}}},
                                  {"lora", {{"reduction", 8}, {"alpha", 8.0}}}});
  writeWeights(dir / "model.safetensors", {0.5f, audioValue});
  writeJson(dir / "training.json",
            {{"stage", "avsr"},
             {"steps", 40},
             {"epochs", 0.5},
             {"schedule_completed", true},
             {"valid_greedy_wer", validWer},
             {"config",
              {{"seed", 7}, {"decorrelation_lambda", 0}, {"avsr", {{"modality", "asr"}}}, {"train", {{"lr", 1e-3}}}}}});
  writeJson(dir / "llm" / "config.json", {{"num_hidden_layers", 2}, {"hidden_size", 16}, {"num_attention_heads", 2},
                                          {"vocab_size", 64}});
  writeWeights(dir / "llm" / "model.safetensors", {1.0f, 1.00390625f, 1.01171875f, -2.5f,
                                                    std::numeric_limits<float>::quiet_NaN()});
  writeJson(dir / "llm" / "training.json", {{"stage", "lm"}, {"steps", 100}, {"tokens", 409600},
                                            {"heldout_loss_nats_per_token", 4.25}, {"schedule_completed", true}});
  std::ofstream(dir / "llm" / "tokenizer.json") << "{\"model\": {}}";
  writeJson(dir / "audio_encoder" / "config.json", {{"d_model", 16}});
  writeWeights(dir / "audio_encoder" / "model.safetensors", {audioValue, 3.0f});
  return dir;
}

std::vector<std::string> sharedNames(const fs::path& out) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(out / "shared")) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

class ModelBundlerTest : public QObject {
  Q_OBJECT

 private slots:
  void sharedPartsAreStoredOnce() {
    QTemporaryDir tmp;
    const fs::path root = tmp.path().toStdString();
    const fs::path a = makeComposite(root / "runs" / "a", 0.25f, 0.12);
    const fs::path b = makeComposite(root / "runs" / "b", 0.75f, 0.3);
    ModelBundler bundler((root / "models").string(), DType::BF16);
    const BundledModel ma = bundler.add("asr-low", a.string());
    const BundledModel mb = bundler.add("asr-high", b.string());
    QCOMPARE(ma.sharedParts.size(), std::size_t(2));
    QCOMPARE(ma.sharedParts[0], mb.sharedParts[0]);  // the same LLM
    QVERIFY(ma.sharedParts[1] != mb.sharedParts[1]); // different encoders
    QCOMPARE(sharedNames(root / "models").size(), std::size_t(3));
    QVERIFY(!fs::exists(root / "models" / "asr-low" / "llm"));

    const json config = readJson(root / "models" / "asr-low" / "config.json");
    QCOMPARE(config["llm"].get<std::string>(), "../shared/" + ma.sharedParts[0]);
    QCOMPARE(config["audio_encoder"].get<std::string>(), "../shared/" + ma.sharedParts[1]);
    QVERIFY(config["video_encoder"].is_null());
    QVERIFY(fs::exists(root / "models" / "shared" / ma.sharedParts[0] / "tokenizer.json"));
    QVERIFY(fs::exists(root / "models" / "asr-low" / "training.json"));
    QVERIFY(bundler.pruneShared().empty());
  }

  // An export made before suppress_tokens existed gets its phoneme-drilled LLM's code
  // bytes listed; an export that lists its own keeps them; other LLMs get nothing.
  void phonemeCodesAreSuppressed() {
    QTemporaryDir tmp;
    const fs::path root = tmp.path().toStdString();
    const fs::path drilled = makeComposite(root / "drilled", 0.25f, 0.1);
    writeJson(drilled / "llm" / "training.json",
              {{"stage", "lm"}, {"config", {{"data", {{"drill_phonemes", "runs/lm-phonemes.tsv"}}}}}});
    fs::copy_file(std::string(SINKSCOPE_SOURCE_DIR) + "/tests/fixtures/text/gpt2_bpe.tokenizer.json",
                  drilled / "llm" / "tokenizer.json", fs::copy_options::overwrite_existing);
    const fs::path listed = makeComposite(root / "listed", 0.25f, 0.1);
    fs::copy(drilled / "llm", listed / "llm", fs::copy_options::overwrite_existing | fs::copy_options::recursive);
    json own = readJson(listed / "config.json");
    own["generation"] = json::object({{"num_beams", 1}, {"suppress_tokens", json::array({7})}});
    writeJson(listed / "config.json", own);
    const fs::path plain = makeComposite(root / "plain", 0.25f, 0.1);

    ModelBundler bundler((root / "models").string(), DType::BF16);
    bundler.add("drilled", drilled.string());
    bundler.add("listed", listed.string());
    bundler.add("plain", plain.string());
    const json a = readJson(root / "models" / "drilled" / "config.json");
    QCOMPARE(a["generation"]["suppress_tokens"].size(), std::size_t(128));
    const json b = readJson(root / "models" / "listed" / "config.json");
    QCOMPARE(b["generation"]["suppress_tokens"], json::array({7}));
    QCOMPARE(b["generation"]["num_beams"].get<int>(), 1);
    const json c = readJson(root / "models" / "plain" / "config.json");
    QVERIFY(!c.contains("generation") || !c["generation"].contains("suppress_tokens"));
  }

  void weightsBecomeBfloat16WithTiesToEven() {
    QTemporaryDir tmp;
    const fs::path root = tmp.path().toStdString();
    const fs::path a = makeComposite(root / "a", 0.25f, 0.1);
    ModelBundler bundler((root / "models").string(), DType::BF16);
    const BundledModel model = bundler.add("m", a.string());
    const auto llm = SafetensorsFile::open((root / "models" / "shared" / model.sharedParts[0] / "model.safetensors").string());
    const TensorView w = llm->tensor("w");
    QCOMPARE(w.dtype, DType::BF16);
    const HostTensor values = w.toFloat();
    QCOMPARE(values.values[0], 1.0f);
    QCOMPARE(values.values[1], 1.0f);        // 1 + 2^-8 lies halfway: to the even neighbour 1
    QCOMPARE(values.values[2], 1.015625f);   // 1 + 3·2^-8 lies halfway: to the even 1 + 2^-6
    QCOMPARE(values.values[3], -2.5f);
    QVERIFY(std::isnan(values.values[4]));
    const TensorView ids = llm->tensor("ids");
    QCOMPARE(ids.dtype, DType::I64);
    std::int64_t third;
    std::memcpy(&third, ids.data + 2 * sizeof(std::int64_t), sizeof third);
    QCOMPARE(third, std::int64_t(1 << 20));
    QCOMPARE(llm->metadata().at("format"), std::string("pt"));
    const auto own = SafetensorsFile::open((root / "models" / "m" / "model.safetensors").string());
    QCOMPARE(own->tensor("w").dtype, DType::BF16);
  }

  void rebundlingReplacesAndPrunes() {
    QTemporaryDir tmp;
    const fs::path root = tmp.path().toStdString();
    ModelBundler bundler((root / "models").string(), DType::F32);
    const BundledModel first = bundler.add("m", makeComposite(root / "a", 0.25f, 0.1).string());
    const BundledModel second = bundler.add("m", makeComposite(root / "b", 0.5f, 0.1).string());
    QVERIFY(first.sharedParts[1] != second.sharedParts[1]);
    const auto removed = bundler.pruneShared();
    QCOMPARE(removed, std::vector<std::string>{first.sharedParts[1]});
    QCOMPARE(sharedNames(root / "models").size(), std::size_t(2));
    const auto file = SafetensorsFile::open((root / "models" / "m" / "model.safetensors").string());
    const TensorView w = file->tensor("w");
    QCOMPARE(w.dtype, DType::F32);
    QCOMPARE(w.toFloat().values[1], 0.5f);
    QVERIFY(bundler.totalBytes() > 0);
  }

  void badInputsNameThePath() {
    QTemporaryDir tmp;
    const fs::path root = tmp.path().toStdString();
    ModelBundler bundler((root / "models").string(), DType::BF16);
    auto message = [&](const std::string& name, const fs::path& dir) -> std::string {
      try {
        bundler.add(name, dir.string());
      } catch (const Error& e) {
        return e.what();
      }
      return {};
    };
    QVERIFY(message("x", root / "missing").find("missing") != std::string::npos);
    writeJson(root / "llama" / "config.json", {{"model_type", "llama"}});
    QVERIFY(message("x", root / "llama").find("not sinkscope-avsr") != std::string::npos);
    const fs::path good = makeComposite(root / "good", 0.25f, 0.1);
    QVERIFY(message("shared", good).find("cannot name") != std::string::npos);
    QVERIFY(message("../up", good).find("cannot name") != std::string::npos);
    fs::remove_all(good / "audio_encoder");
    QVERIFY(message("x", good).find("audio_encoder") != std::string::npos);
    std::ofstream(root / "good" / "config.json") << "{ not json";
    QVERIFY(message("x", good).find("not JSON") != std::string::npos);
    QVERIFY(!fs::exists(root / "models" / "x"));
    QVERIFY_THROWS_EXCEPTION(Error, ModelBundler((root / "m2").string(), DType::F16));
  }

  void cardReportsWhatTrainingRecorded() {
    QTemporaryDir tmp;
    const fs::path root = tmp.path().toStdString();
    ModelBundler bundler((root / "models").string(), DType::BF16);
    const BundledModel model = bundler.add("asr-low", makeComposite(root / "a", 0.25f, 0.123).string());
    ModelCard::write(model.directory, "scripts/train_recipe.sh avsr-asr-low", "");
    std::ifstream in(fs::path(model.directory) / "README.md");
    const std::string card((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    QVERIFY(card.find("# a") == 0);
    QVERIFY(card.find("avg-pooling × 4") != std::string::npos);
    QVERIFY(card.find("12.3 %") != std::string::npos);          // the fine-tuning's WER
    QVERIFY(card.find("held-out loss 4.25") != std::string::npos);  // the LLM part's stage
    QVERIFY(card.find("2 layers × 16") != std::string::npos);
    QVERIFY(card.find("scripts/train_recipe.sh avsr-asr-low") != std::string::npos);
    QVERIFY(card.find("no training.json") != std::string::npos);  // the encoder has none
    QVERIFY(card.find("nats/phoneme") == std::string::npos);
    const std::string custom = ModelCard::compose(model.directory, "", "| WER | 9 % |");
    QVERIFY(custom.find("| WER | 9 % |") != std::string::npos);
  }

  void cardNamesTheEncodersUnits() {
    QTemporaryDir tmp;
    const fs::path root = tmp.path().toStdString();
    const fs::path dir = makeComposite(root / "a", 0.25f, 0.2);
    const json ctc = {{"stage", "ctc"}, {"steps", 50}, {"epochs", 8.0}, {"valid_ctc_loss", 0.2437},
                      {"valid_greedy_wer", 0.35}, {"schedule_completed", true}};
    json phonemes = ctc;
    phonemes["ctc_units"] = "phonemes:corpus/phonemes.tsv";
    writeJson(dir / "audio_encoder" / "training.json", phonemes);
    ModelBundler bundler((root / "models").string(), DType::BF16);
    const BundledModel model = bundler.add("asr-low", dir.string());
    const std::string card = ModelCard::compose(model.directory, "", "");
    QVERIFY(card.find("valid CTC loss 0.2437 nats/phoneme, greedy WER of its CTC head on espeak-ng phoneme spellings 35") !=
            std::string::npos);
    writeJson(dir / "audio_encoder" / "training.json", ctc);  // older exports name no units: characters
    const BundledModel again = bundler.add("asr-low", dir.string());
    const std::string letters = ModelCard::compose(again.directory, "", "");
    QVERIFY(letters.find("0.2437 nats/character, greedy WER of its CTC head 35") != std::string::npos);
  }

  void bundleCli() {
    QTemporaryDir tmp;
    const QString root = tmp.path();
    const QString tokenizer = QString::fromUtf8(SINKSCOPE_SOURCE_DIR) + "/tests/fixtures/text/llama3_bpe.tokenizer.json";
    auto run = [](const QStringList& arguments) {
      QProcess process;
      process.start(QString::fromUtf8(SINKSCOPE_CLI), arguments);
      process.waitForFinished(300000);
      return std::make_pair(process.exitCode(), QString::fromUtf8(process.readAllStandardOutput() +
                                                                  process.readAllStandardError()));
    };
    for (const QString name : {"a", "b"}) {
      const auto [code, text] = run({"init", "--out", root + "/runs/" + name, "--tokenizer", tokenizer, "--seed", "3"});
      QVERIFY2(code == 0, qPrintable(text));
    }
    const auto [code, text] = run({"bundle", "--out", root + "/models", "--reproduce", "make it",
                                   "a=" + root + "/runs/a", "b=" + root + "/runs/b"});
    QVERIFY2(code == 0, qPrintable(text));
    const std::string all = text.toStdString();
    const auto begin = all.rfind("{\"models\"");
    const json summary = json::parse(all.substr(begin, all.find('\n', begin) - begin));
    QCOMPARE(summary["models"].size(), std::size_t(2));
    QCOMPARE(summary["models"][0]["shared"], summary["models"][1]["shared"]);  // same seed: same parts
    QCOMPARE(sharedNames(fs::path(root.toStdString()) / "models").size(), std::size_t(3));
    const auto [infoCode, info] = run({"info", "--model", root + "/models/b"});
    QVERIFY2(infoCode == 0, qPrintable(info));
    QVERIFY(info.contains("sinkscope-avsr") || info.contains("avsr"));
    const auto [badCode, bad] = run({"bundle", "--out", root + "/models", "nonsense"});
    QVERIFY(badCode != 0);
    QVERIFY2(bad.contains("NAME=MODEL_DIR"), qPrintable(bad));
  }
};

QTEST_GUILESS_MAIN(ModelBundlerTest)
#include "ModelBundlerTest.moc"
