// The LibTorch-free engine facade the GUI uses: a random-initialised composite model
// made by `sinkscope-cli init`, a text prompt and a real clip through it, and the
// errors a user meets (text-only model given a clip, missing directory); RunOptions'
// interventions reach every pass, and its RunControl reports the decoding steps and
// stops a run.
#include <QtTest>

#include <memory>
#include <string>
#include <vector>

#include "core/base/CancelledError.h"
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

  void interventionsReachEveryPass() {
    RunOptions options;
    options.maxNewTokens = 5;
    options.capture.patterns.push_back("blocks.*.attn.hook_pattern");
    AttentionIntervention ablate;
    ablate.keys = {0};
    options.interventions.attention.push_back(ablate);
    DimIntervention zero;
    zero.layers = {0};
    zero.dims = {3, 7};
    options.interventions.dims.push_back(zero);
    const TracePtr trace = engine_->runText("the cat sat on the mat", options);
    QVERIFY(!trace->steps.empty());
    const int count = trace->numTokens();
    // No query after BOS attends to BOS in any layer or head; rows still sum to one.
    for (int l = 0; l < trace->numLayers; ++l) {
      const HostTensor& pattern = trace->at("blocks." + std::to_string(l) + ".attn.hook_pattern");
      for (std::int64_t h = 0; h < pattern.size(0); ++h) {
        for (int q = 1; q < count; ++q) {
          QCOMPARE(pattern.values[(h * count + q) * count], 0.0f);
          double sum = 0.0;
          for (int k = 0; k <= q; ++k) sum += pattern.values[(h * count + q) * count + k];
          QVERIFY(std::abs(sum - 1.0) < 1e-4);
        }
      }
    }
    // Dims 3 and 7 leave block 0 as zeros at every position, generated ones included.
    const HostTensor& resid = trace->at("blocks.0.hook_resid_post");
    for (int t = 0; t < count; ++t) {
      QCOMPARE(resid.at(t, 3), 0.0f);
      QCOMPARE(resid.at(t, 7), 0.0f);
    }
    // The unmodified run differs there.
    options.interventions = {};
    const TracePtr plain = engine_->runText("the cat sat on the mat", options);
    QVERIFY(plain->at("blocks.0.hook_resid_post").at(1, 3) != 0.0f);
    QVERIFY(plain->at("blocks.0.attn.hook_pattern").values[count] > 0.0f);
    options.maxNewTokens = 0;
    options.interventions.attention.push_back(ablate);
    QVERIFY_THROWS_EXCEPTION(Error, engine_->runText("the cat", options));
  }

  void progressIsReportedAndRunsCanBeCancelled() {
    std::vector<int> seen;
    RunOptions options;
    options.maxNewTokens = 6;
    options.control = std::make_shared<RunControl>([&seen](int done, int total) {
      QCOMPARE(total, 6);
      seen.push_back(done);
    });
    const TracePtr trace = engine_->runText("the cat sat on the mat", options);
    // One report before the prefill, one per later step, one before the capture pass.
    QCOMPARE(seen.front(), 0);
    QCOMPARE(seen.back(), static_cast<int>(trace->steps.size()));
    QCOMPARE(seen.size(), trace->steps.size() + 1);
    for (std::size_t i = 1; i < seen.size(); ++i) QVERIFY(seen[i] >= seen[i - 1]);

    // Asked to stop at the third report: CancelledError, and the engine runs on.
    std::shared_ptr<RunControl> control;
    int reports = 0;
    control = std::make_shared<RunControl>([&](int, int) {
      if (++reports == 3) control->requestCancel();
    });
    options.control = control;
    QVERIFY_THROWS_EXCEPTION(CancelledError, engine_->runText("the cat sat on the mat", options));
    QCOMPARE(reports, 3);
    options.control.reset();
    QVERIFY(!engine_->runText("the cat sat on the mat", options)->steps.empty());
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
