#include <QtTest>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/base/Error.h"
#include "core/text/ByteLevel.h"
#include "core/text/PhonemeCodeTokens.h"
#include "core/text/Tokenizer.h"

using namespace sinkscope;
namespace fs = std::filesystem;

namespace {

const std::string kTokenizer = std::string(SINKSCOPE_SOURCE_DIR) + "/tests/fixtures/text/gpt2_bpe.tokenizer.json";

fs::path llmDir(const QTemporaryDir& tmp, const nlohmann::json& training) {
  const fs::path dir = fs::path(tmp.path().toStdString()) / "llm";
  fs::create_directories(dir);
  fs::copy_file(kTokenizer, dir / "tokenizer.json", fs::copy_options::overwrite_existing);
  if (!training.is_null()) std::ofstream(dir / "training.json") << training.dump();
  return dir;
}

}  // namespace

class PhonemeCodeTokensTest : public QObject {
  Q_OBJECT

 private slots:
  void phonemeDrilledLlmGetsTheHighBytes() {
    QTemporaryDir tmp;
    const fs::path dir = llmDir(tmp, {{"stage", "lm"}, {"config", {{"data", {{"drill_phonemes", "runs/p.tsv"}}}}}});
    const auto ids = PhonemeCodeTokens::ofLlm(dir.string());
    QCOMPARE(ids.size(), std::size_t(128));
    const Tokenizer tokenizer = Tokenizer::fromFile(kTokenizer);
    for (int byte = 0x80; byte <= 0xFF; ++byte) {
      const auto id = tokenizer.tokenId(ByteLevel::encode(std::string(1, static_cast<char>(byte))));
      QVERIFY(id.has_value());
      QVERIFY(std::find(ids.begin(), ids.end(), *id) != ids.end());
    }
    // No ASCII byte is among them: every transcript character stays writable.
    for (int byte = 0x20; byte < 0x7F; ++byte) {
      const auto id = tokenizer.tokenId(ByteLevel::encode(std::string(1, static_cast<char>(byte))));
      if (id) QVERIFY(std::find(ids.begin(), ids.end(), *id) == ids.end());
    }
  }

  void otherLlmsKeepEveryByte() {
    QTemporaryDir none;
    QVERIFY(PhonemeCodeTokens::ofLlm(llmDir(none, nullptr).string()).empty());
    QTemporaryDir letters;
    const fs::path dir = llmDir(letters, {{"config", {{"data", {{"drill_phonemes", ""}, {"drill_fraction", 0.8}}}}}});
    QVERIFY(PhonemeCodeTokens::ofLlm(dir.string()).empty());
    QTemporaryDir converted;
    QVERIFY(PhonemeCodeTokens::ofLlm(llmDir(converted, {{"source", "converted"}}).string()).empty());
  }

  void brokenTrainingJsonIsAFormatError() {
    QTemporaryDir tmp;
    const fs::path dir = llmDir(tmp, nullptr);
    std::ofstream(dir / "training.json") << "{\"config\": {\"data\": ";
    QVERIFY_EXCEPTION_THROWN(PhonemeCodeTokens::ofLlm(dir.string()), FormatError);
  }
};

QTEST_GUILESS_MAIN(PhonemeCodeTokensTest)
#include "PhonemeCodeTokensTest.moc"
