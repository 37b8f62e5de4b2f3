// LibTorch before Qt: LibTorch has a member named slots(), Qt a macro of that name.
#include <torch/torch.h>

#include <QtTest>

#include <filesystem>

#include "core/base/Error.h"
#include "core/io/Safetensors.h"
#include "core/model/LogMel.h"
#include "core/model/WhisperFeatures.h"
#include "support/TensorFixtures.h"
#include "support/WavReader.h"

using sinkscope::LogMel;
using sinkscope::SafetensorsFile;
using sinkscope::WhisperFeatures;
using sinkscope::test::TensorFixtures;

// References from scripts/fixtures/make_logmel_fixtures.py: openai-whisper's
// log_mel_spectrogram, librosa.filters.mel, and Hugging Face's WhisperFeatureExtractor
// after Llama-AVSR's utterance normalisation.
class LogMelTest : public QObject {
  Q_OBJECT

  std::shared_ptr<const SafetensorsFile> fixture_;

  torch::Tensor ref(const std::string& name) { return TensorFixtures::load(*fixture_, name); }

 private slots:
  void initTestCase() {
    fixture_ = SafetensorsFile::open(TensorFixtures::path("audio/logmel.safetensors"));
  }

  void melFiltersMatchLibrosa_data() {
    QTest::addColumn<int>("bins");
    QTest::newRow("80") << 80;
    QTest::newRow("128") << 128;
  }

  void melFiltersMatchLibrosa() {
    QFETCH(int, bins);
    const LogMel logMel(bins);
    const auto expected = ref("librosa_mel_" + std::to_string(bins));
    const double error = TensorFixtures::maxAbsError(logMel.filters(), expected);
    qInfo("mel filters %d bins vs librosa: max abs error %.3g (largest weight %.3g)", bins, error,
          expected.abs().max().item<double>());
    QVERIFY(error <= 1e-7);
  }

  void slaneyScaleRoundTrips() {
    for (double hz : {0.0, 440.0, 999.0, 1000.0, 4321.0, 8000.0}) {
      QVERIFY(std::abs(LogMel::melToHz(LogMel::hzToMel(hz)) - hz) < 1e-9 * std::max(1.0, hz));
    }
    QCOMPARE(LogMel::hzToMel(1000.0), 15.0);
  }

  void noiseMatchesWhisper_data() {
    QTest::addColumn<int>("bins");
    QTest::newRow("80") << 80;
    QTest::newRow("128") << 128;
  }

  void noiseMatchesWhisper() {
    QFETCH(int, bins);
    const auto waveform = ref("noise_waveform");
    const auto expected = ref("noise_log_mel_" + std::to_string(bins));
    const auto actual = LogMel(bins).compute(waveform);
    QCOMPARE(actual.size(0), int64_t(bins));
    QCOMPARE(actual.size(1), waveform.size(0) / LogMel::kHopSamples);
    const double error = TensorFixtures::maxAbsError(actual, expected);
    qInfo("log-mel %d bins on 1.3 s noise vs openai-whisper: max abs error %.3g", bins, error);
    QVERIFY(error <= 1e-4);
  }

  void jfkMatchesWhisper() {
    const std::string wav = std::string(SINKSCOPE_SHARED_DIR) + "/media/jfk.wav";
    if (!std::filesystem::exists(wav)) QSKIP("shared media (jfk.wav) not available");
    const auto audio = sinkscope::test::WavReader::readPcm16(wav);
    QCOMPARE(audio.sampleRateHz, 16000);
    QCOMPARE(audio.channels, 1);
    QCOMPARE(int64_t(audio.samples.size()), ref("jfk_num_samples").item<int64_t>());
    const auto waveform = torch::from_blob(const_cast<float*>(audio.samples.data()),
                                           {int64_t(audio.samples.size())}, torch::kFloat32);
    const auto actual = LogMel(80).compute(waveform);
    const auto expected = ref("jfk_log_mel_80");
    const double error = TensorFixtures::maxAbsError(actual, expected);
    qInfo("log-mel 80 bins on jfk.wav (%lld frames) vs openai-whisper: max abs error %.3g",
          static_cast<long long>(actual.size(1)), error);
    QVERIFY(error <= 1e-4);
  }

  void utteranceNormalisationMatchesLayerNorm() {
    const auto actual = WhisperFeatures::normalizeUtterance(ref("noise_waveform"));
    const double error = TensorFixtures::maxAbsError(actual, ref("noise_normalized"));
    qInfo("utterance normalisation vs torch layer_norm(eps=1e-8): max abs error %.3g", error);
    QVERIFY(error <= 1e-5);
    QVERIFY(std::abs(actual.mean().item<double>()) < 1e-6);
    QVERIFY(std::abs(actual.var(/*unbiased=*/false).item<double>() - 1.0) < 1e-4);
  }

  void encoderInputMatchesHuggingFace() {
    const LogMel logMel(80);
    const auto actual = WhisperFeatures::encoderInput(ref("noise_waveform"), logMel);
    QCOMPARE(actual.size(0), int64_t(80));
    QCOMPARE(actual.size(1), WhisperFeatures::kChunkFrames);
    const auto head = ref("hf_encoder_input_head");
    const double headError = TensorFixtures::maxAbsError(actual.narrow(1, 0, head.size(1)), head);
    const auto tail = actual.narrow(1, head.size(1), actual.size(1) - head.size(1));
    const double tailError =
        (tail - ref("hf_encoder_input_tail_value").item<float>()).abs().max().item<double>();
    qInfo("normalised + 30 s padded encoder input vs HF WhisperFeatureExtractor: max abs error %.3g "
          "(first %lld frames), %.3g (padding frames)",
          headError, static_cast<long long>(head.size(1)), tailError);
    QVERIFY(headError <= 1e-4);
    QVERIFY(tailError <= 1e-4);
  }

  void longInputIsCutToThirtySeconds() {
    const auto waveform = torch::randn({WhisperFeatures::kChunkSamples + 16000});
    const auto features = WhisperFeatures::encoderInput(waveform, LogMel(80));
    QCOMPARE(features.size(1), WhisperFeatures::kChunkFrames);
  }

  void badInputsThrow() {
    const LogMel logMel(80);
    QVERIFY_THROWS_EXCEPTION(sinkscope::ShapeError, logMel.compute(torch::zeros({200})));
    QVERIFY_THROWS_EXCEPTION(sinkscope::ShapeError, logMel.compute(torch::zeros({2, 1000})));
    QVERIFY_THROWS_EXCEPTION(sinkscope::ShapeError, WhisperFeatures::normalizeUtterance(torch::zeros({0})));
    QVERIFY_THROWS_EXCEPTION(sinkscope::ConfigError, LogMel::melFilterBank(16000, 400, 0));
  }
};

QTEST_GUILESS_MAIN(LogMelTest)
#include "LogMelTest.moc"
