// The LibTorch-free engine facade the GUI uses: a random-initialised composite model
// made by `sinkscope-cli init`, a text prompt and a real clip through it, and the
// errors a user meets (text-only model given a clip, missing directory).
#include <QtTest>

#include <memory>
#include <string>

#include "core/base/Error.h"
#include "core/engine/ClipLoader.h"
#include "core/engine/InferenceEngine.h"

using namespace sinkscope;

class InferenceEngineTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    modelDir_ = dir_.path().toStdString() + "/model";
    QProcess init;
    init.start(QString::fromUtf8(SINKSCOPE_CLI),
               {"init", "--out", QString::fromStdString(modelDir_), "--seed", "3", "--tokenizer",
                QString::fromUtf8(SINKSCOPE_SOURCE_DIR) + "/tests/fixtures/text/llama3_bpe.tokenizer.json"});
    QVERIFY(init.waitForFinished(120000));
    QCOMPARE(init.exitCode(), 0);
    engine_ = InferenceEngine::load(modelDir_);
  }

  void summaryDescribesTheModel() {
    const ModelSummary& s = engine_->summary();
    QVERIFY(!s.textOnly);
    QVERIFY(s.numLayers > 0 && s.numHeads > 0 && s.hiddenSize > 0);
    QVERIFY(s.parameterCount > 0);
    QCOMPARE(s.device, std::string("cpu"));
    QVERIFY(s.modalities.size() >= 3);
  }

  void textRunCapturesPromptAndContinuation() {
    RunOptions options;
    options.maxNewTokens = 4;
    const TracePtr trace = engine_->runText("the cat sat on the mat", options);
    QVERIFY(trace->numTokens() > 4);
    QCOMPARE(trace->tokens.front().segment, Segment::Bos);
    QVERIFY(trace->steps.size() >= 1 && trace->steps.size() <= 4);
    QCOMPARE(trace->tokens.back().segment, Segment::Response);
    const HostTensor& received = trace->at("blocks.0.attn.hook_received");
    QCOMPARE(received.size(1), static_cast<std::int64_t>(trace->numTokens()));
    // Key 0 is seen by every query, and each query's row sums to one.
    QVERIFY(received.at(0, 0) > 0.0f && received.at(0, 0) <= 1.0f + 1e-5f);
  }

  void clipRunFollowsTheLayout() {
    const std::string clip = std::string(SINKSCOPE_SHARED_DIR) + "/media/grid_s2_swwp2s.mpg";
    if (!QFile::exists(QString::fromStdString(clip))) QSKIP("shared media absent");
    const ClipMedia media = ClipLoader::load(clip, true, true);
    QVERIFY(media.frames.size() >= 74 && media.frames.size() <= 76);
    QVERIFY(media.audioSeconds() > 2.9 && media.audioSeconds() < 3.1);
    RunOptions options;
    options.numBeams = 1;
    const TracePtr trace = engine_->runMedia(media, Modality::Avsr, options);
    QCOMPARE(trace->modality, std::string("avsr"));
    int audio = 0, video = 0;
    for (const auto& token : trace->tokens) {
      audio += token.segment == Segment::Audio;
      video += token.segment == Segment::Video;
    }
    QVERIFY(audio > 0);
    QVERIFY(video > 0);
    // Every audio token carries its media time span.
    for (const auto& token : trace->tokens)
      if (token.segment == Segment::Audio) QVERIFY(token.endSec > token.startSec && token.startSec >= 0.0);
  }

  void errorsAreOneLineExceptions() {
    ClipMedia empty;
    empty.path = "nothing.mp4";
    QVERIFY_THROWS_EXCEPTION(Error, engine_->runMedia(empty, Modality::Asr));
    QVERIFY_THROWS_EXCEPTION(Error, InferenceEngine::load(dir_.path().toStdString() + "/absent"));
    const std::string llama = std::string(SINKSCOPE_SOURCE_DIR) + "/tests/fixtures/llama/tiny-llama";
    const auto textOnly = InferenceEngine::load(llama);
    QVERIFY(textOnly->summary().textOnly);
    QVERIFY_THROWS_EXCEPTION(Error, textOnly->runMedia(empty, Modality::Asr));
  }

 private:
  QTemporaryDir dir_;
  std::string modelDir_;
  std::shared_ptr<InferenceEngine> engine_;
};

QTEST_GUILESS_MAIN(InferenceEngineTest)
#include "InferenceEngineTest.moc"
