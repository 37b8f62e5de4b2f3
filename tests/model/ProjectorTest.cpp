// LibTorch before Qt: LibTorch has a member named slots(), Qt a macro of that name.
#include <torch/torch.h>

#include <QtTest>

#include "core/base/CaptureSpec.h"
#include "core/base/Error.h"
#include "core/io/Safetensors.h"
#include "core/model/Compression.h"
#include "core/model/EncoderTaps.h"
#include "core/model/Projector.h"
#include "support/TensorFixtures.h"

using sinkscope::CaptureSpec;
using sinkscope::Compression;
using sinkscope::EncoderTaps;
using sinkscope::HostTensor;
using sinkscope::Projector;
using sinkscope::Runtime;
using sinkscope::SafetensorsFile;
using sinkscope::SafetensorsSet;
using sinkscope::test::TensorFixtures;

// References from scripts/fixtures/make_projector_fixtures.py, which compresses the
// way Llama-AVSR / Omni-AVSR code does (slice-and-stack, nn.AvgPool1d) and projects
// with their nn.Sequential projectors.
class ProjectorTest : public QObject {
  Q_OBJECT

  std::shared_ptr<const SafetensorsFile> reference_;

  torch::Tensor ref(const std::string& name) { return TensorFixtures::load(*reference_, name); }

 private slots:
  void initTestCase() {
    reference_ = SafetensorsFile::open(TensorFixtures::path("projector/reference.safetensors"));
  }

  void compressionMatchesLlamaAvsr_data() {
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("suffix");
    QTest::newRow("10 frames, remainder dropped") << "input" << "";
    QTest::newRow("12 frames") << "input_even" << "_even";
  }

  void compressionMatchesLlamaAvsr() {
    QFETCH(QString, input);
    QFETCH(QString, suffix);
    const auto x = ref(input.toStdString());
    const Compression stack(Compression::Mode::Stack, 3);
    const Compression pool(Compression::parseMode("avg-pooling"), 3);
    const double stackError = TensorFixtures::maxAbsError(stack.apply(x), ref("stacked" + suffix.toStdString()));
    const double poolError = TensorFixtures::maxAbsError(pool.apply(x), ref("pooled" + suffix.toStdString()));
    qInfo("%s: stack max abs error %.3g, avg-pooling max abs error %.3g", qPrintable(input), stackError, poolError);
    QCOMPARE(stackError, 0.0);
    QVERIFY(poolError <= 1e-6);
    QCOMPARE(stack.outputFrames(x.size(1)), x.size(1) / 3);
    QCOMPARE(stack.outputDim(16), int64_t(48));
    QCOMPARE(pool.outputDim(16), int64_t(16));
  }

  void projectorsMatchLlamaAvsr_data() {
    QTest::addColumn<QString>("prefix");
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("output");
    QTest::addColumn<bool>("layerNorm");
    QTest::newRow("audio_proj (stack, no LayerNorm)") << "audio_proj." << "stacked" << "audio_proj_out" << false;
    QTest::newRow("video_proj (avg-pooling, LayerNorm)") << "video_proj." << "pooled" << "video_proj_out" << true;
  }

  void projectorsMatchLlamaAvsr() {
    QFETCH(QString, prefix);
    QFETCH(QString, input);
    QFETCH(QString, output);
    QFETCH(bool, layerNorm);
    const auto weights = SafetensorsSet::openFile(TensorFixtures::path("projector/projectors.safetensors"));
    const auto options = Projector::optionsFromWeights(weights, prefix.toStdString());
    QCOMPARE(options.layerNorm, layerNorm);
    QCOMPARE(options.hiddenDim, 32);
    QCOMPARE(options.outputDim, 24);
    const auto projector = Projector::load(options, weights, prefix.toStdString(), Runtime{});

    const CaptureSpec spec = CaptureSpec::fromList(prefix.toStdString() + "*");
    std::map<std::string, HostTensor> taps;
    EncoderTaps recorder(spec, prefix.toStdString(), taps);
    torch::NoGradGuard noGrad;
    const auto actual = projector->forward(ref(input.toStdString()), &recorder);
    const double error = TensorFixtures::relativeError(actual, ref(output.toStdString()));
    qInfo("%s projector relative error %.3g", qPrintable(prefix), error);
    QVERIFY(error <= 1e-5);
    const HostTensor& tap = taps.at(prefix.toStdString() + "hook_out");
    QCOMPARE(tap.shape, (std::vector<int64_t>{3, 24}));
    QCOMPARE(tap.at(1, 5), actual[0][1][5].item<float>());
  }

  void badInputsThrow() {
    QVERIFY_THROWS_EXCEPTION(sinkscope::ConfigError, Compression::parseMode("max-pooling"));
    QVERIFY_THROWS_EXCEPTION(sinkscope::ConfigError, Compression(Compression::Mode::Stack, 0));
    QVERIFY_THROWS_EXCEPTION(sinkscope::ShapeError, Compression(Compression::Mode::Stack, 4).apply(torch::zeros({1, 3, 8})));
    QVERIFY_THROWS_EXCEPTION(sinkscope::ShapeError, Compression(Compression::Mode::Stack, 2).apply(torch::zeros({3, 8})));
    Projector projector(sinkscope::ProjectorOptions{8, 16, 4, false});
    QVERIFY_THROWS_EXCEPTION(sinkscope::ShapeError, projector.forward(torch::zeros({1, 3, 9})));
    QVERIFY_THROWS_EXCEPTION(sinkscope::ConfigError, Projector(sinkscope::ProjectorOptions{0, 16, 4, false}));
  }
};

QTEST_GUILESS_MAIN(ProjectorTest)
#include "ProjectorTest.moc"
