// The per-utterance massive-activation and BOS-cosine statistics that eval keeps
// (UtteranceRecord, on the planted trace whose sinks and massive dims are known), their
// sum in EvalSummary, and ResultsTable's pages: rows per modality and rate, baseline
// and decorrelated side by side, dashes for what was not evaluated.
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

#include "core/analysis/EvalSummary.h"
#include "core/analysis/ResultsTable.h"
#include "core/analysis/TraceAnalyzer.h"
#include "core/analysis/UtteranceRecord.h"
#include "core/base/Error.h"
#include "support/PlantedTrace.h"

using namespace sinkscope;
using nlohmann::json;
using test::PlantedTrace;
namespace fs = std::filesystem;

namespace {

UtteranceRecord plantedRecord(std::int64_t index) {
  const TraceReport report = TraceAnalyzer().analyze(PlantedTrace::make());
  return UtteranceRecord::fromReport(index, "clip.mp4", "a b c", report, false);
}

json evalWith(double wer, int scored) {
  json eval = json::object();
  eval["scored"] = scored;
  eval["wer"] = {{"rate", wer}};
  eval["layers"] = json::array({json{{"mean_bos_head_fraction", 0.0}}, json{{"mean_bos_head_fraction", 0.75}}});
  json layer0 = json::object(), layer1 = json::object();
  layer0["bos"] = {{"sink_tokens", 4}};
  layer0["video_start"] = {{"sink_tokens", 0}};
  layer1["bos"] = {{"sink_tokens", 4}};
  layer1["video_start"] = {{"sink_tokens", 3}};
  layer1["prompt"] = {{"sink_tokens", 1}};
  eval["segments"] = json::array({json{{"layer", 0}, {"segments", layer0}}, json{{"layer", 1}, {"segments", layer1}}});
  json massive = json::object();
  massive["fixed_dims"] = json::array({json{{"dim", 42}, {"layers", 8}}, json{{"dim", 7}, {"layers", 6}}});
  massive["max_ratio"] = 1234.5;
  massive["origin_sources"] = {{"mlp", 3}, {"embedding", 1}};
  massive["origin_first_layers"] = {{"1", 3}, {"-1", 1}};
  eval["massive"] = massive;
  eval["bos_cosine"] = {{"sink_tokens", 0.9}, {"other_tokens", 0.1}};
  return eval;
}

ResultsModel model(const std::string& name, const std::string& modality, int audioRate, int videoRate, double lambda) {
  ResultsModel m;
  m.name = name;
  m.modality = modality;
  m.audioRate = audioRate;
  m.videoRate = videoRate;
  m.lambda = lambda;
  return m;
}

}  // namespace

class ResultsTableTest : public QObject {
  Q_OBJECT

 private slots:
  void recordKeepsMassiveDimsAndCosines() {
    const UtteranceRecord r = plantedRecord(0);
    const int layersWithBoth = PlantedTrace::kLayers - PlantedTrace::kFirstIntermediateLayer;
    for (int dim : PlantedTrace::kMassiveDims) {
      QVERIFY2(r.fixedDimLayers.count(dim) == 1, qPrintable(QString::number(dim)));
      QCOMPARE(r.fixedDimLayers.at(dim), layersWithBoth);
    }
    QCOMPARE(r.fixedDimLayers.size(), PlantedTrace::kMassiveDims.size());
    QVERIFY(r.maxMassiveRatio > 1000.0);
    QVERIFY(r.sinkCosineCount >= layersWithBoth);
    QVERIFY(r.sinkCosineSum / r.sinkCosineCount > 0.9);  // planted to point the way BOS does
    QVERIFY(r.otherCosineSum / r.otherCosineCount < 0.5);
    int origins = 0;
    for (const auto& [source, count] : r.originSources) origins += count;
    QVERIFY(origins > 0);

    const UtteranceRecord back = UtteranceRecord::fromJson(r.toJson());
    QCOMPARE(back.toJson().dump(), r.toJson().dump());
    json old = r.toJson();  // a record from before these statistics
    old.erase("massive");
    old.erase("bos_cosine_split");
    const UtteranceRecord legacy = UtteranceRecord::fromJson(old);
    QVERIFY(legacy.fixedDimLayers.empty());
    QCOMPARE(legacy.sinkCosineCount, std::int64_t(0));
  }

  void summarySumsThem() {
    EvalSummary summary;
    summary.add({plantedRecord(0), plantedRecord(1)});
    const json out = summary.toJson();
    const int layersWithBoth = PlantedTrace::kLayers - PlantedTrace::kFirstIntermediateLayer;
    QCOMPARE(out["massive"]["fixed_dims"].size(), PlantedTrace::kMassiveDims.size());
    QCOMPARE(out["massive"]["fixed_dims"][0]["layers"].get<int>(), 2 * layersWithBoth);
    QCOMPARE(out["massive"]["fixed_dims"][0]["utterances"].get<int>(), 2);
    QVERIFY(out["bos_cosine"]["sink_tokens"].get<double>() > out["bos_cosine"]["other_tokens"].get<double>());
    EvalSummary empty;
    QVERIFY(empty.toJson()["bos_cosine"]["sink_tokens"].is_null());
  }

  void pageIsShapedLikeThePaper() {
    std::vector<ResultsModel> models = {model("asr-low", "asr", 4, 0, 0), model("asr-low-dec", "asr", 4, 0, 10000),
                                        model("avsr-high", "avsr", 16, 5, 0), model("asr-high", "asr", 16, 0, 0)};
    models[0].evals["test"] = evalWith(0.123, 10);
    models[1].evals["test"] = evalWith(0.2, 10);
    models[1].evals["librivox"] = evalWith(0.95, 3);
    const std::string page = ResultsTable::markdown(models, {"test", "test_babble0db"}, {"librivox"}, "Intro text.");
    QVERIFY(page.find("Intro text.") != std::string::npos);
    // ASR rows first, the low rate before the high one; AVSR last.
    const auto low = page.find("| ASR | audio ×4 | 12.3 | 20.0 | – | – | 10000 |");
    const auto high = page.find("| ASR | audio ×16 | – | – | – | – | – |");
    const auto av = page.find("| AVSR | audio ×16, video ×5 |");
    QVERIFY2(low != std::string::npos, page.c_str());
    QVERIFY(high != std::string::npos && low < high && high < av);
    QVERIFY(page.find("| asr-low-dec | 95.0 |") != std::string::npos);
    QVERIFY(page.find("| asr-low | – |") != std::string::npos);
    // Sink statistics of the first synthetic set.
    QVERIFY(page.find("| asr-low | 0.00 0.75 | video_start 0.30, prompt 0.10 | 42 (8), 7 (6) | 1234.5 | "
                      "mlp 75 %, first layer 1 | 0.90 / 0.10 |") != std::string::npos);
    QVERIFY(page.find("| asr-high | – | – | – | – | – | – |") != std::string::npos);
  }

  void describeReadsTheModelFolder() {
    QTemporaryDir tmp;
    const fs::path dir = fs::path(tmp.path().toStdString()) / "m";
    fs::create_directories(dir);
    std::ofstream(dir / "config.json") << json{{"model_type", "sinkscope-avsr"},
                                               {"default_modality", "avsr"},
                                               {"audio_compression", {{"mode", "avg-pooling"}, {"rate", 4}}},
                                               {"video_compression", {{"mode", "avg-pooling"}, {"rate", 2}}}}
                                              .dump();
    std::ofstream(dir / "training.json")
        << json{{"config", {{"decorrelation_lambda", 10000.0}, {"avsr", {{"modality", "vsr"}}}}}}.dump();
    const ResultsModel m = ResultsTable::describe("m", dir.string());
    QCOMPARE(m.modality, std::string("vsr"));
    QCOMPARE(m.audioRate, 0);
    QCOMPARE(m.videoRate, 2);
    QCOMPARE(m.lambda, 10000.0);
    QVERIFY_THROWS_EXCEPTION(Error, ResultsTable::describe("x", (dir / "missing").string()));
  }
};

QTEST_GUILESS_MAIN(ResultsTableTest)
#include "ResultsTableTest.moc"
