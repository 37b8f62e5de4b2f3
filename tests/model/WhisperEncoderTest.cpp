// LibTorch before Qt: LibTorch has a member named slots(), Qt a macro of that name.
#include <torch/torch.h>

#include <QtTest>

#include <nlohmann/json.hpp>

#include "core/base/CaptureSpec.h"
#include "core/base/Error.h"
#include "core/io/Safetensors.h"
#include "core/model/EncoderTaps.h"
#include "core/model/WhisperEncoder.h"
#include "core/model/WhisperFeatures.h"
#include "support/FixtureRandom.h"
#include "support/TensorFixtures.h"

using sinkscope::CaptureSpec;
using sinkscope::EncoderTaps;
using sinkscope::HostTensor;
using sinkscope::Runtime;
using sinkscope::SafetensorsFile;
using sinkscope::WhisperEncoder;
using sinkscope::WhisperEncoderConfig;
using sinkscope::WhisperFeatures;
using sinkscope::test::TensorFixtures;

namespace {

torch::Tensor fromHost(const HostTensor& tensor) {
  return torch::from_blob(const_cast<float*>(tensor.values.data()), tensor.shape, torch::kFloat32).clone();
}

}  // namespace

// References from scripts/fixtures/make_whisper_fixtures.py: a random tiny Hugging Face
// Whisper checkpoint and its encoder's outputs (transformers 4.44, eager attention).
class WhisperEncoderTest : public QObject {
  Q_OBJECT

  std::shared_ptr<WhisperEncoder> encoder_;
  std::shared_ptr<const SafetensorsFile> reference_;
  torch::Tensor input_;  // [1, 80, 3000]
  torch::Tensor rows_;   // frames kept in the reference

  torch::Tensor ref(const std::string& name) { return TensorFixtures::load(*reference_, name); }

 private slots:
  void initTestCase() {
    encoder_ = WhisperEncoder::load(TensorFixtures::path("whisper/tiny-whisper"), Runtime{});
    reference_ = SafetensorsFile::open(TensorFixtures::path("whisper/tiny-whisper-reference.safetensors"));
    const auto seed = static_cast<std::uint64_t>(ref("input_seed").item<int64_t>());
    auto values = sinkscope::test::FixtureRandom::uniform(80 * 3000, seed);
    input_ = torch::from_blob(values.data(), {1, 80, 3000}, torch::kFloat32).clone();
    rows_ = ref("rows");
  }

  void configComesFromConfigJson() {
    const auto& config = encoder_->config();
    QCOMPARE(config.dModel, 64);
    QCOMPARE(config.numLayers, 2);
    QCOMPARE(config.numHeads, 4);
    QCOMPARE(config.ffnDim, 128);
    QCOMPARE(config.numMelBins, 80);
    QCOMPARE(config.maxSourcePositions, 1500);
  }

  void outputsAndTapsMatchTransformers() {
    const CaptureSpec spec = CaptureSpec::fromList("audio_encoder.*");
    std::map<std::string, HostTensor> taps;
    EncoderTaps recorder(spec, WhisperEncoder::kTapPrefix, taps);
    torch::Tensor output;
    {
      torch::NoGradGuard noGrad;
      output = encoder_->forward(input_, &recorder);
    }
    QCOMPARE(output.size(1), int64_t(1500));

    auto check = [&](const std::string& what, const torch::Tensor& actual, const torch::Tensor& expected) {
      const double error = TensorFixtures::relativeError(actual, expected);
      qInfo("%-34s relative error %.3g", what.c_str(), error);
      QVERIFY2(error <= 1e-5, what.c_str());
    };
    check("last_hidden_state", output[0].index_select(0, rows_), ref("last_hidden_state"));
    check("hook_embed", fromHost(taps.at("audio_encoder.hook_embed")).index_select(0, rows_), ref("hook_embed"));
    check("ln_final.hook_normalized",
          fromHost(taps.at("audio_encoder.ln_final.hook_normalized")).index_select(0, rows_),
          ref("last_hidden_state"));
    for (int l = 0; l < 2; ++l) {
      for (const std::string leaf : {"hook_resid_post", "hook_attn_out", "hook_mlp_out"}) {
        const std::string name = "blocks." + std::to_string(l) + "." + leaf;
        check(name, fromHost(taps.at("audio_encoder." + name)).index_select(0, rows_), ref(name));
      }
      const std::string pattern = "blocks." + std::to_string(l) + ".attn.hook_pattern";
      const auto full = fromHost(taps.at("audio_encoder." + pattern));  // [H, T, T]
      QCOMPARE(full.sizes().vec(), (std::vector<int64_t>{4, 1500, 1500}));
      check(pattern, full.index_select(1, ref("query_rows")), ref(pattern));
    }
    QCOMPARE(int(taps.size()), 2 + 2 * 4);
  }

  void onlyWantedTapsAreCopied() {
    CaptureSpec spec = CaptureSpec::fromList("audio_encoder.blocks.*.hook_resid_post,audio_encoder.blocks.*.attn.hook_pattern,blocks.0.hook_mlp_out");
    spec.layers = {1};
    spec.heads = {2};
    std::map<std::string, HostTensor> taps;
    EncoderTaps recorder(spec, WhisperEncoder::kTapPrefix, taps);
    {
      torch::NoGradGuard noGrad;
      encoder_->forward(input_, &recorder);
    }
    QCOMPARE(int(taps.size()), 2);
    QVERIFY(taps.count("audio_encoder.blocks.1.hook_resid_post") == 1);
    const auto pattern = fromHost(taps.at("audio_encoder.blocks.1.attn.hook_pattern"));  // [1, T, T]
    QCOMPARE(pattern.sizes().vec(), (std::vector<int64_t>{1, 1500, 1500}));
    const auto expected = ref("blocks.1.attn.hook_pattern").narrow(0, 2, 1);
    QVERIFY(TensorFixtures::relativeError(pattern.index_select(1, ref("query_rows")), expected) <= 1e-5);
  }

  void sinusoidsMatchStoredPositions() {
    const auto weights = SafetensorsFile::open(TensorFixtures::path("whisper/tiny-whisper/model.safetensors"));
    const auto stored = TensorFixtures::load(*weights, "model.encoder.embed_positions.weight");
    const double error = TensorFixtures::maxAbsError(WhisperEncoder::sinusoids(1500, 64), stored);
    qInfo("generated sinusoids vs checkpoint embed_positions: max abs error %.3g", error);
    QVERIFY(error <= 1e-5);
    // A randomly initialised encoder starts from the same table.
    const WhisperEncoder fresh(encoder_->config());
    QVERIFY(TensorFixtures::maxAbsError(fresh.named_parameters()["embed_positions.weight"], stored) <= 1e-5);
  }

  void keptFramesFollowLlamaAvsr() {
    const auto table = ref("kept_frames");  // [N, 2] (samples, int(n / 16000 * 50) floored at 25)
    for (int64_t i = 0; i < table.size(0); ++i) {
      const int64_t samples = table[i][0].item<int64_t>();
      const int64_t expected = std::min<int64_t>(table[i][1].item<int64_t>(), 1500);
      QCOMPARE(WhisperFeatures::keptEncoderFrames(samples), expected);
    }
    QCOMPARE(WhisperFeatures::keptEncoderFrames(0), int64_t(25));
    QCOMPARE(WhisperFeatures::keptEncoderFrames(176000), int64_t(550));
    const auto hidden = torch::zeros({1, 1500, 8});
    QCOMPARE(WhisperFeatures::truncateEncoderOutput(hidden, 48000).size(1), int64_t(150));
    QCOMPARE(WhisperFeatures::truncateEncoderOutput(hidden, 700000).size(1), int64_t(1500));
  }

  void shortInputUsesLeadingPositions() {
    torch::NoGradGuard noGrad;
    const auto out = encoder_->forward(input_.narrow(2, 0, 200));
    QCOMPARE(out.size(1), int64_t(100));
    QVERIFY_THROWS_EXCEPTION(sinkscope::ShapeError, encoder_->forward(torch::zeros({1, 80, 3002})));
    QVERIFY_THROWS_EXCEPTION(sinkscope::ShapeError, encoder_->forward(torch::zeros({1, 128, 3000})));
  }

  void capturingABatchThrows() {
    const CaptureSpec spec = CaptureSpec::fromList("audio_encoder.hook_embed");
    std::map<std::string, HostTensor> taps;
    EncoderTaps recorder(spec, WhisperEncoder::kTapPrefix, taps);
    torch::NoGradGuard noGrad;
    QVERIFY_THROWS_EXCEPTION(sinkscope::ShapeError,
                             encoder_->forward(input_.narrow(2, 0, 100).repeat({2, 1, 1}), &recorder));
  }

  void badConfigNamesTheKey() {
    nlohmann::json config = {{"d_model", 64}, {"encoder_layers", 2}, {"encoder_attention_heads", 5},
                             {"encoder_ffn_dim", 128}, {"num_mel_bins", 80}, {"max_source_positions", 1500}};
    try {
      WhisperEncoderConfig::fromJson(config, "cfg.json");
      QFAIL("expected ConfigError");
    } catch (const sinkscope::ConfigError& e) {
      QVERIFY(std::string(e.what()).find("encoder_attention_heads") != std::string::npos);
    }
    config.erase("num_mel_bins");
    config["encoder_attention_heads"] = 4;
    try {
      WhisperEncoderConfig::fromJson(config, "cfg.json");
      QFAIL("expected ConfigError");
    } catch (const sinkscope::ConfigError& e) {
      QVERIFY(std::string(e.what()).find("num_mel_bins") != std::string::npos);
    }
  }
};

QTEST_GUILESS_MAIN(WhisperEncoderTest)
#include "WhisperEncoderTest.moc"
