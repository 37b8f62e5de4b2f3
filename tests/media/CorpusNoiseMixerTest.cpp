#include <QtTest>

#include <cmath>

#include "core/corpus/NoiseMixer.h"

using sinkscope::corpus::NoiseMixer;

namespace {

std::vector<std::int16_t> tone(std::size_t n, double amplitude) {
  std::vector<std::int16_t> out(n);
  for (std::size_t i = 0; i < n; ++i)
    out[i] = static_cast<std::int16_t>(std::lround(amplitude * (std::sin(2 * M_PI * 440.0 * i / 16000.0) +
                                                                  0.3 * std::sin(2 * M_PI * 1230.0 * i / 16000.0))));
  return out;
}

// SNR computed here from scratch: speech energy after the reported gain against the
// energy of everything else in the mix.
double snrOf(const std::vector<std::int16_t>& speech, const NoiseMixer::Mix& mix) {
  double s2 = 0;
  double n2 = 0;
  for (std::size_t i = 0; i < speech.size(); ++i) {
    const double s = speech[i] * mix.speechGain;
    s2 += s * s;
    n2 += (mix.samples[i] - s) * (mix.samples[i] - s);
  }
  return 10 * std::log10(s2 / n2);
}

}  // namespace

class CorpusNoiseMixerTest : public QObject {
  Q_OBJECT

 private slots:
  void hitsTheSnr_data() {
    QTest::addColumn<double>("snrDb");
    QTest::addColumn<double>("amplitude");
    for (double snr : {20.0, 10.0, 5.0, 0.0, -5.0}) {
      QTest::newRow(qPrintable(QString("%1 dB").arg(snr))) << snr << 6000.0;
      QTest::newRow(qPrintable(QString("%1 dB loud").arg(snr))) << snr << 20000.0;
    }
  }
  void hitsTheSnr() {
    QFETCH(double, snrDb);
    QFETCH(double, amplitude);
    const auto speech = tone(32000, amplitude);
    const auto white = NoiseMixer::whiteNoise(48000, 7, 2500.0);
    const auto mixWhite = NoiseMixer::mix(speech, white, snrDb, 1234);
    QVERIFY2(std::abs(snrOf(speech, mixWhite) - snrDb) < 0.1, qPrintable(QString::number(snrOf(speech, mixWhite))));
    QVERIFY(std::abs(NoiseMixer::measureSnrDb(speech, mixWhite) - snrDb) < 0.1);
    // A babble-like noise: two other "talkers".
    const auto babble = NoiseMixer::babble({tone(20000, 3000.0), NoiseMixer::whiteNoise(15000, 3, 500.0)});
    const auto mixBabble = NoiseMixer::mix(speech, babble, snrDb, 777);
    QVERIFY2(std::abs(snrOf(speech, mixBabble) - snrDb) < 0.1, qPrintable(QString::number(snrOf(speech, mixBabble))));
    // Loud speech at low SNR would clip: both are scaled down instead.
    if (amplitude > 10000 && snrDb <= 0) QVERIFY(mixWhite.speechGain < 1.0);
  }

  void whiteNoiseIsDeterministicAtItsRms() {
    const auto a = NoiseMixer::whiteNoise(160000, 42, 3000.0);
    const auto b = NoiseMixer::whiteNoise(160000, 42, 3000.0);
    QCOMPARE(a, b);
    QVERIFY(a != NoiseMixer::whiteNoise(160000, 43, 3000.0));
    QVERIFY(std::abs(std::sqrt(NoiseMixer::meanSquare(a)) - 3000.0) < 30.0);
  }

  void babbleHasTheRequestedLevelAndLength() {
    const auto b = NoiseMixer::babble({tone(16000, 100.0), tone(8000, 9000.0), NoiseMixer::whiteNoise(4000, 1, 50.0)}, 2000.0);
    QCOMPARE(b.size(), std::size_t(16000));
    QVERIFY(std::abs(std::sqrt(NoiseMixer::meanSquare(b)) - 2000.0) < 5.0);
  }

  void silentNoiseIsAnError() {
    QVERIFY_THROWS_EXCEPTION(std::exception, NoiseMixer::mix(tone(100, 1000.0), std::vector<std::int16_t>(50, 0), 0.0));
  }
};

QTEST_GUILESS_MAIN(CorpusNoiseMixerTest)
#include "CorpusNoiseMixerTest.moc"
