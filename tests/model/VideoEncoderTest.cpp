// LibTorch before Qt: LibTorch has a member named slots(), Qt a macro of that name.
#include <torch/torch.h>

#include <QtTest>

#include <set>

#include <nlohmann/json.hpp>

#include "core/base/CaptureSpec.h"
#include "core/base/Error.h"
#include "core/io/Safetensors.h"
#include "core/model/EncoderTaps.h"
#include "core/model/VideoEncoder.h"
#include "support/FixtureRandom.h"
#include "support/TensorFixtures.h"

using sinkscope::CaptureSpec;
using sinkscope::EncoderTaps;
using sinkscope::HostTensor;
using sinkscope::Runtime;
using sinkscope::SafetensorsFile;
using sinkscope::SafetensorsSet;
using sinkscope::VideoEncoder;
using sinkscope::VideoEncoderConfig;
using sinkscope::test::TensorFixtures;

namespace {

constexpr std::uint64_t kInputSeed = 2002;  // make_video_fixtures.py INPUT_SEED

torch::Tensor fromHost(const HostTensor& tensor) {
  return torch::from_blob(const_cast<float*>(tensor.values.data()), tensor.shape, torch::kFloat32).clone();
}

torch::Tensor fixtureVideo() {  // [1, 1, 12, 88, 88], uniform in [-2, 2)
  auto values = sinkscope::test::FixtureRandom::uniform(12 * 88 * 88, kInputSeed);
  return torch::from_blob(values.data(), {1, 1, 12, 88, 88}, torch::kFloat32).clone() * 2.0f;
}

}  // namespace

// References from scripts/fixtures/make_video_fixtures.py: a separate plain torch.nn
// implementation of AV-HuBERT's video path (ResEncoder + SubModel + fairseq's
// TransformerEncoder), in two variants.
class VideoEncoderTest : public QObject {
  Q_OBJECT

 private slots:
  void matchesPythonReference_data() {
    QTest::addColumn<QString>("variant");
    QTest::addColumn<int>("layers");
    QTest::newRow("large (pre-norm, PReLU, concat)") << "large" << 2;
    QTest::newRow("base (post-norm, ReLU, add)") << "base" << 1;
  }

  void matchesPythonReference() {
    QFETCH(QString, variant);
    QFETCH(int, layers);
    const std::string name = variant.toStdString();
    const auto encoder = VideoEncoder::load(TensorFixtures::path("video/" + name), Runtime{});
    const auto reference = SafetensorsFile::open(TensorFixtures::path("video/" + name + "-reference.safetensors"));
    QCOMPARE(encoder->config().numLayers, layers);

    const CaptureSpec spec = CaptureSpec::fromList("video_encoder.*");
    std::map<std::string, HostTensor> taps;
    EncoderTaps recorder(spec, VideoEncoder::kTapPrefix, taps);
    torch::Tensor output;
    {
      torch::NoGradGuard noGrad;
      output = encoder->forward(fixtureVideo(), &recorder);
    }
    QCOMPARE(output.size(1), int64_t(12));

    auto check = [&](const std::string& what, const torch::Tensor& actual) {
      const double error = TensorFixtures::relativeError(actual, TensorFixtures::load(*reference, what));
      qInfo("%-6s %-28s relative error %.3g", name.c_str(), what.c_str(), error);
      QVERIFY2(error <= 1e-5, what.c_str());
    };
    check("output", output[0]);
    for (const auto& key : reference->keys()) {
      if (key == "output") continue;
      QVERIFY2(taps.count("video_encoder." + key) == 1, key.c_str());
      check(key, fromHost(taps.at("video_encoder." + key)));
    }
    QCOMPARE(taps.size(), reference->keys().size() - 1);
  }

  // The module covers every tensor of the checkpoint, so a converted AV-HuBERT video
  // encoder loads with nothing left over.
  void registersExactlyTheCheckpointNames() {
    for (const std::string name : {"large", "base"}) {
      const auto weights = SafetensorsSet::openDirectory(TensorFixtures::path("video/" + name));
      const VideoEncoder encoder(VideoEncoderConfig::fromFile(TensorFixtures::path("video/" + name + "/config.json")));
      std::set<std::string> registered;
      for (const auto& item : encoder.named_parameters()) registered.insert(item.key());
      for (const auto& item : encoder.named_buffers()) registered.insert(item.key());
      const auto keys = weights.keys();
      QCOMPARE(registered, std::set<std::string>(keys.begin(), keys.end()));
      QVERIFY(registered.count("feature_extractor_video.resnet.frontend3D.0.weight") == 1);
      QVERIFY(registered.count("encoder.pos_conv.0.weight_g") == 1);
      QVERIFY(registered.count("encoder.layers.0.self_attn.k_proj.bias") == 1);
    }
  }

  void mouthRoisNormalisedLikeLlamaAvsr() {
    const auto fixture = SafetensorsFile::open(TensorFixtures::path("video/mouth-rois.safetensors"));
    const auto rois = TensorFixtures::load(*fixture, "rois");  // [T, 96, 96] uint8
    const auto actual = VideoEncoder::prepareMouthRois(rois);
    const double error = TensorFixtures::maxAbsError(actual, TensorFixtures::load(*fixture, "model_input"));
    qInfo("mouth ROI preprocessing vs reference: max abs error %.3g", error);
    QVERIFY(error <= 1e-6);
    QVERIFY_THROWS_EXCEPTION(sinkscope::ShapeError, VideoEncoder::prepareMouthRois(torch::zeros({2, 96, 96})));
    QVERIFY_THROWS_EXCEPTION(sinkscope::ShapeError,
                             VideoEncoder::prepareMouthRois(torch::zeros({2, 80, 96}, torch::kUInt8)));
  }

  void badConfigNamesTheKey() {
    nlohmann::json config = {{"encoder_layers", 1}, {"encoder_embed_dim", 32}, {"encoder_ffn_embed_dim", 64},
                             {"encoder_attention_heads", 4}, {"resnet_relu_type", "swish"}};
    try {
      VideoEncoderConfig::fromJson(config, "video.json");
      QFAIL("expected ConfigError");
    } catch (const sinkscope::ConfigError& e) {
      QVERIFY(std::string(e.what()).find("resnet_relu_type") != std::string::npos);
    }
    config["resnet_relu_type"] = "relu";
    config["resnet_widths"] = {8, 16};
    QVERIFY_THROWS_EXCEPTION(sinkscope::ConfigError, VideoEncoderConfig::fromJson(config, "video.json"));
    config.erase("resnet_widths");
    config["conv_pos_groups"] = 5;
    QVERIFY_THROWS_EXCEPTION(sinkscope::ConfigError, VideoEncoderConfig::fromJson(config, "video.json"));
    config.erase("conv_pos_groups");
    config["sub_encoder_layers"] = 2;
    try {
      VideoEncoderConfig::fromJson(config, "video.json");
      QFAIL("expected ConfigError");
    } catch (const sinkscope::ConfigError& e) {
      QVERIFY(std::string(e.what()).find("sub_encoder_layers") != std::string::npos);
    }
  }

  void wrongInputShapeThrows() {
    VideoEncoderConfig config;
    config.numLayers = 1;
    config.embedDim = 16;
    config.ffnDim = 32;
    config.numHeads = 2;
    config.convPosKernel = 4;
    config.convPosGroups = 2;
    config.frontendChannels = 4;
    config.trunkWidths = {4, 4, 8, 8};
    config.trunkBlocks = {1, 1, 1, 1};
    VideoEncoder encoder(config);
    encoder.eval();
    torch::NoGradGuard noGrad;
    QVERIFY_THROWS_EXCEPTION(sinkscope::ShapeError, encoder.forward(torch::zeros({1, 3, 4, 88, 88})));
    QCOMPARE(encoder.forward(torch::randn({1, 1, 5, 88, 88})).sizes().vec(), (std::vector<int64_t>{1, 5, 16}));
  }
};

QTEST_GUILESS_MAIN(VideoEncoderTest)
#include "VideoEncoderTest.moc"
