// LibTorch before Qt: Qt's `slots` macro breaks LibTorch headers.
#include "support/TinyAvCorpus.h"

#include <QtTest>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "core/base/Error.h"
#include "core/train/AvsrShardReader.h"

using namespace sinkscope;
namespace fs = std::filesystem;

class AvsrShardReaderTest : public QObject {
  Q_OBJECT

 private:
  fs::path root_ = fs::temp_directory_path() / ("avsr-shard-reader-test-" + std::to_string(::getpid()));

 private slots:
  void initTestCase() { test::TinyAvCorpus::write(root_ / "corpus"); }
  void cleanupTestCase() { fs::remove_all(root_); }

  void readsEveryUtteranceAcrossShards() {
    const auto reader = AvsrShardReader::open((root_ / "corpus").string(), "train");
    QCOMPARE(reader.size(), std::size_t(12));
    const auto texts = test::TinyAvCorpus::sentences();
    std::int64_t samples = 0;
    for (std::size_t i = 0; i < reader.size(); ++i) {
      const auto u = reader.at(i);
      QCOMPARE(u.text, texts[i % texts.size()]);
      char id[32];
      std::snprintf(id, sizeof(id), "train/%06zu", i);
      QCOMPARE(u.id, std::string(id));
      QVERIFY(u.frames >= 20 && u.frames <= 40);
      QCOMPARE(u.samples, u.frames * 640);
      samples += u.samples;
    }
    QCOMPARE(reader.totalSamples(), samples);
  }

  void viewsPointAtTheUtterancesOwnBytes() {
    // The generator's tones follow the transcript's letters: the first samples of
    // utterance 7 ("then they saw a cat") are a tone of 't' (200 + 40 * 19 Hz), so
    // they must differ from utterance 6's ("it was not big") 'i' tone.
    const auto reader = AvsrShardReader::open((root_ / "corpus").string(), "train");
    const auto a = reader.at(6);
    const auto b = reader.at(7);
    QVERIFY(a.audio != b.audio);
    QCOMPARE(a.audio + a.samples, b.audio);  // 6 and 7 share the second shard, in order
    QVERIFY(a.rois + a.frames * 96 * 96 == b.rois);
    const auto c = reader.at(5);             // the last of the first shard
    QVERIFY(c.audio + c.samples != a.audio);
  }

  void missingSplitOrBadShardIsAnError() {
    QVERIFY_THROWS_EXCEPTION(Error, AvsrShardReader::open((root_ / "corpus").string(), "test"));
    const fs::path bad = root_ / "bad";
    fs::create_directories(bad / "shards");
    {
      std::ofstream out(bad / "shards" / "train-0000.safetensors", std::ios::binary);
      out << "not a safetensors file";
    }
    QVERIFY_THROWS_EXCEPTION(FormatError, AvsrShardReader::open(bad.string(), "train"));
    const auto reader = AvsrShardReader::open((root_ / "corpus").string(), "valid");
    QVERIFY_THROWS_EXCEPTION(Error, reader.at(reader.size()));
  }
};

QTEST_GUILESS_MAIN(AvsrShardReaderTest)
#include "AvsrShardReaderTest.moc"
