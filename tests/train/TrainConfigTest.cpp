#include <QtTest>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "core/base/Error.h"
#include "core/train/TrainConfig.h"

using namespace sinkscope;
using nlohmann::json;

namespace {

json minimal() {
  return {{"out_dir", "runs/x"}, {"data", {{"text_files", {"a.txt"}}}}};
}

// Parses `document` and expects a ConfigError whose message names `key`.
void expectError(const json& document, const std::string& key) {
  try {
    TrainConfig::fromJson(document, "test.json");
    QFAIL(("no ConfigError; expected one naming " + key).c_str());
  } catch (const ConfigError& e) {
    const std::string message = e.what();
    if (message.find("test.json") == std::string::npos || message.find("'" + key + "'") == std::string::npos) {
      QFAIL(("message '" + message + "' does not name test.json and '" + key + "'").c_str());
    }
  }
}

json with(json document, const std::string& section, const std::string& key, const json& value) {
  if (section.empty()) {
    document[key] = value;
  } else {
    document[section][key] = value;
  }
  return document;
}

}  // namespace

class TrainConfigTest : public QObject {
  Q_OBJECT

 private slots:
  void everyShippedConfigParses() {
    // configs/ and its experiment folders: a misspelt key or a bad value fails here, not
    // an hour into a background run.
    int count = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(std::string(SINKSCOPE_SOURCE_DIR) + "/configs")) {
      if (entry.path().extension() != ".json") continue;
      try {
        const TrainConfig c = TrainConfig::fromFile(entry.path().string());
        QVERIFY(!c.outDir.empty());
      } catch (const std::exception& e) {
        QFAIL(qPrintable(QString::fromStdString(entry.path().string() + ": " + e.what())));
      }
      ++count;
    }
    QVERIFY(count >= 20);
  }

  void defaultsFillWhatIsNotGiven() {
    const TrainConfig c = TrainConfig::fromJson(minimal(), "test.json");
    QCOMPARE(c.stage, std::string("lm"));
    QCOMPARE(c.train.seqLength, std::int64_t(256));
    QCOMPARE(c.batchSize(), std::int64_t(16));
    QCOMPARE(c.intermediateSize(), std::int64_t(704));  // 8/3 · 256 rounded up to 64
    QCOMPARE(c.numKeyValueHeads(), 4);
    QCOMPARE(c.decorrelationLambda, 0.0);
  }

  void readsEveryKeyAndWritesItBack() {
    json document = minimal();
    document["seed"] = 99;
    document["export_dtype"] = "fp16";
    document["decorrelation_lambda"] = 10000.0;
    document["model"] = {{"hidden_size", 384}, {"num_hidden_layers", 6}, {"num_attention_heads", 6},
                         {"num_key_value_heads", 2}, {"tie_word_embeddings", true}};
    document["train"] = {{"steps", 5000}, {"batch_tokens", 8192}, {"seq_length", 256}, {"lr", 0.002},
                         {"warmup_steps", 300}, {"beta2", 0.98}, {"clip_norm", 0.5}};
    document["probe"] = {{"every", 250}, {"windows", 4}, {"threshold", 0.25}};
    document["checkpoint"] = {{"every", 1000}, {"keep", 4}, {"average_last", 3}};
    const TrainConfig c = TrainConfig::fromJson(document, "test.json");
    QCOMPARE(c.seed, std::uint64_t(99));
    QCOMPARE(c.model.numKeyValueHeads, 2);
    QCOMPARE(c.train.lr, 0.002);
    QCOMPARE(c.batchSize(), std::int64_t(32));
    QCOMPARE(c.checkpoint.averageLast, 3);
    const TrainConfig again = TrainConfig::fromJson(c.toJson(), "again.json");
    QCOMPARE(again.toJson(), c.toJson());
  }

  void errorsNameTheKey() {
    expectError(json::object(), "out_dir");
    expectError({{"out_dir", "x"}}, "data");
    expectError(with(minimal(), "", "stage", "finetune"), "stage");
    expectError(with(minimal(), "", "stage", "avsr"), "avsr.corpus_dir");
    expectError(with(with(minimal(), "", "stage", "ctc"), "ctc", "corpus_dir", "c"), "ctc.encoder");
    expectError(with(with(with(minimal(), "", "stage", "ctc"), "ctc", "corpus_dir", "c"), "ctc", "modality", "lidar"),
                "ctc.modality");
    expectError(with(minimal(), "ctc", "noise_snr_db", "loud"), "ctc.noise_snr_db");
    expectError(with(minimal(), "train", "batch_utterances", 0), "train.batch_utterances");
    expectError(with(minimal(), "", "dtype", "bf16"), "dtype");
    expectError(with(minimal(), "", "export_dtype", "int8"), "export_dtype");
    expectError(with(minimal(), "", "seed", -1), "seed");
    expectError(with(minimal(), "train", "lr", -0.1), "train.lr");
    expectError(with(minimal(), "train", "lr", "fast"), "train.lr");
    expectError(with(minimal(), "train", "steps", 1.5), "train.steps");
    expectError(with(minimal(), "train", "batch_tokens", 1000), "train.batch_tokens");
    expectError(with(minimal(), "train", "beta2", 1.0), "train.beta2");
    expectError(with(with(minimal(), "train", "steps", 100), "train", "warmup_steps", 100), "train.warmup_steps");
    expectError(with(minimal(), "train", "steps", 0), "train.steps");
    expectError(with(minimal(), "model", "num_attention_heads", 3), "model.num_attention_heads");
    expectError(with(minimal(), "model", "num_key_value_heads", 3), "model.num_key_value_heads");
    expectError(with(minimal(), "model", "max_position_embeddings", 128), "model.max_position_embeddings");
    expectError(with(minimal(), "tokenizer", "vocab_size", 100), "tokenizer.vocab_size");
    expectError(with(with(minimal(), "data", "drill_spelling", 0.5), "data", "drill_char_errors", 0.6),
                "data.drill_char_errors");
    expectError(with(minimal(), "data", "drill_char_errors", 0.1), "data.drill_char_errors");  // no spelling drills
    expectError(with(minimal(), "data", "heldout_buckets", 0), "data.heldout_buckets");
    expectError(with(minimal(), "data", "text_files", "a.txt"), "data.text_files");
    expectError(with(minimal(), "probe", "min_queries", 256), "probe.min_queries");
    expectError(with(minimal(), "checkpoint", "average_last", 5), "checkpoint.average_last");
    expectError(with(minimal(), "", "model", 3), "model");
  }

  void avsrSectionReadsBack() {
    json document = minimal();
    document["stage"] = "avsr";
    document["decorrelation_lambda"] = 10000.0;
    document["avsr"] = {{"corpus_dir", "corpus"}, {"llm", "lm/export"}, {"audio_encoder", "a"}, {"video_encoder", "v"},
                        {"modality", "avsr"}, {"audio_rate", 16}, {"video_rate", 5},
                        {"noise_snr_db", {nullptr, 10, -5}}, {"noise_kind", "white"}};
    document["train"] = {{"epochs", 1.5}, {"batch_utterances", 8}};
    const TrainConfig c = TrainConfig::fromJson(document, "avsr.json");
    QCOMPARE(c.avsr.audioRate, 16);
    QCOMPARE(c.avsr.noiseSnrDb.size(), std::size_t(3));
    QVERIFY(!c.avsr.noiseSnrDb[0].has_value());
    QCOMPARE(*c.avsr.noiseSnrDb[2], -5.0);
    QCOMPARE(c.train.epochs, 1.5);
    const TrainConfig again = TrainConfig::fromJson(c.toJson(), "again.json");
    QCOMPARE(again.toJson(), c.toJson());
    document["avsr"]["modality"] = "asr";
    document["avsr"]["audio_encoder"] = "";
    expectError(document, "avsr.audio_encoder");
  }

  void unknownKeysAreErrors() {
    expectError(with(minimal(), "train", "learning_rate", 0.001), "train.learning_rate");
    expectError(with(minimal(), "", "epochs", 3), "epochs");
  }

  void overridesReplaceOneValue() {
    TrainConfig c = TrainConfig::fromJson(minimal(), "test.json");
    c.applyOverride("train.lr=0.0005");
    c.applyOverride("device=cuda");
    c.applyOverride("train.batch_tokens=65536");
    QCOMPARE(c.train.lr, 0.0005);
    QCOMPARE(c.device, std::string("cuda"));
    QCOMPARE(c.batchSize(), std::int64_t(256));
    QCOMPARE(c.source, std::string("test.json"));
    QVERIFY_THROWS_EXCEPTION(ConfigError, c.applyOverride("train.learning_rate=1"));
    QVERIFY_THROWS_EXCEPTION(ConfigError, c.applyOverride("train.lr"));
    QVERIFY_THROWS_EXCEPTION(ConfigError, c.applyOverride("train.lr=-1"));
  }
};

QTEST_GUILESS_MAIN(TrainConfigTest)
#include "TrainConfigTest.moc"
