#include <QtTest>

#include <QProcess>
#include <QTemporaryDir>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/corpus/CorpusGenerator.h"
#include "core/corpus/VoiceCatalog.h"
#include "core/corpus/WavFile.h"
#include "core/io/Safetensors.h"

using namespace sinkscope::corpus;
namespace fs = std::filesystem;

namespace {

struct Row {
  std::string dataset, relPath, text;
  int frames = 0, tokens = 0;
};

std::vector<Row> readCsv(const std::string& path) {
  std::vector<Row> rows;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::stringstream ss(line);
    std::string f;
    while (std::getline(ss, f, ',')) fields.push_back(f);
    if (fields.size() != 5) throw std::runtime_error("bad row: " + line);
    rows.push_back({fields[0], fields[1], fields[4], std::stoi(fields[2]), std::stoi(fields[3])});
  }
  return rows;
}

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// One voice per engine, whichever is installed.
std::string testVoices() {
  std::string list;
  for (const char* id : {"espeak-en-us+m3", "flite-slt", "festival-ked"}) {
    const auto v = VoiceCatalog::select(id).front();
    if (VoiceCatalog::available(v)) list += (list.empty() ? "" : ",") + std::string(id);
  }
  return list;
}

}  // namespace

class CorpusGeneratorTest : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;
  std::string dirA_;  // made by sinkscope-cli with two workers
  std::string dirB_;  // made by the library with one worker

 private slots:
  void initTestCase() {
    if (!fs::exists("/usr/share/wordnet/data.noun")) QSKIP("wordnet-base is not installed");
    QVERIFY(tmp_.isValid());
    dirA_ = tmp_.path().toStdString() + "/a/corpus";
    dirB_ = tmp_.path().toStdString() + "/b/corpus";
    QProcess cli;
    cli.start(SINKSCOPE_CLI, {"corpus", "--out", QString::fromStdString(dirA_), "--seed", "5", "--train", "4",
                              "--valid", "1", "--test", "1", "--voices", QString::fromStdString(testVoices()),
                              "--jobs", "2", "--babble-seconds", "2", "--babble-talkers", "2"});
    QVERIFY(cli.waitForFinished(600000));
    QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
    const auto summary = nlohmann::json::parse(cli.readAllStandardOutput().toStdString());
    QCOMPARE(summary["utterances"]["train"].get<int>(), 4);

    CorpusOptions o;
    o.outDir = dirB_;
    o.seed = 5;
    o.trainCount = 4;
    o.validCount = 1;
    o.testCount = 1;
    o.voices = testVoices();
    o.jobs = 1;
    o.babbleSeconds = 2;
    o.babbleTalkers = 2;
    const auto stats = CorpusGenerator(o).run();
    QCOMPARE(stats.train + stats.valid + stats.test, 6);
  }

  // Every row has the five Llama-AVSR fields; its clip exists and decodes to
  // input_length frames; token_len is the word count; text is lower-case words.
  void manifestRowsParse() {
    const std::regex allowed("[a-z']+( [a-z']+)*");
    for (const char* split : {"train", "valid", "test", "test_babble0db"}) {
      const auto rows = readCsv(dirA_ + "/" + split + ".csv");
      QCOMPARE(static_cast<int>(rows.size()), std::string(split) == "train" ? 4 : 1);
      for (const auto& r : rows) {
        QCOMPARE(r.dataset, std::string("corpus"));
        QVERIFY2(fs::exists(dirA_ + "/" + r.relPath), r.relPath.c_str());
        QVERIFY(r.relPath.rfind(std::string(split) + "/", 0) == 0);
        QVERIFY(r.frames > 10);
        QVERIFY(std::regex_match(r.text, allowed));
        QCOMPARE(r.tokens, static_cast<int>(std::count(r.text.begin(), r.text.end(), ' ') + 1));
        QProcess probe;
        probe.start("ffprobe", {"-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                                "stream=nb_read_frames,width,height", "-of", "default=nw=1",
                                QString::fromStdString(dirA_ + "/" + r.relPath)});
        if (!probe.waitForFinished(60000) || probe.exitCode() != 0) QSKIP("ffprobe is not available");
        const QString out = probe.readAllStandardOutput();
        QVERIFY2(out.contains("width=96") && out.contains("height=96"), qPrintable(out));
        QVERIFY2(out.contains(QString("nb_read_frames=%1").arg(r.frames)), qPrintable(out));
      }
    }
  }

  // Shards hold what the CSV says, with the documented names, dtypes and shapes, and
  // the audio of each utterance is exactly its frames × 640 samples.
  void shardsReadBack() {
    for (const char* split : {"train", "valid", "test"}) {
      const auto rows = readCsv(dirA_ + "/" + split + ".csv");
      const auto shard = sinkscope::SafetensorsFile::open(dirA_ + "/shards/" + split + "-0000.safetensors");
      const auto n = static_cast<std::int64_t>(rows.size());
      const auto audio = shard->tensor("audio");
      const auto audioOffsets = shard->tensor("audio_offsets");
      const auto rois = shard->tensor("rois");
      const auto roiOffsets = shard->tensor("roi_offsets");
      QCOMPARE(audio.dtype, sinkscope::DType::I16);
      QCOMPARE(rois.dtype, sinkscope::DType::U8);
      QCOMPARE(audioOffsets.dtype, sinkscope::DType::I64);
      QCOMPARE(audioOffsets.shape, std::vector<std::int64_t>{n + 1});
      QCOMPARE(roiOffsets.shape, std::vector<std::int64_t>{n + 1});
      const auto* ao = reinterpret_cast<const std::int64_t*>(audioOffsets.data);
      const auto* ro = reinterpret_cast<const std::int64_t*>(roiOffsets.data);
      QCOMPARE(audio.shape, std::vector<std::int64_t>{ao[n]});
      QCOMPARE(rois.shape, (std::vector<std::int64_t>{ro[n], 96, 96}));
      const auto texts = nlohmann::json::parse(shard->metadata().at("texts"));
      const auto ids = nlohmann::json::parse(shard->metadata().at("ids"));
      const auto voices = nlohmann::json::parse(shard->metadata().at("voices"));
      for (std::int64_t i = 0; i < n; ++i) {
        const auto& r = rows[static_cast<std::size_t>(i)];
        QCOMPARE(ro[i + 1] - ro[i], static_cast<std::int64_t>(r.frames));
        QVERIFY(std::abs((ao[i + 1] - ao[i]) - 640 * (ro[i + 1] - ro[i])) < 640);
        QCOMPARE(texts[i].get<std::string>(), r.text);
        QCOMPARE(ids[i].get<std::string>() + ".mp4", r.relPath);
        QVERIFY(!voices[i].get<std::string>().empty());
        // Speech is there, and the mouth moves.
        const auto* samples = reinterpret_cast<const std::int16_t*>(audio.data) + ao[i];
        double energy = 0;
        for (std::int64_t k = 0; k < ao[i + 1] - ao[i]; ++k) energy += double(samples[k]) * samples[k];
        QVERIFY(energy / (ao[i + 1] - ao[i]) > 1e4);
        const auto* first = rois.data + ro[i] * 96 * 96;
        double change = 0;
        for (std::int64_t f = 1; f < ro[i + 1] - ro[i]; ++f)
          for (int p = 0; p < 96 * 96; ++p) change += std::abs(int(first[f * 96 * 96 + p]) - int(first[(f - 1) * 96 * 96 + p]));
        QVERIFY(change > 1e4);
      }
    }
  }

  void splitsAreDisjoint() {
    std::map<std::string, std::set<std::string>> texts;
    for (const char* split : {"train", "valid", "test"})
      for (const auto& r : readCsv(dirA_ + "/" + split + ".csv")) {
        texts[split].insert(r.text);
        QCOMPARE(splitName(SentenceSource::splitOf(r.text)), std::string(split));
      }
    for (const auto& t : texts["train"]) QVERIFY(!texts["valid"].count(t) && !texts["test"].count(t));
    for (const auto& t : texts["valid"]) QVERIFY(!texts["test"].count(t));
  }

  // Same seed, other thread count, other process: byte-identical shards and labels.
  void sameSeedSameBytes() {
    for (const char* file : {"shards/train-0000.safetensors", "shards/valid-0000.safetensors",
                             "shards/test-0000.safetensors", "train.csv", "test_babble0db.csv", "noise/babble.wav",
                             "noise/babble_test.wav"}) {
      const std::string a = readAll(dirA_ + "/" + file);
      QVERIFY2(!a.empty(), file);
      QVERIFY2(a == readAll(dirB_ + "/" + file), file);
    }
  }

  void noiseFilesAreDescribed() {
    const auto babble = WavFile::read(dirA_ + "/noise/babble.wav");
    QCOMPARE(babble.sampleRateHz, 16000);
    QCOMPARE(babble.samples.size(), std::size_t(32000));
    const auto description = nlohmann::json::parse(readAll(dirA_ + "/noise/noise.json"));
    QCOMPARE(description["babble"]["train"].get<std::string>(), std::string("babble.wav"));
    QCOMPARE(description["snr_db"].size(), std::size_t(6));
    QCOMPARE(description["test_copies"][0]["folder"].get<std::string>(), std::string("test_babble0db"));
  }

  void parsesTestNoise() {
    const auto parsed = CorpusGenerator::parseTestNoise("babble:0,white:-5");
    QCOMPARE(parsed.size(), std::size_t(2));
    QCOMPARE(CorpusGenerator::noisyTestName(parsed[1].first, parsed[1].second), std::string("test_white-5db"));
    QVERIFY_THROWS_EXCEPTION(std::exception, CorpusGenerator::parseTestNoise("pink:3"));
  }
};

QTEST_GUILESS_MAIN(CorpusGeneratorTest)
#include "CorpusGeneratorTest.moc"
