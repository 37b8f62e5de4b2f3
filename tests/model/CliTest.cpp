// sinkscope-cli as users and outside checks call it (DESIGN §6): exit codes, the
// forward dump's keys, shapes and values against transformers, info's JSON, and a
// bad-model corpus that must give a one-line reason naming file and key.
#include <torch/torch.h>

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <regex>

#include <nlohmann/json.hpp>

#include "core/io/Safetensors.h"
#include "core/text/Tokenizer.h"
#include "support/LlamaFixture.h"
#include "support/RandomInitModel.h"

using namespace sinkscope;
namespace fs = std::filesystem;

namespace {

struct CliResult {
  int exitCode = -1;
  QString out;
  QString err;
};

CliResult runCli(const QStringList& arguments, int timeoutMs = 600000) {
  QProcess process;
  process.start(QString::fromUtf8(SINKSCOPE_CLI), arguments);
  process.waitForFinished(timeoutMs);
  return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
          QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}

QString tokenList(const torch::Tensor& ids) {
  QStringList parts;
  for (std::int64_t i = 0; i < ids.numel(); ++i) parts << QString::number(ids[i].item<std::int64_t>());
  return parts.join(',');
}

void copyDir(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
}

// Re-writes a model.safetensors through `edit`, which may drop or replace tensors.
void rewriteWeights(const fs::path& file,
                    const std::function<bool(const std::string&, torch::Tensor&)>& edit) {
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  {
    auto source = SafetensorsFile::open(file.string());
    for (const auto& key : source->keys()) {
      torch::Tensor t = WeightLoader::toTensor(source->tensor(key));
      if (edit(key, t)) tensors.emplace_back(key, t.contiguous());
    }
  }
  SafetensorsWriter writer;
  for (const auto& [key, t] : tensors) {
    writer.add(key, DType::F32, std::vector<std::int64_t>(t.sizes().begin(), t.sizes().end()), t.data_ptr(),
               static_cast<std::size_t>(t.nbytes()));
  }
  writer.write(file.string());
}

}  // namespace

class CliTest : public QObject {
  Q_OBJECT

 private slots:
  void forwardDumpHasTheContractKeysAndReferenceValues() {
    QTemporaryDir tmp;
    const auto ids = testing::expectedTensor("tiny-llama.input_ids");
    const QString dump = tmp.filePath("out.safetensors");
    const auto result = runCli({"forward", "--model", QString::fromStdString(testing::llamaVariantDir("tiny-llama")),
                                "--tokens", tokenList(ids), "--dump", dump});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));

    auto file = SafetensorsFile::open(dump.toStdString());
    const int layers = 3, heads = 4;
    const std::int64_t tokens = ids.numel(), hidden = 64, vocab = 300;
    std::map<std::string, std::vector<std::int64_t>> expected = {{"logits", {tokens, vocab}},
                                                                 {"hook_embed", {tokens, hidden}}};
    for (int l = 0; l < layers; ++l) {
      const std::string b = "blocks." + std::to_string(l) + ".";
      expected[b + "attn.hook_pattern"] = {heads, tokens, tokens};
      expected[b + "hook_resid_post"] = {tokens, hidden};
      expected[b + "hook_mlp_out"] = {tokens, hidden};
      expected[b + "hook_attn_out"] = {tokens, hidden};
    }
    std::vector<std::string> expectedKeys;
    for (const auto& [key, shape] : expected) expectedKeys.push_back(key);
    QCOMPARE(file->keys(), expectedKeys);
    double worst = 0.0;
    for (const auto& [key, shape] : expected) {
      const auto view = file->tensor(key);
      QVERIFY2(view.dtype == DType::F32, key.c_str());
      QVERIFY2(view.shape == shape, key.c_str());
      const double error = testing::relativeError(WeightLoader::toTensor(view),
                                                  testing::expectedTensor("tiny-llama." + key));
      worst = std::max(worst, error);
      QVERIFY2(error <= 1e-5, (key + ": relative error " + std::to_string(error)).c_str());
    }
    qInfo("forward --dump: %zu keys, worst relative error vs transformers %.3g", expected.size(), worst);
  }

  void captureListSelectsTaps() {
    QTemporaryDir tmp;
    const QString dump = tmp.filePath("out.safetensors");
    const auto result = runCli({"forward", "--model", QString::fromStdString(testing::llamaVariantDir("tiny-llama")),
                                "--tokens", "1,5,9,13", "--dump", dump, "--capture",
                                "blocks.1.attn.hook_received,blocks.*.hook_resid_post"});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    auto file = SafetensorsFile::open(dump.toStdString());
    QCOMPARE(file->keys(), (std::vector<std::string>{"blocks.0.hook_resid_post", "blocks.1.attn.hook_received",
                                                     "blocks.1.hook_resid_post", "blocks.2.hook_resid_post"}));
    QCOMPARE(file->tensor("blocks.1.attn.hook_received").shape, (std::vector<std::int64_t>{4, 4}));
  }

  void infoSummarisesAPlainLlama() {
    const auto result = runCli({"info", "--model", QString::fromStdString(testing::llamaVariantDir("tiny-llama-tied"))});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const auto json = nlohmann::json::parse(result.out.toStdString());
    QCOMPARE(json.at("kind").get<std::string>(), std::string("text"));
    QCOMPARE(json.at("llm").at("layers").get<int>(), 2);
    QVERIFY(json.at("llm").at("tied_embeddings").get<bool>());
  }

  void usageErrorsAreOneLineAndNonZero() {
    const auto missing = runCli({"forward", "--model", "/nonexistent/model", "--tokens", "1", "--dump", "/tmp/x"});
    QVERIFY(missing.exitCode != 0);
    QCOMPARE(missing.err.trimmed().count('\n'), 0);
    QVERIFY(missing.err.contains("/nonexistent/model"));
    const auto badTokens = runCli({"forward", "--model", QString::fromStdString(testing::llamaVariantDir("tiny-llama")),
                                   "--tokens", "1,x", "--dump", "/tmp/x"});
    QVERIFY(badTokens.exitCode != 0);
    QVERIFY(badTokens.err.contains("'x'"));
    const auto outOfVocab = runCli({"forward", "--model", QString::fromStdString(testing::llamaVariantDir("tiny-llama")),
                                    "--tokens", "1,300", "--dump", "/tmp/x"});
    QVERIFY(outOfVocab.exitCode != 0);
    QVERIFY(outOfVocab.err.contains("300"));
    QVERIFY(runCli({"no-such-command"}).exitCode != 0);
  }

  // Each broken copy of the fixture model must fail cleanly with the file and (where
  // one applies) the key in a single line.
  void badModelCorpusGivesOneLineReasons() {
    QTemporaryDir tmp;
    const fs::path good = testing::llamaVariantDir("tiny-llama");
    const fs::path corpus = fs::path(SINKSCOPE_SOURCE_DIR) / "tests/fixtures/bad_models";
    struct Case {
      std::string name;
      std::function<void(const fs::path&)> breakIt;
      std::vector<std::string> mentions;
    };
    const std::vector<Case> cases = {
        {"truncated",
         [](const fs::path& d) { fs::resize_file(d / "model.safetensors", fs::file_size(d / "model.safetensors") - 100); },
         {"model.safetensors"}},
        {"header_beyond_file",
         [&](const fs::path& d) {
           fs::copy_file(corpus / "header_beyond_file.safetensors", d / "model.safetensors",
                         fs::copy_options::overwrite_existing);
         },
         {"model.safetensors", "header length"}},
        {"overlapping_offsets",
         [&](const fs::path& d) {
           fs::copy_file(corpus / "overlapping_offsets.safetensors", d / "model.safetensors",
                         fs::copy_options::overwrite_existing);
         },
         {"model.safetensors", "overlap"}},
        {"unknown_dtype",
         [&](const fs::path& d) {
           fs::copy_file(corpus / "unknown_dtype.safetensors", d / "model.safetensors",
                         fs::copy_options::overwrite_existing);
         },
         {"model.safetensors", "dtype"}},
        {"wrong_shape",
         [](const fs::path& d) {
           rewriteWeights(d / "model.safetensors", [](const std::string& key, torch::Tensor& t) {
             if (key == "model.layers.1.mlp.down_proj.weight") t = t.t();
             return true;
           });
         },
         {"model.safetensors", "model.layers.1.mlp.down_proj.weight", "expected [64, 176], found [176, 64]"}},
        {"missing_key",
         [](const fs::path& d) {
           rewriteWeights(d / "model.safetensors",
                          [](const std::string& key, torch::Tensor&) { return key != "model.norm.weight"; });
         },
         {"model.safetensors", "model.norm.weight"}},
        {"malformed_json",
         [](const fs::path& d) { std::ofstream(d / "config.json") << "{\"vocab_size\": 300, "; },
         {"config.json"}},
        {"wrong_vocab_size",
         [](const fs::path& d) {
           std::ifstream in(d / "config.json");
           auto json = nlohmann::json::parse(in);
           json["vocab_size"] = 512;
           std::ofstream(d / "config.json") << json.dump();
         },
         {"model.safetensors", "model.embed_tokens.weight", "expected [512, 64], found [300, 64]"}},
    };
    for (const auto& c : cases) {
      const fs::path dir = fs::path(tmp.path().toStdString()) / c.name;
      copyDir(good, dir);
      c.breakIt(dir);
      for (const QString command : {"info", "forward"}) {
        QStringList args = {command, "--model", QString::fromStdString(dir.string())};
        if (command == "forward") args << "--tokens" << "1,2,3" << "--dump" << tmp.filePath("x.safetensors");
        const auto result = runCli(args);
        const std::string err = result.err.toStdString();
        QVERIFY2(result.exitCode == 1, (c.name + ": exit " + std::to_string(result.exitCode) + " " + err).c_str());
        QVERIFY2(result.err.trimmed().count('\n') == 0, (c.name + ": not one line: " + err).c_str());
        for (const auto& mention : c.mentions) {
          QVERIFY2(err.find(mention) != std::string::npos, (c.name + ": '" + mention + "' missing in: " + err).c_str());
        }
      }
      qInfo("%s: %s", c.name.c_str(), qPrintable(runCli({"info", "--model", QString::fromStdString(dir.string())}).err.trimmed()));
    }
  }
  // generation.suppress_tokens of a composite model: a good list loads, a bad one is
  // refused in one line naming the key.
  void suppressTokensAreChecked() {
    QTemporaryDir tmp;
    const QString good = tmp.filePath("good");
    const QString error = test::makeRandomInitModel(good);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const fs::path goodDir = good.toStdString();
    nlohmann::json config;
    {
      std::ifstream in(goodDir / "config.json");
      config = nlohmann::json::parse(in);
    }
    const auto withSuppressed = [&](const std::string& name, const nlohmann::json& list) {
      const fs::path dir = fs::path(tmp.path().toStdString()) / name;
      copyDir(goodDir, dir);
      nlohmann::json broken = config;
      broken["generation"]["suppress_tokens"] = list;
      std::ofstream(dir / "config.json") << broken.dump(2);
      return QString::fromStdString(dir.string());
    };
    const auto loads = runCli({"info", "--model", withSuppressed("listed", {300, 301})});
    QVERIFY2(loads.exitCode == 0, qPrintable(loads.err));

    struct Case {
      std::string name;
      nlohmann::json list;
      std::string mention;
    };
    const auto eos = Tokenizer::fromFile((goodDir / "llm" / "tokenizer.json").string()).eosIds();
    QVERIFY(!eos.empty());
    const std::vector<Case> cases = {{"not-a-list", "300", "suppress_tokens"},
                                     {"negative", {-3}, "suppress_tokens"},
                                     {"beyond-vocab", {99999}, "99999"},
                                     {"end-of-text", {eos.front()}, "ends a text"}};
    for (const auto& c : cases) {
      const auto result = runCli({"info", "--model", withSuppressed(c.name, c.list)});
      const std::string err = result.err.toStdString();
      QVERIFY2(result.exitCode == 1, (c.name + ": exit " + std::to_string(result.exitCode) + " " + err).c_str());
      QVERIFY2(result.err.trimmed().count('\n') == 0, (c.name + ": not one line: " + err).c_str());
      QVERIFY2(err.find(c.mention) != std::string::npos && err.find("config.json") != std::string::npos,
               (c.name + ": " + err).c_str());
    }
  }
};

QTEST_GUILESS_MAIN(CliTest)
#include "CliTest.moc"
